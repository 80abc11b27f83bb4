/**
 * The entities a run starts with (`initialEntities`), created before the first session: through
 * their type's source event when it has one (the event is emitted, by the pseudo-flow
 * `INITIAL_FLOW`), else straight from the type's key generator and state init. They are created
 * unheld, so every flow can select them. A `shared` type's are the same in every shard of a
 * sharded run (drawn from the model's seed), and only shard 0 emits their events.
 *
 * @example
 * const next = initialEntityMaker(run);
 * while (next()); // or one call per scheduler action, as the run does
 */
import { Rng } from '../core/rng';
import type { SimEvent } from '../core/simEvent';
import type { EntityType } from '../entities/entity';
import type { NewEvent } from '../flows/actions';
import { NO_MUTATIONS, NO_OVERRIDES } from '../flows/actions';
import type { EntityWriter } from './entityWriter';
import type { EventBuilder } from './eventBuilder';
import type { ResolvedSettings } from './model';
import type { SessionHost } from './session';
import { Session } from './session';

import { INITIAL_FLOW } from './pseudoFlows';

export { INITIAL_FLOW } from './pseudoFlows';

/** What creating the initial entities needs of the run. */
export interface InitialEntitiesHost extends SessionHost {
  readonly settings: ResolvedSettings;
  readonly stopped: boolean;
  readonly events: EventBuilder;
  readonly writer: EntityWriter;
  /** Virtual time, epoch ms. */
  now(): number;
  /** Builds, counts and emits the event of `a`. */
  emitEvent(session: Session, a: NewEvent): SimEvent;
  /** Ends the run with the error of a session's flow. */
  failSession(session: Session, e: unknown): void;
}

/**
 * The run's initial entities as a function that creates the next one per call and returns `false`
 * once there are none left (or the run stopped, or one failed). Each type has its own random
 * stream. The run calls it once per scheduler action, so the first entities' events reach the
 * sinks while the rest are being made.
 */
export const initialEntityMaker = (run: InitialEntitiesHost): (() => boolean) => {
  const { seed, baseSeed, start, shard } = run.settings;
  const types = [...run.settings.initialEntities].filter(([, count]) => count > 0);
  let t = 0;
  let made = 0;
  let session: Session | undefined;
  return () => {
    if (run.stopped || t >= types.length) return false;
    const [type, count] = types[t]!;
    const shared = type.shared === true;
    if (session === undefined) {
      const rng = Rng.derive(shared ? baseSeed : seed, 'initial', type.name);
      session = new Session(run, rng.uuid(), INITIAL_FLOW, rng, start, undefined);
    }
    try {
      if (type.source !== undefined) {
        const a: NewEvent = { _tag: 'NewEvent', schema: type.source, overrides: NO_OVERRIDES, saveEntity: type, mutate: NO_MUTATIONS, key: undefined };
        if (shared && shard.index !== 0)
          run.events.build(session, a, start); // made, not emitted: shard 0 emits it
        else run.emitEvent(session, a);
      } else {
        createWithoutSource(run, session, type);
      }
    } catch (e) {
      run.failSession(session, e);
      return false;
    }
    // The pseudo-session keeps each entity only for its event's key.
    session.forget();
    if (++made === count) {
      t++;
      made = 0;
      session = undefined;
    }
    return !run.stopped && t < types.length;
  };
};

const createWithoutSource = (run: InitialEntitiesHost, session: Session, type: EntityType<any>): void => {
  const g = run.events.genFor(session.rng, run.now());
  const generate = (): string => String(type.keyGenerator(g));
  const key = run.writer.uniqueKey(type, generate(), generate, `${type.name}.${type.primaryKey}`, type.shared === true);
  run.writer.create(session, type, key, {}, g, run.now());
};
