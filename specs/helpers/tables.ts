/**
 * Comparing what a sink wrote (Kafka messages, MySQL rows) with the JSONL output of the same run.
 *
 * @example
 * await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, 'shop_'), readJsonl('out/run.jsonl'));
 * expectMessagesEqualJsonl(await consumeAll(brokers, ['shop']), readJsonl('out/run.jsonl'));
 */
import { expect } from 'chai';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { Consumed } from './services';

export { readJsonl } from './jsonlFiles';

/**
 * Every consumed message is the JSONL line of its event, exactly once, with an `event_type`
 * header; messages of one key within one partition keep the order of the JSONL output.
 */
export const expectMessagesEqualJsonl = (consumed: ReadonlyArray<Consumed>, jsonl: ReadonlyArray<Record<string, unknown>>): void => {
  const position = new Map(jsonl.map((e, i) => [e.event_id as string, i]));
  const seen = new Set<string>();
  const lastByKey = new Map<string, number>(); // topic/partition/key → last JSONL position
  for (const m of consumed) {
    const e = JSON.parse(m.value) as Record<string, unknown>;
    const id = e.event_id as string;
    if (seen.has(id)) expect.fail(`event ${id} consumed twice`);
    seen.add(id);
    const i = position.get(id);
    if (i === undefined) expect.fail(`event ${id} is not in the JSONL output`);
    if (m.value !== JSON.stringify(jsonl[i])) expect(m.value).to.equal(JSON.stringify(jsonl[i]));
    if (m.headers.event_type !== e.event_type) expect(m.headers.event_type).to.equal(e.event_type);
    if (m.key !== null) {
      const k = `${m.topic}/${m.partition}/${m.key}`;
      if ((lastByKey.get(k) ?? -1) > i) expect.fail(`key ${m.key}: event ${id} arrived after a later event of the same key`);
      lastByKey.set(k, i);
    }
  }
  expect(seen.size).to.equal(jsonl.length);
};

/** The column types (`DATA_TYPE`) of a table. */
const columnTypes = async (conn: Connection, table: string): Promise<Map<string, string>> => {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return new Map(rows.map((r) => [String(r.c), String(r.t).toLowerCase()]));
};

/** A row as the JSON event it came from, guided by the column types and the expected values' types. */
const asEvent = (row: RowDataPacket, types: ReadonlyMap<string, string>, expected: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const want = expected[k];
    if (v === null) out[k] = null;
    else if (types.get(k) === 'datetime') out[k] = Date.parse(`${String(v).replace(' ', 'T')}Z`) === Date.parse(String(want)) ? want : v;
    else if (typeof want === 'boolean') out[k] = v === 1 || v === '1' || v === true;
    else if (typeof want === 'object' && want !== null && typeof v === 'string') out[k] = JSON.parse(v);
    else out[k] = v;
  }
  return out;
};

/** Every event of `jsonl` is exactly one row of `tables`, with the same values; nothing else is there. */
export const expectRowsEqualJsonl = async (conn: Connection, tables: ReadonlyArray<string>, jsonl: ReadonlyArray<Record<string, unknown>>): Promise<void> => {
  const byId = new Map(jsonl.map((e) => [e.event_id as string, e]));
  const seen = new Set<string>();
  for (const table of tables) {
    const types = await columnTypes(conn, table);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT * FROM ??', [table]);
    for (const row of rows) {
      const id = String(row.event_id);
      if (seen.has(id)) expect.fail(`event ${id} is in the tables twice`);
      seen.add(id);
      const expected = byId.get(id);
      if (expected === undefined) expect.fail(`row ${id} of ${table} is not in the JSONL output`);
      const actual = asEvent(row, types, expected);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, `${table} row ${id}`).to.deep.equal(expected);
    }
  }
  expect(seen.size, 'rows in all tables').to.equal(jsonl.length);
};
