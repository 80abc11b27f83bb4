/**
 * Runs a `HeapScheduler` on the Node event loop: where virtual time meets the wall clock.
 *
 * The driver runs the scheduler's actions in chunks and yields to the event loop between chunks
 * (`setImmediate`), so sinks can do their I/O while a simulation runs. A chunk ends after
 * `chunkSize` actions or `turnMs` of wall time, whichever comes first; the first turn may take 1 ms
 * and each next one twice as long, up to `turnMs`, so the first events reach the sinks as soon as
 * they exist, while a long run still amortises its turns. It stops running while the
 * backpressure says too many events are in flight, and starts again when the sinks have caught
 * up. With a `timeMultiplier` it paces virtual time against `performance.now()`: an action due at
 * virtual time `t` never runs before `(t - virtualStart) / timeMultiplier` ms of wall time have
 * passed since `drive()` was called. With a `rateLimit` (a token bucket on the events, see
 * rateLimit.ts) it sleeps between actions while the bucket is empty. With an empty queue it idles
 * — no timer, no busy loop — and wakes up when something is scheduled (`scheduler.onSchedule`).
 *
 * Virtual timestamps stay exact whatever the pacing: the clock only moves to the due time of each
 * action that runs, so a paced run produces exactly the same virtual timeline as an unpaced one.
 * A paced run that falls behind (slow sinks, a busy event loop) catches up as fast as it can.
 *
 * @example
 * import { interval, take } from 'rxjs';
 * const scheduler = new HeapScheduler();
 * interval(1_000, scheduler).pipe(take(3)).subscribe((n) => console.log(n, scheduler.now()));
 * const driver = drive(scheduler, { timeMultiplier: 60 }); // 1 virtual minute per real second
 * // … later
 * driver.stop();
 */

import { performance } from 'node:perf_hooks';
import { HeapScheduler } from '../core/heapScheduler';
import { Backpressure } from './backpressure';
import type { RateLimit } from './rateLimit';

/** How `drive` runs a scheduler. */
export interface DriveOptions {
  /**
   * Virtual time units per wall-clock unit. `undefined` or `Infinity`: as fast as possible;
   * 1: real time; 60: one virtual minute per real second.
   */
  readonly timeMultiplier?: number;
  /** Backpressure: no action runs while `backpressure.paused`. */
  readonly backpressure?: Backpressure;
  /** Events per wall-clock second: no action runs while `rateLimit.waitMs()` says to wait (whoever emits the events counts them with `took`). */
  readonly rateLimit?: RateLimit;
  /** Most actions run per event-loop turn before yielding (default 2000). */
  readonly chunkSize?: number;
  /** Wall-clock ms after which a turn yields even if it has run fewer than `chunkSize` actions (default 10). */
  readonly turnMs?: number;
  /**
   * Receives an error thrown by an action's work (the driver has stopped by then). Without it,
   * the error is rethrown from the event loop, i.e. it becomes an uncaught exception.
   */
  readonly onError?: (error: unknown) => void;
}

/** A running `drive` loop. */
export interface Driver {
  /** Stops running actions and cancels any pending immediate, timeout or backpressure wait. */
  stop(): void;
  /** `true` until `stop()` is called or an action throws. */
  readonly running: boolean;
}

/** Default actions per event-loop turn: long enough to amortise a turn, short enough for I/O. */
export const DEFAULT_CHUNK_SIZE = 2_000;

/** Default wall-clock length of a turn: short enough for the sinks to see events early. */
export const DEFAULT_TURN_MS = 10;

/** The clock is read once per this many actions (reading it costs about as much as a small action). */
const CLOCK_EVERY = 8;

/** Longest single sleep while paced, so a stopped or re-planned driver never lingers. */
const MAX_SLEEP_MS = 1_000;

/**
 * Starts running `scheduler`'s actions on the event loop (first chunk on the next `setImmediate`).
 * The virtual start is `scheduler.now()` at the time of the call. While it runs, the driver owns
 * `scheduler.onSchedule` (a hook that was set before is still called, and is restored by `stop`).
 *
 * @example
 * const scheduler = new HeapScheduler();
 * const flow = new Backpressure(1_000);
 * const driver = drive(scheduler, { backpressure: flow, onError: (e) => console.error(e) });
 * driver.running; // true
 * driver.stop();
 */
export function drive(scheduler: HeapScheduler, options: DriveOptions = {}): Driver {
  const multiplier = options.timeMultiplier ?? Infinity;
  if (!(multiplier > 0)) {
    throw new RangeError(`drive: timeMultiplier must be a positive number, got ${options.timeMultiplier}`);
  }
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`drive: chunkSize must be a positive integer, got ${options.chunkSize}`);
  }
  const turnMs = options.turnMs ?? DEFAULT_TURN_MS;
  if (!(turnMs > 0)) throw new RangeError(`drive: turnMs must be a positive number, got ${options.turnMs}`);
  const paced = multiplier !== Infinity;
  const flow = options.backpressure;
  const rate = options.rateLimit;
  const onError = options.onError;
  const userHook = scheduler.onSchedule;
  const virtualStart = scheduler.now();
  const wallStart = performance.now();

  let running = true;
  let budgetMs = Math.min(1, turnMs); // slow start: doubles each turn up to turnMs
  let immediate: NodeJS.Immediate | undefined;
  let timeout: NodeJS.Timeout | undefined;
  let cancelResume: (() => void) | undefined;

  /** Plans the next turn on the next `setImmediate` (at most one pending). */
  const plan = (): void => {
    if (!running || immediate !== undefined) return;
    if (timeout !== undefined) {
      clearTimeout(timeout);
      timeout = undefined;
    }
    scheduler.onSchedule = userHook;
    immediate = setImmediate(turn);
  };

  /** While idle or sleeping: anything newly scheduled may be due sooner, so take a look. */
  const wake = (): void => {
    if (userHook !== undefined) userHook();
    plan();
  };

  const waitForFlow = (fc: Backpressure): void => {
    scheduler.onSchedule = userHook;
    cancelResume = fc.onResume(() => {
      cancelResume = undefined;
      plan();
    });
  };

  const sleepUntil = (virtualTime: number): void => {
    const dueWall = wallStart + (virtualTime - virtualStart) / multiplier;
    const ms = Math.min(MAX_SLEEP_MS, Math.max(1, Math.ceil(dueWall - performance.now())));
    timeout = setTimeout(turn, ms);
    scheduler.onSchedule = wake;
  };

  /** Waits for the rate limit's bucket; what is newly scheduled cannot run sooner. */
  const sleepFor = (ms: number): void => {
    timeout = setTimeout(turn, Math.min(MAX_SLEEP_MS, Math.max(1, Math.ceil(ms))));
    scheduler.onSchedule = userHook;
  };

  const fail = (error: unknown): void => {
    stop();
    if (onError === undefined) throw error;
    onError(error);
  };

  /** One event-loop turn: run up to `chunkSize` due actions, then decide how to continue. */
  function turn(): void {
    immediate = undefined;
    timeout = undefined;
    if (!running) return;
    const limit = paced ? virtualStart + (performance.now() - wallStart) * multiplier : Infinity;
    let ran = 0;
    const turnEnd = performance.now() + budgetMs;
    budgetMs = Math.min(turnMs, budgetMs * 2);
    try {
      while (running) {
        if (flow !== undefined && flow.paused) return waitForFlow(flow);
        const next = scheduler.peekTime();
        if (next === undefined) {
          scheduler.onSchedule = wake; // idle until something is queued
          return;
        }
        if (next > limit) return sleepUntil(next);
        const wait = rate === undefined ? 0 : rate.waitMs();
        if (wait > 0) return sleepFor(wait);
        if (ran >= chunkSize || (ran % CLOCK_EVERY === 0 && ran > 0 && performance.now() >= turnEnd)) return plan();
        scheduler.runNext();
        ran++;
      }
    } catch (error) {
      fail(error);
    }
  }

  function stop(): void {
    if (!running) return;
    running = false;
    if (immediate !== undefined) clearImmediate(immediate);
    if (timeout !== undefined) clearTimeout(timeout);
    immediate = undefined;
    timeout = undefined;
    if (cancelResume !== undefined) cancelResume();
    cancelResume = undefined;
    if (scheduler.onSchedule === wake) scheduler.onSchedule = userHook;
  }

  plan();
  return {
    stop,
    get running() {
      return running;
    },
  };
}
