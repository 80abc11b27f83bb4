/**
 * The Kafka output's fast client: Confluent's `@confluentinc/kafka-javascript` (librdkafka, native
 * code with its own I/O threads), which users install next to deep-faker when they want it.
 *
 * Same guarantees as the KafkaJS writer: an idempotent producer (`acks=all`; librdkafka keeps
 * per-partition order with several requests in flight and retries with the same sequence numbers,
 * so a broker restart neither loses nor duplicates), Java-compatible partitioning of keyed
 * messages (`murmur2_random`), and a batch counts as written once librdkafka has delivered every
 * one of its messages. librdkafka splits what it sends by `message.max.bytes` itself; it retries
 * until `message.timeout.ms` (our `deliveryTimeoutMs`), after which the batch fails.
 *
 * librdkafka reports failed messages only (`delivery.report.only.error`): a report per delivered
 * message would cost the JavaScript thread more than producing it. A batch is delivered once
 * librdkafka's queue has been empty after it was produced (`flush(0)`, checked while batches are
 * pending), so batches are acknowledged in order, several at a time.
 *
 * The module is typed here by the few members used, so deep-faker compiles (and its `.d.ts`
 * works) without the package installed.
 *
 * @example
 * const writer = new LibrdkafkaWriter({ brokers: '127.0.0.1:9092', client: 'librdkafka' }, 'kafka:127.0.0.1:9092');
 */
import type { ConnectionOptions } from 'node:tls';
import type { SimEvent } from '../core/simEvent';
import { brokerList, checkBrokers, connectError, createMissingTopics, kafkaJs } from './kafkaJsClient';
import type { ToKafkaOptions } from './kafkaOptions';
import { type EncodedMessages, KafkaEncoder } from './kafkaMessages';
import { KafkaRouting } from './kafkaRouting';
import { DEFAULT_MAX_REQUEST_BYTES } from './kafkaJsWriter';
import type { SinkWriter } from './sinkContract';
import { within } from './within';

/** The package users install for `client: 'librdkafka'`. */
export const LIBRDKAFKA_PACKAGE = '@confluentinc/kafka-javascript';

/** What the writer uses of a librdkafka error. */
interface RdError {
  readonly message: string;
  readonly code?: number;
  readonly isFatal?: boolean;
}

/** A batch produced and not yet delivered; the opaque of each of its messages. */
interface Pending {
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** What the writer uses of the package's `Producer`. */
interface RdProducer {
  connect(metadata: { timeout: number }, cb: (err: RdError | null) => void): unknown;
  produce(
    topic: string,
    partition: null,
    value: Buffer,
    key: string | null,
    timestamp: null,
    opaque: Pending,
    headers?: Array<Record<string, string>>,
  ): unknown;
  setPollInterval(ms: number): unknown;
  flush(timeoutMs: number, cb: (err: RdError | null) => void): unknown;
  disconnect(timeoutMs: number, cb: (err: unknown) => void): unknown;
  on(event: 'delivery-report', listener: (err: RdError | null, report: { opaque: Pending }) => void): unknown;
  on(event: 'event.error', listener: (err: RdError) => void): unknown;
}

interface RdModule {
  readonly Producer: new (config: Record<string, string | number | boolean>) => RdProducer;
}

/** librdkafka's code of a message that was not delivered within `message.timeout.ms`. */
const MSG_TIMED_OUT = -192;
/** How often the package polls librdkafka for delivery reports. */
const POLL_INTERVAL_MS = 5;
/** How long librdkafka waits to fill a batch; small: batches of a run arrive all at once anyway. */
const LINGER_MS = 5;
/** How soon the queue is checked again while batches are pending and it was not yet empty. */
const DRAIN_CHECK_MS = 1;

let rdModule: RdModule | undefined;

/** The package, loaded on first use, or an error saying how to install it. */
const loadLibrdkafka = (): RdModule => {
  if (rdModule !== undefined) return rdModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, loaded on first use
    rdModule = require(LIBRDKAFKA_PACKAGE) as RdModule;
  } catch (e) {
    const message = String((e as Error | undefined)?.message);
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && message.includes(LIBRDKAFKA_PACKAGE);
    if (missing) throw new Error(`the Kafka client "librdkafka" needs the package ${LIBRDKAFKA_PACKAGE}: npm install ${LIBRDKAFKA_PACKAGE}`, { cause: e });
    // Node's words for a native module that another thread of the process has loaded already.
    if (message.includes('did not self-register'))
      throw new Error(
        `the Kafka client "librdkafka" is loaded in another thread of this process, and its native module loads in one thread only: write through that thread's producer (toKafka(options).mainThread: host() there, remote(port) here)`,
        { cause: e },
      );
    throw e;
  }
  return rdModule;
};

const SASL_MECHANISMS: Readonly<Record<string, string>> = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' };

/** librdkafka settings of the TLS options it understands; anything else is refused rather than ignored. */
const tlsConfig = (ssl: true | ConnectionOptions): Record<string, string | boolean> => {
  if (ssl === true) return {};
  const config: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(ssl)) {
    if (value === undefined) continue;
    if (name === 'ca' || name === 'cert' || name === 'key') {
      if (typeof value !== 'string' && !Buffer.isBuffer(value)) throw new Error(`ssl.${name}: the librdkafka client takes one PEM string or Buffer`);
      config[{ ca: 'ssl.ca.pem', cert: 'ssl.certificate.pem', key: 'ssl.key.pem' }[name]] = String(value);
    } else if (name === 'passphrase') config['ssl.key.password'] = String(value);
    else if (name === 'rejectUnauthorized') config['enable.ssl.certificate.verification'] = value !== false;
    else throw new Error(`ssl.${name} is not supported by the librdkafka client (ca, cert, key, passphrase, rejectUnauthorized)`);
  }
  return config;
};

/** The producer's librdkafka configuration. */
export const librdkafkaConfig = (options: ToKafkaOptions): Record<string, string | number | boolean> => {
  const sasl = options.sasl;
  const ssl = options.ssl !== undefined && options.ssl !== false;
  const config: Record<string, string | number | boolean> = {
    'bootstrap.servers': brokerList(options.brokers).join(','),
    'client.id': options.clientId ?? 'deep-faker',
    'enable.idempotence': true,
    acks: 'all',
    'message.timeout.ms': options.deliveryTimeoutMs ?? 120_000,
    'message.max.bytes': options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    'linger.ms': LINGER_MS,
    'compression.codec': options.compression ?? 'none',
    partitioner: 'murmur2_random', // what Java's producer does with keys, so both agree on partitions
    'allow.auto.create.topics': options.createTopics === false,
    dr_cb: true,
    'delivery.report.only.error': true,
    ...(options.ssl !== undefined && options.ssl !== false ? tlsConfig(options.ssl) : {}),
  };
  if (sasl !== undefined) {
    const mechanism = SASL_MECHANISMS[sasl.mechanism];
    if (mechanism === undefined)
      throw new Error(`SASL mechanism "${sasl.mechanism}" is not supported by the librdkafka client (plain, scram-sha-256, scram-sha-512)`);
    const { username, password } = sasl as { username: string; password: string };
    Object.assign(config, { 'sasl.mechanisms': mechanism, 'sasl.username': username, 'sasl.password': password });
  }
  config['security.protocol'] = sasl !== undefined ? (ssl ? 'sasl_ssl' : 'sasl_plaintext') : ssl ? 'ssl' : 'plaintext';
  return config;
};

/** One librdkafka producer; several batches may be in flight (`toSink`'s `writesInFlight`). */
export class LibrdkafkaWriter implements SinkWriter {
  private readonly brokers: string[];
  private producer: RdProducer | undefined;
  private readonly routing: KafkaRouting;
  private readonly encoder: KafkaEncoder;
  /** Headers per event type in the package's form (an array of one-entry objects). */
  private readonly headerArrays = new Map<string, Array<Record<string, string>> | undefined>();
  /** The batches produced and not yet delivered, in the order they were produced. */
  private pending: Pending[] = [];
  /** A `flush(0)` is under way (`checkDrained`). */
  private checking = false;
  /**
   * Why a batch failed, or a fatal producer error (it can no longer guarantee idempotence): every
   * later write fails with it (no later batch is known to be delivered), and closing does not wait
   * for what is still queued.
   */
  private failure: Error | undefined;

  constructor(
    private readonly options: ToKafkaOptions,
    readonly name: string,
  ) {
    this.brokers = brokerList(options.brokers);
    this.routing = new KafkaRouting(options);
    this.encoder = new KafkaEncoder(this.routing);
  }

  async open(): Promise<void> {
    checkBrokers(this.brokers);
    const rd = loadLibrdkafka();
    const producer = new rd.Producer(librdkafkaConfig(this.options));
    this.producer = producer;
    producer.on('delivery-report', (err, report) => this.delivered(err, report.opaque));
    producer.on('event.error', (err) => {
      if (err.isFatal !== true) return; // transient (a broker away): librdkafka retries on its own
      this.fail(new Error(`the Kafka producer failed: ${err.message}`));
    });
    const timeoutMs = this.options.connectTimeoutMs ?? 30_000;
    const where = this.brokers.join(',');
    const connect = async (): Promise<void> => {
      await new Promise<void>((resolve, reject) => producer.connect({ timeout: timeoutMs }, (err) => (err ? reject(new Error(err.message)) : resolve())));
      await createMissingTopics(kafkaJs(this.options), this.options);
    };
    try {
      await within(connect(), timeoutMs, () => `could not reach Kafka at ${where} within ${timeoutMs} ms`);
    } catch (e) {
      throw connectError(e, where);
    }
    producer.setPollInterval(POLL_INTERVAL_MS);
  }

  /** A message's report: only failed ones come (`delivery.report.only.error`). */
  private delivered(err: RdError | null, p: Pending): void {
    if (err === null || !this.pending.includes(p)) return; // delivered, or its batch already failed
    const limit = this.options.deliveryTimeoutMs ?? 120_000;
    this.fail(
      new Error(
        err.code === MSG_TIMED_OUT
          ? `Kafka did not acknowledge a batch of ${p.size} events within ${limit} ms: ${err.message}`
          : `Kafka refused a batch of ${p.size} events: ${err.message}`,
      ),
    );
  }

  /** Fails every pending batch, and every later one: once one failed, no later one is known to be delivered. */
  private fail(cause: Error): void {
    this.failure ??= cause;
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.reject(cause);
  }

  /**
   * Resolves the batches produced before librdkafka's queue was found empty (every message
   * delivered, or reported failed); checks again while some are pending.
   */
  private checkDrained(): void {
    const producer = this.producer;
    if (this.checking || this.pending.length === 0 || producer === undefined) return;
    this.checking = true;
    const last = this.pending[this.pending.length - 1];
    const after = (err: RdError | null | undefined): void => {
      this.checking = false;
      const i = !err && this.failure === undefined ? this.pending.indexOf(last) : -1;
      for (const p of this.pending.splice(0, i + 1)) p.resolve();
      if (this.pending.length > 0) setTimeout(() => this.checkDrained(), i >= 0 ? 0 : DRAIN_CHECK_MS);
    };
    try {
      // A failure found during the flush reaches JavaScript through the package's own async
      // handle, at the latest one turn of the event loop after the flush's callback: wait two.
      producer.flush(0, (err) => setImmediate(() => setImmediate(() => after(err))));
    } catch {
      this.checking = false; // disconnected meanwhile: close() settles what is left
    }
  }

  private headersOf(eventType: string): Array<Record<string, string>> | undefined {
    if (this.headerArrays.has(eventType)) return this.headerArrays.get(eventType);
    const headers = this.routing.headersOf(eventType);
    const array = headers === undefined ? undefined : Object.entries(headers).map(([k, v]) => ({ [k]: v }));
    this.headerArrays.set(eventType, array);
    return array;
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    return this.writeEncoded(this.encoder.encode(batch));
  }

  /** Produces encoded messages (from `write`, or from the simulation's thread when this one is a producer thread). */
  writeEncoded(m: EncodedMessages): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) return Promise.reject(new Error('producer is not connected'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { size: m.count, resolve, reject };
      if (m.count === 0) return resolve();
      this.pending.push(p);
      const routing = this.routing;
      const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length);
      try {
        let start = 0;
        for (let i = 0; i < m.count; i++) {
          const type = m.types[m.typeOf[i]];
          const end = m.ends[i];
          producer.produce(routing.topicOf(type), null, bytes.subarray(start, end), m.keys[i], null, p, this.headersOf(type));
          start = end;
        }
        this.checkDrained();
      } catch (e) {
        this.fail(new Error(`could not produce a batch of ${m.count} events: ${(e as Error).message}`, { cause: e }));
      }
    });
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer === undefined) return;
    const timeoutMs = this.failure !== undefined ? 0 : (this.options.deliveryTimeoutMs ?? 120_000);
    try {
      await new Promise<void>((resolve, reject) => producer.flush(timeoutMs, (err) => (err ? reject(new Error(err.message)) : resolve())));
    } finally {
      await new Promise<void>((resolve) => producer.disconnect(5_000, () => resolve()));
    }
  }
}
