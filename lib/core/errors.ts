/**
 * The roots of the errors deep-faker throws on purpose. `instanceof DeepFakerError` tells them
 * from bugs; `instanceof ModelError` from everything else a mistake in the user's model, which
 * the CLI prints located (`file:line:col message`) and answers with exit code 2.
 *
 * @example
 * try {
 *   event('Signup', { email: field.string({ faker: 'emial' }) });
 * } catch (e) {
 *   e instanceof ModelError; // true: a SchemaError, naming Signup.email and suggesting "email"
 * }
 */

/** The message of anything thrown (an `Error`'s message, else its text). */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Any error deep-faker throws on purpose; `name` is the class's name. */
export class DeepFakerError extends Error {
  override readonly name: string = 'DeepFakerError';

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}

/** A mistake in the user's model: a schema, field, generator hint, setting, duration or configuration. */
export class ModelError extends DeepFakerError {
  override readonly name: string = 'ModelError';
}
