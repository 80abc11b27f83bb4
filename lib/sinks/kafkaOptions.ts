/**
 * The options of the Kafka output (`toKafka`), shared by its two clients.
 *
 * @example
 * const opts: ToKafkaOptions = { brokers: '127.0.0.1:9092', topic: 'shop', client: 'librdkafka' };
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { SimEvent } from '../core/simEvent';
import type { SinkOptions } from './sinkContract';

/** Compression of produced batches. `gzip` is built into KafkaJS; the others need a codec registered in `CompressionCodecs`. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** The Kafka client library a Kafka output produces with (see `ToKafkaOptions.client`). */
export type KafkaClient = 'kafkajs' | 'librdkafka';

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
  /** Extra headers on every message. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Put the event type in an `event_type` header of every message. Default true. Off, messages
   * are smaller and quicker to produce; the type is still in the JSON value.
   */
  readonly eventTypeHeader?: boolean;
  /**
   * Which client produces: `"kafkajs"` (default, pure JavaScript, installed with deep-faker) or
   * `"librdkafka"` (Confluent's `@confluentinc/kafka-javascript`, a native client several times
   * faster, which you install yourself). The guarantees are the same with both.
   */
  readonly client?: KafkaClient;
  /**
   * Most bytes of messages sent in one produce request: batches above it are split, so a large
   * `maxBatch` never exceeds the broker's `message.max.bytes`. Default 1 000 000.
   */
  readonly maxRequestBytes?: number;
  /**
   * With the KafkaJS client: run it on a producer thread of its own (a `worker_threads` Worker), so
   * the protocol work does not take the simulation's thread. Default true; false, or options that
   * cannot be handed to a thread (functions in `ssl` or `sasl`), run it on the simulation's
   * thread. (librdkafka does its work on native threads of its own anyway.)
   */
  readonly producerThread?: boolean;
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
