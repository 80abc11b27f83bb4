/**
 * `--output` values of the CLI, decoded at the edge into output specs, then into sink operators.
 *
 * | value | output |
 * | --- | --- |
 * | `stdout` / `stdout:json_pretty` | standard output, one JSON object per line (or pretty) |
 * | `file:PATH` | a JSONL file (parent folders are created) |
 * | `kafka:BROKERS[?topic=T&partitions=N&compression=gzip&client_id=C&timeout_ms=MS&client=librdkafka&event_type_header=false]` | Kafka (`toKafka`); BROKERS comma-separated |
 * | `mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?table_prefix=P&connections=N&timeout_ms=MS&on_duplicate=skip]` (or `mysql:` + that URI) | MySQL / MariaDB (`toMySQL`) |
 *
 * @example
 * parseOutput('file:out/events.jsonl'); // { _tag: 'File', path: 'out/events.jsonl' }
 */
import type { EventFormat } from '../sinks/serializeEvent';
import type { SinkOperator } from '../sinks/sink';
import { toFile } from '../sinks/toFile';
import { type KafkaClient, type KafkaCompression, toKafka } from '../sinks/toKafka';
import { toMySQL } from '../sinks/toMySQL';
import { toStdout } from '../sinks/toStdout';
import { DeepFakerError } from '../core/errors';

/** A decoded `--output` value. */
export type OutputSpec =
  | { readonly _tag: 'Stdout'; readonly format: EventFormat }
  | { readonly _tag: 'File'; readonly path: string }
  | {
      readonly _tag: 'Kafka';
      readonly brokers: string;
      readonly topic?: string;
      readonly partitions?: number;
      readonly compression?: KafkaCompression;
      readonly clientId?: string;
      readonly timeoutMs?: number;
      readonly client?: KafkaClient;
      readonly eventTypeHeader?: boolean;
    }
  | {
      readonly _tag: 'MySQL';
      readonly uri: string;
      readonly tablePrefix?: string;
      readonly connections?: number;
      readonly timeoutMs?: number;
      readonly onDuplicate?: 'fail' | 'skip';
    };

/** A `--output` value that is not understood. */
export class UsageError extends DeepFakerError {
  override readonly name = 'UsageError';
}

const COMPRESSIONS: ReadonlyArray<KafkaCompression> = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** `a?x=1&y=2` → `['a', {x: '1', y: '2'}]`, rejecting parameters not in `allowed`. */
const splitQuery = (value: string, rest: string, allowed: ReadonlyArray<string>): [string, Map<string, string>] => {
  const q = rest.indexOf('?');
  const params = new Map<string, string>();
  if (q < 0) return [rest, params];
  for (const [k, v] of new URLSearchParams(rest.slice(q + 1))) {
    if (!allowed.includes(k)) throw new UsageError(`--output ${value}: unknown parameter "${k}" (${allowed.join(', ')})`);
    params.set(k, v);
  }
  return [rest.slice(0, q), params];
};

const positiveInt = (value: string, name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--output ${value}: ${name} must be an integer >= 1, got "${v}"`);
  return n;
};

const parseKafka = (value: string, rest: string): OutputSpec => {
  const [brokers, params] = splitQuery(value, rest, ['topic', 'partitions', 'compression', 'client_id', 'timeout_ms', 'client', 'event_type_header']);
  if (brokers.trim() === '') throw new UsageError(`--output ${value}: kafka needs brokers, e.g. kafka:127.0.0.1:9092?topic=events`);
  for (const b of brokers.split(',')) {
    const m = /^\s*([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\s*$/.exec(b);
    if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--output ${value}: a broker is HOST:PORT, got "${b}"`);
  }
  const compression = params.get('compression');
  if (compression !== undefined && !COMPRESSIONS.includes(compression as KafkaCompression)) {
    throw new UsageError(`--output ${value}: compression must be one of ${COMPRESSIONS.join(', ')}, got "${compression}"`);
  }
  const client = params.get('client');
  if (client !== undefined && client !== 'kafkajs' && client !== 'librdkafka') {
    throw new UsageError(`--output ${value}: client must be kafkajs or librdkafka, got "${client}"`);
  }
  const header = params.get('event_type_header');
  if (header !== undefined && header !== 'true' && header !== 'false') {
    throw new UsageError(`--output ${value}: event_type_header must be true or false, got "${header}"`);
  }
  return {
    _tag: 'Kafka',
    client,
    eventTypeHeader: header === undefined ? undefined : header === 'true',
    brokers,
    topic: params.get('topic'),
    partitions: positiveInt(value, 'partitions', params.get('partitions')),
    compression: compression as KafkaCompression | undefined,
    clientId: params.get('client_id'),
    timeoutMs: positiveInt(value, 'timeout_ms', params.get('timeout_ms')),
  };
};

const parseMySQL = (value: string, uri: string): OutputSpec => {
  const [base, params] = splitQuery(value, uri, ['table_prefix', 'connections', 'timeout_ms', 'on_duplicate']);
  const onDuplicate = params.get('on_duplicate');
  if (onDuplicate !== undefined && onDuplicate !== 'fail' && onDuplicate !== 'skip') {
    throw new UsageError(`--output ${value}: on_duplicate must be fail or skip, got "${onDuplicate}"`);
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--output ${value}: expected mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`);
  }
  if (url.protocol !== 'mysql:' || url.hostname === '' || url.pathname.length < 2) {
    throw new UsageError(`--output ${value}: expected mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`);
  }
  return {
    _tag: 'MySQL',
    uri: base,
    tablePrefix: params.get('table_prefix'),
    connections: positiveInt(value, 'connections', params.get('connections')),
    timeoutMs: positiveInt(value, 'timeout_ms', params.get('timeout_ms')),
    onDuplicate,
  };
};

/** Decodes one `--output` value. */
export const parseOutput = (value: string): OutputSpec => {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? '' : value.slice(colon + 1);
  switch (kind) {
    case 'stdout':
      if (rest === '' || rest === 'json') return { _tag: 'Stdout', format: 'json' };
      if (rest === 'json_pretty') return { _tag: 'Stdout', format: 'json_pretty' };
      throw new UsageError(`--output ${value}: stdout takes "json" or "json_pretty", got "${rest}"`);
    case 'file':
      if (rest === '') throw new UsageError(`--output ${value}: file needs a path, e.g. file:out/events.jsonl`);
      return { _tag: 'File', path: rest };
    case 'kafka':
      return parseKafka(value, rest);
    case 'mysql':
      return parseMySQL(value, rest.startsWith('//') ? `mysql:${rest}` : rest);
    default:
      throw new UsageError(`--output ${value}: unknown output "${kind}" (stdout, stdout:json_pretty, file:PATH, kafka:BROKERS, mysql://URI)`);
  }
};

/** The sink operator of an output spec. */
export const outputOperator = (spec: OutputSpec): SinkOperator => {
  switch (spec._tag) {
    case 'Stdout':
      return toStdout({ format: spec.format });
    case 'File':
      return toFile(spec.path);
    case 'Kafka':
      return toKafka({
        brokers: spec.brokers,
        topic: spec.topic,
        compression: spec.compression,
        clientId: spec.clientId,
        createTopics: { partitions: spec.partitions },
        connectTimeoutMs: spec.timeoutMs,
        deliveryTimeoutMs: spec.timeoutMs,
        client: spec.client,
        eventTypeHeader: spec.eventTypeHeader,
      });
    case 'MySQL':
      return toMySQL({
        connection: spec.uri,
        tablePrefix: spec.tablePrefix,
        connections: spec.connections,
        connectTimeoutMs: spec.timeoutMs,
        writeTimeoutMs: spec.timeoutMs,
        onDuplicate: spec.onDuplicate,
      });
    default: {
      const never: never = spec;
      throw new UsageError(`unknown output ${JSON.stringify(never)}`);
    }
  }
};
