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
import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable, Subscription } from '../core/rx';
import type { SimEvent } from '../core/simEvent';
import type { EntityStore } from '../entities/entityStore';
import { DeepFakerError } from '../core/errors';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Where a sink puts its events. One writer serves one subscription; `toSink` calls `open` once,
 * then `write` with at most one call in flight, then `close` once.
 *
 * Constructing a writer must not do I/O (that is `open`'s job): `toSink` may construct one just
 * to read its `name`.
 *
 * @example
 * const devNull: SinkWriter = { name: 'null', open: async () => {}, write: async () => {}, close: async () => {} };
 */
export interface SinkWriter {
  /** e.g. `"file:out/events.jsonl"`, `"stdout"`; used in errors and summaries. */
  readonly name: string;
  /** Connects / creates the file. Bounded in time by the writer itself. */
  open(): Promise<void>;
  /** Resolves once the batch is durably accepted (acknowledged). Never called with an empty batch. */
  write(batch: ReadonlyArray<SimEvent>): Promise<void>;
  /** Flushes and releases. Must be safe to call after a failed `open` or `write`. */
  close(): Promise<void>;
}

/**
 * Batching and buffering limits shared by every sink.
 *
 * @example
 * const opts: SinkOptions = { maxBatch: 500, maxBuffered: 10_000 };
 */
export interface SinkOptions {
  /** Most events handed to one `write`. Default 1000. */
  readonly maxBatch?: number;
  /**
   * Buffered events above which the sink reports an overflow (`stats.overflows`). The sink still
   * accepts every event: see "Backpressure" on `toSink`. Default 50 000.
   */
  readonly maxBuffered?: number;
}

/**
 * Options of `toSink` itself: the shared limits plus the operator's name.
 *
 * @example
 * const opts: ToSinkOptions = { name: 'kafka:orders', maxBatch: 1000 };
 */
export interface ToSinkOptions extends SinkOptions {
  /** The operator's `sinkName`. If omitted, a writer is constructed once to read its `name`. */
  readonly name?: string;
  /** The operator's `window`: events in flight this sink needs to stay busy (see `SinkOperator`). */
  readonly window?: number;
}

/**
 * Counters of one sink operator, summed over all its subscriptions. Read them at any time.
 *
 * @example
 * const sink = toFile('out/events.jsonl');
 * events$.pipe(sink).subscribe({ complete: () => console.error(`${sink.stats.accepted} events`) });
 */
export interface SinkStats {
  /** Events the writer accepted (and that were then passed on). */
  accepted: number;
  /** Successful `write` calls. */
  batches: number;
  /** Most events waiting in a buffer at once (sampled whenever a batch is taken). */
  peakBuffered: number;
  /** How many times a buffer grew past `maxBuffered`. */
  overflows: number;
}

/**
 * A sink: a `MonoTypeOperatorFunction<SimEvent>` that also carries its name and live counters.
 *
 * @example
 * const sink: SinkOperator = toStdout();
 * sink.sinkName; // "stdout"
 */
export type SinkOperator = MonoTypeOperatorFunction<SimEvent> & {
  readonly sinkName: string;
  readonly stats: SinkStats;
  /**
   * How many events in flight (generated, not yet accepted) this sink needs to stay busy, when it
   * knows: a local file write is quick, so a few hundred do; a network sink wants room for one
   * batch on the wire and the next one filling. `runSimulation` bounds events in flight by the
   * largest window of its outputs unless told otherwise. Undefined: no preference.
   */
  readonly window?: number;
  /**
   * Hands the sink the run's entity store before the first event (sinks that write entity state,
   * e.g. `toMySQL({ entityTables })`). `runSimulation` calls it; with `simulate()` piped by hand,
   * pass `{ onStore: sink.onStore }`.
   */
  readonly onStore?: (store: EntityStore) => void;
};

/**
 * A sink failed to open, write or close. The message names the sink; `cause` is the original error.
 *
 * @example
 * new SinkError('file:x.jsonl', new Error('EACCES')).message; // 'sink "file:x.jsonl" failed: EACCES'
 */
export class SinkError extends DeepFakerError {
  override readonly name = 'SinkError';
  override readonly cause: unknown;

  constructor(
    /** The failing sink's name, e.g. `"file:x.jsonl"`. */
    readonly sink: string,
    cause: unknown,
  ) {
    super(`sink "${sink}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
  }
}

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
 * - **Group commit.** Events are buffered; at most one `write` is in flight per subscription. When
 *   none is, a flush of up to `maxBatch` events is scheduled with `setImmediate`, so a synchronous
 *   burst of upstream events ends up in one batch. When a `write` resolves, `stats` are updated,
 *   the batch's events are passed downstream in order, and the next write starts at once if
 *   events are waiting.
 * - **Upstream completes.** Everything still buffered is written (in `maxBatch` chunks, in order),
 *   then the writer is closed, then the output completes. A failing final `close` is a `SinkError`.
 * - **Upstream errors.** What is buffered is written (what was generated is flushed), the writer is
 *   closed, then the original error is propagated. If that flush or close fails too, the original
 *   error still wins.
 * - **Open or write fails.** Upstream is unsubscribed, buffered events are dropped, the writer is
 *   closed (best effort, close errors ignored), then the output errors with a `SinkError` naming
 *   the sink.
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
  const sinkName = options.name ?? createWriter().name;
  const stats: SinkStats = { accepted: 0, batches: 0, peakBuffered: 0, overflows: 0 };

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
      let inFlight: SimEvent[] | undefined; // the batch being written
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

      const fail = (cause: unknown): void => {
        stopped = true;
        upstream?.unsubscribe();
        buffer = [];
        head = 0;
        const err = upstreamFailed ? upstreamError : new SinkError(writer.name, cause);
        void closeQuietly().then(() => subscriber.error(err));
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

      const pump = (): void => {
        if (stopped || opening || inFlight !== undefined) return;
        if (buffer.length > head) startWrite();
        else if (upstreamDone) finish();
      };

      const onWritten = (): void => {
        const batch = inFlight!;
        stats.accepted += batch.length;
        stats.batches++;
        if (!stopped) {
          for (let i = 0; i < batch.length && !subscriber.closed; i++) subscriber.next(batch[i]);
        }
        inFlight = undefined;
        if (stopped) void closeQuietly();
        else pump();
      };

      const onWriteFailed = (cause: unknown): void => {
        inFlight = undefined;
        if (stopped) void closeQuietly();
        else fail(cause);
      };

      function startWrite(): void {
        const batch = takeBatch();
        inFlight = batch;
        let written: Promise<void>;
        try {
          written = writer.write(batch);
        } catch (err) {
          onWriteFailed(err);
          return;
        }
        written.then(onWritten, onWriteFailed);
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
          if (!flushScheduled && !opening && inFlight === undefined) {
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
          if (stopped) void closeQuietly();
          else pump();
        },
        (cause) => {
          opening = false;
          if (stopped) void closeQuietly();
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
        if (!opening && inFlight === undefined) void closeQuietly(); // else the settle handler closes
      };
    });

  return Object.assign(operator, { sinkName, stats, window });
}
