/**
 * Runs an Observable built on virtual time as a self-driving, cold Observable.
 *
 * Each subscription gets its own fresh `HeapScheduler`; the factory builds the stream on it, and
 * `drive` runs it on the Node event loop — as fast as possible, paced with `timeMultiplier` or by
 * a `rate` of values per wall-clock second, optionally held back by a `Backpressure`. The driver
 * stops when the stream completes or errors, or when the subscriber unsubscribes (which also
 * cancels every queued action of the stream).
 * This is how a simulation runs when no scheduler is given.
 *
 * @example
 * import { interval, map, take } from 'rxjs';
 * onVirtualTime((scheduler) =>
 *   interval(60_000, scheduler).pipe(take(3), map((n) => `${n} at ${scheduler.now()}`)),
 * ).subscribe(console.log); // "0 at 60000", "1 at 120000", "2 at 180000" — in a few ms
 */

import { Observable } from '../core/rx';
import { HeapScheduler } from '../core/heapScheduler';
import { DriveOptions, Driver, drive } from './driver';
import { RateLimit } from './rateLimit';

/** `drive` options (errors go to the subscriber, so no `onError`) plus the virtual start time and a rate. */
export type OnVirtualTimeOptions = Omit<DriveOptions, 'onError' | 'rateLimit'> & {
  /** Virtual time at which the scheduler starts (default 0), e.g. an epoch in ms. */
  readonly startTime?: number;
  /** At most this many values per wall-clock second on average (a token bucket, see rateLimit.ts); each value counts as one. */
  readonly rate?: number;
};

/**
 * A cold Observable that, on subscribe, builds `factory(scheduler)` on a fresh `HeapScheduler`
 * and drives it on the event loop until it completes, errors or is unsubscribed. An error thrown
 * by a scheduled action (rather than delivered through the stream) errors the Observable too.
 *
 * @example
 * import { timer } from 'rxjs';
 * // paced: the event arrives after ~0.5 s of wall time (30 virtual s at 60x)
 * onVirtualTime((s) => timer(30_000, s), { timeMultiplier: 60, startTime: Date.UTC(2024, 0, 1) })
 *   .subscribe(() => console.log('tick'));
 */
export function onVirtualTime<T>(factory: (scheduler: HeapScheduler) => Observable<T>, options: OnVirtualTimeOptions = {}): Observable<T> {
  return new Observable<T>((subscriber) => {
    const { startTime = 0, rate, ...driveOptions } = options;
    const scheduler = new HeapScheduler(startTime);
    const rateLimit = rate === undefined ? undefined : new RateLimit(rate);
    let driver: Driver | undefined;
    const inner = factory(scheduler).subscribe({
      next: (value) => {
        rateLimit?.took();
        subscriber.next(value);
      },
      error: (error) => {
        driver?.stop();
        subscriber.error(error);
      },
      complete: () => {
        driver?.stop();
        subscriber.complete();
      },
    });
    // A stream that finished synchronously on subscribe needs no driving.
    if (!inner.closed) {
      driver = drive(scheduler, { ...driveOptions, rateLimit, onError: (error) => subscriber.error(error) });
    }
    return () => {
      driver?.stop();
      inner.unsubscribe();
    };
  });
}
