/**
 * `deliverInIngestOrder`: delivers events in the order a downstream system ingested them, so a late
 * event arrives after the events that were ingested before it (out-of-order delivery).
 *
 * Exactly: arriving events go into a buffer ordered by (ingest time, arrival order). The stream's
 * clock is the largest event time seen so far (the engine's events arrive in event-time order, so
 * it is the virtual clock). After each arrival, buffered events whose ingest time is ≤ the clock are
 * delivered in buffer order; then, while the buffer holds more than `window` events, the one with
 * the smallest ingest time is delivered early (a *forced* release). On complete, and before an
 * error (also one thrown by `ingestTime` / `clock`), everything left is delivered in buffer order. Nothing is scheduled: an event is released
 * in the same turn as the arrival that moved the clock past it, so the result depends only on the
 * data, never on pacing.
 *
 * So the output is sorted by ingest time, except after forced releases (which only happen when
 * more than `window` events are in flight, e.g. many late events with a long `maxLate`), and
 * memory is bounded by `window` events. `stats` (from `reorderStats()`) counts what happened.
 *
 * @example
 * const stats = reorderStats();
 * events$.pipe(withIngestTime({ seed: 1, lateRate: 0.06 }), deliverInIngestOrder({ window: 10_000, stats }));
 * // afterwards: stats.maxBuffered <= 10_000
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable } from '../core/rx';
import { SimEvent, eventTime } from '../core/simEvent';
import { ingestTimeOf } from './deliveryMeta';

/** Counters of a reorder buffer, updated as it runs. */
export interface ReorderStats {
  /** Events in the buffer now. */
  buffered: number;
  /** Largest number of events ever in the buffer (never above `window`). */
  maxBuffered: number;
  /** Events delivered before the clock reached their ingest time because the buffer was full. */
  forced: number;
  /** Events delivered. */
  delivered: number;
}

/** Fresh zeroed counters for `deliverInIngestOrder({ stats })`. */
export const reorderStats = (): ReorderStats => ({ buffered: 0, maxBuffered: 0, forced: 0, delivered: 0 });

/** Options of `deliverInIngestOrder`. */
export interface DeliverInIngestOrderOptions {
  /** Most events held at once (≥ 0; 0 delivers everything at once, unchanged). */
  readonly window: number;
  /** Ingest time of an event in ms. Default: `ingestTimeOf` (set by `withIngestTime`; else event time). */
  readonly ingestTime?: (e: SimEvent) => number;
  /** Clock time of an arriving event in ms. Default: `eventTime`. */
  readonly clock?: (e: SimEvent) => number;
  /** Counters to update (see `reorderStats`). */
  readonly stats?: ReorderStats;
}

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly e: SimEvent;
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A binary min-heap of entries by (ingest time, arrival order). */
class EntryHeap {
  private readonly items: Entry[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Entry | undefined {
    return this.items[0];
  }
  push(x: Entry): void {
    const a = this.items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Reorders events by ingest time within a buffer of at most `window` events (see the module doc).
 *
 * @example
 * events$.pipe(deliverInIngestOrder({ window: 10_000 }));
 */
export const deliverInIngestOrder = (options: DeliverInIngestOrderOptions): MonoTypeOperatorFunction<SimEvent> => {
  const window = options.window;
  if (!(Number.isInteger(window) && window >= 0)) throw new RangeError(`deliverInIngestOrder: window must be an integer >= 0, got ${window}`);
  const ingestTime = options.ingestTime ?? ingestTimeOf;
  const clockOf = options.clock ?? eventTime;
  return (source) =>
    new Observable<SimEvent>((subscriber) => {
      const stats = options.stats ?? reorderStats();
      const heap = new EntryHeap();
      let clock = -Infinity;
      let seq = 0;
      const emit = (e: SimEvent, forced: boolean): void => {
        stats.delivered++;
        if (forced) stats.forced++;
        subscriber.next(e);
      };
      const release = (forced: boolean): void => {
        const x = heap.pop();
        if (x === undefined) return;
        stats.buffered = heap.size;
        emit(x.e, forced);
      };
      /** Releases buffered events due by the clock and ordered before `limit` (all due ones if absent). */
      const releaseDue = (limit?: Entry): void => {
        for (
          let top = heap.peek();
          top !== undefined && top.at <= clock && (limit === undefined || before(top, limit)) && !subscriber.closed;
          top = heap.peek()
        ) {
          release(false);
        }
      };
      const drain = (): void => {
        while (heap.size > 0 && !subscriber.closed) release(false);
      };
      const subscription = source.subscribe({
        next: (e) => {
          let entry: Entry;
          try {
            entry = { at: ingestTime(e), seq: seq++, e };
            clock = Math.max(clock, clockOf(e));
          } catch (err) {
            drain();
            subscriber.error(err);
            return;
          }
          releaseDue(entry);
          if (subscriber.closed) return;
          if (entry.at <= clock) {
            // Due already and before everything buffered: deliver it now, then what became due.
            emit(e, false);
            releaseDue();
            return;
          }
          if (heap.size >= window) {
            // Full: the earliest of the buffer and the new event leaves early, so the buffer never exceeds `window`.
            const top = heap.peek();
            if (top === undefined || before(entry, top)) {
              emit(e, true);
              return;
            }
            release(true);
          }
          heap.push(entry);
          stats.buffered = heap.size;
          if (heap.size > stats.maxBuffered) stats.maxBuffered = heap.size;
        },
        error: (err) => {
          drain();
          subscriber.error(err);
        },
        complete: () => {
          drain();
          subscriber.complete();
        },
      });
      return subscription;
    });
};
