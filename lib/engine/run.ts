/**
 * One run of a model (one subscription of `simulateOn`): the virtual clock, the slots and their
 * sessions, and the loop that pulls each session's actions and carries them out.
 *
 * - A closed system has `nFlows` slots; a slot whose session ends starts the next one no sooner
 *   than `timeStep` after the last one started, and retries `timeStep` later when no flow can start.
 * - A session runs until it waits for time (`addDecay`), for a pending Observable, or ends.
 * - Entities retire by flows (`retire`, `retireEntity`) or by their type's churn (churn.ts).
 * - The run completes at its end time, after `totalEvents`, or when a counted open system is
 *   over; a failing flow ends it with a `FlowError`.
 *
 * @example
 * const run = new Run(model, env, subscriber);
 * run.start(); // schedules the initial entities and the first sessions
 * run.stop(); // on unsubscribe
 */
import type { SchedulerAction, SchedulerLike, Subscriber, Subscription } from 'rxjs';
import { Rng, seedFamily } from '../core/rng';
import type { SimEvent } from '../core/simEvent';
import type { EntityType } from '../entities/entity';
import type { EntityRecord } from '../entities/entityStore';
import { EntityStore } from '../entities/entityStore';
import type { Where } from '../entities/where';
import type { Action, NewEvent, Select } from '../flows/actions';
import { decayMs } from '../flows/actions';
import type { EntityView, FlowDef } from '../flows/flow';
import { DONE, PENDING, openFlow } from '../flows/flow';
import { SeededFaker } from '../schema/seededFaker';
import { Arrivals } from './arrivals';
import { describeValue, thrownValue } from './describeValue';
import { ActionError } from '../flows/actionError';
import { EntityWriter, requireEntity } from './entityWriter';
import { EventBuilder } from './eventBuilder';
import { FlowChoice } from './flowChoice';
import { FlowError } from './flowError';
import { initialEntityMaker } from './initialEntities';
import type { ResolvedSettings, SimulationModel } from './model';
import { resolveSettings } from './model';
import type { RunStats } from './runStats';
import { countEvent, createRunStats } from './runStats';
import { Churn } from './churn';
import type { Outcome, Slot } from './session';
import { Session, newSlot } from './session';
import type { Env } from './env';

/** A run: started by `start`, stopped by `stop` or by itself when it completes or fails. */
export class Run {
  readonly scheduler: SchedulerLike;
  readonly settings: ResolvedSettings;
  readonly seeded = new SeededFaker();
  /** `now()` as a function, shared by every session's context. */
  readonly clock = (): number => this.now();
  readonly writer: EntityWriter;
  readonly events: EventBuilder;
  readonly churn: Churn;
  /** Set once, by `stop`: nothing runs after it. */
  stopped = false;
  private readonly t0: number;
  private readonly store: EntityStore;
  /** `deriveSeed(seed, 'session', ordinal)`, the seed of each session's stream. */
  private readonly sessionSeed: (ordinal: number) => number;
  /** Called by an Observable flow's cursor when it has something new (one function per run). */
  private readonly onPush = (session: Session): void => this.wake(session);
  /**
   * The work of every slot's scheduler action, told its slot by the action's state: one function
   * per run rather than a closure per slot, which would cost memory and loads at every step.
   */
  private readonly slotWork: (this: SchedulerAction<Slot>, slot?: Slot) => void;
  private readonly stats: RunStats;
  private readonly slots: Slot[] = [];
  private readonly flows: ReadonlyArray<FlowDef>;
  private readonly choice: FlowChoice;
  private readonly arrivals: Arrivals;
  private endAction: Subscription | undefined;

  constructor(
    model: SimulationModel,
    env: Env,
    private readonly subscriber: Subscriber<SimEvent>,
  ) {
    this.scheduler = env.scheduler;
    this.t0 = env.scheduler.now();
    this.settings = resolveSettings(model, { seed: env.seed, now: env.now, shard: env.shard });
    this.store = new EntityStore(model.entities, this.settings.history);
    for (const f of model.flows) for (const s of f.filters) requireEntity(this.store, s.entity, `flow "${f.name}" filter`);
    this.flows = model.flows;
    const flowRng = Rng.derive(this.settings.seed, 'flows');
    this.choice = new FlowChoice(model.flows, this.store, flowRng);
    this.sessionSeed = seedFamily(this.settings.seed, 'session');
    this.stats = env.stats ?? createRunStats();
    this.churn = new Churn(this, this.store, model.entities);
    this.writer = new EntityWriter(this.store, this.stats, this.churn, this.settings.shard);
    this.events = new EventBuilder(this.store, model.entities, this.seeded, this.writer, flowRng, this.settings.start);
    this.arrivals = new Arrivals(this, this.settings);
    this.stats.seed = this.settings.baseSeed; // what reproduces the run (with its shard)
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
  now(): number {
    return this.settings.start + (this.scheduler.now() - this.t0);
  }

  /** Schedules the end of the run, then the initial entities and the first sessions (or the arrival clock). */
  start(): void {
    const { start, end } = this.settings;
    this.endAction = this.scheduler.schedule(() => this.finish(), end - start);
    const nextInitialEntity = initialEntityMaker(this);
    const run = this;
    // One initial entity per action (all at the start time), then the sessions.
    this.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      if (nextInitialEntity()) {
        this.schedule(undefined, 0);
        return;
      }
      if (run.stopped) return;
      run.startSessions();
    });
  }

  /** Queues the start of the first sessions, or starts the arrival clock. */
  private startSessions(): void {
    if (this.settings.arrivals !== undefined) {
      this.arrivals.start(this.settings.arrivals);
      return;
    }
    // Each slot starts in an action of its own, all queued now: the sessions start in slot order,
    // before anything they schedule for the same instant, and the sinks see the first ones early.
    for (let i = 0; i < this.settings.nFlows; i++) {
      const slot = newSlot(false);
      this.slots.push(slot);
      this.schedule(slot, 0);
    }
  }

  /** Cancels everything scheduled and closes the running flows (on unsubscribe, completion or failure). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endAction?.unsubscribe();
    this.arrivals.stop();
    this.churn.stop();
    for (const slots of [this.slots, this.arrivals.slots]) {
      for (const slot of slots) {
        slot.action?.unsubscribe();
        slot.session?.cursor?.close();
      }
    }
  }

  /** Completes the run, counting the sessions still running as truncated. */
  finish(): void {
    if (this.stopped) return;
    for (const slots of [this.slots, this.arrivals.slots]) {
      for (const slot of slots) if (slot.session !== undefined && !slot.session.ended) this.stats.sessions.truncated++;
    }
    // A run without a duration that completes by itself ends at its last event, not at MAX_TIME.
    const { end, forever, totalEvents } = this.settings;
    if ((!forever || this.now() >= end) && this.stats.events < totalEvents) this.stats.endTime = end;
    this.stop();
    this.subscriber.complete();
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.subscriber.error(error);
  }

  /** Entities of a type matching `where` now, held or not (`FlowContext.count`). */
  countWhere(type: EntityType<any>, where: Where<any>): number {
    requireEntity(this.store, type, 'count');
    return this.store.countWhere(type, where);
  }

  /** What a flow sees of an entity: its state as of now, which later changes leave as it is. */
  view<S extends object>(r: EntityRecord): EntityView<S> {
    return { type: r.type.name, key: r.key, state: this.store.stateOf(r) as S };
  }

  // --- slots and sessions ----------------------------------------------------------------------

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

  /** Starts a session of a flow chosen by weight in `slot`, holding what its filters select. */
  startSession(slot: Slot): void {
    const now = this.now();
    const chosen = this.choice.choose();
    if (chosen < 0) {
      if (slot.once) {
        this.stats.sessions.unmatched++;
        this.arrivals.leave(slot);
      } else this.later(slot, this.settings.timeStep);
      return;
    }
    const flow = this.flows[chosen];
    const indexes = this.choice.filterIndexes[chosen];
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
      this.arrivals.leave(slot);
      return;
    }
    slot.spare = session;
    if (outcome === 'truncated') return;
    const next = Math.max(now, session.startedAt + this.settings.timeStep);
    this.later(slot, next - now);
  }

  /** Ends the run with the error of a session's flow (a `FlowError` naming flow and session). */
  failSession(session: Session, e: unknown): void {
    if (session.slot !== undefined && !session.ended) {
      session.ended = true;
      this.stats.sessions.failed++;
    }
    this.fail(e instanceof FlowError ? e : new FlowError(session.flow, session.sessionId, e instanceof Error ? e.message : thrownValue(e), e));
  }

  // --- actions -----------------------------------------------------------------------------------

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
        // A hand-built action: say so, rather than fail deep inside the event builder.
        if (typeof a.schema?.codec?.is !== 'function')
          throw new ActionError(`yielded a NewEvent without an event schema (${describeValue(a)}); build it with newEvent(schema, …)`);
        if (this.now() >= this.settings.end) {
          this.endSession(session, 'truncated');
          return false;
        }
        if (a.saveEntity?.churn?.maxLive !== undefined && !this.churn.makeRoom(a.saveEntity)) return false;
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
        this.writer.setState(session, a, this.now());
        return true;
      case 'Select':
        return this.selectFor(session, a);
      case 'Release':
        this.writer.release(session, a.entity, this.now());
        return true;
      case 'Retire':
        this.writer.retire(session, a.entity, a.key, this.now(), `retire(${a.entity?.name})`);
        return true;
      default: {
        const never: never = a;
        throw new TypeError(`yielded ${describeValue(never)}, which is not an action (use newEvent, addDecay, wait, setState, select, release, retire)`);
      }
    }
  }

  private selectFor(session: Session, a: Select): boolean {
    const r = this.writer.select(session, a, this.now());
    if (r !== undefined) session.input = this.view(r);
    else if (!a.optional) {
      this.endSession(session, 'unmatched');
      return false;
    }
    return true;
  }

  /** Builds the event of `a`, counts it and emits it; completes the run at `totalEvents`. */
  emitEvent(session: Session, a: NewEvent): SimEvent {
    const now = this.now();
    const event = this.events.build(session, a, now);
    const stats = this.stats;
    stats.events++;
    countEvent(stats, a.schema.name);
    stats.endTime = now;
    this.subscriber.next(event);
    if (stats.events >= this.settings.totalEvents) this.finish();
    return event;
  }
}
