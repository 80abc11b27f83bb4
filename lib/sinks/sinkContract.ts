/**
 * The sink contract's types: what a writer implements (`SinkWriter`), the options and counters
 * every sink shares, the operator type, and the error a failing sink ends a run with. `toSink`
 * (sink.ts) turns a writer into an operator.
 *
 * @example
 * const devNull: SinkWriter = { name: 'null', open: async () => {}, write: async () => {}, close: async () => {} };
 */
import type { MessagePort } from 'node:worker_threads';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { SimEvent } from '../core/simEvent';
import type { EntityStore } from '../entities/entityStore';
import { DeepFakerError } from '../core/errors';

/**
 * Where a sink puts its events. One writer serves one subscription; `toSink` calls `open` once,
 * then `write` with at most `writesInFlight` calls in flight (one unless the sink asks for more),
 * then `close` once. A writer taking several writes at once must keep their effects in the order
 * of the calls where order matters (per key, per table).
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
  /**
   * Most `write` calls in flight at once. Default 1. Above 1, a further write starts only with a
   * full batch waiting (or at the end), so pipelining never turns into many small batches.
   */
  readonly writesInFlight?: number;
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
  /** Most `write` calls in flight at once (at most the sink's `writesInFlight`). */
  peakWritesInFlight: number;
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
  /**
   * This output for shard `index` of a run split over worker threads (`deep-faker run --workers`):
   * one that can be shared (stdout, Kafka, MySQL) leaves it undefined; a file output gives one of
   * its own file (`toFile('out/e.jsonl')` → `out/e-1.jsonl`), so shards never write into one file.
   */
  readonly forShard?: (index: number) => SinkOperator;
  /**
   * Why this output cannot run in several worker threads of one process, if it cannot (`deep-faker
   * run --workers` refuses it, before any worker starts): the librdkafka Kafka client is a native
   * module Node loads in one thread of a process only.
   */
  readonly singleThread?: string;
  /**
   * For an output whose client runs on the main thread only (the librdkafka Kafka client): how the
   * worker threads of `deep-faker run --workers` (or the one thread a single run's simulation
   * then gets) write through it. `host()`, on the main thread, opens the writer every worker
   * shares; `remote(port)`, in a worker, is this output sending its encoded batches through
   * `port` to that host.
   */
  readonly mainThread?: {
    readonly host: () => MainThreadHost;
    readonly remote: (port: MessagePort) => SinkOperator;
  };
};

/**
 * The main thread's side of an output that worker threads write through (`SinkOperator.mainThread`).
 *
 * @example
 * const host = sink.mainThread!.host(); const port = host.port(); // transfer port to a worker
 * await host.close(); // once every worker is done
 */
export interface MainThreadHost {
  /** A port for one worker (to transfer to it): the worker's output writes through it. */
  port(): MessagePort;
  /** Closes the shared writer (flushing what it still holds), once every worker is done. */
  close(): Promise<void>;
}

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
