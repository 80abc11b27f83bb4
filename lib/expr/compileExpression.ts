/**
 * Parse + check + compile in one step, for front ends that compile a field once and evaluate it
 * for every event: `compileExpression` for expressions, `compileTemplate` for `"… ${x} …"` text.
 * Function names are resolved once, at compile time: later changes to the registry object are not
 * seen by an evaluator already built. A constant expression (no names, built-in functions only) is
 * evaluated once here, so one that exceeds an evaluation limit is a compile error (see budget.ts;
 * `limits` raises them).
 *
 * @example
 * const total = compileExpression('round(sum(i.quantity * i.unit_price for i in items), 2)', { names: ['items'] });
 * if (!total.ok) throw new Error(total.errors.map((e) => formatExprError(src, e)).join('\n'));
 * total.evaluate({ items: [{ quantity: 2, unit_price: 9.99 }] }); // 19.98
 */
import type { Expr, Template } from './ast';
import type { EvalLimits } from './budget';
import { ExprLimitError } from './budget';
import type { CheckScope } from './checkExpression';
import { checkExpression } from './checkExpression';
import { isConstant } from './constantExpr';
import type { Evaluator } from './compileAst';
import { compileAst } from './compileAst';
import type { ExprError } from './errors';
import type { ParseOptions, ParseResult } from './parseExpression';
import { parseExpression } from './parseExpression';
import { parseTemplate } from './parseTemplate';

/** Options of `compileExpression` / `compileTemplate`: what may be referred to, where the text sits, the evaluation limits. */
export interface CompileOptions<C = unknown> extends CheckScope<C>, ParseOptions {
  /** Evaluation limits raised over the defaults (`MAX_STEPS`, `MAX_VALUE_SIZE`, `MAX_VALUE_DEPTH`). */
  readonly limits?: Partial<EvalLimits>;
}

/** A ready evaluator (and its tree), or every syntax/check error. */
export type CompileResult<A extends Expr, C = unknown, T = unknown> =
  { readonly ok: true; readonly ast: A; readonly evaluate: Evaluator<C, T> } | { readonly ok: false; readonly errors: readonly ExprError[] };

const finish = <A extends Expr, C, T>(parsed: ParseResult<A>, options: CompileOptions<C>): CompileResult<A, C, T> => {
  if (!parsed.ok) return parsed;
  const errors = checkExpression(parsed.ast, options);
  if (errors.length > 0) return { ok: false, errors };
  const evaluate = compileAst(parsed.ast, options.functions, options.limits) as Evaluator<C, T>;
  if (isConstant(parsed.ast, options.functions)) {
    try {
      evaluate({});
    } catch (e) {
      // Only a limit is reported now: other failures (`1 / 0`) stay where they are, at run time.
      if (e instanceof ExprLimitError) return { ok: false, errors: [{ message: e.message, start: e.start, end: e.end }] };
    }
  }
  return { ok: true, ast: parsed.ast, evaluate };
};

/** Parses, checks (functions, and names if `options.names` is given) and compiles an expression. */
export const compileExpression = <C = unknown>(src: string, options: CompileOptions<C> = {}): CompileResult<Expr, C> =>
  finish(parseExpression(src, options), options);

/** Parses, checks and compiles a template; its evaluator returns a string. */
export const compileTemplate = <C = unknown>(text: string, options: CompileOptions<C> = {}): CompileResult<Template, C, string> =>
  finish(parseTemplate(text, options), options);
