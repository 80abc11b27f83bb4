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
import { type SinkOperator, toSink } from '../lib/sinks/sink';
import { toFile } from '../lib/sinks/toFile';
import { toKafka } from '../lib/sinks/toKafka';
import { toMySQL } from '../lib/sinks/toMySQL';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, sampleRss, scaled, timingCells } from './measure';
import { ecommerceModel } from './throughput';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaScript = require('../scripts/kafka.js') as { start(options?: { quiet?: boolean }): Promise<string> };

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const SLOW_BATCH_MS = 20;
const HIGH_WATER_MARK = 2_000;

const suffix = (): string => randomBytes(3).toString('hex');

/** Runs the scenario into `outputs`, measuring time and RSS; `cleanup` runs afterwards. */
const measured = async (name: string, events: number, outputs: () => Promise<{ sinks: SinkOperator[]; cleanup: () => Promise<void> }>): Promise<CaseResult> => {
  const { sinks, cleanup } = await outputs();
  try {
    const rss = sampleRss(100);
    const t0 = instant();
    const summary = await runSimulation(ecommerceModel(events, 'full'), { outputs: sinks, highWaterMark: HIGH_WATER_MARK });
    const time = between(t0, instant());
    const last = sinks[sinks.length - 1];
    return { name, events: summary.events, ...time, ...rss.stop(), extra: { peakBuffered: last.stats.peakBuffered, batches: last.stats.batches } };
  } finally {
    await cleanup();
  }
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
  name: 'MySQL (MariaDB, 1 000-row transactions)',
  run: () =>
    measured('MySQL (MariaDB, 1 000-row transactions)', events, async () => {
      const prefix = `bench_${suffix()}_`;
      const cleanup = async (): Promise<void> => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as kafkajs above
        const { createConnection } = require('mysql2/promise') as typeof Mysql2;
        const conn = await createConnection({ uri: MYSQL_URL });
        const [rows] = await conn.query<RowDataPacket[]>(
          'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?',
          [`${prefix}%`],
        );
        for (const r of rows) await conn.query('DROP TABLE ??', [r.t]);
        await conn.end();
      };
      return { sinks: [toMySQL({ connection: MYSQL_URL, tablePrefix: prefix })], cleanup };
    }),
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
    return [fileCase(n), kafkaCase(n), mysqlCase(n), slowCase(n)];
  },
  report: (results) => {
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'peak buffered', 'peak RSS MB'],
      results.map((r) => [r.name, int(r.events), ...timingCells(r), int(Number(r.extra.peakBuffered)), fixed(r.rssPeakMb, 0)]),
    );
    const slow = results.find((r) => r.name.startsWith('slow sink'));
    return {
      table,
      notes: [
        `peak buffered: most events waiting in the (last) sink at once; the run allows ${int(HIGH_WATER_MARK)} generated but unacknowledged events.`,
        ...(slow === undefined
          ? []
          : [
              `slow sink: ${fixed(slow.seconds, 1)} s for ${int(slow.events)} events; the engine waited for it instead of buffering (peak ${int(Number(slow.extra.peakBuffered))} events).`,
            ]),
      ],
      verdicts: [],
    };
  },
};
