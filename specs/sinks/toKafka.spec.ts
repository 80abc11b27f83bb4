/**
 * toKafka against real Apache Kafka brokers, one suite per version scripts/kafka.js runs (4.x and
 * 3.9) and per client (KafkaJS, and librdkafka through @confluentinc/kafka-javascript, installed
 * for the specs by scripts/librdkafka.js), or against KAFKA_BROKERS alone: what is produced
 * is consumed back and compared with the JSONL output of the same run, and the delivery guarantees
 * hold through broker restarts.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimulationModel } from '../../lib/engine/model';
import { RunError, runSimulation } from '../../lib/runtime/runSimulation';
import { toFile } from '../../lib/sinks/toFile';
import { type KafkaClient, toKafka } from '../../lib/sinks/toKafka';
import ecommerce from '../../scenarios/ecommerce';
import { consumeAll, kafkaBrokers, kafkaVersions, startKafka, stopKafka, uniqueName, willUseKafka } from '../helpers/services';
import { ensureLibrdkafka } from '../helpers/librdkafka';
import { javaPartition } from '../helpers/murmur2';
import { expectMessagesEqualJsonl, readJsonl } from '../helpers/tables';

const model = (totalEvents: number, seed = 11): SimulationModel => ({
  ...ecommerce,
  settings: { ...ecommerce.settings, totalEvents, duration: '3650d', startTime: '2025-01-01T00:00:00Z', seed },
});

/** Batches a client may have in flight (toKafka's choice), for what may land after a failure. */
const WRITES_IN_FLIGHT: Readonly<Record<KafkaClient, number>> = { kafkajs: 2, librdkafka: 16 };

// Every version, so their brokers start side by side when the first suite asks for one.
const versions = kafkaVersions();
willUseKafka(versions);
const CLIENTS = ['kafkajs', 'librdkafka'] as const;

describe('toKafka without a broker', () => {
  before(async function () {
    this.timeout(900_000); // the first time, the librdkafka package is built from source
    await ensureLibrdkafka();
  });
  for (const client of CLIENTS) {
    it(`client ${client}: fails within the connect timeout, naming the sink, when no broker answers`, async () => {
      const t0 = Date.now();
      const err = await runSimulation(model(100), {
        outputs: [toKafka({ brokers: '127.0.0.1:1', client, topic: 'never', connectTimeoutMs: 2_000 })],
      }).then(
        () => expect.fail('the run should fail'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RunError);
      expect((err as RunError).message).to.match(/^sink "kafka:127\.0\.0\.1:1" failed: could not (connect to|reach) Kafka at 127\.0\.0\.1:1/);
      expect((err as RunError).summary.outputs[0].accepted).to.equal(0);
      expect(Date.now() - t0).to.be.below(15_000); // bounded by connectTimeoutMs, with generous slack
    });
  }
});

for (const version of versions)
  for (const client of CLIENTS)
    describe(`toKafka (real broker: ${version === undefined ? 'KAFKA_BROKERS' : `Kafka ${version}`}, client ${client})`, function () {
      this.timeout(240_000);
      let brokers: string;
      let dir: string;

      before(async function () {
        // First, so that after() has a folder to remove even when the broker does not come up.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-kafka-'));
        if (client === 'librdkafka') {
          this.timeout(900_000); // the first time, the package is built from source
          await ensureLibrdkafka();
        }
        brokers = await kafkaBrokers(version);
      });
      after(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('produces every event once, as its JSONL line, to the mapped topics, keyed by the main entity, with event_type headers', async () => {
        const shop = uniqueName('shop');
        const orders = uniqueName('orders');
        const file = path.join(dir, 'mapped.jsonl');
        const sink = toKafka({ brokers, client, topic: shop, topicMapping: { OrderCompleted: orders }, maxBatch: 500 });
        const summary = await runSimulation(model(5_000), { outputs: [toFile(file), sink] });

        expect(summary.outputs.map((o) => [o.name, o.accepted])).to.deep.equal([
          [`file:${file}`, 5_000],
          [`kafka:${brokers}`, 5_000],
        ]);
        const consumed = await consumeAll(brokers, [shop, orders]);
        const jsonl = readJsonl(file);
        expectMessagesEqualJsonl(consumed, jsonl);
        const inOrders = consumed.filter((m) => m.topic === orders);
        expect(inOrders.length).to.equal(summary.eventsByType.OrderCompleted);
        expect(inOrders.every((m) => m.headers.event_type === 'OrderCompleted')).to.equal(true);
        // The key is the user the session is about; topics were created with 3 partitions, all used.
        const ordered = inOrders.map((m) => JSON.parse(m.value) as { user_id: string });
        expect(inOrders.every((m, i) => m.key === ordered[i].user_id)).to.equal(true);
        expect(new Set(consumed.filter((m) => m.topic === shop).map((m) => m.partition))).to.deep.equal(new Set([0, 1, 2]));
        // Keyed messages are where Kafka's Java producer would put them (murmur2 of the key).
        const keyed = consumed.filter((m) => m.key !== null);
        expect(keyed.length).to.be.above(4_000);
        expect(keyed.filter((m) => m.partition !== javaPartition(m.key!, 3)).map((m) => m.key)).to.deep.equal([]);
      });

      it('splits a batch larger than maxRequestBytes into several requests: nothing rejected, lost or reordered', async () => {
        const topic = uniqueName('large');
        const file = path.join(dir, 'large.jsonl');
        // 10 000 events of ≈ 300 bytes in one batch: ≈ 3 MB, three times the broker's message.max.bytes.
        const sink = toKafka({ brokers, client, topic, maxBatch: 10_000 });
        const summary = await runSimulation(model(10_000, 15), { outputs: [toFile(file), sink], highWaterMark: 10_000 });
        expect(summary.outputs[1].accepted).to.equal(10_000);
        expect(sink.stats.batches).to.be.below(5); // the batches really were large
        expectMessagesEqualJsonl(await consumeAll(brokers, [topic]), readJsonl(file));
      });

      it('producerThread: false (KafkaJS on the simulation thread): the same messages, one batch in flight', async () => {
        const topic = uniqueName('inthread');
        const file = path.join(dir, 'inthread.jsonl');
        const sink = toKafka({ brokers, client, topic, maxBatch: 300, producerThread: false });
        await runSimulation(model(3_000, 17), { outputs: [toFile(file), sink] });
        // KafkaJS in the thread keeps one batch in flight; librdkafka (its own threads) up to its limit.
        if (client === 'kafkajs') expect(sink.stats.peakWritesInFlight).to.equal(1);
        else expect(sink.stats.peakWritesInFlight).to.be.within(1, WRITES_IN_FLIGHT[client]);
        expectMessagesEqualJsonl(await consumeAll(brokers, [topic]), readJsonl(file));
      });

      it('with eventTypeHeader: false, messages carry only the headers asked for', async () => {
        const topic = uniqueName('noheader');
        await runSimulation(model(300, 16), { outputs: [toKafka({ brokers, client, topic, eventTypeHeader: false, headers: { source: 'specs' } })] });
        const consumed = await consumeAll(brokers, [topic]);
        expect(consumed).to.have.length(300);
        expect(consumed.filter((m) => JSON.stringify(m.headers) !== '{"source":"specs"}')).to.deep.equal([]);
      });

      it('takes keys per event type from a payload field or a function, and adds static headers', async () => {
        const topic = uniqueName('keys');
        const file = path.join(dir, 'keys.jsonl');
        await runSimulation(model(1_000, 12), {
          outputs: [
            toFile(file),
            toKafka({
              brokers,
              client,
              topic,
              keys: { OrderCompleted: 'order_id', ProductViewed: (e) => `viewed-${String(e.product_id)}` },
              headers: { source: 'specs' },
            }),
          ],
        });
        const consumed = await consumeAll(brokers, [topic]);
        expectMessagesEqualJsonl(consumed, readJsonl(file));
        for (const m of consumed) {
          const e = JSON.parse(m.value) as Record<string, unknown>;
          expect(m.headers.source).to.equal('specs');
          if (e.event_type === 'OrderCompleted') expect(m.key).to.equal(e.order_id);
          if (e.event_type === 'ProductViewed') expect(m.key).to.equal(`viewed-${String(e.product_id)}`);
        }
      });

      describe('faults (the project broker is stopped and started)', () => {
        before(function () {
          if (version === undefined) this.skip(); // never stop a broker we did not start (KAFKA_BROKERS)
        });
        afterEach(async () => {
          await startKafka(version); // whatever happened, leave a broker running
        });

        it('rides out a broker restart mid-run: nothing lost, nothing duplicated', async () => {
          const topic = uniqueName('restart');
          const file = path.join(dir, 'restart.jsonl');
          const sink = toKafka({ brokers, client, topic, maxBatch: 200 });
          let outage: Promise<void> | undefined;
          const summary = await runSimulation(model(20_000, 13), {
            outputs: [toFile(file), sink],
            onProgress: () => {
              if (outage === undefined && sink.stats.accepted >= 4_000) {
                outage = stopKafka(version)
                  .then(() => new Promise((r) => setTimeout(r, 1_000)))
                  .then(() => startKafka(version).then(() => undefined));
              }
            },
          });
          expect(outage, 'the broker was restarted during the run').to.not.equal(undefined);
          await outage;
          expect(summary.outputs[1].accepted).to.equal(20_000);
          // During the outage the batches piled up: several were in flight (and kept their order).
          expect(sink.stats.peakWritesInFlight).to.equal(WRITES_IN_FLIGHT[client]);
          const consumed = await consumeAll(brokers, [topic]);
          expect(consumed.length).to.equal(20_000);
          expectMessagesEqualJsonl(consumed, readJsonl(file));
        });

        it('fails clearly when an outage outlasts deliveryTimeoutMs, having delivered what it reported', async () => {
          const topic = uniqueName('outage');
          const sink = toKafka({ brokers, client, topic, maxBatch: 200, deliveryTimeoutMs: 3_000 });
          let stopped: Promise<void> | undefined;
          const err = await runSimulation(model(20_000, 14), {
            outputs: [sink],
            onProgress: () => {
              if (stopped === undefined && sink.stats.accepted >= 2_000) stopped = stopKafka(version);
            },
          }).then(
            () => expect.fail('the run should fail'),
            (e: unknown) => e,
          );
          await stopped;
          expect(err).to.be.instanceOf(RunError);
          expect((err as RunError).message).to.match(
            new RegExp(`^sink "kafka:${brokers.replace(/\./g, '\\.')}" failed: Kafka did not acknowledge a batch of \\d+ events within 3000 ms`),
          );
          const reported = (err as RunError).summary.outputs[0].accepted;
          expect(reported).to.be.at.least(2_000).and.below(20_000);
          await startKafka(version);
          const consumed = await consumeAll(brokers, [topic]);
          // Everything reported is there; the batches in flight at the failure may have landed too.
          expect(new Set(consumed.map((m) => JSON.parse(m.value).event_id)).size).to.equal(consumed.length);
          expect(consumed.length)
            .to.be.at.least(reported)
            .and.at.most(reported + 200 * WRITES_IN_FLIGHT[client]);
        });
      });
    });
