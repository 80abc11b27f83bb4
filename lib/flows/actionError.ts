import { DeepFakerError } from '../core/errors';

/**
 * An action a flow asked for that cannot be carried out: no entity of that type held, an entity
 * type the simulation does not know, a payload that fails its schema. The run ends with a
 * `FlowError` that names the flow and the session and keeps this as its `cause`.
 *
 * @example
 * throw new ActionError('getEntity(User): the session holds no User');
 */
export class ActionError extends DeepFakerError {
  override readonly name = 'ActionError';
}
