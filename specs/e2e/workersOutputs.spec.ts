/**
 * `deep-faker run --workers 2` into a real Kafka broker and a real MariaDB, next to the JSONL
 * files of the same shards: each worker has its own producer and connection, into one topic and
 * one set of tables, and every event of both shards is there exactly once. (The librdkafka client
 * loads in one thread of a process only: `--workers` refuses it, specs/cli/workers.spec.ts.)
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { runCli, REPO, summaryEvents } from '../helpers/cliRun';
import { consumeAll, dropTables, kafkaBrokers, mysqlConnection, mysqlUrl, tablesWithPrefix, uniqueName } from '../helpers/services';
import { expectMessagesEqualJsonl, expectRowsEqualJsonl, readJsonl } from '../helpers/tables';

const ECOMMERCE = path.join(REPO, 'scenarios/ecommerce.ts');
const TOTAL = 8_000;

describe('e2e: --workers 2 into Kafka and MySQL', function () {
  this.timeout(300_000);
  let brokers: string;
  let conn: Connection;
  let dir: string;
  const prefixes: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-e2e-workers-'));
    brokers = await kafkaBrokers();
    conn = await mysqlConnection();
  });
  after(async () => {
    for (const p of prefixes) await dropTables(conn, p);
    await conn?.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("Kafka and MySQL get every event of both shards exactly once: the JSONL files' events", async () => {
    const base = uniqueName('workers');
    const topic = `${base}.events`;
    const prefix = `${base}_`;
    prefixes.push(prefix);
    const files = path.join(dir, base);
    const argv = ['run', ECOMMERCE, '--seed', '11', '--start', '2025-03-03T09:00:00Z', '--duration', '30d', '--total-events', String(TOTAL), '--workers', '2'];
    const outputs = ['--output', `file:${files}/e.jsonl`, '--output', `kafka:${brokers}?topic=${topic}`, '--output', `${mysqlUrl()}?table_prefix=${prefix}`];
    const r = await runCli([...argv, ...outputs], dir, new EventEmitter()).done;
    expect(r.code, r.stderr).to.equal(0);
    expect(summaryEvents(r.stderr, 'done')).to.equal(TOTAL);

    const shards = [0, 1].map((i) => readJsonl(path.join(files, `e-${i}.jsonl`)));
    expect(shards[0].length + shards[1].length).to.equal(TOTAL);
    const jsonl = shards.flat();
    // One topic and one set of tables, so each is one line of the summary with both workers' acknowledgements.
    expect(r.stderr).to.contain(`; kafka:${brokers} ${TOTAL.toLocaleString('en-US')} acknowledged; `);

    const consumed = await consumeAll(brokers, [topic]);
    expect(consumed.length).to.equal(TOTAL);
    // Each shard's messages are its file's events once each, in its order per key; the shared
    // catalogue's keys get events of both shards, interleaved as the workers produced them.
    for (const events of shards) {
      const ids = new Set(events.map((e) => e.event_id));
      expectMessagesEqualJsonl(
        consumed.filter((m) => ids.has((JSON.parse(m.value) as { event_id: string }).event_id)),
        events,
      );
    }

    const tables = await tablesWithPrefix(conn, prefix);
    expect(tables.length).to.be.greaterThan(3);
    await expectRowsEqualJsonl(conn, tables, jsonl);
  });
});
