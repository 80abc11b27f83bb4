/**
 * The evaluation budget: what one evaluation of an expression may cost, so that no expression can
 * hang the tool or exhaust its memory (`[x for x in [0]*1000000 for y in [0]*1000000]`,
 * `['x' * 1000000] * 1000000`). Three limits, each raisable through the `limits` option of
 * `compileExpression` / `compileTemplate` / `evaluate` / `compileAst`:
 *
 * - `maxSteps` (`MAX_STEPS`): steps per evaluation. An operation evaluated inside a comprehension
 *   counts one step, and walking or building a value counts one step per list item, dict entry or
 *   character (comparing, copying, iterating, converting to text).
 * - `maxValueSize` (`MAX_VALUE_SIZE`): the size of any string, list or dict the expression builds,
 *   nested values included: a string counts its characters, a list its items, a dict its entries
 *   (plus the sizes of the items and values inside).
 * - `maxValueDepth` (`MAX_VALUE_DEPTH`): how deeply lists and dicts it builds may nest.
 *
 * Exceeding a limit throws an `ExprEvalError` naming it, at the operation that went over. The budget
 * of the running evaluation is module state (`active`): the value primitives (values.ts,
 * operators.ts) charge it without every caller passing it along; evaluations nest (a function that
 * evaluates another expression) by saving and restoring it.
 *
 * @example
 * compileExpression("'x' * 2000000").evaluate({}); // throws: result is larger than 1000000 … (limit maxValueSize)
 * compileExpression("'x' * 2000000", { limits: { maxValueSize: 5_000_000 } }); // allowed
 */
import type { Span } from './ast';
import { ExprEvalError } from './errors';

/** Most steps one evaluation may take (see `EvalLimits.maxSteps`). */
export const MAX_STEPS = 10_000_000;
/** Largest string, list or dict (nested values included) an evaluation may build. */
export const MAX_VALUE_SIZE = 1_000_000;
/** Deepest nesting of the lists and dicts an evaluation may build. */
export const MAX_VALUE_DEPTH = 100;

/** The limits of one evaluation; every field is optional where they are options. */
export interface EvalLimits {
  /** Steps per evaluation: one per operation inside a comprehension, one per item or character walked or built. */
  readonly maxSteps: number;
  /** Size of a built value: characters of a string, items of a list, entries of a dict, nested values included. */
  readonly maxValueSize: number;
  /** Nesting depth of the lists and dicts an evaluation builds. */
  readonly maxValueDepth: number;
  /**
   * Where the user of a front end raises these limits, e.g. `simulation_settings.limits`: a limit
   * error then names the key that raises it (`max_expression_size`, see `LIMIT_KEYS`).
   */
  readonly setting?: string;
}

/** The key of each limit in a front end's `limits` setting (the YAML model format, the story format). */
export const LIMIT_KEYS = Object.freeze({ maxSteps: 'max_expression_steps', maxValueSize: 'max_expression_size', maxValueDepth: 'max_expression_depth' });

/** How a limit error names `limit`: the limit alone, or with the setting that raises it. */
const label = (limits: EvalLimits, limit: keyof typeof LIMIT_KEYS): string =>
  limits.setting === undefined ? limit : `${limit}; raise it with ${limits.setting}.${LIMIT_KEYS[limit]}`;

/** The default limits: generous for real models, small enough that no expression hangs or exhausts memory. */
export const DEFAULT_LIMITS: EvalLimits = Object.freeze({ maxSteps: MAX_STEPS, maxValueSize: MAX_VALUE_SIZE, maxValueDepth: MAX_VALUE_DEPTH });

/**
 * The default limits with `raised` over them. A limit must be a positive number (`Infinity` turns
 * it off); anything else is a programming error and throws a `TypeError`.
 */
export const evalLimits = (raised: Partial<EvalLimits> | undefined): EvalLimits => {
  if (raised === undefined) return DEFAULT_LIMITS;
  const limits = { ...DEFAULT_LIMITS, ...raised };
  for (const [name, value] of Object.entries(limits)) {
    if (name === 'setting') continue;
    if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`expression limit ${name} must be a positive number, got ${String(value)}`);
  }
  return limits;
};

interface Budget {
  limits: EvalLimits;
  steps: number;
  /** The operation being evaluated: where a limit error points. */
  at: Span;
  /** Sizes of lists and dicts already measured in this evaluation (shared parts are measured once). */
  sizes: Map<object, number> | undefined;
}

/** An `ExprEvalError` for a limit: passed through function calls unchanged (not wrapped as `f(): …`). */
export class ExprLimitError extends ExprEvalError {}

let active: Budget | undefined;
let running = 0;
const pool: Budget[] = [];

const fail = (message: string, at: Span): never => {
  throw new ExprLimitError(message, at.start, at.end);
};

/** Runs `run(arg)` under a fresh budget; `at` (the whole expression) is where errors point until an operation says otherwise. */
export const withBudget = <A, T>(limits: EvalLimits, at: Span, run: (arg: A) => T, arg: A): T => {
  const saved = active;
  // Budgets are reused, one per level of nested evaluation: evaluating allocates nothing here.
  const b = (pool[running] ??= { limits, steps: 0, at, sizes: undefined });
  b.limits = limits;
  b.steps = 0;
  b.at = at;
  b.sizes = undefined;
  active = b;
  running++;
  try {
    return run(arg);
  } finally {
    running--;
    active = saved;
  }
};

/** Marks `at` as the operation being evaluated (where a limit error will point). */
export const locate = (at: Span): void => {
  if (active !== undefined) active.at = at;
};

/** Charges `n` steps to the running evaluation (nothing outside one). */
export const spend = (n: number): void => {
  if (active === undefined) return;
  active.steps += n;
  if (active.steps > active.limits.maxSteps)
    fail(`evaluation takes more than the limit of ${active.limits.maxSteps} steps (${label(active.limits, 'maxSteps')})`, active.at);
};

const currentLimits = (): EvalLimits => (active ?? { limits: DEFAULT_LIMITS }).limits;

/** The largest value size allowed in the running evaluation (the default outside one). */
export const maxValueSize = (): number => currentLimits().maxValueSize;

/** Fails at the current operation: the values it compares nest deeper than `depth` (the stack would overflow). */
export const tooDeepToCompare = (depth: number): never =>
  fail(`the values compared are nested more than ${depth} levels deep`, active?.at ?? { start: 0, end: 0 });

/** Fails at the current operation: the value it would build is over the size limit. */
export const tooLarge = (): never =>
  fail(
    `result is larger than the limit of ${maxValueSize()} characters or items (${label(currentLimits(), 'maxValueSize')})`,
    active?.at ?? { start: 0, end: 0 },
  );

const isPlainObject = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Values at least this large are remembered once measured (smaller ones are cheaper to measure again). */
const REMEMBER_FROM = 64;

const hasOwn = Object.prototype.hasOwnProperty;

/** The size of `v` (see `EvalLimits.maxValueSize`), or any number over `limit` as soon as it exceeds it. */
const measure = (b: Budget, v: unknown, depth: number, limit: number): number => {
  if (typeof v === 'string') return v.length;
  if (typeof v !== 'object' || v === null) return 0;
  const isList = Array.isArray(v);
  if (!isList && !isPlainObject(v)) return 0;
  const known = b.sizes?.get(v);
  if (known !== undefined) return known;
  if (depth > b.limits.maxValueDepth)
    fail(`result is nested deeper than the limit of ${b.limits.maxValueDepth} levels (${label(b.limits, 'maxValueDepth')})`, b.at);
  let size = 0;
  let walked = 0;
  if (isList) {
    size = v.length;
    for (; walked < v.length && size <= limit; walked++) size += measure(b, v[walked], depth + 1, limit - size);
  } else {
    const dict = v as Record<string, unknown>;
    for (const k in dict) {
      if (!hasOwn.call(dict, k)) continue;
      walked++;
      size += 1 + k.length;
      if (size > limit) break;
      size += measure(b, dict[k], depth + 1, limit - size);
    }
  }
  spend(walked);
  // A shared part is measured once (`[[x] * 10] * 10`); a partial count (over the limit) is never reused.
  if (size >= REMEMBER_FROM && size <= limit) (b.sizes ??= new Map()).set(v, size);
  return size;
};

/**
 * The size of `v` (nested values included, each shared part counted where it appears); fails with
 * the size or depth limit. Outside an evaluation it measures against the default limits.
 */
export const sizeOf = (v: unknown): number => {
  if (typeof v === 'string') return v.length;
  const b = active ?? { limits: DEFAULT_LIMITS, steps: 0, at: { start: 0, end: 0 }, sizes: undefined };
  return measure(b, v, 1, b.limits.maxValueSize);
};

/** `v`, after checking that a value the expression built is within the size and depth limits. */
export const checked = <T>(v: T): T => {
  if (active === undefined || (typeof v !== 'object' && typeof v !== 'string') || v === null) return v;
  const size = typeof v === 'string' ? v.length : measure(active, v, 1, active.limits.maxValueSize);
  if (size > active.limits.maxValueSize) tooLarge();
  return v;
};
