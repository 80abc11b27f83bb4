/**
 * A virtual-time RxJS scheduler whose queue is a binary heap ordered by (due time, sequence).
 *
 * RxJS's `VirtualTimeScheduler` keeps its queue in an array that it re-sorts on every `schedule`
 * and `shift()`s on every run, so each operation costs O(pending actions). `HeapScheduler` keeps
 * the same ordering — earlier time first, and first-scheduled-first among equal times, which is
 * what makes a run deterministic — in a binary heap: scheduling and running an action cost
 * O(log pending), cancelling one O(1).
 *
 * Layout: the heap is three parallel arrays — due times and sequence numbers in `Float64Array`s,
 * actions in a plain array — so comparisons never chase object pointers (faster than a heap of
 * action objects once many actions are pending; bench/scheduler.ts). Cancelled or moved actions
 * leave a stale entry behind (lazy deletion: an entry is live when its sequence number is its
 * action's current one); stale entries are dropped when they reach the top, and the heap is
 * compacted whenever they outnumber the live ones, so memory stays proportional to the live
 * actions.
 *
 * It implements `SchedulerLike`, so every RxJS creation function and operator that takes a
 * scheduler (`timer`, `interval`, `delay`, `debounceTime`, `bufferTime`, `observeOn`, …) runs on
 * it unchanged. Nothing here reads the wall clock: time only moves when the owner drives the
 * queue with `flush`, `runUntil` or `runNext` (see `lib/runtime/driver.ts` for wall-clock pacing).
 *
 * @example
 * import { interval, take } from 'rxjs';
 * const scheduler = new HeapScheduler();
 * const seen: Array<[number, number]> = [];
 * interval(10, scheduler).pipe(take(3)).subscribe((n) => seen.push([scheduler.now(), n]));
 * scheduler.flush();
 * // seen: [[10, 0], [20, 1], [30, 2]]
 */

import { Subscription } from './rx';
import type { SchedulerAction, SchedulerLike } from 'rxjs';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** The work of an action, as RxJS calls it: `this` is the action, so it can reschedule itself. */
export type Work<T> = (this: SchedulerAction<T>, state?: T) => void;

/**
 * One unit of work on a `HeapScheduler`: a `Subscription` that can be rescheduled.
 *
 * Like RxJS's `AsyncAction`, an action is queued at most once at a time: calling `schedule` again
 * while it is queued moves it (to `now() + delay`, behind the actions already due then), and
 * calling it from inside its own work queues the same object again — which is how `interval`,
 * `timer(due, period)`, `observeOn` and friends repeat without allocating. Unsubscribing removes
 * it from the queue; a closed action ignores `schedule`.
 *
 * @example
 * const scheduler = new HeapScheduler();
 * scheduler.schedule<number>(function (n = 0) {
 *   if (n < 2) this.schedule(n + 1, 5); // runs at 0, 5 and 10
 * });
 * scheduler.flush();
 */
export class HeapAction<T> extends Subscription implements SchedulerAction<T> {
  /** Sequence number of the action's live heap entry, or -1 when it is not queued. */
  seq = -1;
  /** State handed to the work on its next run. */
  state: T | undefined = undefined;

  constructor(
    private scheduler: HeapScheduler | null,
    private work: Work<T> | null,
  ) {
    super();
  }

  /**
   * Queues the action `delay` time units after the scheduler's current time, replacing its
   * state. Moves it if it is already queued; does nothing on a closed action.
   */
  schedule(state?: T, delay = 0): Subscription {
    const scheduler = this.scheduler;
    if (this.closed || scheduler === null) return this;
    this.state = state;
    scheduler.enqueue(this, delay);
    return this;
  }

  /** Runs the work once; if it throws, unsubscribes the action and rethrows. */
  execute(): void {
    const work = this.work as Work<T>;
    try {
      work.call(this, this.state);
    } catch (error) {
      this.unsubscribe();
      throw error;
    }
    // Not rescheduled: the state will be replaced before any next run, so let it go now.
    if (this.seq < 0) this.state = undefined;
  }

  /** Removes the action from the queue (if queued) and releases its work and state. */
  override unsubscribe(): void {
    if (this.closed) return;
    const scheduler = this.scheduler;
    if (scheduler !== null && this.seq >= 0) scheduler.dequeue(this);
    this.scheduler = null;
    this.work = null;
    this.state = undefined;
    super.unsubscribe();
  }
}

// ---------------------------------------------------------------------------------------------
// scheduler
// ---------------------------------------------------------------------------------------------

const MIN_CAPACITY = 16;
/** Below this many stale entries, compaction is not worth it. */
const MIN_STALE_TO_COMPACT = 64;

/**
 * A deterministic virtual-time scheduler backed by a binary heap (see the module comment).
 *
 * Time starts at `startTime` and only moves forward when actions run (to each action's time) or
 * when `runUntil(time)` is called. Delays that are negative or NaN count as 0; an infinite delay
 * means "never" and queues nothing. An error thrown by an action's work unsubscribes that action
 * and propagates out of `flush`/`runUntil`/`runNext`; the other queued actions stay queued.
 *
 * @example
 * import { timer } from 'rxjs';
 * const scheduler = new HeapScheduler(1_000);
 * timer(500, scheduler).subscribe(() => console.log(scheduler.now())); // 1500
 * scheduler.runUntil(2_000);
 * scheduler.now(); // 2000
 */
export class HeapScheduler implements SchedulerLike {
  /**
   * Called each time an action is queued (newly or again). The runtime driver uses it to wake up
   * when it was idle; keep it cheap.
   */
  onSchedule?: () => void = undefined;

  private current: number;
  private sequence = 0;
  /** Heap entries [0, count): due time, sequence number, action. */
  private times = new Float64Array(MIN_CAPACITY);
  private seqs = new Float64Array(MIN_CAPACITY);
  private readonly actions: Array<HeapAction<any> | undefined> = [];
  private count = 0;
  /** Entries whose action was cancelled or moved since they were pushed. */
  private stale = 0;

  constructor(startTime = 0) {
    if (!Number.isFinite(startTime)) {
      throw new RangeError(`HeapScheduler: startTime must be a finite number, got ${startTime}`);
    }
    this.current = startTime;
  }

  /** The current virtual time. */
  now(): number {
    return this.current;
  }

  /**
   * Queues `work` to run `delay` time units from now (FIFO among actions due at the same time).
   *
   * @example
   * const s = new HeapScheduler();
   * s.schedule((who) => console.log(`hello ${who} at ${s.now()}`), 10, 'world');
   * s.flush(); // "hello world at 10"
   */
  schedule<T>(work: Work<T>, delay = 0, state?: T): Subscription {
    if (delay === Infinity) return Subscription.EMPTY;
    return new HeapAction<T>(this, work).schedule(state, delay);
  }

  /** Number of live (queued, not cancelled) actions. */
  get size(): number {
    return this.count - this.stale;
  }

  /**
   * Diagnostics and tests: heap entries including stale ones not yet purged. Stays below
   * `2 * size + 64` (compaction), so cancelled actions never pile up.
   */
  get heapLength(): number {
    return this.count;
  }

  /** Time of the next live action, or `undefined` when none is queued. */
  peekTime(): number | undefined {
    return this.purgeTop() ? this.times[0] : undefined;
  }

  /**
   * Runs actions in order until the queue is empty, including the ones they schedule. Never
   * returns while something reschedules forever (an endless `interval`): use `runUntil` then.
   */
  flush(): void {
    while (this.purgeTop()) this.runTop();
  }

  /**
   * Runs every action due at or before `time` (including ones scheduled meanwhile), then sets the
   * clock to `time` if it is later than now. Stops early after `maxActions` actions, leaving the
   * clock at the last action run. Returns how many actions ran.
   *
   * @example
   * const s = new HeapScheduler();
   * s.schedule(() => {}, 10);
   * s.schedule(() => {}, 30);
   * s.runUntil(20); // 1 (the action at 10); s.now() === 20, s.size === 1
   */
  runUntil(time: number, maxActions = Infinity): number {
    if (Number.isNaN(time)) throw new RangeError('HeapScheduler.runUntil: time is NaN');
    let ran = 0;
    while (this.purgeTop() && this.times[0] <= time) {
      if (ran >= maxActions) return ran;
      ran++;
      this.runTop();
    }
    if (time > this.current && time !== Infinity) this.current = time;
    return ran;
  }

  /**
   * Runs exactly the next queued action, moving the clock to its time. Returns `false` (and does
   * nothing) when the queue is empty.
   *
   * @example
   * const s = new HeapScheduler();
   * s.schedule(() => {}, 7);
   * s.runNext(); // true, s.now() === 7
   * s.runNext(); // false
   */
  runNext(): boolean {
    if (!this.purgeTop()) return false;
    this.runTop();
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // internals used by HeapAction
  // -------------------------------------------------------------------------------------------

  /** @internal Queues (or moves) `action` to `now() + delay`. */
  enqueue(action: HeapAction<any>, delay: number): void {
    if (!(delay > 0)) delay = 0; // negative and NaN
    if (action.seq >= 0) this.dequeue(action);
    if (delay === Infinity) return;
    const seq = this.sequence++;
    action.seq = seq;
    this.push(this.current + delay, seq, action);
    const hook = this.onSchedule;
    if (hook !== undefined) hook();
  }

  /** @internal Forgets the queued entry of `action` (it becomes stale). */
  dequeue(action: HeapAction<any>): void {
    action.seq = -1;
    this.stale++;
    if (this.stale >= MIN_STALE_TO_COMPACT && this.stale * 2 > this.count) this.compact();
  }

  // -------------------------------------------------------------------------------------------
  // heap
  // -------------------------------------------------------------------------------------------

  /** Drops stale entries from the top; says whether a live one is there. */
  private purgeTop(): boolean {
    const actions = this.actions;
    const seqs = this.seqs;
    while (this.count > 0) {
      if ((actions[0] as HeapAction<any>).seq === seqs[0]) return true;
      this.pop();
      this.stale--;
    }
    return false;
  }

  /** Pops the top entry (known live), advances the clock to its time and runs its action. */
  private runTop(): void {
    const action = this.actions[0] as HeapAction<any>;
    const time = this.times[0];
    this.pop();
    action.seq = -1;
    this.current = time;
    action.execute();
  }

  private push(time: number, seq: number, action: HeapAction<any>): void {
    if (this.count === this.times.length) this.resize(this.count * 2);
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    let i = this.count++;
    // A new entry has the highest sequence number so far: among equal times it stays below.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt <= time) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      actions[i] = actions[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    actions[i] = action;
  }

  /** Removes the top entry. */
  private pop(): void {
    const n = --this.count;
    const actions = this.actions;
    if (n > 0) this.siftDown(0, this.times[n], this.seqs[n], actions[n] as HeapAction<any>, n);
    actions[n] = undefined;
    const capacity = this.times.length;
    if (capacity > 1024 && n < capacity >>> 2) this.resize(capacity >>> 1);
  }

  /** Places the entry (time, seq, action) at hole `i` or below, in a heap of `n` entries. */
  private siftDown(i: number, time: number, seq: number, action: HeapAction<any>, n: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = times[c];
      if (c + 1 < n) {
        const rt = times[c + 1];
        if (rt < ct || (rt === ct && seqs[c + 1] < seqs[c])) {
          c++;
          ct = rt;
        }
      }
      if (time < ct || (time === ct && seq < seqs[c])) break;
      times[i] = ct;
      seqs[i] = seqs[c];
      actions[i] = actions[c];
      i = c;
    }
    times[i] = time;
    seqs[i] = seq;
    actions[i] = action;
  }

  /** Drops every stale entry and rebuilds the heap (Floyd's O(n) heapify). */
  private compact(): void {
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    const n = this.count;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const action = actions[i] as HeapAction<any>;
      if (action.seq === seqs[i]) {
        times[kept] = times[i];
        seqs[kept] = seqs[i];
        actions[kept] = action;
        kept++;
      }
    }
    actions.length = kept;
    this.count = kept;
    this.stale = 0;
    for (let i = (kept >> 1) - 1; i >= 0; i--) {
      this.siftDown(i, times[i], seqs[i], actions[i] as HeapAction<any>, kept);
    }
    if (this.times.length > MIN_CAPACITY && kept * 4 < this.times.length) this.resize(kept * 2);
  }

  private resize(capacity: number): void {
    capacity = Math.max(MIN_CAPACITY, capacity);
    if (this.actions.length > this.count) this.actions.length = this.count;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.count));
    seqs.set(this.seqs.subarray(0, this.count));
    this.times = times;
    this.seqs = seqs;
  }
}
