/**
 * `holdBack`: the exact mechanism behind `outOfOrder`, driven by a decision function instead of a
 * random draw, so its ordering can be pinned with marbles.
 *
 * For each arriving event, `decide(e, index)` returns how many later events it lets pass (`k`):
 * - `k <= 0`: the event is delivered now; then every held event's countdown drops by one, and those
 *   reaching zero are delivered right after it, in arrival order;
 * - `k >= 1`: the event is held until `k` later events have been delivered *directly* (held
 *   events do not count), so it always ends up after a later event: it is out of order.
 *
 * At most `maxHeld` events are held: holding one more first delivers the oldest held event. On
 * complete, and before an error (also one thrown by `decide`), held events are delivered in arrival order.
 *
 * @example
 * // a b c d → b a c d: a lets one event pass
 * source.pipe(holdBack((e) => (e.event_id === 'a' ? 1 : 0), 4));
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable } from '../core/rx';
import { SimEvent } from '../core/simEvent';

/** Counters of `holdBack` / `outOfOrder`, updated as they run. */
export interface HoldBackStats {
  /** Events that were held back. */
  held: number;
  /** Held events delivered only because too many were held or the stream ended (maybe still in order). */
  releasedEarly: number;
  /** Largest number of events held at once. */
  maxHeld: number;
}

/** Fresh zeroed counters for `holdBack` / `outOfOrder`. */
export const holdBackStats = (): HoldBackStats => ({ held: 0, releasedEarly: 0, maxHeld: 0 });

interface Held {
  readonly e: SimEvent;
  remaining: number;
}

/**
 * Holds some events back behind `k` later ones, as `decide` says (see the module doc).
 *
 * @example
 * events$.pipe(holdBack((_, i) => (i % 10 === 0 ? 2 : 0), 5));
 */
export const holdBack = (
  decide: (e: SimEvent, index: number) => number,
  maxHeld: number,
  stats: HoldBackStats = holdBackStats(),
): MonoTypeOperatorFunction<SimEvent> => {
  if (!(Number.isInteger(maxHeld) && maxHeld >= 1)) throw new RangeError(`holdBack: maxHeld must be an integer >= 1, got ${maxHeld}`);
  return (source) =>
    new Observable<SimEvent>((subscriber) => {
      let held: Held[] = [];
      let index = 0;
      const flush = (): void => {
        const rest = held;
        held = [];
        for (const h of rest) {
          if (subscriber.closed) return;
          stats.releasedEarly++;
          subscriber.next(h.e);
        }
      };
      return source.subscribe({
        next: (e) => {
          let k: number;
          try {
            k = decide(e, index++);
          } catch (err) {
            flush();
            subscriber.error(err);
            return;
          }
          if (k >= 1) {
            if (held.length >= maxHeld) {
              const oldest = held.shift() as Held;
              stats.releasedEarly++;
              subscriber.next(oldest.e);
            }
            held.push({ e, remaining: Math.floor(k) });
            stats.held++;
            if (held.length > stats.maxHeld) stats.maxHeld = held.length;
            return;
          }
          subscriber.next(e);
          if (held.length === 0) return;
          const due: Held[] = [];
          const keep: Held[] = [];
          for (const h of held) (--h.remaining <= 0 ? due : keep).push(h);
          if (due.length === 0) return;
          held = keep;
          for (const d of due) {
            if (subscriber.closed) return;
            subscriber.next(d.e);
          }
        },
        error: (err) => {
          flush();
          subscriber.error(err);
        },
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
    });
};
