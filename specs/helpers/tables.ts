/**
 * Comparing what a sink wrote into MySQL tables with the JSONL output of the same run.
 *
 * @example
 * await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, 'shop_'), readJsonl('out/run.jsonl'));
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import type { Connection, RowDataPacket } from 'mysql2/promise';

/** The events of a JSONL file, in file order. */
export const readJsonl = (file: string): Record<string, unknown>[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

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
export const expectRowsEqualJsonl = async (
  conn: Connection,
  tables: ReadonlyArray<string>,
  jsonl: ReadonlyArray<Record<string, unknown>>,
): Promise<void> => {
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
