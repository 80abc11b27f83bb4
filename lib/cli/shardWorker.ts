/**
 * The entry of a worker thread of `deep-faker run --workers N` (started by workers.ts): it parses
 * `run`'s arguments as the main thread did and loads the model file itself (while the main thread
 * checks it), then waits for `start`, which brings the seed the main thread resolved and the
 * ports to its hosts. It builds its own outputs from the same `--output` values (or the model's; a
 * file output gets a file of the shard's own, `forShard`; an output whose client runs on the main
 * thread only writes through the port `start` holds for it, `mainThread`) and runs its shard. It
 * posts progress a few times a second and, at the end, its summary or why it failed; a `stop`
 * message stops generation (the outputs flush what was generated, as on SIGINT in a single run).
 *
 * Loading this file outside a worker of deep-faker does nothing.
 *
 * @example
 * const worker = new Worker(require.resolve('./shardWorker'), { workerData: job, stdout: true });
 * worker.postMessage({ type: 'start', seed: 42, ports: [null] }, []);
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReplaySubject } from '../core/rx';
import type { RunStats } from '../engine/runStats';
import type { EntityStore } from '../entities/entityStore';
import { RunError } from '../runtime/runSimulation';
import { describeError } from './describeError';
import { ModelError } from './modelError';
import { UsageError } from './parseOutput';
import { parseRunArgs } from './runArgs';
import { planRun } from './runPlan';
import type { FromWorker, ToWorker, WorkerJob, WorkerStart } from './workerProtocol';

/** How often a worker reports its progress, ms. */
export const PROGRESS_MS = 100;

const runShard = async (port: NonNullable<typeof parentPort>, job: WorkerJob): Promise<void> => {
  const post = (m: FromWorker): void => port.postMessage(m);
  // Replays: a stop that comes while the worker is still loading the model stops the run it then starts.
  const stop = new ReplaySubject<void>(1);
  let started: (start: WorkerStart) => void = () => undefined;
  const start = new Promise<WorkerStart>((resolve) => (started = resolve));
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') stop.next();
    else if (m.type === 'start') started(m);
  });
  let stats: RunStats | undefined;
  let store: EntityStore | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const args = parseRunArgs(job.args, job.cwd, {});
    if (args.help) throw new UsageError('--help in a worker');
    const plan = await planRun(args.file, args.flags, job.cwd, (line) => post({ type: 'say', line }));
    const { seed, ports } = await start;
    const outputs = plan.outputs.map((o, i) => {
      const port = ports[i];
      // An output whose client runs on the main thread only writes through the port to it.
      if (port !== undefined && port !== null && o.mainThread !== undefined) return o.mainThread.remote(port);
      // A run of one worker thread (for such an output) writes the files a single run writes.
      return job.threads > 1 ? (o.forShard?.(job.shard.index) ?? o) : o;
    });
    post({ type: 'outputs', names: outputs.map((o) => o.sinkName) });
    const types = plan.entityTypes ?? [];
    const report = (): void => {
      if (stats === undefined) return;
      const entities = store === undefined ? [] : types.filter((t) => store!.has(t)).map((t) => [t.name, store!.count(t)] as const);
      post({ type: 'progress', events: stats.events, virtualTime: stats.endTime, accepted: outputs.map((o) => o.stats.accepted), entities });
    };
    timer = setInterval(report, PROGRESS_MS);
    try {
      const summary = await plan.run({
        outputs,
        shard: job.shard,
        seed,
        now: job.now,
        rateShare: job.threads,
        stop,
        onProgress: (s) => (stats = s),
        onStore: (s) => (store = s),
      });
      report();
      post({ type: 'done', summary });
    } catch (e) {
      if (!(e instanceof RunError)) throw e;
      report();
      const { message, code } = plan.failure(e.cause);
      post({ type: 'failed', message, code, stack: e.cause instanceof Error ? e.cause.stack : undefined, summary: e.summary });
    }
  } catch (e) {
    // Loading or planning failed here although it worked in the main thread (the file changed?).
    const code = e instanceof UsageError || e instanceof ModelError ? 2 : 1;
    post({ type: 'failed', message: describeError(e), code, stack: e instanceof Error ? e.stack : undefined });
  } finally {
    clearInterval(timer);
    // Nothing more to hear: the thread ends once its outputs have closed.
    port.unref();
  }
};

const job = workerData as Partial<WorkerJob> | null;
if (parentPort !== null && job !== null && typeof job === 'object' && job.shard !== undefined) void runShard(parentPort, job as WorkerJob);
