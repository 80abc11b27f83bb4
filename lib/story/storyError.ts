/**
 * The error that ends a story's stream when an event cannot be made (a `switch` without a matching
 * case, a `ref` to an event that has not happened, a custom generator that throws), and
 * `describeFailure`, which words what went wrong for the user.
 *
 * @example
 * streamStory(text).subscribe({ error: (e) => e instanceof StoryError && console.error(e.message) });
 * // story.yaml:12:15 events[1].data.plan: no case for "gold" … (stripe/invoice.paid #3 at 2025-01-04T00:00:00Z)
 */
import { DeepFakerError } from '../core/errors';

/** A story event that could not be made: names the file, line, column, field and occurrence. */
export class StoryError extends DeepFakerError {
  override readonly name = 'StoryError';
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * What went wrong, in words for the user: the message of an error deep-faker raised on purpose
 * (a `DeepFakerError`: the expression language's `ExprEvalError`, a `StoryError`, a
 * `GeneratorError`); JavaScript's own limits (a string or list too long, nesting too deep) named
 * as such; anything else is a bug of deep-faker and says so.
 *
 * @example
 * describeFailure(new RangeError('Invalid string length')); // 'the value is too large to make (…)'
 */
export const describeFailure = (e: unknown): string => {
  if (e instanceof DeepFakerError) return e.message;
  if (e instanceof RangeError && /Invalid (typed )?(string|array) length|allocation failed/i.test(e.message))
    return 'the value is too large to make (a string or list longer than JavaScript can hold)';
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the value is nested too deeply to make';
  return `internal error of deep-faker (please report it): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
};
