/**
 * The outputs section's case of the librdkafka client as a program of its own runs it at full
 * speed (docs/outputs.md, "Clients"): the producer on the main thread (`mainThread.host()`), the
 * e-commerce run in a worker thread writing through a port to it (`mainThread.remote(port)`).
 * Timed from the moment the loaded worker gets its port (the producer connects from then on) to
 * the end of its run, as the other cases time `runSimulation` (the worker's load is left out);
 * CPU of every thread of the process over that span.
 *
 * Loaded in the worker this case starts (its `workerData` set), this file is that worker.
 */
import * as path from 'node:path';
import { type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RunSummary } from '../lib/runtime/runSimulation';
import { runSimulation } from '../lib/runtime/runSimulation';
import type { ToKafkaOptions } from '../lib/sinks/kafkaOptions';
import { toKafka } from '../lib/sinks/toKafka';
import type { BenchCase, Instant } from './measure';
import { between, instant, sampleRss } from './measure';
import { ecommerceModel } from './throughput';

interface Job {
  readonly options: ToKafkaOptions;
  readonly events: number;
}

/** What the worker posts: once loaded (it then waits for its port), and when its run ended. */
type FromWorker = { readonly type: 'loaded' } | { readonly type: 'done'; readonly summary: RunSummary } | { readonly type: 'failed'; readonly message: string };

/** The case: `events` e-commerce events into `topic`'s broker, the simulation on a worker thread. */
export const librdkafkaWorkerCase = (
  name: string,
  events: number,
  topic: () => Promise<{ brokers: string; topic: string; drop: () => Promise<void> }>,
): BenchCase => ({
  name,
  run: async () => {
    const target = await topic();
    const options: ToKafkaOptions = { brokers: target.brokers, topic: target.topic, client: 'librdkafka' };
    const host = toKafka(options).mainThread!.host();
    try {
      const source = `require(${JSON.stringify(path.join(__dirname, 'tsRegister.js'))});\nrequire(${JSON.stringify(__filename)});`;
      const worker = new Worker(source, { eval: true, workerData: { options, events } satisfies Job });
      let rss: ReturnType<typeof sampleRss> | undefined;
      let t0: Instant | undefined;
      let t1: Instant | undefined;
      let summary: RunSummary | undefined;
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'loaded') {
            rss = sampleRss(100);
            t0 = instant();
            const port = host.port(); // the host connects with its first port
            worker.postMessage(port, [port]);
          } else if (m.type === 'done') [t1, summary] = [instant(), m.summary];
          else reject(new Error(m.message));
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
      }).finally(() => worker.terminate());
      if (rss === undefined || t0 === undefined || t1 === undefined || summary === undefined) throw new Error(`${name}: the worker ended without a run`);
      return { name, events: summary.events, ...between(t0, t1), ...rss.stop(), extra: { peakBuffered: '–', batches: 0 } };
    } finally {
      await host.close();
      await target.drop();
    }
  },
});

const job = workerData as Partial<Job> | null;
if (parentPort !== null && job !== null && typeof job === 'object' && job.options !== undefined) {
  const parent = parentPort;
  const post = (m: FromWorker): void => parent.postMessage(m);
  parent.once('message', (port: MessagePort) => {
    const output = toKafka(job.options!).mainThread!.remote(port);
    runSimulation(ecommerceModel(job.events!, 'full'), { outputs: [output] })
      .then(
        (summary) => post({ type: 'done', summary }),
        (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => parent.unref()); // nothing more to hear: the thread ends
  });
  post({ type: 'loaded' });
}
