/**
 * The Kafka sink: events become JSON messages, produced in batches by one idempotent producer.
 *
 * Delivery is "exactly once into the log" for a run: the producer is idempotent (`acks: all`, one
 * request in flight), batches are sent one at a time, and a batch that fails with a retriable error
 * (broker restarting, leader moving, connection lost) is sent again with the same sequence numbers
 * until it is acknowledged or `deliveryTimeoutMs` has passed, so the broker drops whatever part of
 * it had already been written. Events are passed downstream only after Kafka acknowledged them.
 *
 * @example
 * simulate(model, env).pipe(toKafka({
 *   brokers: '127.0.0.1:9092',
 *   topicMapping: { OrderPlaced: 'orders' },
 *   topic: 'events',
 * })).subscribe();
 */
import type { ConnectionOptions } from 'node:tls';
import type * as KafkaJs from 'kafkajs';
import type { Admin, CompressionTypes, IHeaders, Kafka, KafkaConfig, Message, Producer, SASLOptions, TopicMessages } from 'kafkajs';
import { eventKey, type SimEvent } from '../core/simEvent';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';
import { within } from './within';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Compression of produced batches. `gzip` is built into KafkaJS; the others need a codec registered in `CompressionCodecs`. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * How the message key of an event is chosen, per event type: the name of a payload field, or a
 * function. Events of types not listed use the primary key of their session's main entity.
 *
 * @example
 * const keys: KafkaKeys = { OrderPlaced: 'order_id', PriceTick: (e) => String(e.symbol) };
 */
export type KafkaKeys = Readonly<Record<string, string | ((event: SimEvent) => string | undefined)>>;

/**
 * Options of `toKafka`.
 *
 * @example
 * const opts: ToKafkaOptions = {
 *   brokers: ['broker-1:9092', 'broker-2:9092'],
 *   topicMapping: { UserRegistered: 'user_lifecycle_events' },
 *   sasl: { mechanism: 'plain', username: 'user', password: 'secret' }, ssl: true,
 * };
 */
export interface ToKafkaOptions extends SinkOptions {
  /** `"host:port"`, a comma-separated list of them, or an array. */
  readonly brokers: string | ReadonlyArray<string>;
  /** Default `"deep-faker"`. */
  readonly clientId?: string;
  /** Event type → topic. */
  readonly topicMapping?: Readonly<Record<string, string>>;
  /** Topic of event types not in `topicMapping`. Default `"deep-faker-events"`. */
  readonly topic?: string;
  /** Message keys per event type (see `KafkaKeys`). */
  readonly keys?: KafkaKeys;
  /** Extra headers on every message; `event_type` is always set. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `"none"`. */
  readonly compression?: KafkaCompression;
  /** TLS: `true` or Node's TLS options. */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication (`plain`, `scram-sha-256`, `scram-sha-512`, `aws`, `oauthbearer`). */
  readonly sasl?: SASLOptions;
  /**
   * Create the topics of `topicMapping` and `topic` that do not exist yet, when the sink opens.
   * `false` leaves topics to the broker (auto-creation) or to you. Default `{ partitions: 3 }`.
   */
  readonly createTopics?: false | { readonly partitions?: number; readonly replicationFactor?: number };
  /** Most time to connect (and create topics) before the run fails. Default 30 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Most time a batch may take to be acknowledged, retries included: a broker outage shorter than
   * this is ridden out, a longer one fails the run. Default 120 000 ms.
   */
  readonly deliveryTimeoutMs?: number;
  /** KafkaJS's own log, to stderr. Default `"nothing"` (errors reach you as the sink's error). */
  readonly logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const DEFAULT_TOPIC = 'deep-faker-events';
const DEFAULT_PARTITIONS = 3;

/**
 * KafkaJS, loaded by the first Kafka writer: deep-faker's entry point exports `toKafka`, and a
 * program that writes no Kafka output should not pay for loading KafkaJS (memory and start-up;
 * mysql2 is loaded the same way).
 */
let kafkaJsModule: typeof KafkaJs | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
const loadKafkaJs = (): typeof KafkaJs => (kafkaJsModule ??= require('kafkajs') as typeof KafkaJs);

const compressionType = (k: typeof KafkaJs, c: KafkaCompression): CompressionTypes =>
  ({
    none: k.CompressionTypes.None,
    gzip: k.CompressionTypes.GZIP,
    snappy: k.CompressionTypes.Snappy,
    lz4: k.CompressionTypes.LZ4,
    zstd: k.CompressionTypes.ZSTD,
  })[c];

/** KafkaJS's level of one of ours: the same names, upper case. */
const logLevelOf = (k: typeof KafkaJs, name: NonNullable<ToKafkaOptions['logLevel']>): KafkaJs.logLevel =>
  k.logLevel[name.toUpperCase() as keyof typeof KafkaJs.logLevel];

/** The broker list of an option value: trimmed, empty entries dropped. */
export const brokerList = (brokers: string | ReadonlyArray<string>): string[] =>
  (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b !== '');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The errors KafkaJS wrapped (in `originalError` or `cause`), outermost first. */
const errorChain = (e: unknown): Array<{ name?: string; message?: string; retriable?: boolean }> => {
  const chain: Array<{ name?: string; message?: string; retriable?: boolean; originalError?: unknown; cause?: unknown }> = [];
  for (let err = e as (typeof chain)[number] | undefined; err !== undefined && err !== null && !chain.includes(err);) {
    chain.push(err);
    err = (err.originalError ?? err.cause) as typeof err;
  }
  return chain;
};

/** The innermost message: KafkaJS wraps the interesting error (`ECONNREFUSED`, a protocol error) in retry errors. */
const rootMessage = (e: unknown): string => {
  const chain = errorChain(e);
  return chain[chain.length - 1]?.message ?? String(e);
};

/** Errors meaning "the broker is away or moving", worth sending the batch again for. */
const TRANSIENT = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/** Whether an error (or one it wraps) is transient: a connection problem or a retriable protocol error. */
const isTransient = (e: unknown): boolean => errorChain(e).some((err) => err.retriable === true || TRANSIENT.has(err.name ?? ''));

/** Logs KafkaJS's own messages to stderr, one line each. */
const stderrLogger =
  () =>
  ({ namespace, level, log }: { namespace: string; level: number; log: { message: string } }) => {
    const levels = loadKafkaJs().logLevel;
    const name =
      Object.keys(levels)
        .find((n) => levels[n as keyof typeof levels] === level)
        ?.toLowerCase() ?? String(level);
    process.stderr.write(`kafka ${name} [${namespace}] ${log.message}\n`);
  };

// ---------------------------------------------------------------------------------------------
// writer
// ---------------------------------------------------------------------------------------------

/** One producer; `write` sends a batch and resolves when every message of it is acknowledged. */
class KafkaWriter implements SinkWriter {
  readonly name: string;
  private readonly brokers: string[];
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly compression: CompressionTypes;

  constructor(private readonly options: ToKafkaOptions) {
    const kafkaJs = loadKafkaJs();
    this.brokers = brokerList(options.brokers);
    this.name = kafkaSinkName(options);
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'deep-faker',
      brokers: this.brokers,
      ssl: options.ssl,
      sasl: options.sasl,
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      // Short internal retries: the writer's own loop (bounded by deliveryTimeoutMs) rides out outages.
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
      logLevel: logLevelOf(kafkaJs, options.logLevel ?? 'nothing'),
      logCreator: stderrLogger,
    };
    this.kafka = new kafkaJs.Kafka(config);
    this.compression = compressionType(kafkaJs, options.compression ?? 'none');
  }

  private topicOf(eventType: string): string {
    const mapping = this.options.topicMapping;
    // Own properties only: an event type may be named constructor or toString.
    const mapped = mapping !== undefined && Object.hasOwn(mapping, eventType) ? mapping[eventType] : undefined;
    return mapped ?? this.options.topic ?? DEFAULT_TOPIC;
  }

  private keyOf(e: SimEvent): string | undefined {
    const rule = this.options.keys?.[e.event_type];
    if (rule === undefined) return eventKey(e);
    if (typeof rule === 'function') return rule(e);
    const v = (e as Record<string, unknown>)[rule];
    return v === undefined || v === null ? undefined : String(v);
  }

  async open(): Promise<void> {
    if (this.brokers.length === 0) throw new Error('no Kafka brokers given');
    const bad = this.brokers.find((b) => !/^[^\s]+:\d{1,5}$/.test(b));
    if (bad !== undefined) throw new Error(`Kafka broker "${bad}" is not HOST:PORT`);
    const { CompressionCodecs, CompressionTypes, Partitioners } = loadKafkaJs();
    if (this.compression !== CompressionTypes.None && CompressionCodecs[this.compression] === undefined) {
      throw new Error(`compression "${this.options.compression}" needs a KafkaJS codec registered in CompressionCodecs`);
    }
    const timeoutMs = this.options.connectTimeoutMs ?? 30_000;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: this.options.createTopics === false,
    });
    this.producer = producer;
    const connect = async (): Promise<void> => {
      await producer.connect();
      if (this.options.createTopics !== false) await this.createTopics(this.options.createTopics ?? {});
    };
    const where = this.brokers.join(',');
    try {
      await within(connect(), timeoutMs, () => `could not reach Kafka at ${where} within ${timeoutMs} ms`);
    } catch (e) {
      const message = rootMessage(e);
      throw new Error(message.startsWith('could not reach') ? message : `could not connect to Kafka at ${where}: ${message}`, { cause: e });
    }
  }

  private async createTopics(opts: { readonly partitions?: number; readonly replicationFactor?: number }): Promise<void> {
    const wanted = new Set<string>([this.options.topic ?? DEFAULT_TOPIC, ...Object.values(this.options.topicMapping ?? {})]);
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [...wanted].filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: opts.partitions ?? DEFAULT_PARTITIONS,
          replicationFactor: opts.replicationFactor ?? -1,
        })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  async write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) throw new Error('producer is not connected');
    const byTopic = new Map<string, Message[]>();
    const extra = this.options.headers;
    for (const e of batch) {
      const topic = this.topicOf(e.event_type);
      let messages = byTopic.get(topic);
      if (messages === undefined) byTopic.set(topic, (messages = []));
      const headers: IHeaders = extra === undefined ? { event_type: e.event_type } : { ...extra, event_type: e.event_type };
      messages.push({ key: this.keyOf(e) ?? null, value: JSON.stringify(e), headers });
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.send(producer, topicMessages, batch.length);
  }

  /** `sendBatch` until acknowledged; KafkaJS rolls sequence numbers back on failure, so a resend cannot duplicate. */
  private async send(producer: Producer, topicMessages: TopicMessages[], n: number): Promise<void> {
    const deadline = Date.now() + (this.options.deliveryTimeoutMs ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.sendBatch({ topicMessages, acks: -1, compression: this.compression });
        return;
      } catch (e) {
        const left = deadline - Date.now();
        if (!isTransient(e) || left <= 0) {
          const limit = this.options.deliveryTimeoutMs ?? 120_000;
          throw new Error(
            left <= 0
              ? `Kafka did not acknowledge a batch of ${n} events within ${limit} ms: ${rootMessage(e)}`
              : `Kafka refused a batch of ${n} events: ${rootMessage(e)}`,
            { cause: e },
          );
        }
        await sleep(Math.min(left, 250 * 2 ** Math.min(attempt, 3)));
      }
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }
}

/** The sink's name: `kafka:<brokers>`. */
const kafkaSinkName = (options: ToKafkaOptions): string => `kafka:${brokerList(options.brokers).join(',')}`;

/**
 * Produces events to Kafka as JSON messages (the same JSON as a JSONL line), with the event type in
 * the `event_type` header and, as key, the primary key of the session's main entity (or what
 * `keys` says). Topics come from `topicMapping`, else `topic`; missing topics are created at start
 * with 3 partitions unless `createTopics: false`.
 *
 * Guarantees: an idempotent producer with `acks: all` and one request in flight; at most one batch
 * in flight per sink (see `toSink`), so messages of one key stay in order within their partition;
 * retries of a failed batch never duplicate. A broker that cannot be reached within
 * `connectTimeoutMs` at start, or a batch not acknowledged within `deliveryTimeoutMs`, fails the
 * run with a `SinkError` naming `kafka:<brokers>`.
 *
 * @example
 * const sink = toKafka({ brokers: '127.0.0.1:9092', topic: 'shop', keys: { OrderCompleted: 'order_id' } });
 * await sim.run([sink]);
 */
export const toKafka = (options: ToKafkaOptions): SinkOperator =>
  toSink(() => new KafkaWriter(options), {
    name: kafkaSinkName(options),
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
