/**
 * What sessions write to the entity store besides holding and releasing: new entities (a key not
 * used yet, the initial state from the type's `init`) and state changes (`setState`, an event's
 * `mutate`). A new entity is held by the session that created it, except for the initial
 * entities' pseudo-session (slotless), whose entities are available to every flow.
 *
 * @example
 * const writer = new EntityWriter(store);
 * const key = writer.uniqueKey(User, 'u1', () => String(generate(g)), 'UserCreated.user_id');
 * writer.create(session, User, key, payload, g, now); // held by `session`
 */
import type { EntityType } from '../entities/entity';
import type { EntityRecord, EntityStore } from '../entities/entityStore';
import { DuplicateKeyError } from '../entities/entityStore';
import type { StateRecord } from '../entities/reducer';
import { reduceState } from '../entities/reducer';
import type { SetState } from '../flows/actions';
import type { GenContext } from '../schema/generator';
import { describeValue } from './describeValue';
import type { Session } from './session';
import { ActionError } from '../flows/actionError';

/** Throws unless `type` is one of the simulation's entities; `where` names what used it. */
export const requireEntity = (store: EntityStore, type: EntityType<any>, where: string): void => {
  if (!store.has(type)) {
    throw new ActionError(`${where}: entity ${type?.name} is not part of the simulation; add it to the simulation's entities`);
  }
};

/** Creates entities and changes their state for sessions. */
export class EntityWriter {
  constructor(private readonly store: EntityStore) {}

  /** Creates an entity of `type` with `key`, its state initialised from `payload`, and keeps it in `session`. */
  create(session: Session, type: EntityType<any>, key: string, payload: Readonly<Record<string, unknown>>, g: GenContext, now: number): EntityRecord {
    const r = this.store.create(type, key, this.initialState(type, payload, g), now, this.holderFor(session));
    session.keep(r);
    return r;
  }

  /**
   * A key not used yet by `type`: `key` itself, else up to 20 regenerated ones; without
   * `regenerate` (an explicit override) a taken key is an error.
   */
  uniqueKey(type: EntityType<any>, key: string, regenerate: (() => string) | undefined, where: string): string {
    for (let attempt = 0; this.store.get(type, key) !== undefined; attempt++) {
      if (regenerate === undefined) throw new DuplicateKeyError(`${where}: ${type.name} ${JSON.stringify(key)} already exists`);
      if (attempt >= 20) {
        throw new DuplicateKeyError(
          `${where}: could not generate a new ${type.name} key after 20 attempts (last: ${JSON.stringify(key)}); widen its generator`,
        );
      }
      key = regenerate();
    }
    return key;
  }

  /** Applies a `SetState` to the session's entity it names (the latest of its type, or the one with its key). */
  setState(session: Session, s: SetState, now: number): void {
    const r = s.key === undefined ? session.latest(s.entity) : session.heldWithKey(s.entity, s.key);
    if (r === undefined) {
      const which = s.key === undefined ? s.entity.name : `${s.entity.name} with key ${JSON.stringify(s.key)}`;
      throw new ActionError(`SetState(${s.entity.name}): the session holds no ${which} (select one, or create it with saveEntity)`);
    }
    this.store.update(r, reduceState(s.entity, r.state, s.ops), now);
  }

  /** Who holds a new entity: its session, or nobody for initial entities (available to every flow). */
  private holderFor(session: Session): string | null {
    return session.slot === undefined ? null : session.sessionId;
  }

  private initialState(type: EntityType<any>, payload: Readonly<Record<string, unknown>>, g: GenContext): StateRecord {
    const state: Record<string, unknown> = {};
    for (const init of type.init) {
      switch (init._tag) {
        case 'Default':
          state[init.name] = init.value;
          break;
        case 'FromField':
          state[init.name] = payload[init.field];
          break;
        case 'Generate':
          state[init.name] = init.generate(g);
          break;
        default: {
          const never: never = init;
          throw new Error(`unknown state init ${describeValue(never)}`);
        }
      }
    }
    return state;
  }
}
