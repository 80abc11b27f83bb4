/**
 * `duplicates`: at-least-once delivery. With probability `rate` an event is delivered a second
 * time, `k` events later (`k` uniform in 0..`maxDelayEvents`; 0 = right after it): a copy with the
 * same fields in the same order (same `event_id`, payload, ingest time, checksum: what a producer
 * retry looks like), a distinct object carrying the same metadata. A copy is never duplicated
 * again. Copies still pending when the stream completes are delivered then, in order; at most
 * `maxDelayEvents` copies are pending at once. Draws come from one stream
 * `Rng.derive(seed, 'delivery.duplicates')` in arrival order.
 *
 * @example
 * events$.pipe(duplicates({ seed: 42, rate: 0.01, maxDelayEvents: 10 }));
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable } from '../core/rx';
import { Rng } from '../core/rng';
import { SimEvent } from '../core/simEvent';
import { withMetaOf } from './deliveryMeta';

/** Options of `duplicates`. */
export interface DuplicatesOptions {
  /** Seed of the draws. */
  readonly seed: number;
  /** Probability that an event is delivered twice (0..1). */
  readonly rate: number;
  /** Most events between an event and its copy. Default 10. */
  readonly maxDelayEvents?: number;
  /** Counters to update: copies made. */
  readonly stats?: { duplicated: number };
}

interface Pending {
  readonly copy: SimEvent;
  remaining: number;
}

/**
 * Delivers a share `rate` of events twice, the copy up to `maxDelayEvents` events later.
 *
 * @example
 * events$.pipe(duplicates({ seed: 7, rate: 0.02 }));
 */
export const duplicates = (options: DuplicatesOptions): MonoTypeOperatorFunction<SimEvent> => {
  const { seed, rate } = options;
  const maxDelay = options.maxDelayEvents ?? 10;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`duplicates: rate must be between 0 and 1, got ${rate}`);
  if (!(Number.isInteger(maxDelay) && maxDelay >= 0)) throw new RangeError(`duplicates: maxDelayEvents must be an integer >= 0, got ${maxDelay}`);
  return (source) =>
    new Observable<SimEvent>((subscriber) => {
      const rng = Rng.derive(seed, 'delivery.duplicates');
      let pending: Pending[] = [];
      const flush = (): void => {
        const rest = pending;
        pending = [];
        for (const p of rest) if (!subscriber.closed) subscriber.next(p.copy);
      };
      return source.subscribe({
        next: (e) => {
          subscriber.next(e);
          if (pending.length > 0) {
            const due: Pending[] = [];
            const keep: Pending[] = [];
            for (const p of pending) (--p.remaining <= 0 ? due : keep).push(p);
            if (due.length > 0) {
              pending = keep;
              for (const d of due) if (!subscriber.closed) subscriber.next(d.copy);
            }
          }
          if (!rng.chance(rate)) return;
          const k = maxDelay > 0 ? rng.int(0, maxDelay) : 0;
          const copy = withMetaOf({ ...e }, e);
          if (options.stats) options.stats.duplicated++;
          if (k === 0) {
            if (!subscriber.closed) subscriber.next(copy);
          } else pending.push({ copy, remaining: k });
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
