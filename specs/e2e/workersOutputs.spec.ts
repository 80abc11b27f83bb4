/**
 * `deep-faker run --workers 2` into a real Kafka broker and a real MariaDB, next to the JSONL
 * files of the same shards: each worker has its own producer and connection, into one topic and
 * one set of tables, and every event of both shards is there exactly once. The librdkafka client
 * loads in one thread of a process only: the workers write through the main thread's producer,
 * and a single run with it runs its simulation in a worker thread.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { runCli, REPO, summaryEvents } from '../helpers/cliRun';
import { ensureLibrdkafka } from '../helpers/librdkafka';
import { type Consumed, consumeAll, dropTables, kafkaBrokers, mysqlConnection, mysqlUrl, tablesWithPrefix, uniqueName } from '../helpers/services';
import { expectMessagesEqualJsonl, expectRowsEqualJsonl, readJsonl } from '../helpers/tables';

const ECOMMERCE = path.join(REPO, 'scenarios/ecommerce.ts');
const TOTAL = 8_000;

/**
 * Each shard's messages are its file's events once each, in its order per key; the shared
 * catalogue's keys get events of both shards, interleaved as the workers produced them.
 */
const expectEachShardOnce = (consumed: ReadonlyArray<Consumed>, shards: ReadonlyArray<ReadonlyArray<Record<string, unknown>>>): void => {
  for (const events of shards) {
    const ids = new Set(events.map((e) => e.event_id));
    expectMessagesEqualJsonl(
      consumed.filter((m) => ids.has((JSON.parse(m.value) as { event_id: string }).event_id)),
      events,
    );
  }
};

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
    expectEachShardOnce(consumed, shards);

    const tables = await tablesWithPrefix(conn, prefix);
    expect(tables.length).to.be.greaterThan(3);
    await expectRowsEqualJsonl(conn, tables, jsonl);
  });

  for (const workers of [2, 1]) {
    it(`with the librdkafka client and --workers ${workers}: the main thread's producer gets every event exactly once, in each shard's order per key`, async function () {
      this.timeout(900_000); // the first use builds the client (scripts/librdkafka.js)
      await ensureLibrdkafka();
      const topic = `${uniqueName('workers_rd')}.events`;
      const files = path.join(dir, uniqueName('rd'));
      const argv = [
        'run',
        ECOMMERCE,
        '--seed',
        '12',
        '--start',
        '2025-03-03T09:00:00Z',
        '--duration',
        '30d',
        '--total-events',
        String(TOTAL),
        '--workers',
        String(workers),
      ];
      const outputs = ['--output', `file:${files}/e.jsonl`, '--output', `kafka:${brokers}?topic=${topic}&client=librdkafka`];
      const r = await runCli([...argv, ...outputs], dir, new EventEmitter()).done;
      expect(r.code, r.stderr).to.equal(0);
      expect(summaryEvents(r.stderr, 'done')).to.equal(TOTAL);
      // One worker thread writes the file a single run writes; two, one file each.
      const names = workers === 1 ? ['e.jsonl'] : ['e-0.jsonl', 'e-1.jsonl'];
      const shards = names.map((f) => readJsonl(path.join(files, f)));
      expect(shards.reduce((n, s) => n + s.length, 0)).to.equal(TOTAL);
      // The summary names the files written.
      names.forEach((f, i) => expect(r.stderr).to.contain(`file:${files}/${f} ${shards[i].length.toLocaleString('en-US')} acknowledged`));
      expect(r.stderr).to.contain(`kafka:${brokers} ${TOTAL.toLocaleString('en-US')} acknowledged`);
      const consumed = await consumeAll(brokers, [topic]);
      expect(consumed.length).to.equal(TOTAL);
      expectEachShardOnce(consumed, shards);
    });
  }
});
