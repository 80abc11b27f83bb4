/**
 * The event tables of the MySQL output: which columns a batch of events needs (system fields
 * first, then the schema fields they carry, then the other fields delivery stages added, typed by
 * the schema or by their first value), making a table ready for them (created, checked, widened
 * with `ALTER TABLE … ADD COLUMN … NULL`), and telling cheaply whether a batch needs any of that.
 *
 * @example
 * const state = await prepareEventTable(conn, 'shop_orders', events, undefined, true);
 * needsPreparing(moreEvents, state); // false: no field the table lacks
 */
import type { Connection } from 'mysql2/promise';
import { type EventShape, eventSchema, type FieldShape, type SimEvent, SYSTEM_FIELDS } from '../core/simEvent';
import { addColumns, checkColumnType, type Column, createTable, existingColumns, isCompatible, missingColumnError, SQL_TYPE } from './mysqlTables';

/** The system fields' columns, in order: never NULL. */
const SYSTEM_COLUMNS: ReadonlyArray<Column> = [
  { name: 'event_id', type: 'key', nullable: false },
  { name: 'event_type', type: 'key', nullable: false },
  { name: 'timestamp', type: 'datetime', nullable: false },
  { name: 'session_id', type: 'key', nullable: false },
  { name: 'flow', type: 'key', nullable: false },
];

const SYSTEM = new Set<string>(SYSTEM_FIELDS);

/** A payload column the events need, and whether its type was inferred from a value (no schema said it). */
interface PlannedColumn extends Column {
  readonly inferred: boolean;
}

/** `2025-01-01T10:00:00.123Z` exactly as `toISOString` writes it (years 1000–9999): DATETIME(3) holds it without loss. */
const ISO_INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isIsoInstant = (s: string): boolean => {
  if (!ISO_INSTANT.test(s)) return false;
  const ms = Date.parse(s);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === s; // rejects 2025-02-30 and the like
};

/** Field type of a value no schema types: booleans, numbers (DOUBLE: what a JS number is), ISO instants, other strings, the rest JSON. */
const inferredType = (v: unknown): string =>
  typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'float' : typeof v === 'string' ? (isIsoInstant(v) ? 'datetime' : 'string') : 'json';

/** Field type of a schema field (string keys and references are indexable keys). */
const schemaType = (f: FieldShape): string => {
  const type = f.type === 'string' && (f.primaryKey || f.ref !== undefined) ? 'key' : f.type;
  return SQL_TYPE[type] === undefined ? 'string' : type;
};

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The payload columns `events` need that `isKnown` does not know, in order: per event, the schema
 * fields it has (schema order), then its other non-system fields (its own order) — fields added,
 * renamed or nested by delivery stages keep the schema of the event they came from, so the schema
 * alone is not the shape. Typed by the schema, else by the first non-null value; a field without a
 * schema that is null in every event gets no column yet (it would have no type; NULL is what the
 * column reads as once a later batch adds it). Nullable: another version may drop any of them.
 * Also the schema fields no event carries (`absent`), so a table that already has them can be
 * checked for NOT NULL columns the events leave empty.
 */
const newColumnsOf = (events: ReadonlyArray<SimEvent>, isKnown: (name: string) => boolean): { carried: PlannedColumn[]; absent: PlannedColumn[] } => {
  const schemas = new Set<EventShape>();
  const found = new Map<string, PlannedColumn | undefined>(); // first-seen order; undefined: only nulls so far
  const note = (name: string, type: string | undefined, inferred: boolean): void => {
    if (found.get(name) !== undefined || isKnown(name)) return;
    found.set(name, type === undefined ? undefined : { name, type, nullable: true, inferred });
  };
  for (const e of events) {
    const record = e as Record<string, unknown>;
    const schema = eventSchema(e);
    if (schema !== undefined) {
      schemas.add(schema);
      for (const name of schema.fieldNames) {
        if (!SYSTEM.has(name) && record[name] !== undefined && hasOwn(record, name)) note(name, schemaType(schema.fields[name]), false);
      }
    }
    for (const name of Object.keys(record)) {
      if (SYSTEM.has(name) || (schema !== undefined && hasOwn(schema.fields, name)) || found.get(name) !== undefined || isKnown(name)) continue;
      const v = record[name];
      if (v !== undefined) note(name, v === null ? undefined : inferredType(v), true);
    }
  }
  const carried: PlannedColumn[] = [];
  for (const c of found.values()) if (c !== undefined) carried.push(c);
  const absent: PlannedColumn[] = [];
  for (const schema of schemas) {
    for (const name of schema.fieldNames) {
      if (SYSTEM.has(name) || found.has(name) || isKnown(name) || absent.some((c) => c.name === name)) continue;
      absent.push({ name, type: schemaType(schema.fields[name]), nullable: true, inferred: false });
    }
  }
  return { carried, absent };
};

/** A table as the writer knows it: the columns it writes (system fields first), by field name. */
export interface TableState {
  readonly columns: ReadonlyArray<Column>;
  readonly byName: ReadonlyMap<string, Column>;
  /** Lower-case name → field name: MySQL column names are case-insensitive. */
  readonly byLower: ReadonlyMap<string, string>;
}

const tableState = (columns: ReadonlyArray<Column>): TableState => ({
  columns,
  byName: new Map(columns.map((c) => [c.name, c])),
  byLower: new Map(columns.map((c) => [c.name.toLowerCase(), c.name])),
});

/**
 * Whether `events` need `prepareEventTable` (a look at the server, maybe DDL) before they can be
 * written to a table the writer knows as `known`: the table is new to the writer, or an event has
 * a field the table lacks that would get a column. Cheap when nothing changed: every batch asks.
 *
 * @example
 * if (needsPreparing(events, tables.get(table))) tables.set(table, await prepareEventTable(conn, table, events, tables.get(table), true));
 */
export const needsPreparing = (events: ReadonlyArray<SimEvent>, known: TableState | undefined): boolean => {
  if (known === undefined) return true;
  for (const e of events) {
    // for…in on an event lists its own string keys (the engine's metadata is a symbol).
    for (const k in e) if (!known.byName.has(k)) return newColumnsOf(events, (name) => known.byName.has(name)).carried.length > 0;
  }
  return false;
};

/**
 * Makes `table` ready for `events`: created if missing (and `createTables`) with the columns they
 * need; else every column they need and `known` (what the writer knows of the table, undefined at
 * first) lacks is looked up — added with `ALTER TABLE … ADD COLUMN … NULL` when the table lacks it
 * (a payload column; a missing system column is an error), checked when it has it. Runs before the
 * batch's transaction: DDL commits. The caller keeps the state returned, only on success, so after
 * a lost connection the next try looks again.
 *
 * Other writers may prepare the same table at the same time (the workers of a `--workers` run, the
 * processes of other shards): a table another one created first, with other columns, is checked
 * and widened like any existing table, and a column another one added first is looked up again.
 *
 * @example
 * const state = await prepareEventTable(conn, 'shop_orders', events, tables.get('shop_orders'), true);
 * tables.set('shop_orders', state);
 */
export const prepareEventTable = async (
  conn: Connection,
  table: string,
  events: ReadonlyArray<SimEvent>,
  known: TableState | undefined,
  createTables: boolean,
  attempts = 3,
): Promise<TableState> => {
  const { carried: fresh, absent } = newColumnsOf(events, (name) => known?.byName.has(name) === true);
  if (known !== undefined && fresh.length === 0) return known;
  // Two fields MySQL cannot tell apart would land in one column: one of them would be lost.
  const lower = new Map(known?.byLower ?? SYSTEM_COLUMNS.map((c) => [c.name, c.name]));
  for (const c of fresh) {
    const other = lower.get(c.name.toLowerCase());
    if (other !== undefined) {
      throw new Error(`table ${table}: fields ${other} and ${c.name} of "${events[0].event_type}" events would be one column (MySQL column names ignore case)`);
    }
    lower.set(c.name.toLowerCase(), c.name);
  }
  let existing = await existingColumns(conn, table);
  if (existing.size === 0) {
    if (!createTables) throw new Error(`table ${table} does not exist (createTables is off)`);
    const columns = [...(known?.columns ?? SYSTEM_COLUMNS), ...fresh.map(({ name, type, nullable }) => ({ name, type, nullable }))];
    await createTable(conn, table, columns, ['event_id']);
    existing = await existingColumns(conn, table);
    // IF NOT EXISTS: another writer may have created it just before, with other columns.
    if (existing.size === columns.length && columns.every((c) => existing.has(c.name.toLowerCase()))) return tableState(columns);
  }
  const wanted: PlannedColumn[] = [...(known === undefined ? SYSTEM_COLUMNS.map((c) => ({ ...c, inferred: false })) : []), ...fresh];
  const columns: Column[] = [];
  const missing: Column[] = [];
  for (const c of wanted) {
    const has = existing.get(c.name.toLowerCase());
    if (has === undefined) {
      if (SYSTEM.has(c.name)) throw missingColumnError(table, c);
      missing.push({ name: c.name, type: c.type, nullable: true });
      columns.push({ name: c.name, type: c.type, nullable: true });
    } else if (isCompatible(c.type, has.type)) {
      columns.push({ name: c.name, type: c.type, nullable: has.nullable });
    } else if (c.inferred && c.type === 'datetime' && isCompatible('string', has.type)) {
      columns.push({ name: c.name, type: 'string', nullable: has.nullable }); // an ISO string in a text column, as it is
    } else {
      checkColumnType(table, c, has); // throws, naming table and column
    }
  }
  // Schema fields these events lack (a version dropped or renamed them) that the table has:
  // written as NULL, which the row builder (mysqlRows.ts) refuses when the column is NOT NULL.
  for (const c of absent) {
    const has = existing.get(c.name.toLowerCase());
    if (has === undefined || lower.has(c.name.toLowerCase())) continue;
    checkColumnType(table, c, has);
    columns.push({ name: c.name, type: c.type, nullable: has.nullable });
  }
  try {
    await addColumns(conn, table, missing);
  } catch (e) {
    // Another writer added one of them first: look again.
    if ((e as { errno?: number }).errno === ER_DUP_FIELDNAME && attempts > 1) return prepareEventTable(conn, table, events, known, createTables, attempts - 1);
    throw e;
  }
  return tableState([...(known?.columns ?? []), ...columns]);
};

/** MySQL's and MariaDB's error of `ADD COLUMN` for a column the table has. */
const ER_DUP_FIELDNAME = 1060;
