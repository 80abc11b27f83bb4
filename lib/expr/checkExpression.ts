/**
 * Static checks before evaluation, all errors at once with positions: unknown functions (with
 * "did you mean"), unknown root names given the names in scope (comprehension variables are in
 * scope inside their comprehension), and calls that do not fit a function's known arity or
 * keywords.
 *
 * @example
 * const r = parseExpression('sm(x.a for x in itms)');
 * if (r.ok) checkExpression(r.ast, { names: ['items'] });
 * // [{ message: 'unknown function "sm"; did you mean "sum"?', start: 0, end: 2 },
 * //  { message: 'unknown name "itms"; did you mean "items"?', start: 16, end: 20 }]
 */
import type { Expr } from './ast';
import { absurd, childrenOf, pathOf } from './ast';
import type { ExprError } from './errors';
import type { FunctionRegistry } from './functions';
import { arityProblem, keywordProblem, knownFunctionNames, resolveFunction } from './functions';
import { suggest } from './suggest';

/** What an expression may refer to. */
export interface CheckScope<C = unknown> {
  /** The caller's functions (the built-ins are always known). */
  readonly functions?: FunctionRegistry<C>;
  /**
   * The root names variables will provide (`items`, `prev`, …), or a predicate; when omitted,
   * names are not checked.
   */
  readonly names?: Iterable<string> | ((name: string) => boolean);
}

/** Every static problem of `ast` in `scope` (an empty array if none), in source order. */
export const checkExpression = <C = unknown>(ast: Expr, scope: CheckScope<C> = {}): ExprError[] => {
  const errors: ExprError[] = [];
  const names = scope.names;
  const listed = names === undefined || typeof names === 'function' ? undefined : new Set(names);
  const known = typeof names === 'function' ? names : listed === undefined ? undefined : (n: string) => listed.has(n);
  const candidates = (): string[] => (listed === undefined ? [] : [...listed]);
  let functionNames: string[] | undefined;

  const visit = (node: Expr, locals: ReadonlySet<string>): void => {
    switch (node._tag) {
      case 'Literal':
        return;
      case 'Name':
        if (known !== undefined && !locals.has(node.name) && !known(node.name)) {
          const near = suggest(node.name, [...candidates(), ...locals]);
          errors.push({ message: `unknown name "${node.name}"${near}`, start: node.start, end: node.end });
        }
        return;
      case 'Call': {
        const spec = resolveFunction(node.callee, scope.functions);
        if (spec === undefined) {
          functionNames ??= knownFunctionNames(scope.functions);
          errors.push({ message: `unknown function "${node.callee}"${suggest(node.callee, functionNames)}`, start: node.calleeStart, end: node.calleeEnd });
        } else {
          const arity = arityProblem(node.callee, spec, node.args.length);
          if (arity !== undefined) {
            const max = spec.maxArgs ?? Infinity;
            const extra = node.args.length > max ? node.args[max] : undefined;
            errors.push({ message: arity, start: extra?.start ?? node.start, end: extra === undefined ? node.end : node.args[node.args.length - 1].end });
          }
          for (const kw of node.kwargs) {
            const problem = keywordProblem(node.callee, spec, kw.name);
            if (problem !== undefined) errors.push({ message: problem, start: kw.start, end: kw.start + kw.name.length });
          }
        }
        for (const arg of node.args) {
          if (spec?.pathArgs === true && pathOf(arg) !== undefined) continue;
          visit(arg, locals);
        }
        for (const kw of node.kwargs) visit(kw.value, locals);
        return;
      }
      case 'Comprehension': {
        let inner = locals;
        for (const clause of node.clauses) {
          if (clause._tag === 'For') {
            visit(clause.iterable, inner);
            inner = new Set(inner).add(clause.name);
          } else {
            visit(clause.test, inner);
          }
        }
        visit(node.element, inner);
        return;
      }
      case 'List':
      case 'Dict':
      case 'Member':
      case 'Index':
      case 'Unary':
      case 'Binary':
      case 'Logical':
      case 'Compare':
      case 'Conditional':
      case 'Template':
        for (const child of childrenOf(node)) visit(child, locals);
        return;
      default:
        return absurd(node);
    }
  };
  visit(ast, new Set());
  return errors.sort((a, b) => a.start - b.start || a.end - b.end);
};
