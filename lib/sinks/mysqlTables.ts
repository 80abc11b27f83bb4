/**
 * Tables of the MySQL output: column types by field type, creating, checking and widening a table,
 * and values as MySQL takes them. Shared by the event tables (`toMySQL`) and the entity state tables.
 *
 * @example
 * await ensureTable(conn, 'shop_orders', [{ name: 'event_id', type: 'key', nullable: false }], ['event_id'], true);
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';

/** Column types by field type. Strings that are keys get an indexable VARCHAR. */
export const SQL_TYPE: Readonly<Record<string, string>> = {
  string: 'TEXT',
  key: 'VARCHAR(255)',
  int: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  datetime: 'DATETIME(3)',
  json: 'JSON',
};

/** What a column of an existing table must be, by field type (lower-case `DATA_TYPE`s). */
export const COMPATIBLE: Readonly<Record<string, ReadonlyArray<string>>> = {
  string: ['varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext', 'enum'],
  key: ['varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext'],
  int: ['bigint', 'int', 'mediumint', 'smallint', 'tinyint', 'decimal'],
  float: ['double', 'float', 'decimal'],
  boolean: ['tinyint', 'bit', 'boolean'],
  datetime: ['datetime', 'timestamp'],
  json: ['json', 'longtext', 'text', 'mediumtext'],
};

/** One column: name, field type (a key of `SQL_TYPE`), nullable. */
export interface Column {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/** A column of an existing table: its lower-case `DATA_TYPE` and whether it takes NULL. */
export interface ExistingColumn {
  readonly type: string;
  readonly nullable: boolean;
}

/** `AccountCreated` → `account_created`; `user-events` → `user_events`. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();

/** Days of `month` (1–12) in `year`, proleptic Gregorian (as `Date` counts them). */
const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/** The number of the two digits of `s` at `i`, or -1. */
const two = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * `2025-01-01 10:00:00.123` when `s` is a valid instant exactly as `toISOString` writes it
 * (`2025-01-01T10:00:00.123Z`), else undefined. String slicing, no `Date`: every event timestamp
 * takes this path. Out-of-range fields (`02-30`, `24:00`), which `Date.parse` rolls over, are
 * left to `toDatetime`'s slow path so the text is the same either way.
 *
 * @example
 * isoInstantText('2025-01-01T10:00:00.123Z'); // '2025-01-01 10:00:00.123'
 */
export const isoInstantText = (s: string): string | undefined => {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return undefined;
  const hi = two(s, 0);
  const lo = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const ms = two(s, 20);
  const last = s.charCodeAt(22) - 48;
  if (hi < 0 || lo < 0 || ms < 0 || last < 0 || last > 9 || month < 1 || month > 12 || day < 1 || day > daysIn(hi * 100 + lo, month)) return undefined;
  const h = two(s, 11);
  const m = two(s, 14);
  const sec = two(s, 17);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return undefined;
  return `${s.slice(0, 10)} ${s.slice(11, 23)}`;
};

/** `2025-01-01T10:00:00.123Z` (or any date-time `Date` parses) → `2025-01-01 10:00:00.123` in UTC. */
export const toDatetime = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const fast = isoInstantText(v);
  if (fast !== undefined) return fast;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return v; // the server will say what is wrong
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
};

/** A field's value as mysql2 takes it for a column of field type `type` (NULL for a missing value). */
export const toSqlValue = (v: unknown, type: string): unknown => {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'datetime':
      return toDatetime(v);
    case 'json':
      return JSON.stringify(v);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : v;
  }
};

/**
 * The columns of `table` by lower-case name (empty when the table does not exist).
 *
 * @example
 * (await existingColumns(conn, 'shop_orders')).get('event_id'); // { type: 'varchar', nullable: false }
 */
export const existingColumns = async (conn: Connection, table: string): Promise<Map<string, ExistingColumn>> => {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return new Map(rows.map((r) => [String(r.name).toLowerCase(), { type: String(r.type).toLowerCase(), nullable: String(r.nullable).toUpperCase() === 'YES' }]));
};

/** True when an existing column of `dataType` (lower-case `DATA_TYPE`) can hold values of field type `type`. */
export const isCompatible = (type: string, dataType: string): boolean => COMPATIBLE[type]?.includes(dataType) === true;

/** Throws, naming table and column, unless the existing column can hold `c`'s values. */
export const checkColumnType = (table: string, c: Column, existing: ExistingColumn): void => {
  if (!isCompatible(c.type, existing.type)) {
    throw new Error(`table ${table} column ${c.name} is ${existing.type.toUpperCase()}, expected ${SQL_TYPE[c.type]} or compatible`);
  }
};

/** The error of a table that lacks a column it must have. */
export const missingColumnError = (table: string, c: Column): Error => new Error(`table ${table} has no column ${c.name} (expected ${SQL_TYPE[c.type]})`);

/** `CREATE TABLE IF NOT EXISTS` with `columns` and `primaryKey`. */
export const createTable = async (conn: Connection, table: string, columns: ReadonlyArray<Column>, primaryKey: ReadonlyArray<string>): Promise<void> => {
  const defs = columns.map((c) => `${conn.escapeId(c.name)} ${SQL_TYPE[c.type]}${c.nullable ? ' NULL' : ' NOT NULL'}`);
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${conn.escapeId(table)} (${defs.join(', ')}, PRIMARY KEY (${primaryKey.map((k) => conn.escapeId(k)).join(', ')}))`,
  );
};

/**
 * Adds `columns` to `table` in one `ALTER TABLE … ADD COLUMN … NULL, …` (always nullable: the rows
 * already there have no value). DDL: MySQL and MariaDB commit any open transaction first, so call
 * it outside one.
 *
 * @example
 * await addColumns(conn, 'shop_order_created', [{ name: 'promo_code', type: 'string', nullable: true }]);
 */
export const addColumns = async (conn: Connection, table: string, columns: ReadonlyArray<Column>): Promise<void> => {
  if (columns.length === 0) return;
  const adds = columns.map((c) => `ADD COLUMN ${conn.escapeId(c.name)} ${SQL_TYPE[c.type]} NULL`);
  await conn.query(`ALTER TABLE ${conn.escapeId(table)} ${adds.join(', ')}`);
};

/**
 * Creates `table` if it is missing (and `create` allows), else checks that it has every column
 * with a compatible type: an error names table and column.
 */
export const ensureTable = async (
  conn: Connection,
  table: string,
  columns: ReadonlyArray<Column>,
  primaryKey: ReadonlyArray<string>,
  create: boolean,
): Promise<void> => {
  const existing = await existingColumns(conn, table);
  if (existing.size === 0) {
    if (!create) throw new Error(`table ${table} does not exist (createTables is off)`);
    await createTable(conn, table, columns, primaryKey);
    return;
  }
  for (const c of columns) {
    const e = existing.get(c.name.toLowerCase());
    if (e === undefined) throw missingColumnError(table, c);
    checkColumnType(table, c, e);
  }
};
