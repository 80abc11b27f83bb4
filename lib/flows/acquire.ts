/**
 * `yield* acquire(Entity, where)`: `select` with a typed result. A plain `yield select(...)`
 * returns `unknown` (TypeScript cannot type what a generator receives per yield); delegating to
 * this small generator gives the entity view its state type.
 *
 * @example
 * function* shopping(ctx: FlowContext) {
 *   const product = yield* acquire(Product, [['inventory', 'greater_than', 0]]);
 *   product.state.inventory; // number
 * }
 */
import type { EntityType } from '../entities/entity';
import type { Where } from '../entities/where';
import type { Action } from './actions';
import { select } from './actions';
import type { EntityView } from './flow';

/** Locks a matching available entity for the session and returns its view (ends the session if none). */
export function acquire<S extends object>(entity: EntityType<S>, where?: Where<S>): Generator<Action, EntityView<S>, unknown>;
/** With `{ optional: true }`: undefined when nothing matches, and the session goes on. */
export function acquire<S extends object>(
  entity: EntityType<S>,
  where: Where<S> | undefined,
  options: { readonly optional: true },
): Generator<Action, EntityView<S> | undefined, unknown>;
export function* acquire<S extends object>(
  entity: EntityType<S>,
  where?: Where<S>,
  options: { readonly optional?: boolean } = {},
): Generator<Action, EntityView<S> | undefined, unknown> {
  return (yield select(entity, where, options)) as EntityView<S> | undefined;
}
