/**
 * A change of one entity, as the entity store reports it to whoever watches (e.g. the MySQL
 * output's state tables): a new version began at `at` (creation, a state update, being held by a
 * session or released), or the entity retired at `at` (`retired`: its last version ends then).
 *
 * @example
 * const unwatch = store.watch((c: EntityChange) => console.log(c.type.name, c.key, c.state, c.at));
 */
import type { EntityType } from './entity';
import type { StateRecord } from './reducer';

/** One new version of one entity. */
export interface EntityChange {
  readonly type: EntityType<any>;
  readonly key: string;
  /** The state from `at` on (an immutable record: keep it as is). */
  readonly state: StateRecord;
  /** Session holding the entity from `at` on, or null. */
  readonly heldBy: string | null;
  /** Virtual time, epoch ms. */
  readonly at: number;
  /** The entity retired at `at`: no version begins (`state` is its last, `heldBy` null); it is gone from the store. */
  readonly retired?: boolean;
}

/** Called synchronously for every change, in order. */
export type EntityChangeListener = (change: EntityChange) => void;
