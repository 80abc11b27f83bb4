/**
 * Backpressure bookkeeping between the engine and the end of the sink pipeline.
 *
 * The engine calls `emitted()` for each event it produces; the last operator of the pipeline
 * calls `acked()` once an event has been accepted by every sink. While `inFlight` is at or above
 * the high-water mark the driver stops running virtual time (`paused`), and it resumes once the
 * sinks have drained the backlog down to the low-water mark (half the high-water mark) — the gap
 * between the two marks avoids stopping and starting on every single event.
 *
 * The bound holds between actions: one scheduler action that emits k events can overshoot the
 * high-water mark by at most k - 1.
 *
 * @example
 * const flow = new Backpressure(100);
 * flow.emitted(100);
 * flow.paused; // true
 * flow.onResume(() => console.log('go on'));
 * flow.acked(50); // logs "go on" (50 in flight = low-water mark)
 */
export class Backpressure {
  /** Resume once `inFlight` is at or below this (half the high-water mark). */
  readonly lowWaterMark: number;

  private count = 0;
  private waiting: Array<() => void> = [];

  /** @param highWaterMark pause once this many events are in flight (a positive integer). */
  constructor(readonly highWaterMark = 10_000) {
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
      throw new RangeError(`Backpressure: highWaterMark must be a positive integer, got ${highWaterMark}`);
    }
    this.lowWaterMark = Math.floor(highWaterMark / 2);
  }

  /** Events emitted by the engine and not yet acknowledged by the sinks. */
  get inFlight(): number {
    return this.count;
  }

  /** Whether the producer should stop: `inFlight >= highWaterMark`. */
  get paused(): boolean {
    return this.count >= this.highWaterMark;
  }

  /** Records `n` events handed to the pipeline. */
  emitted(n = 1): void {
    this.count += n;
  }

  /**
   * Records `n` events accepted at the end of the pipeline; wakes the `onResume` callbacks when
   * `inFlight` reaches the low-water mark. Acknowledging more than is in flight is a bug and throws.
   */
  acked(n = 1): void {
    if (n > this.count) {
      throw new RangeError(`Backpressure: ${n} acknowledged but only ${this.count} in flight`);
    }
    this.count -= n;
    if (this.waiting.length > 0 && this.count <= this.lowWaterMark) {
      const callbacks = this.waiting;
      this.waiting = [];
      for (const cb of callbacks) cb();
    }
  }

  /**
   * Calls `cb` once, when `inFlight` drops to the low-water mark — at once (synchronously) if it
   * already is. Returns a function that cancels the wait.
   *
   * @example
   * const flow = new Backpressure(10);
   * flow.emitted(10);
   * const cancel = flow.onResume(() => console.log('resumed'));
   * cancel(); // e.g. on shutdown: the callback will not be called
   */
  onResume(cb: () => void): () => void {
    if (this.count <= this.lowWaterMark) {
      cb();
      return () => undefined;
    }
    const entry = (): void => cb();
    this.waiting.push(entry);
    return () => {
      const i = this.waiting.indexOf(entry);
      if (i >= 0) this.waiting.splice(i, 1);
    };
  }
}

/** @deprecated Renamed `Backpressure` (in deep-faker a "flow" is a user journey). */
export const FlowControl = Backpressure;
/** @deprecated Renamed `Backpressure`. */
export type FlowControl = Backpressure;
