/**
 * Churn: the engine retiring entities on its own, as their type's `churn` rule says, by the
 * pseudo-flow `CHURN_FLOW` (one pseudo-session per type and run, with its own random stream).
 *
 * - `inactiveFor`: an entity that no session holds and that nothing changed for that long retires
 *   at exactly its last change + `inactiveFor` (a change at that very instant, run first, saves
 *   it). Each churning type has one scheduler action, due when its longest-idle entity would be.
 * - `maxLive`: before a new entity is created while `maxLive` are live, the unheld one with the
 *   oldest last change retires (ties: the one queued first); if every live one is held, the new
 *   entity is created anyway and the type is over its cap until the next creation finds room.
 * - Each retirement emits the rule's `event` (about the entity: its bound fields get its key, the
 *   message key is its key) before the entity leaves the store.
 *
 * Nothing is scanned: each type keeps an `IdleQueue` of its entities by last known change, read
 * lazily at its front. A model without churn schedules nothing and draws nothing more.
 *
 * @example
 * const churn = new Churn(run, store, model.entities);
 * churn.track(record, now); // a new entity of a churning type (EntityWriter does it)
 * if (!churn.makeRoom(User)) return; // before creating a User: the run ended meanwhile
 */
import type { SchedulerAction, Subscription } from 'rxjs';
import { Rng } from '../core/rng';
import type { ChurnRule } from '../entities/churnRule';
import type { EntityType } from '../entities/entity';
import type { EntityRecord, EntityStore } from '../entities/entityStore';
import { NO_MUTATIONS, NO_OVERRIDES } from '../flows/actions';
import type { ChurnTracker } from './entityWriter';
import { IdleQueue } from './idleQueue';
import type { InitialEntitiesHost } from './initialEntities';
import { Session } from './session';
import { shareOf } from './shard';
import { ActionError } from '../flows/actionError';
import { describeValue } from './describeValue';

import { CHURN_FLOW } from './pseudoFlows';

export { CHURN_FLOW } from './pseudoFlows';

/** What churn needs of the run: what the initial entities need (a pseudo-flow's events and entities). */
export type ChurnHost = InitialEntitiesHost;

/** One churning type's state. */
interface TypeChurn {
  readonly type: EntityType<any>;
  readonly rule: ChurnRule;
  readonly queue: IdleQueue;
  /** The pseudo-session its events come from, made at its first retirement. */
  session: Session | undefined;
  /** Its scheduler action, once it has run (rescheduled for each wake-up). */
  action: SchedulerAction<TypeChurn> | undefined;
  /** The pending wake-up, and when it is due (epoch ms); undefined when none is pending. */
  pending: Subscription | undefined;
  wakeAt: number | undefined;
}

/** The churn of one run. */
export class Churn implements ChurnTracker {
  private readonly byType = new Map<EntityType<any>, TypeChurn>();
  /** The work of every type's scheduler action, told its type by the action's state. */
  private readonly work: (this: SchedulerAction<TypeChurn>, c?: TypeChurn) => void;

  constructor(
    private readonly run: ChurnHost,
    private readonly store: EntityStore,
    types: ReadonlyArray<EntityType<any>>,
  ) {
    for (const type of types) {
      if (type.churn === undefined) continue;
      this.byType.set(type, { type, rule: type.churn, queue: new IdleQueue(), session: undefined, action: undefined, pending: undefined, wakeAt: undefined });
    }
    const self = this;
    this.work = function (c) {
      c!.action = this;
      c!.pending = undefined;
      c!.wakeAt = undefined;
      self.wake(c!);
    };
  }

  /** A new entity of a churning type joins its type's queue (and wakes the type up in time). */
  track(r: EntityRecord, now: number): void {
    const c = this.byType.get(r.type);
    if (c === undefined) return;
    const q = c.queue;
    q.push(r, now);
    // Entries of entities that flows retired wait for the front; drop them once they pile up.
    if (q.size > 2 * this.store.count(c.type) + 64) q.compact((x) => x.live);
    const d = c.rule.inactiveForMs;
    if (d !== undefined && c.wakeAt === undefined) this.wakeAt(c, now + d);
  }

  /**
   * Before an entity of `type` is created: while `maxLive` of the type are live, retires the
   * longest-idle unheld one. False when the run stopped meanwhile (`totalEvents`, or a failure).
   */
  makeRoom(type: EntityType<any>): boolean {
    const c = this.byType.get(type);
    const cap = c?.rule.maxLive;
    if (c === undefined || cap === undefined) return true;
    // A shard holds its part of the world's live entities (a shared type's all).
    const max = type.shared === true ? cap : Math.max(1, shareOf(cap, this.run.settings.shard));
    const now = this.run.now();
    const held: EntityRecord[] = [];
    while (this.store.count(type) >= max) {
      const r = this.longestIdle(c, held);
      if (r === undefined) break;
      if (!this.retireOne(c, r, now)) return false;
    }
    // Held ones become idle when released, at `now` or later.
    for (const r of held) c.queue.push(r, now);
    return true;
  }

  /** Cancels the pending wake-ups (the run stopped). */
  stop(): void {
    for (const c of this.byType.values()) c.pending?.unsubscribe();
  }

  /** Retires every entity of `c` idle for `inactiveFor` by now, then waits for the next one. */
  private wake(c: TypeChurn): void {
    const run = this.run;
    if (run.stopped) return;
    const now = run.now();
    const d = c.rule.inactiveForMs!;
    const q = c.queue;
    while (q.size > 0 && q.headKey() + d <= now) {
      const key = q.headKey();
      const r = q.pop();
      if (!r.live) continue;
      if (r.heldBy !== null)
        q.push(r, now); // in use: idle again from its release on, later than now
      else if (r.since > key)
        q.push(r, r.since); // changed since it was queued
      else if (!this.retireOne(c, r, now)) return;
    }
    if (q.size > 0) this.wakeAt(c, q.headKey() + d);
  }

  /** The unheld entity of `c` with the oldest last change; held ones it meets go to `held`. */
  private longestIdle(c: TypeChurn, held: EntityRecord[]): EntityRecord | undefined {
    const q = c.queue;
    while (q.size > 0) {
      const key = q.headKey();
      const r = q.pop();
      if (!r.live) continue;
      if (r.heldBy !== null) held.push(r);
      else if (r.since > key) q.push(r, r.since);
      else return r;
    }
    return undefined;
  }

  /** Schedules `c`'s wake-up at `at` (epoch ms), unless that is at or after the end. */
  private wakeAt(c: TypeChurn, at: number): void {
    const run = this.run;
    if (at >= run.settings.end || run.stopped) return;
    const delay = at - run.now();
    const action = c.action;
    // Like RxJS AsyncAction, a scheduler action may be scheduled again once it has run.
    c.pending = action !== undefined && !action.closed ? action.schedule(c, delay) : run.scheduler.schedule(this.work, delay, c);
    c.wakeAt = at;
  }

  /** Emits the rule's event about `r` (if any) and retires it; false when the run stopped or failed. */
  private retireOne(c: TypeChurn, r: EntityRecord, now: number): boolean {
    const run = this.run;
    const session = (c.session ??= this.pseudoSession(c.type));
    // The pseudo-session keeps the entity for the event's bound fields and key, then forgets it.
    session.keep(r);
    try {
      const { event, overrides } = c.rule;
      if (event === undefined) run.writer.retire(session, c.type, undefined, now, `churn of ${c.type.name}`);
      else {
        const values = overrides === undefined ? NO_OVERRIDES : overrides(run.view(r), run.events.genFor(session.rng, now));
        if (typeof values !== 'object' || values === null) {
          throw new ActionError(`${c.type.name}.churn.overrides returned ${describeValue(values)}; expected field values of ${event.name}`);
        }
        run.emitEvent(session, {
          _tag: 'NewEvent',
          schema: event,
          overrides: values,
          saveEntity: undefined,
          mutate: NO_MUTATIONS,
          key: undefined,
          retireEntity: c.type,
        });
      }
    } catch (e) {
      run.failSession(session, e);
      return false;
    } finally {
      session.forget();
    }
    return !run.stopped;
  }

  private pseudoSession(type: EntityType<any>): Session {
    const rng = Rng.derive(this.run.settings.seed, 'churn', type.name);
    return new Session(this.run, rng.uuid(), CHURN_FLOW, rng, this.run.now(), undefined);
  }
}
