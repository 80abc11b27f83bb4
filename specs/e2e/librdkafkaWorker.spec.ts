/**
 * The librdkafka client in a program of its own (docs/outputs.md, "Clients"): the producer on the
 * main thread (`mainThread.host()`), the simulation in a worker thread writing through a port to
 * it (`mainThread.remote(port)`), against a real broker: every event of the run exactly once, in
 * its order per key, equal to the JSONL file of the same run. A worker that opens a librdkafka
 * output of its own once the main thread has loaded the client fails, saying why.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { toKafka, type RunSummary, type ToKafkaOptions } from '../../lib';
import { REPO } from '../helpers/cliRun';
import { ensureLibrdkafka } from '../helpers/librdkafka';
import { consumeAll, kafkaBrokers, uniqueName } from '../helpers/services';
import { expectMessagesEqualJsonl, readJsonl } from '../helpers/tables';

const FIXTURE = path.join(REPO, 'specs/fixtures/librdkafkaWorker.ts');
const HOOK = path.join(REPO, 'bin/registerTypeScript.js');
const TOTAL = 6_000;

/** What the fixture's worker posts once its run has ended. */
type Outcome = { readonly summary: RunSummary } | { readonly failed: string };

/** Runs the fixture in a worker thread (TypeScript through the CLI's hook) with `job`; its outcome once it exited. */
const runWorker = (job: Record<string, unknown>, transferList: ReadonlyArray<import('node:worker_threads').MessagePort> = []): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const source = `require(${JSON.stringify(HOOK)}).registerTypeScript(${JSON.stringify(FIXTURE)});\nrequire(${JSON.stringify(FIXTURE)});`;
    const worker = new Worker(source, { eval: true, workerData: job, transferList: [...transferList] });
    let outcome: Outcome | undefined;
    worker.on('message', (m: Outcome) => (outcome = m));
    worker.on('error', reject);
    worker.on('exit', (code) => (outcome === undefined ? reject(new Error(`the worker exited (code ${code}) without an outcome`)) : resolve(outcome)));
  });

describe('e2e: the librdkafka client in a program of its own (a worker thread through the main thread’s producer)', function () {
  this.timeout(900_000); // the first use builds the client (scripts/librdkafka.js)
  let brokers: string;
  let dir: string;

  before(async () => {
    await ensureLibrdkafka();
    brokers = await kafkaBrokers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-e2e-rdworker-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every event of the run reaches the topic once, in its order per key, equal to the JSONL of the same run', async () => {
    const kafka: ToKafkaOptions = { brokers, topic: `${uniqueName('rdworker')}.events`, client: 'librdkafka', createTopics: { partitions: 3 } };
    const host = toKafka(kafka).mainThread!.host();
    const file = path.join(dir, 'events.jsonl');
    try {
      const port = host.port();
      const outcome = await runWorker({ kafka, port, file, total: TOTAL }, [port]);
      expect(outcome, JSON.stringify(outcome)).to.have.property('summary');
      const { summary } = outcome as { summary: RunSummary };
      expect(summary.events).to.equal(TOTAL);
      expect(summary.outputs.map((o) => o.accepted)).to.deep.equal([TOTAL, TOTAL]);
    } finally {
      await host.close();
    }
    const jsonl = readJsonl(file);
    expect(jsonl).to.have.length(TOTAL);
    expectMessagesEqualJsonl(await consumeAll(brokers, [kafka.topic!]), jsonl);
  });

  it('a worker that opens a librdkafka output of its own, with the client loaded on the main thread, fails saying so', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, on the main thread, as a host would
    require('@confluentinc/kafka-javascript');
    const kafka: ToKafkaOptions = { brokers, topic: `${uniqueName('rdworker_own')}.events`, client: 'librdkafka' };
    const outcome = await runWorker({ kafka, own: true, file: path.join(dir, 'own.jsonl'), total: 100 });
    expect(outcome)
      .to.have.property('failed')
      .that.matches(/the Kafka client "librdkafka" is loaded in another thread of this process.*mainThread/);
  });
});
