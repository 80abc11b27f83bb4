import { DeepFakerError } from '../core/errors';

/**
 * A user function of a delivery stage (an `envelope`, a schema version's `transform`) that threw:
 * names the stage and the event; `cause` is what was thrown.
 *
 * @example
 * throw new DeliveryError('delivery envelope failed on a "Signup" event (5f0c…): boom', { cause: err });
 */
export class DeliveryError extends DeepFakerError {
  override readonly name = 'DeliveryError';
}
