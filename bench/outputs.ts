/**
 * Section "outputs": the e-commerce scenario into each output, and behind a deliberately slow one.
 *
 * - JSONL file, Kafka (the project's broker from scripts/kafka.js, or KAFKA_BROKERS), MySQL
 *   (MYSQL_URL, default the machine's MariaDB): events/s and peak RSS of `runSimulation`;
 * - a slow sink (a writer that takes 20 ms per batch of at most 1 000 events, i.e. ≤ 50 000
 *   events/s, slower than the engine): peak RSS and the most events buffered in the sink, to show
 *   that backpressure keeps memory bounded (the engine waits instead of piling events up).
 *
 * Opt-in (`--only outputs`): it needs the Kafka broker and the database. Topics and tables are
 * named per run and deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as KafkaJs from 'kafkajs';
import type * as Mysql2 from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { runSimulation } from '../lib/runtime/runSimulation';
import { prepareEventTable } from '../lib/sinks/mysqlEventTables';
import { snakeCase, toSqlValue } from '../lib/sinks/mysqlTables';
import { type SinkOperator, toSink } from '../lib/sinks/sink';
import { toFile } from '../lib/sinks/toFile';
import { toKafka } from '../lib/sinks/toKafka';
import { toMySQL } from '../lib/sinks/toMySQL';
import type { SimEvent } from '../lib/core/simEvent';
import type { KafkaClient } from '../lib/sinks/toKafka';
import { bareKafkaJs, bareLibrdkafka, bareMessages, freshTopic, javaProducerPerformance } from './kafkaBaselines';
import { librdkafkaWorkerCase } from './librdkafkaWorker';
import type { BenchCase, CaseResult, Section, Span } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, rate, sampleRss, scaled, timingCells } from './measure';
import { mysqlServerCpu } from './serverCpu';
import { ecommerceModel } from './throughput';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaScript = require('../scripts/kafka.js') as { start(options?: { quiet?: boolean }): Promise<string>; libs(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureLibrdkafka } = require('../scripts/librdkafka.js') as { ensureLibrdkafka(): Promise<void> };

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** The MySQL output's defaults (connections, events per transaction), which the bare mysql2 case copies. */
const MYSQL_CONNECTIONS = 4;
const MYSQL_BATCH = 2_000;
const MYSQL_CASE = `MySQL (MariaDB, ${MYSQL_CONNECTIONS} connections, ${int(MYSQL_BATCH)}-event transactions)`;
const BARE_CASE = `bare mysql2 (${MYSQL_CONNECTIONS} connections, same events, rows converted beforehand)`;
const SLOW_BATCH_MS = 20;

const suffix = (): string => randomBytes(3).toString('hex');

/** What a case writes into: its sinks, what removes what they made, and the server's CPU reader when it runs here. */
interface CaseOutputs {
  readonly sinks: SinkOperator[];
  readonly cleanup: () => Promise<void>;
  readonly serverCpu?: () => number;
}

/** Runs the scenario into `outputs`, measuring time and RSS (and the server's CPU); `cleanup` runs afterwards. */
const measured = async (name: string, events: number, outputs: () => Promise<CaseOutputs>): Promise<CaseResult> => {
  const { sinks, cleanup, serverCpu } = await outputs();
  try {
    const rss = sampleRss(100);
    const server0 = serverCpu?.();
    const t0 = instant();
    // The outputs' own windows bound the events in flight, as in a CLI run.
    const summary = await runSimulation(ecommerceModel(events, 'full'), { outputs: sinks });
    const time = between(t0, instant());
    const last = sinks.at(-1);
    const extra = { peakBuffered: last?.stats.peakBuffered ?? '–', batches: last?.stats.batches ?? 0, ...serverSeconds(serverCpu, server0) };
    return { name, events: summary.events, ...time, ...rss.stop(), extra };
  } finally {
    await cleanup();
  }
};

/** `{ serverCpuSeconds }` spent since `before`, when the server's CPU can be read here. */
const serverSeconds = (cpu: (() => number) | undefined, before: number | undefined): { serverCpuSeconds?: number } =>
  cpu === undefined || before === undefined ? {} : { serverCpuSeconds: cpu() - before };

/** The CPU reader of the MySQL server at MYSQL_URL, when it runs on this machine. */
const mysqlCpu = async (): Promise<(() => number) | undefined> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as in dropTables
  const { createConnection } = require('mysql2/promise') as typeof Mysql2;
  const conn = await createConnection({ uri: MYSQL_URL });
  try {
    return await mysqlServerCpu(conn);
  } finally {
    await conn.end();
  }
};

/** Drops the tables whose names start with `prefix`. */
const dropTables = async (prefix: string): Promise<void> => {
  // Required here, not imported: every bench case process loads this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createConnection } = require('mysql2/promise') as typeof Mysql2;
  const conn = await createConnection({ uri: MYSQL_URL });
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?',
    [`${prefix}%`],
  );
  for (const r of rows) await conn.query('DROP TABLE ??', [r.t]);
  await conn.end();
};

/** The engine alone, no outputs: its own CPU, what every output's run spends before writing anything. */
const ENGINE_CASE = 'engine alone (no outputs)';
const engineCase = (events: number): BenchCase => ({
  name: ENGINE_CASE,
  run: () => measured(ENGINE_CASE, events, async () => ({ sinks: [], cleanup: async () => undefined })),
});

const fileCase = (events: number): BenchCase => ({
  name: 'JSONL file',
  run: () =>
    measured('JSONL file', events, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
      return { sinks: [toFile(path.join(dir, 'e.jsonl'))], cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    }),
});

/** The broker (the project's, or KAFKA_BROKERS), with the librdkafka package in place for its cases. */
const kafkaBrokers = async (): Promise<string> => {
  await ensureLibrdkafka(); // scripts/librdkafka.js installs it into .services/librdkafka, once
  return process.env.KAFKA_BROKERS || (await kafkaScript.start({ quiet: true }));
};

/** The e-commerce events of a run, generated beforehand for the bare-client baselines. */
const generated = async (events: number): Promise<SimEvent[]> => {
  const all: SimEvent[] = [];
  const keep = toSink(() => ({ name: 'keep', open: async () => undefined, write: async (b) => void all.push(...b), close: async () => undefined }), {
    name: 'keep',
  });
  await runSimulation(ecommerceModel(events, 'full'), { outputs: [keep] });
  return all;
};

/** A bare client's loop over pre-generated messages: only the sending is timed. */
const bareKafkaCase = (
  name: string,
  events: number,
  send: (brokers: string, topic: string, messages: ReturnType<typeof bareMessages>) => Promise<Span>,
): BenchCase => ({
  name,
  run: async () => {
    const brokers = await kafkaBrokers();
    const messages = bareMessages(await generated(events));
    const topic = `bench_${suffix()}`;
    const drop = await freshTopic(brokers, topic);
    try {
      const rss = sampleRss(100);
      const time = await send(brokers, topic, messages);
      return { name, events: messages.length, ...time, ...rss.stop(), extra: { peakBuffered: 0, batches: 0 } };
    } finally {
      await drop();
    }
  },
});

/** Kafka's Java producer at full speed with records of the events' average size (its own timing). */
const javaCase = (events: number): BenchCase => ({
  name: KAFKA_JAVA,
  run: async () => {
    const brokers = await kafkaBrokers();
    const messages = bareMessages(await generated(Math.min(events, 20_000)));
    const bytes = Math.round(messages.reduce((n, m) => n + Buffer.byteLength(m.value), 0) / messages.length);
    const topic = `bench_${suffix()}`;
    const drop = await freshTopic(brokers, topic);
    try {
      const perSecond = await javaProducerPerformance(brokers, topic, events, bytes, kafkaScript.libs());
      if (perSecond === undefined) throw new Error('ProducerPerformance did not run (are the kafka-tools jars there?)');
      const rss = sampleRss(100).stop();
      return {
        name: KAFKA_JAVA,
        events,
        seconds: events / perSecond,
        cpuSeconds: NaN,
        gcSeconds: NaN,
        ...rss,
        extra: { peakBuffered: 0, batches: 0, recordBytes: bytes },
      };
    } finally {
      await drop();
    }
  },
});

const KAFKA_JAVA = 'bare Kafka Java producer (ProducerPerformance)';
const KAFKA_LIBRDKAFKA_WORKER = 'Kafka, client librdkafka, the simulation on a worker thread (producer on the main thread)';
const KAFKA_CASES: Readonly<Record<KafkaClient, { readonly deepFaker: string; readonly bare: string }>> = {
  kafkajs: { deepFaker: 'Kafka, client kafkajs', bare: 'bare KafkaJS loop' },
  librdkafka: { deepFaker: 'Kafka, client librdkafka', bare: 'bare librdkafka loop' },
};

const kafkaCase = (events: number, client: KafkaClient): BenchCase => ({
  name: KAFKA_CASES[client].deepFaker,
  run: () =>
    measured(KAFKA_CASES[client].deepFaker, events, async () => {
      const brokers = await kafkaBrokers();
      const topic = `bench_${suffix()}`;
      const cleanup = async (): Promise<void> => {
        // Required here, not imported: every bench case process loads this module.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
        const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      };
      return { sinks: [toKafka({ brokers, topic, client })], cleanup };
    }),
});

const mysqlCase = (events: number): BenchCase => ({
  name: MYSQL_CASE,
  run: () =>
    measured(MYSQL_CASE, events, async () => {
      const prefix = `bench_${suffix()}_`;
      const sink = toMySQL({ connection: MYSQL_URL, tablePrefix: prefix, connections: MYSQL_CONNECTIONS, maxBatch: MYSQL_BATCH });
      return { sinks: [sink], cleanup: () => dropTables(prefix), serverCpu: await mysqlCpu() };
    }),
});

/**
 * What the server can take: the scenario's events generated first, the tables created as the
 * MySQL output creates them, every row converted to mysql2 values; then, timed, transactions of
 * `MYSQL_BATCH` events in event order with one `INSERT INTO t (…) VALUES ?` per table, on
 * `MYSQL_CONNECTIONS` connections at once (each takes the next transaction; no commit order).
 */
const bareMysqlCase = (events: number): BenchCase => ({
  name: BARE_CASE,
  run: async () => {
    const all = await generated(events);
    const prefix = `bench_${suffix()}_`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as kafkajs above
    const { createConnection } = require('mysql2/promise') as typeof Mysql2;
    const uri = { uri: MYSQL_URL, timezone: 'Z' } as const;
    const conns = await Promise.all(Array.from({ length: MYSQL_CONNECTIONS }, () => createConnection(uri)));
    try {
      /** `list` grouped by `key`, each group in order. */
      const groups = <T>(list: ReadonlyArray<T>, key: (x: T) => string): Map<string, T[]> => {
        const out = new Map<string, T[]>();
        for (const x of list) {
          const k = key(x);
          const group = out.get(k);
          if (group === undefined) out.set(k, [x]);
          else group.push(x);
        }
        return out;
      };
      const tableOf = (e: SimEvent): string => prefix + snakeCase(e.event_type);
      const columns = new Map<string, ReadonlyArray<{ name: string; type: string }>>();
      for (const [table, list] of groups(all, tableOf)) columns.set(table, (await prepareEventTable(conns[0], table, list, undefined, true)).columns);
      const transactions: Array<Array<[string, string[], unknown[][]]>> = [];
      for (let i = 0; i < all.length; i += MYSQL_BATCH) {
        const tx: Array<[string, string[], unknown[][]]> = [];
        for (const [table, list] of groups(all.slice(i, i + MYSQL_BATCH), tableOf)) {
          const cols = columns.get(table)!;
          const rows = list.map((e) => cols.map((c) => toSqlValue((e as Record<string, unknown>)[c.name], c.type)));
          tx.push([table, cols.map((c) => c.name), rows]);
        }
        transactions.push(tx);
      }
      const serverCpu = await mysqlServerCpu(conns[0]);
      const rss = sampleRss(100);
      const server0 = serverCpu?.();
      const t0 = instant();
      let next = 0;
      await Promise.all(
        conns.map(async (conn) => {
          while (next < transactions.length) {
            const tx = transactions[next++];
            await conn.beginTransaction();
            for (const [table, names, rows] of tx) await conn.query('INSERT INTO ?? (??) VALUES ?', [table, names, rows]);
            await conn.commit();
          }
        }),
      );
      const time = between(t0, instant());
      const extra = { peakBuffered: '–', batches: transactions.length, ...serverSeconds(serverCpu, server0) };
      return { name: BARE_CASE, events: all.length, ...time, ...rss.stop(), extra };
    } finally {
      for (const c of conns) await c.end();
      await dropTables(prefix);
    }
  },
});

const slowCase = (events: number): BenchCase => ({
  name: `slow sink (${SLOW_BATCH_MS} ms per batch)`,
  run: () =>
    measured(`slow sink (${SLOW_BATCH_MS} ms per batch)`, events, async () => {
      const slow = toSink(
        () => ({
          name: 'slow',
          open: async () => undefined,
          write: () => new Promise<void>((resolve) => setTimeout(resolve, SLOW_BATCH_MS)),
          close: async () => undefined,
        }),
        { name: 'slow' },
      );
      return { sinks: [slow], cleanup: async () => undefined };
    }),
});

/**
 * What the machine allows the MySQL output against the bare case, when the server runs here: the
 * output must at least generate the events (the engine alone) and do what the bare case does
 * (its client and server CPU); on this machine's cores that takes at least their sum / cores.
 */
const mysqlBound = (results: ReadonlyArray<CaseResult>, bare: CaseResult): string[] => {
  const engine = results.find((r) => r.name === ENGINE_CASE);
  const server = bare.extra.serverCpuSeconds;
  if (engine === undefined || typeof server !== 'number') return [];
  const cores = os.cpus().length;
  const needed = engine.cpuSeconds * (bare.events / engine.events) + bare.cpuSeconds + server;
  const bound = bare.seconds / (needed / cores);
  return [
    `MySQL's bound here: generating the events takes ${fixed(engine.cpuSeconds, 2)} CPU s (the engine alone), the bare case's inserts ${fixed(bare.cpuSeconds, 2)} s of client and ${fixed(server, 2)} s of server CPU; together at least ${fixed(needed, 2)} CPU s on ${cores} cores, ≥ ${fixed(needed / cores, 2)} s, so the output can reach at most ${fixed(bound, 2)} × the bare rate on this machine.`,
  ];
};

export const outputs: Section = {
  name: 'outputs',
  title: 'Outputs: the e-commerce scenario into each output (needs Kafka and MySQL)',
  optIn: true,
  cases: (scale) => {
    const n = scaled(200_000, scale);
    return [
      engineCase(n),
      fileCase(n),
      bareKafkaCase(KAFKA_CASES.kafkajs.bare, n, bareKafkaJs),
      kafkaCase(n, 'kafkajs'),
      bareKafkaCase(KAFKA_CASES.librdkafka.bare, n, bareLibrdkafka),
      kafkaCase(n, 'librdkafka'),
      librdkafkaWorkerCase(KAFKA_LIBRDKAFKA_WORKER, n, async () => {
        const brokers = await kafkaBrokers();
        const topic = `bench_${suffix()}`;
        return { brokers, topic, drop: await freshTopic(brokers, topic) };
      }),
      javaCase(n),
      bareMysqlCase(n),
      mysqlCase(n),
      slowCase(n),
    ];
  },
  report: (results) => {
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'server CPU s', 'peak buffered', 'peak RSS MB'],
      results.map((r) => [
        r.name,
        int(r.events),
        ...timingCells(r),
        typeof r.extra.serverCpuSeconds === 'number' ? fixed(r.extra.serverCpuSeconds, 2) : '–',
        typeof r.extra.peakBuffered === 'number' ? int(r.extra.peakBuffered) : '–',
        fixed(r.rssPeakMb, 0),
      ]),
    );
    const slow = results.find((r) => r.name.startsWith('slow sink'));
    const bare = results.find((r) => r.name === BARE_CASE);
    const mysql = results.find((r) => r.name === MYSQL_CASE);
    const share = bare !== undefined && mysql !== undefined ? rate(mysql.events, mysql.seconds) / rate(bare.events, bare.seconds) : undefined;
    const load = os.loadavg();
    const perSecond = (name: string): number => {
      const r = results.find((x) => x.name === name);
      return r === undefined ? NaN : rate(r.events, r.seconds);
    };
    const ratio = (a: string, b: string): string => `${fixed(perSecond(a) / perSecond(b), 2)} ×`;
    const rdkafka = perSecond(KAFKA_LIBRDKAFKA_WORKER);
    const java = perSecond(KAFKA_JAVA);
    return {
      table,
      notes: [
        `deep-faker → Kafka with KafkaJS: ${ratio(KAFKA_CASES.kafkajs.deepFaker, KAFKA_CASES.kafkajs.bare)} the bare KafkaJS loop; with librdkafka: ${ratio(KAFKA_CASES.librdkafka.deepFaker, KAFKA_CASES.librdkafka.bare)} the bare librdkafka loop, ${ratio(KAFKA_CASES.librdkafka.deepFaker, KAFKA_JAVA)} Kafka's Java producer; with the simulation on a worker thread and the producer on the main one, ${ratio(KAFKA_LIBRDKAFKA_WORKER, KAFKA_JAVA)} Kafka's Java producer.`,
        'peak buffered: most events waiting in the (last) sink at once; a run allows as many generated but unacknowledged events as its output asks for (its window: 500 for a file, 3 000 for KafkaJS on its producer thread, 17 000 for librdkafka, a batch per connection and one filling for MySQL).',
        ...(share === undefined
          ? []
          : [
              `MySQL: ${int(rate(mysql!.events, mysql!.seconds))} events/s is ${fixed(share, 2)} × bare mysql2 (${int(rate(bare!.events, bare!.seconds))} rows/s) in this sitting; the bare case times the inserts only (no generation, no table creation), while the output shares the CPU with the engine (load average ${load.map((x) => fixed(x, 1)).join(' / ')} at the end).`,
              ...mysqlBound(results, bare!),
            ]),
        ...(slow === undefined
          ? []
          : [
              `slow sink: ${fixed(slow.seconds, 1)} s for ${int(slow.events)} events; the engine waited for it instead of buffering (peak ${int(Number(slow.extra.peakBuffered))} events).`,
            ]),
      ],
      verdicts: [
        {
          target:
            "Kafka (librdkafka client, the simulation on a worker thread) ≥ 100 000 events/s, or ≥ 0.8 × Kafka's Java producer (acks all) in the same sitting",
          measured: `${int(rdkafka)} events/s, ${fixed(rdkafka / java, 2)} × Java's ${int(java)}`,
          met: rdkafka >= 100_000 || rdkafka >= 0.8 * java,
        },
        ...(share === undefined
          ? []
          : [{ target: `e-commerce → MySQL ≥ 0.8 × bare mysql2 on ${MYSQL_CONNECTIONS} connections`, measured: `${fixed(share, 2)} ×`, met: share >= 0.8 }]),
      ],
    };
  },
};
