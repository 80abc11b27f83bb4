/**
 * Constant expressions: no free names (comprehension variables are bound) and calls to built-ins
 * only (`sum`, `len`, `str`, … — never the caller's functions, which may draw randomness or read
 * time). A constant expression gives the same value on every evaluation, so `compileExpression`
 * evaluates it once at compile time: one that goes over a limit (`['x' * 1000000] * 1000000`) is
 * refused when the model is validated instead of failing on the first event.
 *
 * @example
 * isConstant(ast('[0] * 1000000'), undefined); // true
 * isConstant(ast('random(1, 6)'), storyFunctions()); // false
 */
import type { Expr } from './ast';
import { childrenOf } from './ast';
import { BUILTINS } from './builtins';
import type { FunctionRegistry } from './functions';
import { resolveFunction } from './functions';

/** Whether `ast` evaluates without variables and without the caller's functions. */
export const isConstant = <C>(ast: Expr, functions: FunctionRegistry<C> | undefined): boolean => {
  const visit = (node: Expr, locals: ReadonlySet<string>): boolean => {
    switch (node._tag) {
      case 'Name':
        return locals.has(node.name);
      case 'Call': {
        const spec = resolveFunction(node.callee, functions);
        if (spec === undefined || !Object.prototype.hasOwnProperty.call(BUILTINS, node.callee) || spec !== BUILTINS[node.callee]) return false;
        break;
      }
      case 'Comprehension': {
        let inner = locals;
        for (const clause of node.clauses) {
          if (clause._tag === 'For') {
            if (!visit(clause.iterable, inner)) return false;
            inner = new Set(inner).add(clause.name);
          } else if (!visit(clause.test, inner)) {
            return false;
          }
        }
        return visit(node.element, inner);
      }
      default:
        break;
    }
    for (const child of childrenOf(node)) if (!visit(child, locals)) return false;
    return true;
  };
  return visit(ast, new Set());
};
