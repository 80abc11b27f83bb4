import { ModelError } from '../core/errors';

/**
 * A schema or entity that cannot be defined; the message names the schema and field.
 *
 * @example
 * throw new SchemaError('AccountCreated.emial: unknown faker hint "emial"; did you mean "email"?');
 */
export class SchemaError extends ModelError {
  override readonly name = 'SchemaError';
}
