/**
 * `outOfOrder`: the order simulator's `--out-of-order-rate`, on any stream of events.
 *
 * Each event, with probability `rate`, is held back and delivered after `k` later events, `k`
 * uniform in 1..`window` (see `holdBack` for the exact mechanism). A held event is always
 * delivered after at least one event that arrived after it, so the share of events delivered after
 * a later-arriving event is `rate` (less a few at the very end of the stream, which are flushed in
 * order). Memory: at most `window` events are held. Draws come from one stream
 * `Rng.derive(seed, 'delivery.outOfOrder')` in arrival order, so the same input and seed give the
 * same output.
 *
 * @example
 * events$.pipe(outOfOrder({ seed: 42, rate: 0.12, window: 5 }));
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { defer } from '../core/rx';
import { Rng } from '../core/rng';
import { SimEvent } from '../core/simEvent';
import { HoldBackStats, holdBack } from './holdBack';

/** Options of `outOfOrder`. */
export interface OutOfOrderOptions {
  /** Seed of the draws. */
  readonly seed: number;
  /** Probability that an event is delivered after later ones (0..1). */
  readonly rate: number;
  /** Most later events an event can be held behind, and most events held at once. Default 5. */
  readonly window?: number;
  /** Counters to update (see `holdBackStats`). */
  readonly stats?: HoldBackStats;
}

/**
 * Delivers a share `rate` of events after 1..`window` later events, deterministically under `seed`.
 *
 * @example
 * events$.pipe(outOfOrder({ seed: 1, rate: 0.1, window: 3 }));
 */
export const outOfOrder = (options: OutOfOrderOptions): MonoTypeOperatorFunction<SimEvent> => {
  const { seed, rate } = options;
  const window = options.window ?? 5;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`outOfOrder: rate must be between 0 and 1, got ${rate}`);
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`outOfOrder: window must be an integer >= 1, got ${window}`);
  return (source) =>
    defer(() => {
      const rng = Rng.derive(seed, 'delivery.outOfOrder');
      return source.pipe(holdBack(() => (rng.chance(rate) ? rng.int(1, window) : 0), window, options.stats));
    });
};
