/**
 * The error that ends a story's stream when an event cannot be made (a `switch` without a matching
 * case, a `ref` to an event that has not happened, a custom generator that throws).
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
