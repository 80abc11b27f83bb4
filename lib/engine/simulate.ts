/**
 * The engine: plays a simulation model out in virtual time on the scheduler it is given and emits
 * the events as a cold `Observable<SimEvent>`.
 *
 * - Time is `env.scheduler.now()`, offset so that the first instant is the model's start time;
 *   with `TestScheduler` every event time can be pinned with marbles.
 * - At most `nFlows` sessions run at once. A free slot starts a session of a flow chosen by weight
 *   among the flows whose filters can be satisfied now; if none can, it tries again `timeStep`
 *   later. A slot holds each session for at least `timeStep`.
 * - With `arrivals` (an open system) a session starts at each arrival instead, however many are
 *   running; an arrival for which no flow can start is counted `unmatched` and lost. With
 *   `{ count, over }` the stream also completes once every arrival has come and every session
 *   has ended.
 * - Each session has its own random stream, derived from the seed and the session's ordinal.
 * - The stream completes when the duration is over (no event at or after start + duration) or
 *   after `totalEvents` events, whichever comes first; it errors with a `FlowError` naming the
 *   flow and session when a flow throws or misuses an action.
 *
 * @example
 * const scheduler = new HeapScheduler();
 * const events: SimEvent[] = [];
 * simulateOn(model, { scheduler }).subscribe((e) => events.push(e));
 * scheduler.flush();
 */
import { Observable } from '../core/rx';
import type { SchedulerAction, SchedulerLike, Subscriber, Subscription } from 'rxjs';
import { Rng, seedFamily } from '../core/rng';
import type { EventMeta, SimEvent } from '../core/simEvent';
import { EVENT_META } from '../core/simEvent';
import { isoInstant } from '../core/isoInstant';
import type { EntityType } from '../entities/entity';
import type { EntityRecord, SelectIndex } from '../entities/entityStore';
import { DuplicateKeyError, EntityStore } from '../entities/entityStore';
import { StateError, reduceState } from '../entities/reducer';
import type { Where } from '../entities/where';
import type { StateRecord } from '../entities/reducer';
import type { Action, NewEvent, Select, SetState } from '../flows/actions';
import { NO_MUTATIONS, NO_OVERRIDES, decayMs } from '../flows/actions';
import type { ActionCursor, EntityView, FlowContext, FlowDef } from '../flows/flow';
import { DONE, PENDING, openFlow } from '../flows/flow';
import type { GenContext } from '../schema/generator';
import { SeededFaker } from '../schema/seededFaker';
import type { ResolvedSettings, SimulationModel } from './model';
import { resolveSettings } from './model';
import type { PayloadPlan } from './payloadPlan';
import { planPayload } from './payloadPlan';
import type { RunStats } from './runStats';
import { createRunStats } from './runStats';

/** What the engine runs on. */
export interface Env {
  /** Virtual time. `HeapScheduler` for runs, `TestScheduler` for marble specs. */
  readonly scheduler: SchedulerLike;
  /** Overrides the model's seed. */
  readonly seed?: number;
  /** Wall-clock epoch ms for `startTime: "now"` (the runtime resolves it; the engine never reads the clock). */
  readonly now?: number;
  /** Counters to fill while running. */
  readonly stats?: RunStats;
  /** Receives the entity store when the run starts (for temporal queries in specs and tools). */
  readonly onStore?: (store: EntityStore) => void;
}

/** A flow that failed; names the flow and the session. */
export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly flow: string,
    readonly sessionId: string,
    message: string,
    readonly cause?: unknown,
  ) {
    super(`flow "${flow}" (session ${sessionId.slice(0, 8)}) failed: ${message}`);
  }
}

/** Name of the pseudo-flow that emits the source events of initial entities. */
export const INITIAL_FLOW = 'initial_entities';

/** Plays `model` out on `env.scheduler`. Cold: each subscription is an independent run. */
export const simulateOn = (model: SimulationModel, env: Env): Observable<SimEvent> =>
  new Observable<SimEvent>((subscriber) => {
    const run = new Run(model, env, subscriber);
    run.start();
    return () => run.stop();
  });

// ---------------------------------------------------------------------------------------------
// sessions
// ---------------------------------------------------------------------------------------------

type Outcome = 'completed' | 'dropped' | 'unmatched' | 'truncated';

interface Slot {
  session: Session | undefined;
  /** The slot's last session, ended: the next one reuses the object. */
  spare: Session | undefined;
  /** An open-system arrival's slot: used for one session, never refilled. */
  readonly once: boolean;
  /** The slot's scheduler action: rescheduled for each step (one allocation per slot, not per step). */
  action: SchedulerAction<Slot> | undefined;
}

/**
 * One session: the engine's bookkeeping and, as a `FlowContext`, what its flow sees. Its methods
 * are on the prototype, and `now` is shared by every session of the run.
 *
 * A slot's sessions follow one another, so the next one reuses the object of the last (`renew`),
 * with its generator cursor. With 10 000 sessions or more alive at once every session outlives
 * a few scavenges: whatever it allocates is copied, promoted and left to a major GC, so not
 * allocating a `Session`, a cursor and an `Rng` (reseeded) per session halves what a session costs
 * the GC (its generator, the generator's registers and its id remain). A session's objects are
 * only reused once it has ended and its flow is closed, so a flow never sees another session
 * through its context.
 */
class Session implements FlowContext {
  /**
   * Held entities, most recent last; undefined until the first one. With 100 000 sessions alive
   * at once every byte of a session is copied by each scavenge that it survives, so an array is
   * allocated only when a session holds something, and then at its size (a `[]` grows to 17 slots
   * at its first push).
   */
  held: EntityRecord[] | undefined = undefined;
  main: EntityRecord | undefined = undefined;
  cursor: ActionCursor | undefined = undefined;
  input: unknown = undefined;
  /** RUNNING | ENDED | WOKEN, in one small integer (three boolean fields would take 16 B more). */
  private flags = 0;
  /** Virtual time, epoch ms (the run's clock; callable unbound). */
  readonly now: () => number;

  constructor(
    private readonly run: Run,
    public sessionId: string,
    public flow: string,
    public rng: Rng,
    public startedAt: number,
    readonly slot: Slot | undefined,
  ) {
    this.now = run.clock;
  }

  /** Makes this ended session the next session of its slot (keeping its cursor for reuse). */
  renew(sessionId: string, flow: string, rng: Rng, startedAt: number): this {
    this.sessionId = sessionId;
    this.flow = flow;
    this.rng = rng;
    this.startedAt = startedAt;
    this.held = undefined;
    this.main = undefined;
    this.input = undefined;
    this.flags = 0;
    return this;
  }

  /** Inside `advance`: pulling and performing its actions. */
  get running(): boolean {
    return (this.flags & RUNNING) !== 0;
  }

  set running(on: boolean) {
    this.setFlag(RUNNING, on);
  }

  get ended(): boolean {
    return (this.flags & ENDED) !== 0;
  }

  set ended(on: boolean) {
    this.setFlag(ENDED, on);
  }

  /** An Observable flow pushed while the session was running: pull again before waiting. */
  get woken(): boolean {
    return (this.flags & WOKEN) !== 0;
  }

  set woken(on: boolean) {
    this.setFlag(WOKEN, on);
  }

  private setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  get scheduler(): SchedulerLike {
    return this.run.scheduler;
  }

  get faker(): GenContext['faker'] {
    return this.run.seeded.use(this.rng, this.now());
  }

  getEntity<S extends object>(type: EntityType<S>): EntityView<S> {
    const r = this.latest(type);
    if (r === undefined) throw new Error(`getEntity(${type.name}): the session holds no ${type.name}`);
    return this.run.view<S>(r);
  }

  findEntity<S extends object>(type: EntityType<S>, key?: string): EntityView<S> | undefined {
    const r = key === undefined ? this.latest(type) : this.heldWithKey(type, key);
    return r === undefined ? undefined : this.run.view<S>(r);
  }

  count<S extends object>(type: EntityType<S>, where: Where<S> = []): number {
    return this.run.countWhere(type, where);
  }

  latest(type: EntityType<any>): EntityRecord | undefined {
    const held = this.held;
    if (held === undefined) return undefined;
    for (let i = held.length - 1; i >= 0; i--) if (held[i].type === type) return held[i];
    return undefined;
  }

  heldWithKey(type: EntityType<any>, key: string): EntityRecord | undefined {
    return this.held?.find((h) => h.type === type && h.key === key);
  }

  keep(r: EntityRecord): void {
    if (this.held === undefined) this.held = [r];
    else this.held.push(r);
    if (this.main === undefined) this.main = r;
  }

  /** Stops holding `r` (the latest of its type); returns it. */
  drop(type: EntityType<any>): EntityRecord | undefined {
    const held = this.held;
    if (held === undefined) return undefined;
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i].type === type) {
        const r = held[i];
        held.splice(i, 1);
        if (this.main === r) this.main = undefined;
        return r;
      }
    }
    return undefined;
  }

  /** Forgets every held entity (without releasing them). */
  forget(): void {
    this.held = undefined;
    this.main = undefined;
  }
}

const RUNNING = 1;
const ENDED = 2;
const WOKEN = 4;

const describe = (u: unknown): string => {
  if (u === null || typeof u !== 'object') return JSON.stringify(u) ?? String(u);
  const tag = (u as { _tag?: unknown })._tag;
  return tag === undefined ? Object.prototype.toString.call(u) : `{ _tag: ${JSON.stringify(tag)} }`;
};

// ---------------------------------------------------------------------------------------------
// the run
// ---------------------------------------------------------------------------------------------

class Run {
  readonly scheduler: SchedulerLike;
  private readonly t0: number;
  private readonly settings: ResolvedSettings;
  private readonly store: EntityStore;
  private readonly flowRng: Rng;
  /** `deriveSeed(seed, 'session', ordinal)`, the seed of each session's stream. */
  private readonly sessionSeed: (ordinal: number) => number;
  readonly seeded = new SeededFaker();
  /** `now()` as a function, shared by every session's context. */
  readonly clock = (): number => this.now();

  /** Entities of a type matching `where` now, held or not (`FlowContext.count`). */
  countWhere(type: EntityType<any>, where: Where<any>): number {
    this.requireEntity(type, 'count');
    return this.store.countWhere(type, where);
  }
  /** Called by an Observable flow's cursor when it has something new (one function per run). */
  private readonly onPush = (session: Session): void => this.wake(session);
  /**
   * The work of every slot's scheduler action, told its slot by the action's state: one function
   * per run rather than a closure per slot (with 100 000 slots, 10 MB less, and a closure and its
   * context fewer to load from memory at every step).
   */
  private readonly slotWork: (this: SchedulerAction<Slot>, slot?: Slot) => void;
  private readonly gen: { rng: Rng; faker: GenContext['faker']; now: number };
  private readonly stats: RunStats;
  /** Payload plans by schema, then by saved entity type (or the schema itself for none). */
  private readonly plans = new WeakMap<object, WeakMap<object, PayloadPlan>>();
  private readonly slots: Slot[] = [];
  private readonly flows: ReadonlyArray<FlowDef>;
  /** Per flow, the indexes of its filters (built at start). */
  private readonly filterIndexes: ReadonlyArray<ReadonlyArray<SelectIndex>>;
  /** Scratch: indexes of the flows that can start now. */
  private readonly eligible: Int32Array;
  private endAction: Subscription | undefined;
  private stopped = false;
  /** Open system: the arrival clock's action, the live arrivals' slots, what is left to arrive. */
  private arrivalAction: SchedulerAction<void> | undefined;
  private readonly arrived = new Set<Slot>();
  private arrivalsLeft = 0;
  /** Position of the arrival clock: a fraction of `over` (count) or ms since start (rate). */
  private arrivalAt = 0;

  constructor(
    private readonly model: SimulationModel,
    env: Env,
    private readonly subscriber: Subscriber<SimEvent>,
  ) {
    this.scheduler = env.scheduler;
    this.t0 = env.scheduler.now();
    this.settings = resolveSettings(model, { seed: env.seed, now: env.now });
    this.store = new EntityStore(model.entities, this.settings.history);
    for (const f of model.flows) for (const s of f.filters) this.requireEntity(s.entity, `flow "${f.name}" filter`);
    this.flows = model.flows;
    this.eligible = new Int32Array(model.flows.length);
    this.filterIndexes = model.flows.map((f) => f.filters.map((s) => this.store.index(s.entity, s.where)));
    this.flowRng = Rng.derive(this.settings.seed, 'flows');
    this.sessionSeed = seedFamily(this.settings.seed, 'session');
    this.gen = { rng: this.flowRng, faker: this.seeded.faker, now: this.settings.start };
    this.stats = env.stats ?? createRunStats();
    this.stats.seed = this.settings.seed;
    this.stats.startTime = this.settings.start;
    this.stats.endTime = this.settings.start;
    env.onStore?.(this.store);
    const run = this;
    this.slotWork = function (slot) {
      slot!.action = this;
      run.onSlot(slot!);
    };
  }

  /** Virtual time, epoch ms. */
  private now(): number {
    return this.settings.start + (this.scheduler.now() - this.t0);
  }

  start(): void {
    const { start, end, nFlows } = this.settings;
    if (end !== Infinity) {
      this.endAction = this.scheduler.schedule(() => this.finish(), end - start);
    }
    this.scheduler.schedule(() => {
      this.createInitialEntities();
      if (this.settings.arrivals !== undefined) {
        this.startArrivals(this.settings.arrivals);
        return;
      }
      for (let i = 0; i < nFlows && !this.stopped; i++) {
        const slot: Slot = { session: undefined, spare: undefined, action: undefined, once: false };
        this.slots.push(slot);
        this.startSession(slot);
      }
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endAction?.unsubscribe();
    this.arrivalAction?.unsubscribe();
    for (const slots of [this.slots, this.arrived]) {
      for (const slot of slots) {
        slot.action?.unsubscribe();
        slot.session?.cursor?.close();
      }
    }
  }

  private finish(): void {
    if (this.stopped) return;
    for (const slots of [this.slots, this.arrived]) {
      for (const slot of slots) if (slot.session !== undefined && !slot.session.ended) this.stats.sessions.truncated++;
    }
    if (this.settings.end !== Infinity && this.stats.events < this.settings.totalEvents) this.stats.endTime = this.settings.end;
    this.stop();
    this.subscriber.complete();
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.subscriber.error(error);
  }

  private requireEntity(type: EntityType<any>, where: string): void {
    if (!this.store.has(type)) {
      throw new Error(`${where}: entity ${type?.name} is not part of the simulation; add it to the simulation's entities`);
    }
  }

  // --- initial entities ------------------------------------------------------------------------

  private createInitialEntities(): void {
    const { seed, start } = this.settings;
    for (const [type, count] of this.settings.initialEntities) {
      const rng = Rng.derive(seed, 'initial', type.name);
      const session = new Session(this, rng.uuid(), INITIAL_FLOW, rng, start, undefined);
      for (let i = 0; i < count && !this.stopped; i++) {
        try {
          if (type.source !== undefined) {
            this.emitEvent(session, { _tag: 'NewEvent', schema: type.source, overrides: NO_OVERRIDES, saveEntity: type, mutate: NO_MUTATIONS, key: undefined });
          } else {
            this.createWithoutSource(session, type);
          }
        } catch (e) {
          this.failSession(session, e);
          return;
        }
        // Initial entities are created unheld; the pseudo-session keeps each one only for its event's key.
        session.forget();
      }
    }
  }

  /** Who holds a new entity: its session, or nobody for initial entities (available to every flow). */
  private holderFor(session: Session): string | null {
    return session.slot === undefined ? null : session.sessionId;
  }

  private createWithoutSource(session: Session, type: EntityType<any>): void {
    const g = this.genFor(session.rng, this.now());
    const generate = (): string => String(type.keyGenerator(g));
    const key = this.uniqueKey(type, generate(), generate, `${type.name}.${type.primaryKey}`);
    session.keep(this.store.create(type, key, this.initialState(type, {}, g), this.now(), this.holderFor(session)));
  }

  /**
   * A key not used yet by `type`: `key` itself, else up to 20 regenerated ones; without
   * `regenerate` (an explicit override) a taken key is an error.
   */
  private uniqueKey(type: EntityType<any>, key: string, regenerate: (() => string) | undefined, where: string): string {
    for (let attempt = 0; this.store.get(type, key) !== undefined; attempt++) {
      if (regenerate === undefined) throw new DuplicateKeyError(`${where}: ${type.name} ${JSON.stringify(key)} already exists`);
      if (attempt >= 20) {
        throw new DuplicateKeyError(`${where}: could not generate a new ${type.name} key after 20 attempts (last: ${JSON.stringify(key)}); widen its generator`);
      }
      key = regenerate();
    }
    return key;
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
          throw new Error(`unknown state init ${describe(never)}`);
        }
      }
    }
    return state;
  }

  // --- sessions ----------------------------------------------------------------------------------

  private schedule(slot: Slot, delay: number): void {
    const action = slot.action;
    if (action !== undefined && !action.closed) {
      // Like RxJS AsyncAction, a scheduler action may be scheduled again once it has run.
      action.schedule(slot, delay);
    } else {
      this.scheduler.schedule(this.slotWork, delay, slot);
    }
  }

  private onSlot(slot: Slot): void {
    if (this.stopped) return;
    const session = slot.session;
    if (session === undefined) this.startSession(slot);
    else this.advance(session);
  }

  private startSession(slot: Slot): void {
    const { timeStep } = this.settings;
    const now = this.now();
    // Flows whose filters can all be satisfied now, then one of them by weight (the draw of
    // `Rng.weighted` over their weights, without building arrays for it).
    const flows = this.flows;
    const eligible = this.eligible;
    let count = 0;
    let total = 0;
    for (let i = 0; i < flows.length; i++) {
      const w = flows[i].weight;
      if (w <= 0) continue;
      let ok = true;
      for (const idx of this.filterIndexes[i]) if (this.store.available(idx) === 0) ok = false;
      if (ok) {
        eligible[count++] = i;
        total += w;
      }
    }
    if (count === 0) {
      if (slot.once) {
        this.stats.sessions.unmatched++;
        this.leave(slot);
      } else this.later(slot, timeStep);
      return;
    }
    let chosen = eligible[count - 1];
    if (count === 1) chosen = eligible[0];
    else {
      let r = this.flowRng.next() * total;
      for (let j = 0; j < count; j++) {
        r -= flows[eligible[j]].weight;
        if (r < 0) {
          chosen = eligible[j];
          break;
        }
      }
    }
    const flow = flows[chosen];
    const indexes = this.filterIndexes[chosen];
    const ordinal = this.stats.sessions.started++;
    const spare = slot.spare;
    const seed = this.sessionSeed(ordinal);
    let session: Session;
    if (spare !== undefined) {
      const rng = spare.rng.reseed(seed);
      session = spare.renew(rng.uuid(), flow.name, rng, now);
    } else {
      const rng = new Rng(seed);
      session = new Session(this, rng.uuid(), flow.name, rng, now, slot);
    }
    slot.spare = undefined;
    slot.session = session;
    for (const idx of indexes) {
      const r = this.store.pick(idx, session.rng);
      if (r === undefined) {
        // Two filters on the same index may exhaust it: the session cannot start.
        this.endSession(session, 'unmatched');
        return;
      }
      this.store.hold(r, session.sessionId, now);
      session.keep(r);
    }
    try {
      session.cursor = openFlow(flow.body, session, this.onPush, session.cursor);
    } catch (e) {
      this.failSession(session, e);
      return;
    }
    this.advance(session);
  }

  // --- open system ---------------------------------------------------------------------------------

  /**
   * Starts the arrival clock. `{ count: n, over }`: the sorted start times are n uniform draws over
   * [0, over), generated in order without storing them: the next one is x + (1 - x)(1 - u^(1/k))
   * with k arrivals left (the minimum of k uniforms on [x, 1)). `{ rate }`: exponential gaps.
   */
  private startArrivals(arrivals: NonNullable<ResolvedSettings['arrivals']>): void {
    const rng = Rng.derive(this.settings.seed, 'arrivals');
    const { start } = this.settings;
    const next = (): number => {
      const u = rng.next();
      if (arrivals.kind === 'count') {
        this.arrivalAt += (1 - this.arrivalAt) * (1 - Math.pow(1 - u, 1 / this.arrivalsLeft));
        return start + Math.floor(this.arrivalAt * arrivals.overMs);
      }
      this.arrivalAt += -Math.log(1 - u) * arrivals.meanGapMs;
      return start + Math.floor(this.arrivalAt);
    };
    this.arrivalsLeft = arrivals.kind === 'count' ? arrivals.count : Infinity;
    if (this.arrivalsLeft === 0) {
      this.finish();
      return;
    }
    const run = this;
    const first = next();
    if (first >= this.settings.end) return;
    this.arrivalAction = this.scheduler.schedule(function (this: SchedulerAction<void>) {
      run.arrivalsLeft--;
      const slot: Slot = { session: undefined, spare: undefined, action: undefined, once: true };
      run.arrived.add(slot);
      run.startSession(slot);
      if (run.stopped || run.arrivalsLeft === 0) return;
      const at = next();
      if (at < run.settings.end) this.schedule(undefined, at - run.now());
    }, first - this.now()) as SchedulerAction<void>;
  }

  /** An arrival's session is over; the run completes when it was the last of a counted open system. */
  private leave(slot: Slot): void {
    this.arrived.delete(slot);
    if (this.arrivalsLeft === 0 && this.arrived.size === 0) this.finish();
  }

  private later(slot: Slot, delay: number): void {
    if (this.now() + delay >= this.settings.end) return;
    this.schedule(slot, delay);
  }

  private wake(session: Session): void {
    if (session.ended || this.stopped) return;
    if (session.running) {
      session.woken = true;
      return;
    }
    this.advance(session);
  }

  private endSession(session: Session, outcome: Outcome): void {
    if (session.ended) return;
    session.ended = true;
    session.cursor?.close();
    const now = this.now();
    const held = session.held;
    if (held !== undefined) for (const r of held) if (r.heldBy === session.sessionId) this.store.release(r, now);
    this.stats.sessions[outcome]++;
    const slot = session.slot;
    if (slot === undefined || this.stopped) return;
    slot.session = undefined;
    if (slot.once) {
      this.leave(slot);
      return;
    }
    slot.spare = session;
    if (outcome === 'truncated') return;
    const next = Math.max(now, session.startedAt + this.settings.timeStep);
    this.later(slot, next - now);
  }

  /** Runs a session's actions until it waits for time, for a pending Observable, or ends. */
  private advance(session: Session): void {
    if (session.ended || this.stopped) return;
    session.running = true;
    try {
      for (;;) {
        if (this.stopped || session.ended) return;
        const a = session.cursor!.pull(session.input);
        session.input = undefined;
        if (a === DONE) {
          this.endSession(session, 'completed');
          return;
        }
        if (a === PENDING) {
          if (session.woken) {
            session.woken = false;
            continue;
          }
          return;
        }
        if (!this.perform(session, a)) return;
      }
    } catch (e) {
      this.failSession(session, e);
    } finally {
      session.running = false;
    }
  }

  /** Carries out one action; false when the session must wait or has ended. */
  private perform(session: Session, a: Action): boolean {
    switch (a?._tag) {
      case 'NewEvent':
        if (this.now() >= this.settings.end) {
          this.endSession(session, 'truncated');
          return false;
        }
        session.input = this.emitEvent(session, a);
        return !this.stopped;
      case 'AddDecay': {
        if (a.rate > 0 && session.rng.next() < a.rate) {
          this.endSession(session, 'dropped');
          return false;
        }
        const d = decayMs(a, session.rng);
        // Past the end: the session keeps what it holds until the run finishes (it is counted
        // as truncated then), so nobody else can take its entities meanwhile.
        if (this.now() + d >= this.settings.end) return false;
        if (d === 0) return true;
        this.schedule(session.slot!, d);
        return false;
      }
      case 'SetState':
        this.applyState(session, a);
        return true;
      case 'Select':
        return this.selectFor(session, a);
      case 'Release': {
        const r = session.drop(a.entity);
        if (r !== undefined) this.store.release(r, this.now());
        return true;
      }
      default: {
        const never: never = a;
        throw new TypeError(`yielded ${describe(never)}, which is not an action (use newEvent, addDecay, wait, setState, select, release)`);
      }
    }
  }

  /** What a flow sees of an entity: its state as of now, which later changes leave as it is. */
  view<S extends object>(r: EntityRecord): EntityView<S> {
    return { type: r.type.name, key: r.key, state: this.store.stateOf(r) as S };
  }

  private selectFor(session: Session, a: Select): boolean {
    // The message is built only when it is needed (this runs for every select).
    if (!this.store.has(a.entity)) this.requireEntity(a.entity, `select(${a.entity.name})`);
    let r: EntityRecord | undefined;
    if (a.key !== undefined) {
      r = this.store.get(a.entity, a.key);
      if (r !== undefined && r.heldBy !== null) r = undefined;
    } else r = this.store.pick(this.store.index(a.entity, a.where), session.rng);
    if (r === undefined) {
      if (a.optional) return true;
      this.endSession(session, 'unmatched');
      return false;
    }
    this.store.hold(r, session.sessionId, this.now());
    session.keep(r);
    session.input = this.view(r);
    return true;
  }

  private applyState(session: Session, s: SetState): void {
    const r = s.key === undefined ? session.latest(s.entity) : session.heldWithKey(s.entity, s.key);
    if (r === undefined) {
      const which = s.key === undefined ? s.entity.name : `${s.entity.name} with key ${JSON.stringify(s.key)}`;
      throw new Error(`SetState(${s.entity.name}): the session holds no ${which} (select one, or create it with saveEntity)`);
    }
    this.store.update(r, reduceState(s.entity, r.state, s.ops), this.now());
  }

  // --- events ------------------------------------------------------------------------------------

  private genFor(rng: Rng, now: number): GenContext {
    const g = this.gen;
    g.rng = rng;
    g.now = now;
    this.seeded.use(rng, now);
    return g;
  }

  private plan(a: NewEvent): PayloadPlan {
    let bySaved = this.plans.get(a.schema);
    if (bySaved === undefined) this.plans.set(a.schema, (bySaved = new WeakMap()));
    const k = a.saveEntity ?? a.schema;
    let p = bySaved.get(k);
    if (p === undefined) bySaved.set(k, (p = planPayload(a.schema, a.saveEntity, this.model.entities)));
    return p;
  }

  private emitEvent(session: Session, a: NewEvent): SimEvent {
    const now = this.now();
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
      if (hasOverrides && name in overrides) {
        e[name] = overrides[name];
      } else if (f.bind !== undefined) {
        const r = session.latest(f.bind) ?? this.store.pickAny(f.bind, rng);
        e[name] = r !== undefined ? r.key : f.generate(g);
      } else {
        e[name] = f.generate(g);
      }
    }
    if (!a.schema.codec.is(e)) throw new Error(this.invalidPayload(a, e));
    const saved = a.saveEntity;
    if (saved !== undefined) this.saveEntity(session, a, e, g, saved);
    for (const m of a.mutate) {
      try {
        this.applyState(session, m);
      } catch (err) {
        if (err instanceof StateError) throw new Error(`${a.schema.name} mutate: ${err.message}`);
        throw err;
      }
    }
    const meta: EventMeta = { time: now, key: a.key ?? session.main?.key, schema: a.schema };
    e[EVENT_META] = meta;
    const stats = this.stats;
    stats.events++;
    stats.eventsByType[a.schema.name] = (stats.eventsByType[a.schema.name] ?? 0) + 1;
    stats.endTime = now;
    const event = e as unknown as SimEvent;
    this.subscriber.next(event);
    if (stats.events >= this.settings.totalEvents) this.finish();
    return event;
  }

  private saveEntity(session: Session, a: NewEvent, e: Record<string, unknown>, g: GenContext, type: EntityType<any>): void {
    if (!this.store.has(type)) this.requireEntity(type, `saveEntity ${type.name}`);
    const pk = type.primaryKey;
    const generate = a.schema.generators[a.schema.fieldNames.indexOf(pk)];
    // A regenerated key replaces the payload's value as generated (an integer key stays an integer).
    const regenerate = pk in a.overrides ? undefined : (): string => String((e[pk] = generate(g)));
    const key = this.uniqueKey(type, String(e[pk]), regenerate, `${a.schema.name}.${pk}`);
    const r = this.store.create(type, key, this.initialState(type, e, g), this.now(), this.holderFor(session));
    session.keep(r);
  }

  private invalidPayload(a: NewEvent, e: Record<string, unknown>): string {
    for (const name of a.schema.fieldNames) {
      const f = a.schema.fields[name];
      if (!f.codec.is(e[name])) return `${a.schema.name}.${name}: expected ${f.codec.name}, got ${JSON.stringify(e[name])}`;
    }
    return `${a.schema.name}: invalid payload`;
  }

  /** Ends the run with the error of a session's flow (a `FlowError` naming flow and session). */
  private failSession(session: Session, e: unknown): void {
    if (session.slot !== undefined && !session.ended) {
      session.ended = true;
      this.stats.sessions.failed++;
    }
    this.fail(e instanceof FlowError ? e : new FlowError(session.flow, session.sessionId, e instanceof Error ? e.message : String(e), e));
  }
}
