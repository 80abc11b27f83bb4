/**
 * Pacing by events per wall-clock second: a token bucket between the stream and the driver.
 *
 * Each event emitted takes a token (`took`); the driver asks `waitMs()` before each scheduler
 * action and sleeps while the bucket is empty. Tokens come back at `perSecond` and the bucket
 * holds at most `capacity` (`BURST_SECONDS` worth, at least one), so a run that was held up (slow
 * outputs, a busy event loop) does not catch up: on average at most `perSecond` events per second,
 * exactly that when the run can keep up. The clock is read only when the bucket runs empty (the
 * refill then counts from the previous refill), so after a pause up to twice `capacity` events
 * may go at once. One action that emits several events may take the bucket below zero; the next
 * actions wait for that debt too.
 *
 * It decides only when actions run, never what they do: a rate-paced run emits the same events
 * with the same virtual timestamps as an unpaced one.
 *
 * @example
 * const limit = new RateLimit(5_000); // 5 000 events per second
 * limit.took(); // an event was emitted
 * limit.waitMs(); // 0 while tokens are left, else the ms to sleep before the next action
 */
import { performance } from 'node:perf_hooks';
import { SettingsError } from '../engine/model';

/** The bucket holds this many seconds' worth of events: the most a run bursts after a pause. */
export const BURST_SECONDS = 0.05;

/** An empty bucket is refilled this long (or to capacity) before the driver goes on: about 100 wake-ups a second at most. */
const REFILL_SECONDS = 0.01;

/** A token bucket of events (see the file's comment). */
export class RateLimit {
  /** Most tokens the bucket holds. */
  readonly capacity: number;
  /** Tokens an empty bucket waits for before the driver goes on. */
  private readonly refillTo: number;
  private tokens: number;
  private refilledAt: number;

  /**
   * @param perSecond events per wall-clock second, a finite number > 0
   * @param clock wall-clock ms (`performance.now` by default; a fake one in specs)
   */
  constructor(
    readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(typeof perSecond === 'number' && Number.isFinite(perSecond) && perSecond > 0)) {
      throw new RangeError(`RateLimit: perSecond must be a finite number > 0, got ${perSecond}`);
    }
    this.capacity = Math.max(1, perSecond * BURST_SECONDS);
    this.refillTo = Math.max(1, Math.min(this.capacity, perSecond * REFILL_SECONDS));
    this.tokens = this.capacity;
    this.refilledAt = clock();
  }

  /** Records `n` events emitted. */
  took(n = 1): void {
    this.tokens -= n;
  }

  /**
   * 0 when the next action may run now, else how many ms to wait (until the bucket holds
   * `refillTo` tokens). Reads the clock only when the bucket is empty.
   */
  waitMs(): number {
    if (this.tokens > 0) return 0;
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens > 0) return 0;
    return ((this.refillTo - this.tokens) * 1000) / this.perSecond;
  }
}

/**
 * Checks a run's `rate` option: a finite number of events per second > 0, and not together with
 * a `timeMultiplier` (a run is paced by one of them). Throws a `SettingsError` naming it.
 *
 * @example
 * checkRate(5_000, undefined); // fine
 * checkRate(5_000, 60); // SettingsError: rate: a run is paced by rate or by timeMultiplier, not both
 */
export const checkRate = (rate: number, timeMultiplier: number | undefined): void => {
  if (timeMultiplier !== undefined) throw new SettingsError('rate: a run is paced by rate or by timeMultiplier, not both');
  if (!(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    throw new SettingsError(`rate: must be a number of events per second > 0, got ${JSON.stringify(rate)}`);
  }
};
