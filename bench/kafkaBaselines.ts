/**
 * What the Kafka broker on this machine takes without deep-faker in the way, for the "outputs"
 * section to compare against in the same sitting:
 *
 * - a bare KafkaJS loop: the e-commerce events, generated beforehand and turned into messages
 *   (JSON value, key, `event_type` header), sent with an idempotent producer in `sendBatch`es of
 *   1 000, one at a time: the most deep-faker's default client could do;
 * - a bare librdkafka loop: the same messages produced with @confluentinc/kafka-javascript
 *   (idempotent, acks all, reports of failed messages only, as the output asks), until its queue
 *   is delivered;
 * - Kafka's own Java producer (`ProducerPerformance`, acks all, idempotent, records the average
 *   size of the events): the machine's limit, since it runs beside the broker on the same cores.
 *
 * Each produces into a fresh 3-partition topic; `brokers` is the project broker or KAFKA_BROKERS.
 *
 * @example
 * const r = await bareKafkaJs(brokers, messages); // { seconds, cpuSeconds, … }
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type * as KafkaJs from 'kafkajs';
import type { SimEvent } from '../lib/core/simEvent';
import { KafkaRouting } from '../lib/sinks/kafkaRouting';
import { type Span, between, instant } from './measure';

/** One message of the baselines: what deep-faker would send for an event. */
export interface BareMessage {
  readonly value: string;
  readonly key: string | null;
  readonly eventType: string;
}

/** The messages of some events, as the Kafka output would make them (topic aside). */
export const bareMessages = (events: ReadonlyArray<SimEvent>): BareMessage[] => {
  const routing = new KafkaRouting({});
  return events.map((e) => ({ value: JSON.stringify(e), key: routing.keyOf(e) ?? null, eventType: e.event_type }));
};

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by the cases that use it
const loadKafkaJs = (): typeof KafkaJs => require('kafkajs') as typeof KafkaJs;

/** Creates a 3-partition topic (and returns a function deleting it). */
export const freshTopic = async (brokers: string, topic: string): Promise<() => Promise<void>> => {
  const { Kafka, logLevel } = loadKafkaJs();
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  return async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  };
};

const BATCH = 1_000;

/** Sends the messages with an idempotent KafkaJS producer, 1 000 per `sendBatch`, one batch at a time. */
export const bareKafkaJs = async (brokers: string, topic: string, messages: ReadonlyArray<BareMessage>): Promise<Span> => {
  const { Kafka, logLevel, Partitioners } = loadKafkaJs();
  const producer = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const t0 = instant();
  for (let i = 0; i < messages.length; i += BATCH) {
    const chunk = messages.slice(i, i + BATCH).map((m) => ({ key: m.key, value: m.value, headers: { event_type: m.eventType } }));
    await producer.sendBatch({ topicMessages: [{ topic, messages: chunk }], acks: -1 });
  }
  const span = between(t0, instant());
  await producer.disconnect();
  return span;
};

/** What the loop uses of @confluentinc/kafka-javascript's Producer. */
interface RdProducer {
  connect(o: object, cb: (err: unknown) => void): void;
  produce(topic: string, p: null, value: Buffer, key: string | null, ts: null, opaque: null, headers: Array<Record<string, string>>): void;
  setPollInterval(ms: number): void;
  on(event: 'delivery-report', cb: (err: unknown) => void): void;
  flush(timeoutMs: number, cb: (err: unknown) => void): void;
  disconnect(cb: () => void): void;
}

/** Produces the messages with librdkafka (idempotent, acks all), 1 000 at a time, until its queue is delivered (failures reported). */
export const bareLibrdkafka = async (brokers: string, topic: string, messages: ReadonlyArray<BareMessage>): Promise<Span> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional package
  const rd = require('@confluentinc/kafka-javascript') as { Producer: new (c: object) => RdProducer };
  const producer = new rd.Producer({
    'bootstrap.servers': brokers,
    'enable.idempotence': true,
    acks: 'all',
    'linger.ms': 5,
    partitioner: 'murmur2_random',
    dr_cb: true,
    'delivery.report.only.error': true, // as the output does: a report per delivered message costs more than its produce
  });
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(5);
  let failed: unknown;
  producer.on('delivery-report', (err) => {
    if (err) failed ??= err;
  });
  const prepared = messages.map((m) => ({ value: Buffer.from(m.value), key: m.key, headers: [{ event_type: m.eventType }] }));
  const t0 = instant();
  for (let i = 0; i < prepared.length; i += BATCH) {
    for (const m of prepared.slice(i, i + BATCH)) producer.produce(topic, null, m.value, m.key, null, null, m.headers);
    await new Promise((r) => setImmediate(r)); // let delivery reports in, as a run would
  }
  await new Promise<void>((resolve, reject) => producer.flush(60_000, (err) => (err ? reject(err) : resolve())));
  if (failed !== undefined) throw failed;
  const span = between(t0, instant());
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  return span;
};

/**
 * Kafka's Java `ProducerPerformance` (acks all, idempotent) with the project broker's jars:
 * records/s as it reports them, or undefined when the jars lack the tool.
 */
export const javaProducerPerformance = async (
  brokers: string,
  topic: string,
  records: number,
  recordBytes: number,
  libs: string,
): Promise<number | undefined> => {
  const { stdout } = await promisify(execFile)(
    'java',
    [
      '-cp',
      path.join(libs, '*'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--command-property',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  ).catch(() => ({ stdout: '' }));
  const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    stdout
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .pop() ?? '',
  );
  return m === null ? undefined : Number(m[2]);
};
