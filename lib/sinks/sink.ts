/**
 * The sink contract: how events leave deep-faker.
 *
 * A sink is an RxJS operator at the end of the pipeline. It hands events to a `SinkWriter` in
 * batches and passes each event on only once the writer has accepted it, so whatever comes after
 * the last sink (the engine's backpressure, a progress counter, a test) sees exactly what was
 * delivered. Every concrete sink (`toStdout`, `toFile`, Kafka, MySQL) is `toSink` around a small
 * writer that knows how to open, write a batch and close.
 *
 * @example
 * const counted: SinkWriter = {
 *   name: 'counter', open: async () => {}, close: async () => {},
 *   write: async (batch) => { console.error(batch.length); },
 * };
 * events$.pipe(toSink(() => counted, { name: 'counter', maxBatch: 500 })).subscribe();
 */
import { Observable, Subscription } from '../core/rx';
import type { SimEvent } from '../core/simEvent';
import type { SinkOperator, SinkStats, SinkWriter, ToSinkOptions } from './sinkContract';
import { SinkError } from './sinkContract';

export type { SinkOperator, SinkOptions, SinkStats, SinkWriter, ToSinkOptions } from './sinkContract';
export { SinkError } from './sinkContract';

// ---------------------------------------------------------------------------------------------
// operator
// ---------------------------------------------------------------------------------------------

const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_MAX_BUFFERED = 50_000;
const ignore = (): void => undefined;

/**
 * Turns a `SinkWriter` factory into a sink operator: events are written in batches and passed on,
 * in their original order, once their batch has been accepted.
 *
 * - **Cold.** Each subscription creates its own writer and opens it; events that arrive before
 *   `open` resolves are buffered.
 * - **Group commit.** Events are buffered; at most `writesInFlight` writes (default 1) are in flight
 *   per subscription. When none is, a flush of up to `maxBatch` events is scheduled with
 *   `setImmediate`, so a synchronous burst of upstream events ends up in one batch; while one is,
 *   a further write starts only once a full `maxBatch` is waiting. When a `write` resolves, `stats`
 *   are updated and its events passed downstream — batches in the order they were taken, so a
 *   batch acknowledged before an earlier one waits for it — and the next write starts at once if
 *   events are waiting.
 * - **Upstream completes.** Everything still buffered is written (in `maxBatch` chunks, in order),
 *   then the writer is closed, then the output completes. A failing final `close` is a `SinkError`.
 * - **Upstream errors.** What is buffered is written (what was generated is flushed), the writer is
 *   closed, then the original error is propagated. If that flush or close fails too, the original
 *   error still wins.
 * - **Open or write fails.** Upstream is unsubscribed, buffered events are dropped, the writer is
 *   closed (best effort, close errors ignored) once the other writes in flight have settled, then
 *   the output errors with a `SinkError` naming the sink.
 * - **Downstream unsubscribes.** Upstream is unsubscribed, no further write starts, and the writer
 *   is closed (best effort) once a write or open in flight has settled.
 * - **Backpressure.** The sink cannot pause a synchronous upstream, so it only reports: when its
 *   buffer grows past `maxBuffered` it counts an overflow in `stats.overflows` and still accepts
 *   every event. Memory is bounded by the engine's own backpressure, which counts the events
 *   passed out of the last sink.
 * - **Order** is preserved end to end; several sinks compose with `pipe(toFile(a), toStdout())`,
 *   each passing on what it accepted to the next.
 *
 * `stats` are shared by all subscriptions of the returned operator.
 *
 * @example
 * const sink = toSink(() => myWriter(), { name: 'mine', maxBatch: 500 });
 * simulate(model, env).pipe(sink).subscribe({ error: (e) => console.error(e.message) });
 */
export function toSink(createWriter: () => SinkWriter, options: ToSinkOptions = {}): SinkOperator {
  const maxBatch = Math.max(1, Math.floor(options.maxBatch ?? DEFAULT_MAX_BATCH));
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  const window = options.window;
  if (window !== undefined && !(Number.isInteger(window) && window >= 1)) {
    throw new RangeError(`toSink: window must be a positive integer, got ${window}`);
  }
  const writesInFlight = options.writesInFlight ?? 1;
  if (!(Number.isInteger(writesInFlight) && writesInFlight >= 1)) {
    throw new RangeError(`toSink: writesInFlight must be a positive integer, got ${writesInFlight}`);
  }
  const sinkName = options.name ?? createWriter().name;
  const stats: SinkStats = { accepted: 0, batches: 0, peakBuffered: 0, peakWritesInFlight: 0, overflows: 0 };

  const operator = (source: Observable<SimEvent>): Observable<SimEvent> =>
    new Observable<SimEvent>((subscriber) => {
      let writer: SinkWriter;
      try {
        writer = createWriter();
      } catch (err) {
        subscriber.error(new SinkError(sinkName, err));
        return undefined;
      }

      // Waiting events are buffer[head..]; `head` avoids shifting the array on every batch.
      let buffer: SimEvent[] = [];
      let head = 0;
      let overflowing = false;
      // The batches being written, in the order they were taken; `done` once acknowledged.
      const inFlight: Array<{ readonly batch: SimEvent[]; done: boolean }> = [];
      let writing = 0; // writes not yet settled (acknowledged batches may wait in inFlight for earlier ones)
      let pendingClose = false; // close once the writes in flight have settled
      let opening = true;
      let flushScheduled = false;
      let immediate: NodeJS.Immediate | undefined;
      let upstreamDone = false;
      let upstreamFailed = false;
      let upstreamError: unknown;
      let stopped = false; // no further writes: finishing, failed or unsubscribed
      let closeCalled = false;
      let upstream: Subscription | undefined;

      const closeQuietly = (): Promise<void> => {
        if (closeCalled) return Promise.resolve();
        closeCalled = true;
        try {
          return writer.close().then(ignore, ignore);
        } catch {
          return Promise.resolve();
        }
      };

      /** Closes the writer (best effort) now, or once the writes in flight have settled. */
      let afterClose: (() => void) | undefined;
      const closeWhenIdle = (): void => {
        if (writing > 0 || opening) {
          pendingClose = true;
          return;
        }
        pendingClose = false;
        const then = afterClose;
        afterClose = undefined;
        void closeQuietly().then(then);
      };

      const fail = (cause: unknown): void => {
        stopped = true;
        upstream?.unsubscribe();
        buffer = [];
        head = 0;
        const err = upstreamFailed ? upstreamError : new SinkError(writer.name, cause);
        afterClose = () => subscriber.error(err);
        closeWhenIdle();
      };

      const finish = (): void => {
        stopped = true;
        closeCalled = true;
        const done = (): void => (upstreamFailed ? subscriber.error(upstreamError) : subscriber.complete());
        const closeFailed = (cause: unknown): void => subscriber.error(upstreamFailed ? upstreamError : new SinkError(writer.name, cause));
        let closing: Promise<void>;
        try {
          closing = writer.close();
        } catch (err) {
          closeFailed(err);
          return;
        }
        closing.then(done, closeFailed);
      };

      const takeBatch = (): SimEvent[] => {
        const waiting = buffer.length - head;
        if (waiting > stats.peakBuffered) stats.peakBuffered = waiting;
        if (head === 0 && waiting <= maxBatch) {
          const batch = buffer;
          buffer = [];
          overflowing = false;
          return batch;
        }
        const end = head + (waiting < maxBatch ? waiting : maxBatch);
        const batch = buffer.slice(head, end);
        if (end === buffer.length) {
          buffer = [];
          head = 0;
        } else if (end > buffer.length >>> 1) {
          buffer = buffer.slice(end); // drop the consumed front once it is most of the array
          head = 0;
        } else {
          head = end;
        }
        if (buffer.length - head <= maxBuffered) overflowing = false;
        return batch;
      };

      /** Whether another write may start now: a free slot, and a full batch unless none is in flight or upstream is done. */
      const mayStartWrite = (): boolean => {
        const waiting = buffer.length - head;
        return waiting > 0 && writing < writesInFlight && (writing === 0 || waiting >= maxBatch || upstreamDone);
      };

      const pump = (): void => {
        if (stopped || opening) return;
        while (!stopped && mayStartWrite()) startWrite();
        if (!stopped && inFlight.length === 0 && buffer.length === head && upstreamDone) finish();
      };

      /** Passes on the acknowledged batches at the front, in the order they were taken. */
      const onWritten = (entry: (typeof inFlight)[number]): void => {
        entry.done = true;
        writing--;
        while (inFlight.length > 0 && inFlight[0].done) {
          const { batch } = inFlight.shift()!;
          stats.accepted += batch.length;
          stats.batches++;
          if (stopped) continue;
          for (let i = 0; i < batch.length && !subscriber.closed; i++) subscriber.next(batch[i]);
        }
        if (stopped) {
          if (pendingClose) closeWhenIdle();
        } else pump();
      };

      const onWriteFailed = (entry: (typeof inFlight)[number], cause: unknown): void => {
        inFlight.splice(inFlight.indexOf(entry), 1);
        writing--;
        if (stopped) {
          if (pendingClose) closeWhenIdle();
        } else fail(cause);
      };

      function startWrite(): void {
        const entry = { batch: takeBatch(), done: false };
        inFlight.push(entry);
        if (++writing > stats.peakWritesInFlight) stats.peakWritesInFlight = writing;
        let written: Promise<void>;
        try {
          written = writer.write(entry.batch);
        } catch (err) {
          onWriteFailed(entry, err);
          return;
        }
        written.then(
          () => onWritten(entry),
          (err: unknown) => onWriteFailed(entry, err),
        );
      }

      const flush = (): void => {
        flushScheduled = false;
        immediate = undefined;
        pump();
      };

      const upstreamEnded = (): void => {
        upstreamDone = true;
        if (immediate !== undefined) {
          clearImmediate(immediate);
          flush();
        } else {
          pump();
        }
      };

      upstream = source.subscribe({
        next: (event) => {
          const waiting = buffer.push(event) - head;
          if (waiting > maxBuffered && !overflowing) {
            overflowing = true;
            stats.overflows++;
          }
          if (!flushScheduled && !opening && (writing === 0 || (writing < writesInFlight && waiting >= maxBatch))) {
            flushScheduled = true;
            immediate = setImmediate(flush);
          }
        },
        error: (err) => {
          upstreamFailed = true;
          upstreamError = err;
          upstreamEnded();
        },
        complete: upstreamEnded,
      });
      if (stopped) upstream.unsubscribe();

      let opened: Promise<void>;
      try {
        opened = writer.open();
      } catch (err) {
        opened = Promise.reject(err);
      }
      opened.then(
        () => {
          opening = false;
          if (stopped) closeWhenIdle();
          else pump();
        },
        (cause) => {
          opening = false;
          if (stopped) closeWhenIdle();
          else fail(cause);
        },
      );

      return () => {
        if (immediate !== undefined) clearImmediate(immediate);
        immediate = undefined;
        flushScheduled = true; // nothing may schedule another flush
        if (stopped) return;
        stopped = true;
        upstream?.unsubscribe();
        buffer = [];
        head = 0;
        closeWhenIdle(); // now, or once open and the writes in flight have settled
      };
    });

  return Object.assign(operator, { sinkName, stats, window });
}
