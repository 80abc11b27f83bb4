/**
 * What sessions do to the entity store: create entities (a key not used yet, the initial state
 * from the type's `init`), select (hold) and release them, change their state (`setState`, an
 * event's `mutate`) and retire them. A new entity is held by the session that created it, except
 * for the pseudo-sessions (slotless) of initial entities, whose entities are available to every
 * flow. It also counts each type's created and retired entities into the run's stats.
 *
 * @example
 * const writer = new EntityWriter(store, stats, churn);
 * const key = writer.uniqueKey(User, 'u1', () => String(generate(g)), 'UserCreated.user_id');
 * writer.create(session, User, key, payload, g, now); // held by `session`
 * writer.retire(session, User, undefined, later, 'retire(User)');
 */
import type { EntityType } from '../entities/entity';
import type { EntityRecord, EntityStore } from '../entities/entityStore';
import { DuplicateKeyError } from '../entities/entityStore';
import type { StateRecord } from '../entities/reducer';
import { reduceState } from '../entities/reducer';
import type { Select, SetState } from '../flows/actions';
import type { GenContext } from '../schema/generator';
import { describeValue } from './describeValue';
import type { Session } from './session';
import { ActionError } from '../flows/actionError';
import type { EntityCounts, RunStats } from './runStats';
import { setOwn } from '../expr/values';
import { ownsKey, type Shard, WHOLE } from './shard';
import { INITIAL_FLOW } from './pseudoFlows';

/** Told of every new entity of a type that has `churn` (the run's churn). */
export interface ChurnTracker {
  track(r: EntityRecord, now: number): void;
}

/** Throws unless `type` is one of the simulation's entities; `where` names what used it. */
export const requireEntity = (store: EntityStore, type: EntityType<any>, where: string): void => {
  if (!store.has(type)) {
    throw new ActionError(`${where}: entity ${type?.name} is not part of the simulation; add it to the simulation's entities`);
  }
};

/** Creates, selects, changes, releases and retires entities for sessions. */
export class EntityWriter {
  /** Each type's counters in `stats.entities`. */
  private readonly counts = new Map<EntityType<any>, EntityCounts>();

  constructor(
    private readonly store: EntityStore,
    private readonly stats: RunStats,
    private readonly churn: ChurnTracker,
    private readonly shard: Shard = WHOLE,
  ) {}

  /** Creates an entity of `type` with `key`, its state initialised from `payload`, and keeps it in `session`. */
  create(session: Session, type: EntityType<any>, key: string, payload: Readonly<Record<string, unknown>>, g: GenContext, now: number): EntityRecord {
    const r = this.store.create(type, key, this.initialState(type, payload, g), now, this.holderFor(session));
    session.keep(r);
    // A shared type's initial entities count once for the world: in shard 0, which emits them.
    if (!(type.shared === true && this.shard.index !== 0 && session.flow === INITIAL_FLOW)) this.countsOf(type).created++;
    if (type.churn !== undefined) this.churn.track(r, now);
    return r;
  }

  /** Holds for `session` an available entity for `a` (the one with its key, or a random match); undefined when there is none. */
  select(session: Session, a: Select, now: number): EntityRecord | undefined {
    const store = this.store;
    // The message is built only when it is needed (this runs for every select).
    if (!store.has(a.entity)) requireEntity(store, a.entity, `select(${a.entity.name})`);
    let r: EntityRecord | undefined;
    if (a.key !== undefined) {
      r = store.get(a.entity, a.key);
      if (r !== undefined && r.heldBy !== null) r = undefined;
    } else r = store.pick(store.index(a.entity, a.where), session.rng);
    if (r === undefined) return undefined;
    store.hold(r, session.sessionId, now);
    session.keep(r);
    return r;
  }

  /** Lets go of the session's (latest) entity of `type`, if it holds one. */
  release(session: Session, type: EntityType<any>, now: number): void {
    const r = session.drop(type);
    if (r !== undefined) this.store.release(r, now);
  }

  /**
   * Retires the session's entity of `type` (the latest, or the one with `key`): it leaves the
   * store for good and the session stops holding it. `what` names the action in messages.
   */
  retire(session: Session, type: EntityType<any>, key: string | undefined, now: number, what: string): void {
    if (type?._tag !== 'Entity') throw new ActionError(`${what}: not an entity type (build the action with retire(Entity))`);
    const r = key === undefined ? session.latest(type) : session.heldWithKey(type, key);
    if (r === undefined) throw new ActionError(this.notHeld(what, session, type, key));
    this.store.retire(r, now);
    session.dropRetired(r);
    this.countsOf(type).retired++;
  }

  /**
   * A key not used yet by `type`: `key` itself, else up to 20 regenerated ones; without
   * `regenerate` (an explicit override) a taken key is an error. In a sharded run a generated key
   * must also be the shard's own (`ownsKey`), so keys never collide across shards — except for
   * the initial entities of a shared type (`sharedInitial`), which are the same in every shard.
   */
  uniqueKey(type: EntityType<any>, key: string, regenerate: (() => string) | undefined, where: string, sharedInitial = false): string {
    const shard = this.shard;
    const mine = shard.count === 1 || regenerate === undefined || sharedInitial;
    // Each draw is the shard's with chance 1/count, so allow count times the attempts.
    const attempts = 20 * shard.count;
    for (let attempt = 0; this.store.get(type, key) !== undefined || !(mine || ownsKey(key, shard)); attempt++) {
      if (regenerate === undefined) throw new DuplicateKeyError(`${where}: ${type.name} ${JSON.stringify(key)} already exists`);
      if (attempt >= attempts) {
        throw new DuplicateKeyError(
          `${where}: could not generate a new ${type.name} key after ${attempts} attempts (last: ${JSON.stringify(key)}); widen its generator`,
        );
      }
      key = regenerate();
    }
    return key;
  }

  /** Applies a `SetState` to the session's entity it names (the latest of its type, or the one with its key). */
  setState(session: Session, s: SetState, now: number): void {
    const r = s.key === undefined ? session.latest(s.entity) : session.heldWithKey(s.entity, s.key);
    if (r === undefined) throw new ActionError(this.notHeld(`SetState(${s.entity.name})`, session, s.entity, s.key));
    this.store.update(r, reduceState(s.entity, r.state, s.ops), now);
  }

  /** Why `what` found no entity of `type` (with `key`) in the session: it retired it, or never held it. */
  private notHeld(what: string, session: Session, type: EntityType<any>, key: string | undefined): string {
    const gone = session.retiredOne(type, key);
    if (gone !== undefined) return `${what}: ${type.name} ${JSON.stringify(gone.key)} is retired (this session retired it); a retired entity cannot change`;
    const which = key === undefined ? type.name : `${type.name} with key ${JSON.stringify(key)}`;
    return `${what}: the session holds no ${which} (select one, or create it with saveEntity)`;
  }

  /** The counters of `type` in the run's stats, made on first use. */
  private countsOf(type: EntityType<any>): EntityCounts {
    let c = this.counts.get(type);
    if (c === undefined) {
      c = Object.hasOwn(this.stats.entities, type.name) ? this.stats.entities[type.name]! : { created: 0, retired: 0 };
      setOwn(this.stats.entities, type.name, c);
      this.counts.set(type, c);
    }
    return c;
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
