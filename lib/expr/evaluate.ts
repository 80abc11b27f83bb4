/**
 * One-off evaluation of a parsed expression: compiles it (cached per tree and function registry)
 * and runs it. Front ends that evaluate the same field for every event should hold on to the
 * evaluator from `compileExpression` instead.
 *
 * @example
 * const r = parseExpression('duration(hours=1)');
 * if (r.ok) evaluate(r.ast, { functions: { duration: (_a, kw) => (kw.hours as number) * 3_600_000 } }); // 3600000
 */
import type { Expr } from './ast';
import type { EvalLimits } from './budget';
import type { Evaluator, Variables } from './compileAst';
import { compileAst } from './compileAst';
import type { FunctionRegistry } from './functions';

/** What an expression is evaluated against. */
export interface EvalEnv<C = unknown> {
  /** The root names (a record, or a lookup returning `undefined` for unknown names). */
  readonly variables?: Variables;
  /** The caller's functions, over the built-ins. */
  readonly functions?: FunctionRegistry<C>;
  /** Handed to every registered function (seeded rng, simulation time, faker…). */
  readonly context?: C;
  /** Limits raised over the defaults (`MAX_STEPS`, `MAX_VALUE_SIZE`, `MAX_VALUE_DEPTH`; see budget.ts). */
  readonly limits?: Partial<EvalLimits>;
}

const NO_VARIABLES: Variables = Object.freeze({});
const cache = new WeakMap<Expr, { readonly functions: unknown; readonly limits: unknown; readonly run: Evaluator<never> }>();

/** Evaluates `ast`; throws `ExprEvalError` (with the failing node's `start`/`end`) on failure. */
export const evaluate = <C = unknown>(ast: Expr, env: EvalEnv<C> = {}): unknown => {
  const hit = cache.get(ast);
  let run: Evaluator<C>;
  if (hit !== undefined && hit.functions === env.functions && hit.limits === env.limits) {
    run = hit.run as Evaluator<C>;
  } else {
    run = compileAst(ast, env.functions, env.limits);
    cache.set(ast, { functions: env.functions, limits: env.limits, run: run as Evaluator<never> });
  }
  return run(env.variables ?? NO_VARIABLES, env.context);
};
