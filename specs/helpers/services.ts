/**
 * Real servers for the sink specs: Kafka brokers of each version scripts/kafka.js runs (started
 * with it unless `KAFKA_BROKERS` points at one broker) and MariaDB / MySQL (`MYSQL_URL`, default
 * mysql://root@127.0.0.1:3306/test; started on this machine if it is down).
 *
 * Also: reading everything back (every message of some topics, every row of some tables), with
 * names unique per run so reruns against the same servers never see old data.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaScript = require('../../scripts/kafka.js') as {
  versions: ReadonlyArray<string>;
  defaultVersion: string;
  start(options?: { version?: string; quiet?: boolean }): Promise<string>;
  stop(options?: { version?: string; quiet?: boolean }): Promise<boolean>;
};

/** A fresh name for topics / tables of one spec run: `prefix_ab12cd`. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------

/** Whether the broker is the project's own (so a spec may stop and restart it). */
export const ownsKafka = (): boolean => (process.env.KAFKA_BROKERS ?? '') === '';

/**
 * The Kafka versions the project's brokers run (scripts/kafka.js), default first; with
 * `KAFKA_BROKERS` only that broker, as `undefined` (its version is not ours to pick).
 */
export const kafkaVersions = (): ReadonlyArray<string | undefined> => (ownsKafka() ? kafkaScript.versions : [undefined]);

const brokersPromises = new Map<string, Promise<string>>();
const wantedVersions = new Set<string>();

/**
 * Declares, while mocha loads the specs, which broker versions they will ask for: the first
 * `kafkaBrokers` call then starts them all at once, so their JVMs start side by side.
 */
export const willUseKafka = (versions: ReadonlyArray<string | undefined>): void => {
  for (const v of versions) if (v !== undefined) wantedVersions.add(v);
};

/**
 * Brokers of a running broker: `KAFKA_BROKERS`, else the project's own of `version` (default:
 * KAFKA_VERSION or scripts/kafka.js's default), started if needed, with the versions
 * `willUseKafka` declared.
 */
export const kafkaBrokers = (version?: string): Promise<string> => {
  const given = process.env.KAFKA_BROKERS;
  if (given !== undefined && given !== '') return Promise.resolve(given);
  const wanted = version ?? (process.env.KAFKA_VERSION || kafkaScript.defaultVersion);
  const startOnce = (v: string): Promise<string> => {
    let starting = brokersPromises.get(v);
    if (starting === undefined) {
      starting = kafkaScript.start({ version: v, quiet: true });
      starting.catch(() => undefined); // a version started ahead fails in the spec that asks for it
      brokersPromises.set(v, starting);
    }
    return starting;
  };
  const brokers = startOnce(wanted); // first, so it also fetches its jars first
  for (const v of wantedVersions) void startOnce(v);
  return brokers;
};

/** Stops the project's broker of `version` (data kept). */
export const stopKafka = (version?: string): Promise<void> => kafkaScript.stop({ version, quiet: true }).then(() => undefined);

/** Starts the project's broker of `version` again (data kept). */
export const startKafka = (version?: string): Promise<string> => kafkaScript.start({ version, quiet: true });

/** One consumed message. */
export interface Consumed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A topic's offsets; right after a broker restart the leaders may not be elected yet, so retry for a while. */
const fetchOffsets = async (admin: Admin, topic: string): Promise<Array<{ partition: number; high: string; low: string }>> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (e) {
      if (attempt >= 60) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
};

/**
 * Every message of `topics`, in partition order: the high watermarks are read first, then a
 * consumer reads until it has reached all of them (so duplicates or extras would be seen).
 */
export const consumeAll = async (brokers: string, topics: ReadonlyArray<string>): Promise<Consumed[]> => {
  const kafka = new Kafka({ clientId: 'deep-faker-specs', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const end = new Map<string, number>(); // "topic:partition" → high watermark
  try {
    for (const topic of topics) {
      for (const p of await fetchOffsets(admin, topic)) {
        if (Number(p.high) > Number(p.low)) end.set(`${topic}:${p.partition}`, Number(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const out: Consumed[] = [];
  if (end.size === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('specs'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    const remaining = new Set(end.keys());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumeAll: still waiting for ${[...remaining].join(', ')}`)), 60_000);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
            out.push({
              topic,
              partition,
              offset: Number(message.offset),
              key: message.key === null ? null : message.key.toString(),
              value: message.value?.toString() ?? '',
              headers,
            });
            const id = `${topic}:${partition}`;
            if (Number(message.offset) + 1 >= (end.get(id) ?? 0)) remaining.delete(id);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset);
};

// ---------------------------------------------------------------------------------------------
// MySQL / MariaDB
// ---------------------------------------------------------------------------------------------

/** `MYSQL_URL`, default the machine's MariaDB. */
export const mysqlUrl = (): string => process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const MARIADBD = '/usr/sbin/mariadbd';

const tryConnect = async (): Promise<Connection | undefined> => {
  try {
    return await createConnection({ uri: mysqlUrl(), connectTimeout: 2_000, dateStrings: true, supportBigNumbers: true });
  } catch {
    return undefined;
  }
};

let mysqlReady: Promise<void> | undefined;

/** Makes sure the database answers; starts this machine's MariaDB if it is down and `MYSQL_URL` is not set. */
export const ensureMySQL = (): Promise<void> => {
  mysqlReady ??= (async () => {
    let conn = await tryConnect();
    if (conn === undefined && process.env.MYSQL_URL === undefined && fs.existsSync(MARIADBD)) {
      execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD], { stdio: 'ignore' });
      for (let i = 0; i < 60 && conn === undefined; i++) {
        await new Promise((r) => setTimeout(r, 500));
        conn = await tryConnect();
      }
    }
    if (conn === undefined) throw new Error(`MySQL/MariaDB does not answer at ${mysqlUrl()}`);
    await conn.end();
  })();
  return mysqlReady;
};

/** A connection for assertions (date-times as strings, big numbers as strings). */
export const mysqlConnection = async (): Promise<Connection> => {
  await ensureMySQL();
  return createConnection({ uri: mysqlUrl(), dateStrings: true, supportBigNumbers: true, bigNumberStrings: false });
};

/** All rows of a table. */
export const selectAll = async (conn: Connection, table: string): Promise<RowDataPacket[]> => {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT * FROM ??', [table]);
  return rows;
};

/** Tables of the current database whose names start with `prefix`. */
export const tablesWithPrefix = async (conn: Connection, prefix: string): Promise<string[]> => {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?',
    [`${prefix.replace(/[\\%_]/g, '\\$&')}%`],
  );
  return rows.map((r) => String(r.name)).sort();
};

/** Drops the tables starting with `prefix`. */
export const dropTables = async (conn: Connection, prefix: string): Promise<void> => {
  for (const t of await tablesWithPrefix(conn, prefix)) await conn.query('DROP TABLE ??', [t]);
};

/** The project root (for scripts and scenarios). */
export const projectRoot = path.resolve(__dirname, '..', '..');
