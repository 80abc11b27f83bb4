/**
 * The main thread's side of `deep-faker run --workers N`: one worker thread per shard
 * (shardWorker.ts), each running its shard into outputs of its own; their stdout lines go to this
 * process's stdout (whole batches of lines, interleaved between workers). The workers start
 * before the main thread has planned the run, so that loading the model in each of them overlaps
 * the main thread's check of it; `run` gives them what the plan resolved and starts them. The pool
 * adds up their progress and summaries (sumSummaries.ts). A stop (SIGINT, SIGTERM) is passed to
 * every worker, which flushes what it generated; the first worker to fail stops the others the
 * same way, and the run fails with its message, named by its shard.
 *
 * @example
 * const pool = workerPool({ args, cwd, shards: workerShards(WHOLE, 2), now: Date.now(), say });
 * const plan = await planRun(file, flags, cwd, say);
 * const summary = await pool.run({ seed: 42, outputNames, sharedInitial }, stop, onProgress);
 */
import { finished } from 'node:stream';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { Observable } from 'rxjs';
import { DeepFakerError } from '../core/errors';
import { createRunStats, type RunStats } from '../engine/runStats';
import { type Shard, shardLabel } from '../engine/shard';
import { RunError, type RunSummary } from '../runtime/runSimulation';
import { SinkError } from '../sinks/sink';
import type { MainThreadHost } from '../sinks/sinkContract';
import { describeError } from './describeError';
import { describeShards } from './shardFlags';
import { sumEntityCounts, sumSummaries } from './sumSummaries';
import type { FromWorker, ToWorker, WorkerJob, WorkerProgress } from './workerProtocol';

/** A shard's worker failed: `message` and `code` are what a single run of it would have said (named by its shard when the run has several). */
export class ShardFailure extends DeepFakerError {
  override readonly name = 'ShardFailure';
  constructor(
    readonly shard: Shard,
    message: string,
    /** The exit code a single run would give (1, or 2 for a model mistake). */
    readonly code: number,
    /** The worker's stack trace of the cause, for `--debug`. */
    stack?: string,
    /** Whether the message names the shard (a run of one worker thread says what a single run says). */
    named = true,
  ) {
    super(named ? `shard ${shardLabel(shard)}: ${message}` : message);
    if (stack !== undefined) this.stack = stack;
  }
}

/** What the pool starts: one worker per shard of the run `args` describe. */
export interface PoolOptions {
  /** `run`'s arguments (without the command), parsed again by each worker. */
  readonly args: ReadonlyArray<string>;
  readonly cwd: string;
  /** One worker per shard. */
  readonly shards: ReadonlyArray<Shard>;
  readonly now: number;
  /** Where the workers' stderr lines go (a story's debug lines). */
  readonly say: (line: string) => void;
  /** Where the workers' stdout goes (default process.stdout). */
  readonly stdout?: NodeJS.WritableStream;
}

/** What the main thread's plan resolved, for every worker. */
export interface PoolStart {
  readonly seed: number;
  /** Each shard's output names, in order (for the progress and an interrupt's message). */
  readonly outputNames: ReadonlyArray<ReadonlyArray<string>>;
  readonly sharedInitial: ReadonlyMap<string, number>;
  /** Per output (in order), the main thread's host of an output whose client runs there only (`SinkOperator.mainThread`). */
  readonly hosts?: ReadonlyArray<MainThreadHost | undefined>;
}

/** An output as the reporting sees it: its name and what it acknowledged so far. */
export interface LiveOutput {
  readonly sinkName: string;
  readonly stats: { readonly accepted: number };
}

/** Worker threads running the shards of one run. */
export interface WorkerPool {
  /**
   * Starts every shard with what the plan resolved and runs them to the end (call once); the
   * totals, or a `RunError` whose cause is the first `ShardFailure` (or stdout's failure).
   */
  run(start: PoolStart, stop: Observable<unknown>, onProgress?: (stats: RunStats) => void): Promise<RunSummary>;
  /** Each output's acknowledgements so far, added up by name. */
  outputs(): ReadonlyArray<LiveOutput>;
  /** Live entities per type so far, added up. */
  entities(): ReadonlyArray<readonly [string, number]>;
  /** The summary's line on the shards (with their events). */
  shardsLine(): string | undefined;
  /** Ends the workers still running, at once (after an interrupt's grace period, or when the plan failed). */
  terminate(): Promise<void>;
}

/** The worker's entry: the compiled file in dist/, or the TypeScript source through the CLI's own hook. */
const workerEntry = (): { readonly source: string; readonly eval: boolean } => {
  const ext = path.extname(__filename);
  const entry = path.join(__dirname, `shardWorker${ext}`);
  if (ext === '.js') return { source: entry, eval: false };
  const hook = path.join(__dirname, '../../bin/registerTypeScript.js');
  return { source: `require(${JSON.stringify(hook)}).registerTypeScript(${JSON.stringify(entry)});\nrequire(${JSON.stringify(entry)});`, eval: true };
};

interface Slot {
  readonly shard: Shard;
  readonly worker: Worker;
  /** Resolves once the thread has exited and its stdout has been read to the end. */
  readonly ended: Promise<void>;
  progress?: WorkerProgress;
  summary?: RunSummary;
  failure?: ShardFailure;
  exited: boolean;
}

const isBrokenPipeError = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
};

/** Starts one worker per shard: each loads the model and waits for `run`. */
export const workerPool = (options: PoolOptions): WorkerPool => {
  const entry = workerEntry();
  const out = options.stdout ?? process.stdout;
  const named = options.shards.length > 1;
  let start: PoolStart | undefined;
  let firstFailure: ShardFailure | undefined;
  let onProgress: ((stats: RunStats) => void) | undefined;
  const stats = createRunStats();
  const events = (s: Slot): number => s.summary?.events ?? s.progress?.events ?? 0;
  const stopAll = (): void => {
    for (const s of slots) if (!s.exited) s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  const failed = (slot: Slot, failure: ShardFailure): void => {
    if (slot.failure !== undefined || slot.summary !== undefined) return;
    slot.failure = failure;
    if (firstFailure === undefined) {
      firstFailure = failure;
      stopAll(); // the others flush what they generated
    }
  };
  const progressed = (): void => {
    if (onProgress === undefined) return;
    stats.events = slots.reduce((sum, s) => sum + events(s), 0);
    // The virtual time every shard still going has reached.
    const going = slots.filter((s) => s.summary === undefined && s.failure === undefined && s.progress !== undefined && s.progress.events > 0);
    const times = (going.length > 0 ? going : slots).map((s) => s.progress?.virtualTime ?? 0).filter((t) => t !== 0);
    if (times.length > 0) stats.endTime = going.length > 0 ? Math.min(...times) : Math.max(...times);
    onProgress(stats);
  };
  // Listened to from the start: a worker whose load fails says so before the run is started.
  const spawn = (shard: Shard): Slot => {
    const job: WorkerJob = { args: options.args, cwd: options.cwd, shard, now: options.now, threads: options.shards.length };
    const worker = new Worker(entry.source, { eval: entry.eval, workerData: job, stdout: true });
    worker.stdout.pipe(out, { end: false });
    let ended = (): void => undefined;
    const slot: Slot = { shard, worker, ended: new Promise<void>((done) => (ended = done)), exited: false };
    let waiting = 2; // the thread has exited and its stdout has been read to the end
    const one = (): void => {
      if (--waiting === 0) ended();
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') {
        slot.progress = m;
        progressed();
      } else if (m.type === 'say') options.say(m.line);
      else if (m.type === 'done') slot.summary = m.summary;
      else if (m.type === 'failed') {
        failed(slot, new ShardFailure(shard, m.message, m.code, m.stack, named));
        slot.summary = m.summary; // what it generated and flushed before it failed
      }
    });
    worker.on('error', (e: unknown) => failed(slot, new ShardFailure(shard, describeError(e), 1, e instanceof Error ? e.stack : undefined, named)));
    worker.on('exit', (code) => {
      slot.exited = true;
      if (slot.summary === undefined)
        failed(slot, new ShardFailure(shard, `its worker thread exited (code ${code}) before the shard finished`, 1, undefined, named));
      one();
    });
    finished(worker.stdout, one);
    return slot;
  };
  const slots: Slot[] = options.shards.map(spawn);
  const outputs = (): LiveOutput[] => {
    const byName = new Map<string, number>();
    slots.forEach((s, k) => {
      const accepted = s.summary?.outputs.map((o) => o.accepted) ?? s.progress?.accepted ?? [];
      (start?.outputNames[k] ?? []).forEach((name, i) => byName.set(name, (byName.get(name) ?? 0) + (accepted[i] ?? 0)));
    });
    return [...byName].map(([sinkName, accepted]) => ({ sinkName, stats: { accepted } }));
  };

  const run = (given: PoolStart, stop: Observable<unknown>, progress?: (stats: RunStats) => void): Promise<RunSummary> => {
    start = given;
    onProgress = progress;
    const started = performance.now();
    for (const s of slots) {
      if (s.exited) continue;
      const ports = (given.hosts ?? []).map((h) => h?.port() ?? null);
      const message: ToWorker = { type: 'start', seed: given.seed, ports };
      s.worker.postMessage(
        message,
        ports.filter((p): p is MessagePort => p !== null),
      );
    }
    let stdoutFailure: unknown;
    const stopSubscription = stop.subscribe({ next: stopAll, complete: stopAll });
    const onStdoutError = (e: unknown): void => {
      if (stdoutFailure !== undefined) return;
      stdoutFailure = e;
      // Nobody reads our stdout any more: drop what the workers still write, and stop them.
      for (const s of slots) {
        s.worker.stdout.unpipe(out);
        s.worker.stdout.resume();
      }
      stopAll();
    };
    out.on('error', onStdoutError);
    return Promise.all(slots.map((s) => s.ended)).then(() => {
      stopSubscription.unsubscribe();
      out.off('error', onStdoutError);
      const parts = slots.flatMap((s) => (s.summary === undefined ? [] : [s.summary]));
      const wallMs = Math.round(performance.now() - started);
      const summary = sumSummaries(parts.length > 0 ? parts : [emptySummary(given.seed, options.now)], { wallMs, sharedInitial: given.sharedInitial });
      if (stdoutFailure !== undefined) throw new RunError(new SinkError('stdout', brokenPipeCause(stdoutFailure)), summary);
      if (firstFailure !== undefined) throw new RunError(firstFailure, summary);
      return summary;
    });
  };

  return {
    run,
    outputs,
    entities: () =>
      sumEntityCounts(
        slots.map((s) => s.progress?.entities ?? []),
        start?.sharedInitial ?? new Map(),
      ),
    shardsLine: () => describeShards(options.shards, slots.map(events)),
    terminate: async () => {
      await Promise.all(slots.filter((s) => !s.exited).map((s) => s.worker.terminate()));
    },
  };
};

/** stdout's failure as the single-process run reports it: a reader gone away is EPIPE (exit 0, quietly). */
const brokenPipeCause = (e: unknown): unknown =>
  isBrokenPipeError(e) ? Object.assign(new Error('output closed by the reader (EPIPE)'), { code: 'EPIPE' }) : e;

/** The summary of a run none of whose shards got to report one. */
const emptySummary = (seed: number, now: number): RunSummary => ({
  seed,
  events: 0,
  eventsByType: {},
  sessions: { started: 0, completed: 0, dropped: 0, unmatched: 0, truncated: 0, failed: 0 },
  entities: {},
  virtualStart: new Date(now).toISOString(),
  virtualEnd: new Date(now).toISOString(),
  wallMs: 0,
  outputs: [],
});
