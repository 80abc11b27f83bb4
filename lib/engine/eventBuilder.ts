/**
 * Builds the event of a `newEvent` action: the system fields, then the payload as its plan says
 * (overrides, fields bound to entities, generators), checked against the schema; then the entity
 * the event saves, its `mutate` state changes and the entity it retires. Emitting and counting it is the run's job.
 *
 * @example
 * const builder = new EventBuilder(store, model.entities, seeded, writer, rng, start);
 * const event = builder.build(session, newEvent(UserCreated), now); // the SimEvent, with EVENT_META
 */
import type { Rng } from '../core/rng';
import type { EventMeta, SimEvent } from '../core/simEvent';
import { EVENT_META } from '../core/simEvent';
import { isoInstant } from '../core/isoInstant';
import type { EntityType } from '../entities/entity';
import type { EntityStore } from '../entities/entityStore';
import { StateError } from '../entities/reducer';
import type { NewEvent } from '../flows/actions';
import { NO_OVERRIDES } from '../flows/actions';
import type { GenContext } from '../schema/generator';
import type { SeededFaker } from '../schema/seededFaker';
import type { EntityWriter } from './entityWriter';
import { requireEntity } from './entityWriter';
import type { PayloadPlan } from './payloadPlan';
import { planPayload } from './payloadPlan';
import { INITIAL_FLOW } from './pseudoFlows';
import type { Session } from './session';
import { ActionError } from '../flows/actionError';

/** Builds the events of one run. */
export class EventBuilder {
  /** Payload plans by schema, then by saved entity type (or the schema itself for none). */
  private readonly plans = new WeakMap<object, WeakMap<object, PayloadPlan>>();
  /** The generator context, one per run, pointed at the session and instant of each event. */
  private readonly gen: { rng: Rng; faker: GenContext['faker']; now: number };

  constructor(
    private readonly store: EntityStore,
    private readonly entities: ReadonlyArray<EntityType<any>>,
    private readonly seeded: SeededFaker,
    private readonly writer: EntityWriter,
    rng: Rng,
    start: number,
  ) {
    this.gen = { rng, faker: seeded.faker, now: start };
  }

  /** The generator context for `rng` at virtual time `now` (faker included). */
  genFor(rng: Rng, now: number): GenContext {
    const g = this.gen;
    g.rng = rng;
    g.now = now;
    this.seeded.use(rng, now);
    return g;
  }

  /** The event of `a` in `session` at `now`, with the entity it saves and its mutations applied. */
  build(session: Session, a: NewEvent, now: number): SimEvent {
    const rng = session.rng;
    const g = this.genFor(rng, now);
    const plan = this.plan(a);
    const overrides = a.overrides;
    const hasOverrides = overrides !== NO_OVERRIDES;
    const e: Record<string | symbol, unknown> = {
      event_id: rng.uuid(),
      event_type: a.schema.name,
      timestamp: isoInstant(now),
      session_id: session.sessionId,
      flow: session.flow,
    };
    for (const f of plan.fields) {
      const name = f.name;
      if (hasOverrides && Object.hasOwn(overrides, name)) {
        e[name] = overrides[name];
      } else if (f.bind !== undefined) {
        const r = session.latest(f.bind) ?? this.store.pickAny(f.bind, rng);
        e[name] = r !== undefined ? r.key : f.generate(g);
      } else {
        e[name] = f.generate(g);
      }
    }
    if (!a.schema.codec.is(e)) throw new ActionError(this.invalidPayload(a, e));
    const saved = a.saveEntity;
    if (saved !== undefined) this.saveEntity(session, a, e, g, saved, now);
    for (const m of a.mutate) {
      try {
        this.writer.setState(session, m, now);
      } catch (err) {
        if (err instanceof StateError) throw new ActionError(`${a.schema.name} mutate: ${err.message}`, { cause: err });
        throw err;
      }
    }
    // The message key is read first: the entity the event retires may be the session's main one.
    const meta: EventMeta = { time: now, key: a.key ?? session.main?.key, schema: a.schema };
    const retired = a.retireEntity;
    if (retired !== undefined) this.writer.retire(session, retired, undefined, now, `${a.schema.name} retireEntity`);
    e[EVENT_META] = meta;
    return e as unknown as SimEvent;
  }

  private plan(a: NewEvent): PayloadPlan {
    let bySaved = this.plans.get(a.schema);
    if (bySaved === undefined) this.plans.set(a.schema, (bySaved = new WeakMap()));
    const k = a.saveEntity ?? a.schema;
    let p = bySaved.get(k);
    if (p === undefined) bySaved.set(k, (p = planPayload(a.schema, a.saveEntity, this.entities)));
    return p;
  }

  private saveEntity(session: Session, a: NewEvent, e: Record<string, unknown>, g: GenContext, type: EntityType<any>, now: number): void {
    if (!this.store.has(type)) requireEntity(this.store, type, `saveEntity ${type.name}`);
    const pk = type.primaryKey;
    const generate = a.schema.generators[a.schema.fieldNames.indexOf(pk)];
    // A regenerated key replaces the payload's value as generated (an integer key stays an integer).
    const regenerate = Object.hasOwn(a.overrides, pk) ? undefined : (): string => String((e[pk] = generate(g)));
    const sharedInitial = type.shared === true && session.flow === INITIAL_FLOW;
    const key = this.writer.uniqueKey(type, String(e[pk]), regenerate, `${a.schema.name}.${pk}`, sharedInitial);
    this.writer.create(session, type, key, e, g, now);
  }

  private invalidPayload(a: NewEvent, e: Record<string, unknown>): string {
    for (const name of a.schema.fieldNames) {
      const f = a.schema.fields[name];
      if (!f.codec.is(e[name])) return `${a.schema.name}.${name}: expected ${f.codec.name}, got ${JSON.stringify(e[name])}`;
    }
    return `${a.schema.name}: invalid payload`;
  }
}
