/**
 * The Kafka sink: events become JSON messages, produced in batches by one idempotent producer —
 * KafkaJS by default (kafkaJsWriter.ts), or librdkafka through Confluent's package when the user
 * installed it and asks for `client: 'librdkafka'` (librdkafkaWriter.ts).
 *
 * Delivery is "exactly once into the log" for a run with either client: the producer is
 * idempotent with `acks: all`, a failed request is retried with the same sequence numbers until it
 * is acknowledged or `deliveryTimeoutMs` has passed, so the broker drops whatever part of it had
 * already been written. Events are passed downstream only after Kafka acknowledged them.
 *
 * @example
 * simulate(model, env).pipe(toKafka({
 *   brokers: '127.0.0.1:9092',
 *   topicMapping: { OrderPlaced: 'orders' },
 *   topic: 'events',
 * })).subscribe();
 */
import type { MessagePort } from 'node:worker_threads';
import { KafkaHost } from './kafkaHost';
import { brokerList } from './kafkaJsClient';
import { KafkaJsWriter } from './kafkaJsWriter';
import type { ToKafkaOptions } from './kafkaOptions';
import { LibrdkafkaWriter } from './librdkafkaWriter';
import { canRunOnThread, KafkaPortWriter, KafkaThreadWriter } from './kafkaThread';
import type { SinkWriter } from './sinkContract';
import { type SinkOperator, toSink } from './sink';

export type { KafkaClient, KafkaCompression, KafkaKeys, ToKafkaOptions } from './kafkaOptions';
export { brokerList } from './kafkaJsClient';

/** Default `maxBatch` of both clients. */
const DEFAULT_MAX_BATCH = 1_000;
/**
 * Batches librdkafka may have in flight: it keeps them in order per partition itself, and while
 * some are on the wire the next ones are queued, so the engine never waits for a round trip. Its
 * batches are acknowledged when its queue drains (librdkafkaWriter.ts): enough in flight that the
 * engine rarely has to stop for that.
 */
const LIBRDKAFKA_WRITES_IN_FLIGHT = 16;
/** KafkaJS on a producer thread: one batch queued there while the previous one is sent. */
const KAFKAJS_THREAD_WRITES_IN_FLIGHT = 2;

/** The sink's name: `kafka:<brokers>`. */
const kafkaSinkName = (options: ToKafkaOptions): string => `kafka:${brokerList(options.brokers).join(',')}`;

/**
 * Produces events to Kafka as JSON messages (the same JSON as a JSONL line), with the event type in
 * the `event_type` header (unless `eventTypeHeader: false`) and, as key, the primary key of the
 * session's main entity (or what `keys` says). Topics come from `topicMapping`, else `topic`;
 * missing topics are created at start with 3 partitions unless `createTopics: false`.
 *
 * Guarantees, with either `client`: an idempotent producer with `acks: all`; messages of one key
 * stay in order within their partition (KafkaJS: one batch in flight; librdkafka: several, kept in
 * order by its idempotent producer); retries of a failed request never duplicate; keyed messages
 * land on the partition Kafka's Java producer would choose. A batch larger than
 * `maxRequestBytes` is split into several requests. A broker that cannot be reached within
 * `connectTimeoutMs` at start, or a batch not acknowledged within `deliveryTimeoutMs`, fails the
 * run with a `SinkError` naming `kafka:<brokers>`.
 *
 * @example
 * const sink = toKafka({ brokers: '127.0.0.1:9092', topic: 'shop', keys: { OrderCompleted: 'order_id' } });
 * await sim.run([sink]);
 */
export const toKafka = (options: ToKafkaOptions): SinkOperator => {
  const name = kafkaSinkName(options);
  const client = options.client ?? 'kafkajs';
  if (client !== 'kafkajs' && client !== 'librdkafka') throw new RangeError(`toKafka: client must be "kafkajs" or "librdkafka", got ${JSON.stringify(client)}`);
  // librdkafka has threads of its own, and its Node binding cannot run in a worker thread.
  const threaded = client === 'kafkajs' && options.producerThread !== false && canRunOnThread(options);
  const create = (): SinkWriter =>
    threaded ? new KafkaThreadWriter(options, name) : client === 'librdkafka' ? new LibrdkafkaWriter(options, name) : new KafkaJsWriter(options, name);
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const writesInFlight = client === 'librdkafka' ? LIBRDKAFKA_WRITES_IN_FLIGHT : threaded ? KAFKAJS_THREAD_WRITES_IN_FLIGHT : 1;
  const sinkOptions = {
    name,
    maxBatch,
    maxBuffered: options.maxBuffered,
    writesInFlight,
    ...(writesInFlight > 1 ? { window: (writesInFlight + 1) * maxBatch } : {}),
  };
  const sink = toSink(create, sinkOptions);
  if (client !== 'librdkafka') return sink;
  // Its addon is not context-aware (confluentinc/confluent-kafka-javascript#258): a second thread
  // cannot load it, so worker threads write through the main thread's producer.
  return Object.assign(sink, {
    singleThread: LIBRDKAFKA_SINGLE_THREAD,
    mainThread: {
      host: () => new KafkaHost(options, name),
      remote: (port: MessagePort) => toSink(() => new KafkaPortWriter(options, name, port), sinkOptions),
    },
  });
};

/** Why the librdkafka client cannot run in worker threads (`SinkOperator.singleThread`). */
const LIBRDKAFKA_SINGLE_THREAD =
  "the librdkafka client (@confluentinc/kafka-javascript) is a native module that loads in one thread of a process only: worker threads write through the main thread's producer (`mainThread`)";
