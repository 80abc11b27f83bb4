/**
 * KafkaJS as the Kafka output uses it: loaded on first use, configured from `ToKafkaOptions`,
 * its errors unwrapped and classified, and the topics of a run created before the first batch.
 * Topic creation serves both clients (the librdkafka writer creates its topics through here too).
 *
 * @example
 * const kafka = kafkaJs(options);
 * await createMissingTopics(kafka, options);
 */
import type * as KafkaJs from 'kafkajs';
import type { Admin, Kafka, KafkaConfig } from 'kafkajs';
import type { ToKafkaOptions } from './kafkaOptions';
import { topicsOf } from './kafkaRouting';

/** Partitions of topics the output creates, unless `createTopics.partitions` says otherwise. */
const DEFAULT_PARTITIONS = 3;

/**
 * KafkaJS, loaded by the first Kafka writer: deep-faker's entry point exports `toKafka`, and a
 * program that writes no Kafka output should not pay for loading KafkaJS (memory and start-up;
 * mysql2 is loaded the same way).
 */
let kafkaJsModule: typeof KafkaJs | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
export const loadKafkaJs = (): typeof KafkaJs => (kafkaJsModule ??= require('kafkajs') as typeof KafkaJs);

/** The broker list of an option value: trimmed, empty entries dropped. */
export const brokerList = (brokers: string | ReadonlyArray<string>): string[] =>
  (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b !== '');

/** Fails when there are no brokers or one is not HOST:PORT (before any connection is tried). */
export const checkBrokers = (brokers: ReadonlyArray<string>): void => {
  if (brokers.length === 0) throw new Error('no Kafka brokers given');
  const bad = brokers.find((b) => !/^[^\s]+:\d{1,5}$/.test(b));
  if (bad !== undefined) throw new Error(`Kafka broker "${bad}" is not HOST:PORT`);
};

/** KafkaJS's level of one of ours: the same names, upper case. */
const logLevelOf = (k: typeof KafkaJs, name: NonNullable<ToKafkaOptions['logLevel']>): KafkaJs.logLevel =>
  k.logLevel[name.toUpperCase() as keyof typeof KafkaJs.logLevel];

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

/** A KafkaJS client for the output's brokers, TLS and SASL. */
export const kafkaJs = (options: ToKafkaOptions): Kafka => {
  const k = loadKafkaJs();
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'deep-faker',
    brokers: brokerList(options.brokers),
    ssl: options.ssl,
    sasl: options.sasl,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // Short internal retries: the writer's own loop (bounded by deliveryTimeoutMs) rides out outages.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: logLevelOf(k, options.logLevel ?? 'nothing'),
    logCreator: stderrLogger,
  };
  return new k.Kafka(config);
};

/** Creates the topics the options name that do not exist yet (`createTopics`; nothing when it is false). */
export const createMissingTopics = async (kafka: Kafka, options: ToKafkaOptions): Promise<void> => {
  const opts = options.createTopics;
  if (opts === false) return;
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicsOf(options).filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: opts?.partitions ?? DEFAULT_PARTITIONS,
        replicationFactor: opts?.replicationFactor ?? -1,
      })),
    });
  } finally {
    await admin.disconnect();
  }
};

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
export const rootMessage = (e: unknown): string => {
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
export const isTransient = (e: unknown): boolean => errorChain(e).some((err) => err.retriable === true || TRANSIENT.has(err.name ?? ''));

/** "could not connect to Kafka at …" of a failed connect, keeping a message that already says so. */
export const connectError = (e: unknown, where: string): Error => {
  const message = rootMessage(e);
  return new Error(message.startsWith('could not reach') ? message : `could not connect to Kafka at ${where}: ${message}`, { cause: e });
};
