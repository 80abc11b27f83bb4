/**
 * The `outputs` list of a YAML configuration → sink operators: `kafka` (topic_mapping,
 * kafka_brokers, security_protocol / sasl_* settings, client, event_type_header), `stdout` (format
 * json | json_pretty), `file` (path, format), `mysql` (host, port, user, password, database,
 * table_prefix, or url; connections, on_duplicate).
 * Outputs with `enabled: false` are checked but not created.
 *
 * @example
 * const sinks = compileOutputs(outputsNode, problems, ['UserRegistered']);
 */
import type { SASLOptions } from 'kafkajs';
import type { SinkOperator } from '../../sinks/sink';
import { toFile } from '../../sinks/toFile';
import { toKafka } from '../../sinks/toKafka';
import { toMySQL } from '../../sinks/toMySQL';
import { toStdout } from '../../sinks/toStdout';
import type { Problems } from '../configError';
import { boolOf, child, intAtLeast, mapOf, oneOf, quote, seqOf, stringOf, suggestion } from '../decode';
import type { YNode } from '../yamlTree';

const TYPES = ['kafka', 'stdout', 'file', 'mysql'] as const;
const KEYS: Record<(typeof TYPES)[number], string[]> = {
  kafka: [
    'topic_mapping',
    'kafka_brokers',
    'topic',
    'client_id',
    'security_protocol',
    'sasl_mechanism',
    'sasl_plain_username',
    'sasl_plain_password',
    'client',
    'event_type_header',
  ],
  stdout: ['format'],
  file: ['path', 'format'],
  mysql: ['url', 'host', 'port', 'user', 'password', 'database', 'table_prefix', 'connections', 'on_duplicate'],
};
const REQUIRED: Record<(typeof TYPES)[number], string[]> = { kafka: ['kafka_brokers'], stdout: [], file: ['path'], mysql: [] };

/** Decodes `outputs`; returns the enabled ones as sink operators. */
export const compileOutputs = (node: YNode | undefined, p: Problems, eventTypes: ReadonlyArray<string>): SinkOperator[] => {
  const out: SinkOperator[] = [];
  (seqOf(node, 'outputs', p) ?? []).forEach((o, i) => {
    const path = child('outputs', i);
    const head = mapOf(o, path, p);
    if (head === undefined) return;
    const typeNode = head.get('type');
    if (typeNode === undefined) return void p.at(o.offset, path, 'missing required key "type"');
    const type = oneOf(typeNode, child(path, 'type'), p, TYPES, 'an output type');
    if (type === undefined) return;
    const m = mapOf(o, path, p, { required: ['type', ...REQUIRED[type]], optional: ['enabled', ...KEYS[type]] });
    if (m === undefined) return;
    const enabled = m.get('enabled') === undefined ? true : boolOf(m.get('enabled'), child(path, 'enabled'), p);
    const str = (k: string): string | undefined => (m.get(k) === undefined ? undefined : stringOf(m.get(k), child(path, k), p));
    const format = m.get('format') === undefined ? undefined : oneOf(m.get('format'), child(path, 'format'), p, ['json', 'json_pretty'], 'a format');
    let sink: (() => SinkOperator) | undefined;
    switch (type) {
      case 'stdout':
        sink = () => toStdout({ format: format ?? 'json' });
        break;
      case 'file': {
        const file = str('path');
        if (file !== undefined) sink = () => toFile(file, { format: format ?? 'json' });
        break;
      }
      case 'kafka': {
        const brokersNode = m.get('kafka_brokers');
        let brokers: string[] | undefined;
        if (brokersNode?.kind === 'seq') brokers = brokersNode.items.map((b, j) => stringOf(b, child(child(path, 'kafka_brokers'), j), p) ?? '');
        else {
          const b = str('kafka_brokers');
          if (b !== undefined) brokers = b.split(',').map((s) => s.trim());
        }
        for (const b of brokers ?? []) {
          if (!/^[^\s:]+:\d+$/.test(b)) p.at(brokersNode!.offset, child(path, 'kafka_brokers'), `${quote(b)} is not HOST:PORT`);
        }
        // No prototype: the Kafka output looks every event type up in it (`toString` must find nothing).
        const mapping: Record<string, string> = Object.create(null);
        const tm = mapOf(m.get('topic_mapping'), child(path, 'topic_mapping'), p);
        for (const e of tm?.entries ?? []) {
          const ep = child(child(path, 'topic_mapping'), e.key);
          if (!eventTypes.includes(e.key)) p.at(e.keyOffset, ep, `${quote(e.key)} is not an event type${suggestion(e.key, eventTypes)}`);
          const topic = stringOf(e.value, ep, p);
          if (topic !== undefined) mapping[e.key] = topic;
        }
        const protocol =
          m.get('security_protocol') === undefined
            ? 'PLAINTEXT'
            : oneOf(m.get('security_protocol'), child(path, 'security_protocol'), p, ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'], 'a security protocol');
        const mechanism =
          m.get('sasl_mechanism') === undefined
            ? 'PLAIN'
            : oneOf(m.get('sasl_mechanism'), child(path, 'sasl_mechanism'), p, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], 'a SASL mechanism');
        const username = str('sasl_plain_username');
        const password = str('sasl_plain_password');
        const topic = str('topic');
        const clientId = str('client_id');
        const client =
          m.get('client') === undefined ? undefined : oneOf(m.get('client'), child(path, 'client'), p, ['kafkajs', 'librdkafka'], 'a Kafka client');
        const eventTypeHeader = m.get('event_type_header') === undefined ? undefined : boolOf(m.get('event_type_header'), child(path, 'event_type_header'), p);
        if (protocol?.startsWith('SASL') === true && (username === undefined || password === undefined)) {
          p.at(m.node.offset, path, `${protocol} needs sasl_plain_username and sasl_plain_password`);
        }
        if (brokers !== undefined && protocol !== undefined && mechanism !== undefined) {
          const sasl = protocol.startsWith('SASL')
            ? ({ mechanism: mechanism.toLowerCase(), username: username ?? '', password: password ?? '' } as SASLOptions)
            : undefined;
          const list = brokers;
          sink = () =>
            toKafka({
              brokers: list,
              topicMapping: mapping,
              ...(topic === undefined ? {} : { topic }),
              ...(clientId === undefined ? {} : { clientId }),
              ...(protocol === 'SSL' || protocol === 'SASL_SSL' ? { ssl: true } : {}),
              ...(sasl === undefined ? {} : { sasl }),
              ...(client === undefined ? {} : { client }),
              ...(eventTypeHeader === undefined ? {} : { eventTypeHeader }),
            });
        }
        break;
      }
      case 'mysql': {
        const url = str('url');
        const host = str('host');
        const port = m.get('port') === undefined ? undefined : intAtLeast(m.get('port'), child(path, 'port'), p, 1);
        const user = str('user');
        const password = str('password');
        const database = str('database');
        const tablePrefix = str('table_prefix');
        const connections = m.get('connections') === undefined ? undefined : intAtLeast(m.get('connections'), child(path, 'connections'), p, 1);
        const onDuplicate =
          m.get('on_duplicate') === undefined
            ? undefined
            : oneOf(m.get('on_duplicate'), child(path, 'on_duplicate'), p, ['fail', 'skip'], 'what to do with a duplicate event_id');
        if (url === undefined && database === undefined) p.at(m.node.offset, path, 'a mysql output needs "url" or "database"');
        const connection = url ?? { host: host ?? '127.0.0.1', port: port ?? 3306, user: user ?? 'root', password: password ?? '', database };
        sink = () =>
          toMySQL({
            connection,
            ...(tablePrefix === undefined ? {} : { tablePrefix }),
            ...(connections === undefined ? {} : { connections }),
            ...(onDuplicate === undefined ? {} : { onDuplicate }),
          });
        break;
      }
      default: {
        const never: never = type;
        return never;
      }
    }
    if (enabled === true && sink !== undefined) out.push(sink());
  });
  return out;
};
