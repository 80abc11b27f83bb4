/**
 * The Kafka output's default client: one idempotent KafkaJS producer (`acks: all`, one request in
 * flight). A batch is sent as one or more `sendBatch` requests of at most `maxRequestBytes` of
 * messages each, one at a time; a request that fails with a retriable error (broker restarting,
 * leader moving, connection lost) is sent again with the same sequence numbers until it is
 * acknowledged or `deliveryTimeoutMs` has passed, so the broker drops whatever part of it had
 * already been written.
 *
 * @example
 * const writer = new KafkaJsWriter({ brokers: '127.0.0.1:9092', topic: 'events' }, 'kafka:127.0.0.1:9092');
 */
import type { CompressionTypes, IHeaders, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type * as KafkaJs from 'kafkajs';
import type { SimEvent } from '../core/simEvent';
import { brokerList, checkBrokers, connectError, createMissingTopics, isTransient, kafkaJs, loadKafkaJs, rootMessage } from './kafkaJsClient';
import type { KafkaCompression, ToKafkaOptions } from './kafkaOptions';
import { type EncodedMessages, KafkaEncoder, valueOf } from './kafkaMessages';
import { KafkaRouting } from './kafkaRouting';
import type { SinkWriter } from './sinkContract';
import { within } from './within';

/** Default `maxRequestBytes`: under the broker's default `message.max.bytes` (1 MiB) with room for record overhead. */
export const DEFAULT_MAX_REQUEST_BYTES = 1_000_000;
/** What a record adds to its key, value and headers in a batch (lengths, offsets, attributes), rounded up. */
const RECORD_OVERHEAD_BYTES = 64;

const compressionType = (k: typeof KafkaJs, c: KafkaCompression): CompressionTypes =>
  ({
    none: k.CompressionTypes.None,
    gzip: k.CompressionTypes.GZIP,
    snappy: k.CompressionTypes.Snappy,
    lz4: k.CompressionTypes.LZ4,
    zstd: k.CompressionTypes.ZSTD,
  })[c];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes a message takes in a request, roughly (UTF-8 lengths plus the record overhead). */
const messageBytes = (key: string | null, value: Uint8Array, headers: IHeaders | undefined): number => {
  let n = RECORD_OVERHEAD_BYTES + value.length + (key === null ? 0 : Buffer.byteLength(key));
  if (headers !== undefined) for (const h in headers) n += h.length + String(headers[h]).length + 2;
  return n;
};

/** One KafkaJS producer; `write` sends a batch and resolves when every message of it is acknowledged. */
export class KafkaJsWriter implements SinkWriter {
  private readonly brokers: string[];
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly compression: CompressionTypes;
  private readonly routing: KafkaRouting;
  private readonly encoder: KafkaEncoder;
  private readonly maxRequestBytes: number;

  constructor(
    private readonly options: ToKafkaOptions,
    readonly name: string,
  ) {
    this.brokers = brokerList(options.brokers);
    this.kafka = kafkaJs(options);
    this.compression = compressionType(loadKafkaJs(), options.compression ?? 'none');
    this.routing = new KafkaRouting(options);
    this.encoder = new KafkaEncoder(this.routing);
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  async open(): Promise<void> {
    checkBrokers(this.brokers);
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
      await createMissingTopics(this.kafka, this.options);
    };
    const where = this.brokers.join(',');
    try {
      await within(connect(), timeoutMs, () => `could not reach Kafka at ${where} within ${timeoutMs} ms`);
    } catch (e) {
      throw connectError(e, where);
    }
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    return this.writeEncoded(this.encoder.encode(batch));
  }

  /** Sends encoded messages (from `write`, or from the simulation's thread when this one is a producer thread). */
  async writeEncoded(m: EncodedMessages): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) throw new Error('producer is not connected');
    const routing = this.routing;
    let byTopic = new Map<string, Message[]>();
    let bytes = 0;
    let count = 0;
    for (let i = 0; i < m.count; i++) {
      const type = m.types[m.typeOf[i]];
      const headers = routing.headersOf(type) as IHeaders | undefined;
      const key = m.keys[i];
      const view = valueOf(m, i);
      const value = Buffer.from(view.buffer, view.byteOffset, view.length);
      const size = messageBytes(key, value, headers);
      if (count > 0 && bytes + size > this.maxRequestBytes) {
        await this.send(producer, byTopic, count); // a request at most maxRequestBytes large
        byTopic = new Map();
        bytes = 0;
        count = 0;
      }
      const topic = routing.topicOf(type);
      let messages = byTopic.get(topic);
      if (messages === undefined) byTopic.set(topic, (messages = []));
      messages.push(headers === undefined ? { key, value } : { key, value, headers });
      bytes += size;
      count++;
    }
    if (count > 0) await this.send(producer, byTopic, count);
  }

  /** `sendBatch` until acknowledged; KafkaJS rolls sequence numbers back on failure, so a resend cannot duplicate. */
  private async send(producer: Producer, byTopic: ReadonlyMap<string, Message[]>, n: number): Promise<void> {
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const limit = this.options.deliveryTimeoutMs ?? 120_000;
    const deadline = Date.now() + limit;
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.sendBatch({ topicMessages, acks: -1, compression: this.compression });
        return;
      } catch (e) {
        const left = deadline - Date.now();
        if (!isTransient(e) || left <= 0) {
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
