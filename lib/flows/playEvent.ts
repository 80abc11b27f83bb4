/**
 * The step player: plays `StepEvent`s (an event type of the YAML model format, compiled) inside a
 * flow, one step after another. No second engine: a step is a generator yielding the ordinary
 * actions (`select`, `newEvent`, `wait`), and what a session holds flows from step to step: a
 * step that consumes an entity type the session already holds uses that instance (and ends the
 * session if it no longer passes the filter); otherwise it selects (and holds) a matching one.
 *
 * @example
 * function* body(ctx: FlowContext) {
 *   const session = startSession(ctx, [User]);
 *   if (!(yield* playEvent(ctx, loggedIn, session, {}))) return;
 *   yield waitSeconds(5, 60);
 *   yield* playEvent(ctx, addedToCart, session, {});
 * }
 */
import type { EntityType } from '../entities/entity';
import type { StateOp } from '../entities/reducer';
import type { GenContext } from '../schema/generator';
import type { Action, SetState } from './actions';
import { newEvent, retire, select, setState, wait } from './actions';
import type { EntityView, FlowContext } from './flow';
import type { PayloadScope, StepEvent } from './stepEvent';

/** What a session keeps between steps: the entities it holds, most recent last. */
export interface StepSession {
  readonly held: EntityView[];
}

/** Records `v` as held, replacing the older view of the same entity. */
const refresh = (session: StepSession, v: EntityView | undefined): void => {
  if (v === undefined) return;
  const i = session.held.findIndex((h) => h.type === v.type && h.key === v.key);
  if (i >= 0) session.held[i] = v;
  else session.held.push(v);
};

/** Starts a session's bookkeeping with the entities its flow filters selected. */
export const startSession = (ctx: FlowContext, filtered: ReadonlyArray<EntityType<any>>): StepSession => {
  const session: StepSession = { held: [] };
  for (const t of filtered) refresh(session, ctx.findEntity(t));
  return session;
};

/**
 * Plays one event type: binds its entities (held ones first, else `select`), draws per-item
 * instances, builds the payload, emits it with its entity effects, then retires the instance it
 * retires. Returns false when the session cannot go on (a held entity no longer passes a filter,
 * too few instances).
 */
export function* playEvent(
  ctx: FlowContext,
  ev: StepEvent,
  session: StepSession,
  overrides: Readonly<Record<string, unknown>>,
): Generator<Action, boolean, unknown> {
  const cap = ev.maxActive;
  if (cap !== undefined && ctx.count(cap.entity, cap.where) >= cap.max) return false;
  const bound = new Map<string, EntityView>();
  const used = new Set<string>();
  for (const c of ev.consumes) {
    let v: EntityView | undefined;
    for (let i = session.held.length - 1; i >= 0; i--) {
      const h = session.held[i];
      if (h.type === c.entity.name && !used.has(h.key)) {
        v = h;
        break;
      }
    }
    if (v !== undefined) {
      if (!c.predicate({ state: v.state as Record<string, unknown>, key: v.key, heldBy: ctx.sessionId })) return false;
    } else {
      v = (yield select(c.entity, c.where)) as EntityView | undefined;
      if (v === undefined) return false;
      refresh(session, v);
    }
    used.add(v.key);
    bound.set(c.alias, v);
    if (!bound.has(c.entity.name)) bound.set(c.entity.name, v);
    for (let k = 1; k < c.minRequired; k++) {
      const more = (yield select(c.entity, c.where, { optional: true })) as EntityView | undefined;
      if (more === undefined) return false;
      refresh(session, more);
    }
  }
  const items = new Map<string, Array<Map<string, EntityView>>>();
  for (const d of ev.items) {
    const first = bound.get(d.consume.alias)!;
    const n = ctx.rng.int(d.min, d.max);
    const list: Array<Map<string, EntityView>> = [];
    for (let i = 0; i < n; i++) {
      let v: EntityView | undefined = first;
      if (i > 0) {
        v = (yield select(d.consume.entity, d.consume.where, { optional: true })) as EntityView | undefined;
        if (v === undefined) break;
        refresh(session, v);
      }
      list.push(
        new Map([
          [d.ref, v],
          [d.consume.alias, v],
          [d.consume.entity.name, v],
        ]),
      );
    }
    items.set(d.field, list);
  }
  const g: GenContext = { rng: ctx.rng, faker: ctx.faker, now: ctx.now() };
  const payload: Record<string, unknown> = {};
  const scope: PayloadScope = { local: payload, root: payload, entities: bound, items };
  for (const [name, c] of ev.fields) payload[name] = Object.hasOwn(overrides, name) ? overrides[name] : c.produce(g, scope);

  let saveEntity: EntityType<any> | undefined = ev.produces;
  const mutate: SetState[] = [];
  const values: Record<string, unknown> = { ...payload };
  if (ev.updatesExisting !== undefined) {
    const { entity: t, probability } = ev.updatesExisting;
    const existing = ctx.rng.chance(probability) ? ((yield select(t, [], { optional: true })) as EntityView | undefined) : undefined;
    if (existing === undefined) saveEntity = t;
    else {
      refresh(session, existing);
      values[t.primaryKey] = existing.key;
      const ops: Array<StateOp<any>> = [];
      for (const init of t.init) if (init._tag === 'FromField' && Object.hasOwn(payload, init.field)) ops.push([init.name, 'is', payload[init.field]]);
      if (ops.length > 0) mutate.push(setState(t, ops));
      bound.set(t.name, existing);
    }
  }
  if (saveEntity !== undefined && !Object.hasOwn(overrides, saveEntity.primaryKey)) delete values[saveEntity.primaryKey];
  for (const u of ev.updates) {
    const ops: Array<StateOp<any>> = u.set.map(([k, f]) => [k, 'is', f(payload)] as const);
    const target = bound.get(u.alias);
    for (const [k, f, round] of u.increment) {
      const d = f(payload) as number;
      if (round !== undefined && target !== undefined) {
        const cur = (ctx.findEntity(u.entity, target.key) ?? target).state[k];
        ops.push([k, 'is', round((typeof cur === 'number' ? cur : 0) + d)]);
      } else ops.push([k, 'add', d]);
    }
    if (ops.length === 0) continue;
    // A consumed entity is addressed by key (an event may hold several of one type); the entity
    // the event creates is the session's latest of its type.
    mutate.push(setState(u.entity, ops, { key: target?.key }));
  }
  yield newEvent(ev.schema, { overrides: values, saveEntity, mutate });
  if (saveEntity !== undefined) refresh(session, ctx.findEntity(saveEntity));
  for (const m of mutate) refresh(session, ctx.findEntity(m.entity, m.key));
  if (ev.retires !== undefined) {
    // The event was the entity's last: it leaves the simulation, and the session's later steps select another.
    const gone = bound.get(ev.retires.alias)!;
    yield retire(ev.retires.entity, { key: gone.key });
    const i = session.held.findIndex((h) => h.type === gone.type && h.key === gone.key);
    if (i >= 0) session.held.splice(i, 1);
  }
  return true;
}

/** A `wait` between `min` and `max` seconds (`min_seconds`, `max_seconds`). */
export const waitSeconds = (min: number, max: number): Action => wait({ seconds: min === max ? min : { min, max } });
