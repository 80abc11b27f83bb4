/**
 * Evaluates a compiled field expression once while the story is validated, as far as it goes
 * without an event: the first read of a name (a field, `prev`, `index`, `org_id`) or of the event's
 * context (random draws, time, faker, `ref`) stops it. What fails before that fails for every
 * event the same way — `1 / 0`, `'x' * 1e10`, or an expression that exceeds the expression
 * language's evaluation budget (`[x for x in [0] * 1000000 for y in [0] * 1000000]`) — so it is
 * reported now, located, rather than when the first event is made.
 *
 * @example
 * const failure = constantFailure(compiled.evaluate);
 * if (failure !== undefined) problems.at(node.valueOffset(failure.start), path, failure.message);
 */
import type { Evaluator } from '../../expr';
import { ExprEvalError } from '../../expr';
import { describeFailure } from '../../story/storyError';
import type { StoryEvalContext } from '../../story/storyFunctions';

/** Thrown by every read of the event's names or context: the rest is not known yet. */
class NotConstant extends Error {}
const NOT_CONSTANT = new NotConstant('not constant');

const stop = (): never => {
  throw NOT_CONSTANT;
};
const NO_VARIABLES = (): unknown => stop();
// Any property of the context (rng, faker, now, zone, ref) is the event's.
const NO_CONTEXT = new Proxy({}, { get: stop }) as StoryEvalContext;

/** Whether `e` is, or was caused by, the stop above (a story function wraps what it throws). */
const stopped = (e: unknown): boolean => {
  for (let c = e, depth = 0; c !== undefined && depth < 8; c = (c as { cause?: unknown }).cause, depth++) if (c === NOT_CONSTANT) return true;
  return false;
};

/**
 * How evaluating `evaluate` fails before it needs the event (`start` is the failing character of
 * the expression, 0 when unknown), or undefined when it does not.
 *
 * @example
 * constantFailure(compileExpression('1 / 0').evaluate); // { message: 'division by zero', start: 0 }
 */
export const constantFailure = (evaluate: Evaluator<StoryEvalContext>): { readonly message: string; readonly start: number } | undefined => {
  try {
    evaluate(NO_VARIABLES, NO_CONTEXT);
    return undefined;
  } catch (e) {
    if (stopped(e)) return undefined;
    return { message: describeFailure(e), start: e instanceof ExprEvalError ? e.start : 0 };
  }
};
