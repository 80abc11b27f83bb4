/**
 * What the main thread and the worker threads of `deep-faker run --workers` say to each other:
 * the job a worker gets (its `workerData`), the messages it posts (progress, a story's debug
 * lines, how its shard ended) and the ones it listens to (start, stop). Plain data,
 * structured-cloned (the start's ports are transferred).
 *
 * A worker loads its model while the main thread checks it, then waits for `start`: it carries
 * what only the main thread's plan resolves (the seed, the ports to its hosts).
 *
 * @example
 * const job: WorkerJob = { args: ['shop.yaml', '--workers', '2'], cwd: '/work', shard: { index: 1, count: 2 }, now: Date.now(), threads: 2 };
 * worker.postMessage({ type: 'start', seed: 42, ports: [null] } satisfies ToWorker);
 */
import type { MessagePort } from 'node:worker_threads';
import type { Shard } from '../engine/shard';
import type { RunSummary } from '../runtime/runSimulation';

/** A worker's job: `run`'s arguments (which it parses as the main thread did), its shard, and what was resolved once for all. */
export interface WorkerJob {
  readonly args: ReadonlyArray<string>;
  readonly cwd: string;
  readonly shard: Shard;
  /** The wall clock for `now` start times. */
  readonly now: number;
  /** The run's worker threads: they share `--rate`, and with one its file outputs keep their names. */
  readonly threads: number;
}

/** What the main thread resolved once its plan is made: the worker runs its shard with it. */
export interface WorkerStart {
  readonly type: 'start';
  readonly seed: number;
  /**
   * Per output (in order), the port to the main thread's host of an output whose client runs
   * there only (`SinkOperator.mainThread`), else null.
   */
  readonly ports: ReadonlyArray<MessagePort | null>;
}

/** What a worker has done so far (posted a few times a second). */
export interface WorkerProgress {
  readonly type: 'progress';
  readonly events: number;
  /** Virtual time of its last event (epoch ms). */
  readonly virtualTime: number;
  /** Events each of its outputs acknowledged, in order. */
  readonly accepted: ReadonlyArray<number>;
  /** Live entities per type. */
  readonly entities: ReadonlyArray<readonly [string, number]>;
}

/** A message from a worker. */
export type FromWorker =
  | WorkerProgress
  /** A line for stderr (a story's debug lines). */
  | { readonly type: 'say'; readonly line: string }
  /** The names of its outputs, once it has them. */
  | { readonly type: 'outputs'; readonly names: ReadonlyArray<string> }
  | { readonly type: 'done'; readonly summary: RunSummary }
  /** Its shard failed: the message and exit code a single run would give; what it did, if it ran. */
  | { readonly type: 'failed'; readonly message: string; readonly code: number; readonly stack?: string; readonly summary?: RunSummary };

/** A message to a worker: run (once), or stop generating, flush, report. */
export type ToWorker = WorkerStart | { readonly type: 'stop' };
