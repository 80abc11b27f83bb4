/**
 * Section "outputs": the e-commerce scenario into each output, and behind a deliberately slow one.
 *
 * - JSONL file, Kafka (the project's broker from scripts/kafka.js, or KAFKA_BROKERS), MySQL
 *   (MYSQL_URL, default the machine's MariaDB): events/s and peak RSS of `runSimulation`;
 * - bare mysql2 into the same database: the same events generated beforehand, their rows
 *   converted beforehand, then only the multi-row inserts timed (what the server can take), so
 *   the MySQL output's events/s reads as a share of it;
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
import type { SimEvent } from '../lib/core/simEvent';
import { prepareEventTable } from '../lib/sinks/mysqlEventTables';
import { snakeCase, toSqlValue } from '../lib/sinks/mysqlTables';
import { type SinkOperator, toSink } from '../lib/sinks/sink';
import { toFile } from '../lib/sinks/toFile';
import { toKafka } from '../lib/sinks/toKafka';
import { toMySQL } from '../lib/sinks/toMySQL';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, rate, sampleRss, scaled, timingCells } from './measure';
import { ecommerceModel } from './throughput';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaScript = require('../scripts/kafka.js') as { start(options?: { quiet?: boolean }): Promise<string> };

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** The MySQL output's defaults (connections, events per transaction), which the bare mysql2 case copies. */
const MYSQL_CONNECTIONS = 4;
const MYSQL_BATCH = 2_000;
const MYSQL_CASE = `MySQL (MariaDB, ${MYSQL_CONNECTIONS} connections, ${int(MYSQL_BATCH)}-event transactions)`;
const BARE_CASE = `bare mysql2 (${MYSQL_CONNECTIONS} connections, same events, rows converted beforehand)`;
const SLOW_BATCH_MS = 20;
const HIGH_WATER_MARK = 2_000;

const suffix = (): string => randomBytes(3).toString('hex');

/**
 * Runs the scenario into `outputs`, measuring time and RSS; `cleanup` runs afterwards. The run
 * holds at most `HIGH_WATER_MARK` events in flight unless `ownWindow`: then the outputs' windows
 * decide (the MySQL output keeps a batch on each connection).
 */
const measured = async (
  name: string,
  events: number,
  outputs: () => Promise<{ sinks: SinkOperator[]; cleanup: () => Promise<void> }>,
  ownWindow = false,
): Promise<CaseResult> => {
  const { sinks, cleanup } = await outputs();
  try {
    const rss = sampleRss(100);
    const t0 = instant();
    const summary = await runSimulation(ecommerceModel(events, 'full'), { outputs: sinks, ...(ownWindow ? {} : { highWaterMark: HIGH_WATER_MARK }) });
    const time = between(t0, instant());
    const last = sinks[sinks.length - 1];
    return { name, events: summary.events, ...time, ...rss.stop(), extra: { peakBuffered: last.stats.peakBuffered, batches: last.stats.batches } };
  } finally {
    await cleanup();
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

const fileCase = (events: number): BenchCase => ({
  name: 'JSONL file',
  run: () =>
    measured('JSONL file', events, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
      return { sinks: [toFile(path.join(dir, 'e.jsonl'))], cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    }),
});

const kafkaCase = (events: number): BenchCase => ({
  name: 'Kafka (3 partitions, acks all, idempotent)',
  run: () =>
    measured('Kafka (3 partitions, acks all, idempotent)', events, async () => {
      const brokers = process.env.KAFKA_BROKERS || (await kafkaScript.start({ quiet: true }));
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
      return { sinks: [toKafka({ brokers, topic })], cleanup };
    }),
});

const mysqlCase = (events: number): BenchCase => ({
  name: MYSQL_CASE,
  run: () =>
    measured(
      MYSQL_CASE,
      events,
      async () => {
        const prefix = `bench_${suffix()}_`;
        const sink = toMySQL({ connection: MYSQL_URL, tablePrefix: prefix, connections: MYSQL_CONNECTIONS, maxBatch: MYSQL_BATCH });
        return { sinks: [sink], cleanup: () => dropTables(prefix) };
      },
      true,
    ),
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
    const generated: SimEvent[] = [];
    const collect = toSink(
      () => ({
        name: 'collect',
        open: async () => undefined,
        close: async () => undefined,
        write: async (batch) => void generated.push(...batch),
      }),
      { name: 'collect' },
    );
    await runSimulation(ecommerceModel(events, 'full'), { outputs: [collect] });
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
      for (const [table, list] of groups(generated, tableOf)) columns.set(table, (await prepareEventTable(conns[0], table, list, undefined, true)).columns);
      const transactions: Array<Array<[string, string[], unknown[][]]>> = [];
      for (let i = 0; i < generated.length; i += MYSQL_BATCH) {
        const tx: Array<[string, string[], unknown[][]]> = [];
        for (const [table, list] of groups(generated.slice(i, i + MYSQL_BATCH), tableOf)) {
          const cols = columns.get(table)!;
          const rows = list.map((e) => cols.map((c) => toSqlValue((e as Record<string, unknown>)[c.name], c.type)));
          tx.push([table, cols.map((c) => c.name), rows]);
        }
        transactions.push(tx);
      }
      const rss = sampleRss(100);
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
      return { name: BARE_CASE, events: generated.length, ...time, ...rss.stop(), extra: { peakBuffered: '–', batches: transactions.length } };
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

export const outputs: Section = {
  name: 'outputs',
  title: 'Outputs: the e-commerce scenario into each output (needs Kafka and MySQL)',
  optIn: true,
  cases: (scale) => {
    const n = scaled(200_000, scale);
    return [fileCase(n), kafkaCase(n), bareMysqlCase(n), mysqlCase(n), slowCase(n)];
  },
  report: (results) => {
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'peak buffered', 'peak RSS MB'],
      results.map((r) => [
        r.name,
        int(r.events),
        ...timingCells(r),
        typeof r.extra.peakBuffered === 'number' ? int(r.extra.peakBuffered) : '–',
        fixed(r.rssPeakMb, 0),
      ]),
    );
    const slow = results.find((r) => r.name.startsWith('slow sink'));
    const bare = results.find((r) => r.name === BARE_CASE);
    const mysql = results.find((r) => r.name === MYSQL_CASE);
    const share = bare !== undefined && mysql !== undefined ? rate(mysql.events, mysql.seconds) / rate(bare.events, bare.seconds) : undefined;
    const load = os.loadavg();
    return {
      table,
      notes: [
        `peak buffered: most events waiting in the (last) sink at once; the run allows ${int(HIGH_WATER_MARK)} generated but unacknowledged events (the MySQL output: its own window, a batch per connection and one filling).`,
        ...(share === undefined
          ? []
          : [
              `MySQL: ${int(rate(mysql!.events, mysql!.seconds))} events/s is ${fixed(share, 2)} × bare mysql2 (${int(rate(bare!.events, bare!.seconds))} rows/s) in this sitting; the bare case times the inserts only (no generation, no table creation), while the output shares the CPU with the engine (load average ${load.map((x) => fixed(x, 1)).join(' / ')} at the end).`,
            ]),
        ...(slow === undefined
          ? []
          : [
              `slow sink: ${fixed(slow.seconds, 1)} s for ${int(slow.events)} events; the engine waited for it instead of buffering (peak ${int(Number(slow.extra.peakBuffered))} events).`,
            ]),
      ],
      verdicts:
        share === undefined
          ? []
          : [{ target: `e-commerce → MySQL ≥ 0.8 × bare mysql2 on ${MYSQL_CONNECTIONS} connections`, measured: `${fixed(share, 2)} ×`, met: share >= 0.8 }],
    };
  },
};
