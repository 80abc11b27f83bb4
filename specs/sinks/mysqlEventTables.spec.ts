/**
 * prepareEventTable against the real server while another writer (another worker of a
 * `--workers` run, another shard's process) prepares the same table: the other writer's DDL runs,
 * on a second connection, just before this writer's own, the interleaving that makes
 * `CREATE TABLE IF NOT EXISTS` a no-op and `ADD COLUMN` a duplicate.
 */
import { expect } from 'chai';
import type { Connection } from 'mysql2/promise';
import type { SimEvent } from '../../lib/core/simEvent';
import { connectMySQL } from '../../lib/sinks/mysqlConnection';
import { prepareEventTable } from '../../lib/sinks/mysqlEventTables';
import { insertStatements, tableInsert } from '../../lib/sinks/mysqlRows';
import { existingColumns } from '../../lib/sinks/mysqlTables';
import { dropTables, mysqlConnection, mysqlUrl, selectAll, uniqueName } from '../helpers/services';

/** A hand-made event without a schema: its payload columns are typed by value. */
const ev = (i: number, fields: Record<string, unknown>): SimEvent =>
  ({ event_id: `e${i}`, event_type: 'Note', timestamp: '2025-01-01T00:00:00.000Z', session_id: 's1', flow: 'f', ...fields }) as unknown as SimEvent;

describe('prepareEventTable (real server, two writers on one table)', function () {
  this.timeout(60_000);
  let conn: Connection;
  let other: Connection;
  const prefix = `${uniqueName('spec_race')}_`;

  before(async () => {
    other = await mysqlConnection();
    conn = await connectMySQL(mysqlUrl(), 10_000);
  });
  after(async () => {
    await dropTables(other, prefix);
    await conn?.end();
    await other?.end();
  });

  /** `conn`, except that `first` runs just before the first of its queries that `pattern` matches. */
  const interleaved = (pattern: RegExp, first: () => Promise<unknown>): { conn: Connection; ran: () => boolean } => {
    let ran = false;
    const proxy = new Proxy(conn, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (sql: unknown, ...rest: unknown[]) => {
          if (!ran && pattern.test(String(sql))) {
            ran = true;
            await first();
          }
          return (target.query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
        };
      },
    });
    return { conn: proxy, ran: () => ran };
  };

  /** Inserts `events` as the writer would, with the columns `prepareEventTable` gave. */
  const insert = async (table: string, columns: Parameters<typeof tableInsert>[1], events: SimEvent[]): Promise<void> => {
    for (const sql of insertStatements(tableInsert(table, columns), events, 1 << 20)) await conn.query(sql);
  };

  it('a table the other writer created first, with fewer columns: this writer adds the ones it needs, and its rows go in', async () => {
    const table = `${prefix}created`;
    const events = [ev(1, { text: 'hello', n: 1.5 })];
    const race = interleaved(/^CREATE TABLE/, () =>
      other.query(
        `CREATE TABLE \`${table}\` (event_id VARCHAR(255) NOT NULL, event_type VARCHAR(255) NOT NULL, timestamp DATETIME(3) NOT NULL, session_id VARCHAR(255) NOT NULL, flow VARCHAR(255) NOT NULL, PRIMARY KEY (event_id))`,
      ),
    );
    const state = await prepareEventTable(race.conn, table, events, undefined, true);
    expect(race.ran(), 'the other writer created the table first').to.equal(true);
    expect(state.columns.map((c) => c.name)).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id', 'flow', 'text', 'n']);
    const columns = await existingColumns(conn, table);
    expect(columns.get('text')).to.deep.equal({ type: 'text', nullable: true });
    expect(columns.get('n')).to.deep.equal({ type: 'double', nullable: true });
    await insert(table, state.columns, events);
    expect((await selectAll(other, table)).map((r) => [r.event_id, r.text, r.n])).to.deep.equal([['e1', 'hello', 1.5]]);
  });

  it('a column the other writer added first: looked up again instead of failing on a duplicate column', async () => {
    const table = `${prefix}widened`;
    const known = await prepareEventTable(conn, table, [ev(1, { text: 'a' })], undefined, true);
    const later = [ev(2, { text: 'b', promo_code: 'SAVE10' })];
    const race = interleaved(/^ALTER TABLE/, () => other.query(`ALTER TABLE \`${table}\` ADD COLUMN promo_code TEXT NULL`));
    const state = await prepareEventTable(race.conn, table, later, known, true);
    expect(race.ran(), 'the other writer added the column first').to.equal(true);
    expect(state.columns.map((c) => c.name)).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id', 'flow', 'text', 'promo_code']);
    await insert(table, state.columns, later);
    expect((await selectAll(other, table)).map((r) => [r.event_id, r.promo_code])).to.deep.equal([['e2', 'SAVE10']]);
  });

  it('a column the other writer added first with a type this one cannot write fails, naming table and column', async () => {
    const table = `${prefix}clash`;
    const known = await prepareEventTable(conn, table, [ev(1, { text: 'a' })], undefined, true);
    const race = interleaved(/^ALTER TABLE/, () => other.query(`ALTER TABLE \`${table}\` ADD COLUMN amount DATETIME(3) NULL`));
    const err = await prepareEventTable(race.conn, table, [ev(2, { amount: 12.5 })], known, true).then(
      () => expect.fail('should fail'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.equal(`table ${table} column amount is DATETIME, expected DOUBLE or compatible`);
  });
});
