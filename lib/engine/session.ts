/**
 * One session of a run: the engine's bookkeeping for it (the entities it holds, its flow's
 * cursor, what the next pull receives) and, as a `FlowContext`, what its flow sees. Sessions run
 * in slots: a closed system refills a slot when its session ends, an open-system arrival's slot
 * is used once.
 *
 * @example
 * const slot = newSlot(false);
 * const session = new Session(run, rng.uuid(), 'shopping', rng, now, slot);
 * session.keep(record); // the session holds `record` now
 */
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import type { Rng } from '../core/rng';
import type { EntityType } from '../entities/entity';
import type { EntityRecord } from '../entities/entityStore';
import type { Where } from '../entities/where';
import type { ActionCursor, EntityView, FlowContext } from '../flows/flow';
import type { GenContext } from '../schema/generator';
import type { SeededFaker } from '../schema/seededFaker';
import { ActionError } from '../flows/actionError';

/** How a session ended: the session counter it adds to. */
export type Outcome = 'completed' | 'dropped' | 'unmatched' | 'truncated';

/** Where sessions run, one after another. */
export interface Slot {
  session: Session | undefined;
  /** The slot's last session, ended: the next one reuses the object. */
  spare: Session | undefined;
  /** An open-system arrival's slot: used for one session, never refilled. */
  readonly once: boolean;
  /** The slot's scheduler action: rescheduled for each step (one allocation per slot, not per step). */
  action: SchedulerAction<Slot> | undefined;
}

/** An empty slot; `once` for an open-system arrival. */
export const newSlot = (once: boolean): Slot => ({ session: undefined, spare: undefined, action: undefined, once });

/** What a session reads from its run. */
export interface SessionHost {
  readonly scheduler: SchedulerLike;
  readonly seeded: SeededFaker;
  /** Virtual time, epoch ms, callable unbound. */
  readonly clock: () => number;
  /** What a flow sees of an entity, as of now. */
  view<S extends object>(r: EntityRecord): EntityView<S>;
  /** Entities of a type matching `where` now, held or not. */
  countWhere(type: EntityType<any>, where: Where<any>): number;
}

/** How many of its retired entities a session remembers, for messages. */
const RECENTLY_RETIRED = 8;

const RUNNING = 1;
const ENDED = 2;
const WOKEN = 4;

/**
 * A session. Its methods are on the prototype, and `now` is shared by every session of the run.
 *
 * A slot's sessions follow one another, so the next one reuses the object of the last (`renew`),
 * with its generator cursor and its `Rng` (reseeded): with many sessions alive at once each one
 * outlives a few scavenges, so what it allocates is promoted and left to a major GC. A session's
 * objects are only reused once it has ended and its flow is closed, so a flow never sees another
 * session through its context.
 */
export class Session implements FlowContext {
  /**
   * Held entities, most recent last; undefined until the first one: a live session's bytes are
   * copied by every scavenge it survives, so the array is allocated only when needed, at its size.
   */
  held: EntityRecord[] | undefined = undefined;
  main: EntityRecord | undefined = undefined;
  /** The entities this session retired lately (a few, for the message when it tries to use one again). */
  retired: EntityRecord[] | undefined = undefined;
  cursor: ActionCursor | undefined = undefined;
  input: unknown = undefined;
  /** RUNNING | ENDED | WOKEN, in one small integer to keep a session small. */
  private flags = 0;
  /** Virtual time, epoch ms (the run's clock; callable unbound). */
  readonly now: () => number;

  constructor(
    private readonly run: SessionHost,
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
    this.retired = undefined;
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
    if (r === undefined) {
      const gone = this.retiredOne(type, undefined);
      throw new ActionError(
        `getEntity(${type.name}): the session holds no ${type.name}${gone === undefined ? '' : ` (it retired ${JSON.stringify(gone.key)})`}`,
      );
    }
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

  /** Stops holding `r`, which it retired: it is remembered (the last few) for messages. */
  dropRetired(r: EntityRecord): void {
    const held = this.held;
    const i = held === undefined ? -1 : held.lastIndexOf(r);
    if (i >= 0) held!.splice(i, 1);
    if (this.main === r) this.main = undefined;
    const retired = (this.retired ??= []);
    if (retired.length === RECENTLY_RETIRED) retired.shift();
    retired.push(r);
  }

  /** The entity of `type` (with `key`, if given) that this session retired lately, if any. */
  retiredOne(type: EntityType<any>, key: string | undefined): EntityRecord | undefined {
    const list = this.retired;
    if (list !== undefined) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].type === type && (key === undefined || list[i].key === key)) return list[i];
    }
    return undefined;
  }

  /** Forgets every held entity (without releasing them) and what it retired. */
  forget(): void {
    this.held = undefined;
    this.main = undefined;
    this.retired = undefined;
  }
}
