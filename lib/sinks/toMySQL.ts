/**
 * The MySQL / MariaDB sink: one table per event type, multi-row inserts in transactions.
 *
 * Each batch (≈1000 events) is one transaction of `INSERT INTO t (…) VALUES ?` statements, one per
 * table. A connection lost mid-batch (server restart, `KILL CONNECTION`) is survived: the sink
 * reconnects, checks whether the batch had been committed (its first `event_id` is there) and
 * writes it again only if not, so nothing is lost and nothing is written twice.
 *
 * Columns follow the events, not only their schema: delivery stages add fields (`ingest_time`,
 * `schema_version`, `checksum`, a version's new or renamed fields, an envelope's `payload`) while
 * the event keeps its schema. A field a table lacks is added (`ALTER TABLE … ADD COLUMN … NULL`)
 * before the batch's transaction begins, since DDL commits implicitly.
 *
 * @example
 * simulate(model, env).pipe(toMySQL({ connection: 'mysql://root@127.0.0.1:3306/test', tablePrefix: 'shop_' })).subscribe();
 */
import type * as Mysql2 from 'mysql2/promise';
import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import { type EventShape, eventSchema, type FieldShape, type SimEvent, SYSTEM_FIELDS } from '../core/simEvent';
import type { EntityChange, EntityChangeListener } from '../entities/entityChange';
import { EntityTables, type PlannedChanges } from './mysqlEntityTables';
import { addColumns, checkColumnType, type Column, createTable, existingColumns, isCompatible, missingColumnError, snakeCase, SQL_TYPE, toSqlValue } from './mysqlTables';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';

export { snakeCase } from './mysqlTables';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Where the database is: a URI (`mysql://user:password@host:3306/database`) or connection options
 * as in a `connection_config` object (`host`, `port`, `user`, `password`, `database`, …).
 *
 * @example
 * const c: MySQLConnection = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
 */
export type MySQLConnection = string | ConnectionOptions;

/**
 * Options of `toMySQL`.
 *
 * @example
 * const opts: ToMySQLOptions = { connection: 'mysql://root@127.0.0.1/test', tables: { OrderCompleted: 'orders' } };
 */
export interface ToMySQLOptions extends SinkOptions {
  readonly connection: MySQLConnection;
  /** Event type → table name. Types not listed get `tablePrefix + snake_case(type)`. */
  readonly tables?: Readonly<Record<string, string>>;
  /** Prefix of generated table names. Default `""`. */
  readonly tablePrefix?: string;
  /** Create missing tables (columns typed from the event schema). Default true. Missing columns of an existing table are added either way. */
  readonly createTables?: boolean;
  /** Most time to connect at start (and to reconnect after a lost connection). Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Most time a batch may take, reconnections included, before the run fails. Default 60 000 ms. */
  readonly writeTimeoutMs?: number;
  /**
   * Also keep entity state in tables, written in the same transactions as the events:
   * `current` upserts one row per entity into `<prefix><entity>_state`; `history` writes one row
   * per state version into `<prefix><entity>_state_history` with `valid_from` / `valid_to`.
   * Needs the run's entity store: `runSimulation` / `sim.run` hand it over (see `onStore`).
   */
  readonly entityTables?: { readonly current?: boolean; readonly history?: boolean };
}

const SYSTEM_COLUMNS: ReadonlyArray<Column> = [
  { name: 'event_id', type: 'key', nullable: false },
  { name: 'event_type', type: 'key', nullable: false },
  { name: 'timestamp', type: 'datetime', nullable: false },
  { name: 'session_id', type: 'key', nullable: false },
  { name: 'flow', type: 'key', nullable: false },
];

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/**
 * mysql2, loaded by the first connection: deep-faker's entry point exports `toMySQL`, and a
 * program that writes no MySQL output should not load it (see `loadKafkaJs` in toKafka.ts).
 */
let mysql2Module: typeof Mysql2 | undefined;
const loadMysql2 = (): typeof Mysql2 => (mysql2Module ??= require('mysql2/promise') as typeof Mysql2);

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
      if (SYSTEM.has(name) || (schema !== undefined && hasOwn(schema.fields, name))) continue;
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
interface TableState {
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
 * Fails, before anything is written, when an event has no value for a NOT NULL column (a system
 * field a delivery envelope dropped, or a column of an existing table a version dropped): the
 * server would reject the batch, or without strict mode store a zero in its place.
 */
const checkNotNull = (table: string, state: TableState, events: ReadonlyArray<SimEvent>): void => {
  for (const c of state.columns) {
    if (c.nullable) continue;
    for (const e of events) {
      const v = (e as Record<string, unknown>)[c.name];
      if (v === undefined || v === null) {
        throw new Error(`table ${table} column ${c.name} is NOT NULL, but the "${e.event_type}" event ${e.event_id} has no ${c.name}`);
      }
    }
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors after which the connection is gone but the batch may be retried on a new one. */
const isConnectionLost = (e: unknown): boolean => {
  const err = e as { fatal?: boolean; code?: string } | undefined;
  return (
    err?.fatal === true ||
    err?.code === 'PROTOCOL_CONNECTION_LOST' ||
    err?.code === 'ER_CONNECTION_KILLED' ||
    err?.code === 'ECONNRESET' ||
    err?.code === 'ECONNREFUSED' ||
    err?.code === 'EPIPE' ||
    err?.code === 'ER_SERVER_SHUTDOWN'
  );
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `mysql://user:secret@host/db` → `mysql://user@host/db`: never print a password. */
const redact = (uri: string): string => uri.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1@');

/** The sink's name: the URI without its password, e.g. `mysql://root@127.0.0.1:3306/test`. */
const connectionName = (c: MySQLConnection): string =>
  typeof c === 'string' ? redact(c) : `mysql://${c.user ?? 'root'}@${c.host ?? 'localhost'}:${c.port ?? 3306}/${c.database ?? ''}`;

// ---------------------------------------------------------------------------------------------
// writer
// ---------------------------------------------------------------------------------------------

/** One connection; tables prepared on first use; one transaction per batch. */
class MySQLWriter implements SinkWriter {
  readonly name: string;
  private conn: Connection | undefined;
  /** The columns written per prepared table (created, checked or added to). */
  private readonly tables = new Map<string, TableState>();
  private readonly entityTables: EntityTables | undefined;
  /** Entity changes taken from the feed but not yet committed. */
  private changes: EntityChange[] = [];

  constructor(
    private readonly options: ToMySQLOptions,
    private readonly feed: ChangeFeed,
  ) {
    this.name = connectionName(options.connection);
    const e = options.entityTables;
    if (e !== undefined && (e.current === true || e.history === true)) {
      this.entityTables = new EntityTables({ prefix: options.tablePrefix ?? '', current: e.current === true, history: e.history === true });
    }
  }

  private tableOf(eventType: string): string {
    return this.options.tables?.[eventType] ?? `${this.options.tablePrefix ?? ''}${snakeCase(eventType)}`;
  }

  private async connect(): Promise<Connection> {
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    const base = this.options.connection;
    const extra = { connectTimeout: timeout, timezone: 'Z', dateStrings: true, supportBigNumbers: true } as const;
    const { createConnection } = loadMysql2();
    const conn =
      typeof base === 'string'
        ? await createConnection({ uri: base, ...extra })
        : await createConnection({ ...base, ...extra });
    // A connection killed while idle reports here; the next query fails and reconnects.
    conn.on('error', () => undefined);
    return conn;
  }

  async open(): Promise<void> {
    if (this.entityTables !== undefined && !this.feed.attached()) {
      throw new Error('entityTables needs the run\'s entity store: run with runSimulation / sim.run, or pass { onStore: sink.onStore } to simulate()');
    }
    try {
      this.conn = await this.connect();
    } catch (e) {
      throw new Error(`could not connect to ${this.name}: ${messageOf(e)}`);
    }
  }

  /**
   * Makes `table` ready for `events`: created if missing (and allowed) with the columns they need;
   * else every column they need and the writer does not know yet is looked up — added with
   * `ALTER TABLE … ADD COLUMN … NULL` when the table lacks it (a payload column; a missing system
   * column is an error), checked when it has it. Runs before the batch's transaction: DDL commits.
   * Only what succeeded is remembered, so after a lost connection the next try looks again.
   */
  private async prepare(conn: Connection, table: string, events: ReadonlyArray<SimEvent>): Promise<TableState> {
    const known = this.tables.get(table);
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
    const existing = await existingColumns(conn, table);
    let state: TableState;
    if (existing.size === 0) {
      if (this.options.createTables === false) throw new Error(`table ${table} does not exist (createTables is off)`);
      const columns = [...(known?.columns ?? SYSTEM_COLUMNS), ...fresh.map(({ name, type, nullable }) => ({ name, type, nullable }))];
      await createTable(conn, table, columns, ['event_id']);
      state = tableState(columns);
    } else {
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
      // written as NULL, which `checkNotNull` refuses when the column is NOT NULL.
      for (const c of absent) {
        const has = existing.get(c.name.toLowerCase());
        if (has === undefined || lower.has(c.name.toLowerCase())) continue;
        checkColumnType(table, c, has);
        columns.push({ name: c.name, type: c.type, nullable: has.nullable });
      }
      await addColumns(conn, table, missing);
      state = tableState([...(known?.columns ?? []), ...columns]);
    }
    this.tables.set(table, state);
    return state;
  }

  async write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    // Group by table, keeping each table's events in order.
    const byTable = new Map<string, SimEvent[]>();
    for (const e of batch) {
      const table = this.tableOf(e.event_type);
      let events = byTable.get(table);
      if (events === undefined) byTable.set(table, (events = []));
      events.push(e);
    }
    await this.transact(byTable, batch.length);
  }

  /**
   * Writes events (grouped by table) and the entity changes so far in one transaction; after a
   * lost connection, reconnects and writes again unless the transaction had committed (entity
   * rows are upserts, so writing them again changes nothing).
   */
  private async transact(byTable: ReadonlyMap<string, ReadonlyArray<SimEvent>>, n: number): Promise<void> {
    if (this.entityTables !== undefined) this.changes.push(...this.feed.take());
    const planned = this.entityTables?.plan(this.changes);
    const limit = this.options.writeTimeoutMs ?? 60_000;
    const deadline = Date.now() + limit;
    let retried = false;
    for (;;) {
      try {
        const conn = this.conn ?? (this.conn = await this.connect());
        if (!(retried && (await this.committed(conn, byTable)))) await this.insert(conn, byTable, planned);
        planned?.commit();
        this.changes = [];
        return;
      } catch (e) {
        if (!isConnectionLost(e) || Date.now() >= deadline) {
          if (isConnectionLost(e)) throw new Error(`lost the connection and could not write a batch of ${n} events within ${limit} ms: ${messageOf(e)}`);
          throw e;
        }
        const dead = this.conn;
        this.conn = undefined;
        dead?.destroy();
        retried = true;
        await sleep(200);
      }
    }
  }

  /** Whether a batch whose transaction may or may not have committed is already in its first table. */
  private async committed(conn: Connection, byTable: ReadonlyMap<string, ReadonlyArray<SimEvent>>): Promise<boolean> {
    const first = byTable.entries().next();
    if (first.done === true) return false; // entity rows only: upserts, safe to write again
    const [table, events] = first.value;
    if (!this.tables.has(table)) return false;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT 1 FROM ?? WHERE `event_id` = ? LIMIT 1', [table, events[0].event_id]);
    return rows.length > 0;
  }

  private async insert(conn: Connection, byTable: ReadonlyMap<string, ReadonlyArray<SimEvent>>, planned: PlannedChanges | undefined): Promise<void> {
    // Tables and columns first: CREATE / ALTER commit implicitly, so never inside the transaction.
    const states = new Map<string, TableState>();
    for (const [table, events] of byTable) {
      const state = await this.prepare(conn, table, events);
      checkNotNull(table, state, events);
      states.set(table, state);
    }
    for (const type of planned?.types ?? []) await this.entityTables!.prepare(conn, type, this.options.createTables !== false);
    if (byTable.size === 0 && (planned === undefined || planned.statements.length === 0)) return;
    await conn.beginTransaction();
    try {
      for (const [table, events] of byTable) {
        const columns = states.get(table)!.columns;
        const names = columns.map((c) => c.name);
        const rows = events.map((e) => {
          const record = e as Record<string, unknown>;
          return columns.map((c) => toSqlValue(record[c.name], c.type)); // a field the event lacks: NULL
        });
        await conn.query('INSERT INTO ?? (??) VALUES ?', [table, names, rows]);
      }
      for (const st of planned?.statements ?? []) await conn.query(st.sql, [...st.values]);
      await conn.commit();
    } catch (e) {
      if (!isConnectionLost(e)) await conn.rollback().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    try {
      // Entity changes after the last batch (sessions ending, releases) still belong in the tables.
      if (this.entityTables !== undefined && this.conn !== undefined && (this.changes.length > 0 || this.feed.size() > 0)) {
        await this.transact(new Map(), 0);
      }
    } finally {
      const conn = this.conn;
      this.conn = undefined;
      await conn?.end().catch(() => conn.destroy());
    }
  }
}

/** Entity changes reported by the store, waiting for the next transaction. */
class ChangeFeed {
  private items: EntityChange[] = [];
  private unwatch: (() => void) | undefined;

  /** Starts listening to a store (stops listening to the previous one). */
  attach(store: WatchableStore): void {
    this.unwatch?.();
    this.items = [];
    this.unwatch = store.watch((c) => this.items.push(c));
  }

  take(): EntityChange[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  size(): number {
    return this.items.length;
  }

  attached(): boolean {
    return this.unwatch !== undefined;
  }
}

/** What the MySQL output needs of the entity store. */
export interface WatchableStore {
  watch(listener: EntityChangeListener): () => void;
}

/** `toMySQL`'s operator: a sink, plus `onStore` to hand it the run's entity store (for `entityTables`). */
export type MySQLSinkOperator = SinkOperator & { readonly onStore: (store: WatchableStore) => void };

/**
 * Writes events into MySQL / MariaDB, one table per event type (`tables`, else `tablePrefix +
 * snake_case(event type)`). Columns: the system fields (NOT NULL), then the schema fields the
 * events have (schema order), then every other field they carry (delivery fields, a version's new
 * or renamed fields, an envelope's `payload`; the event's order), all nullable. Missing tables are
 * created with `event_id` as primary key; types come from the event's schema: strings TEXT (keys
 * VARCHAR(255)), integers BIGINT, floats DOUBLE, booleans BOOLEAN, date-times DATETIME(3) in UTC,
 * JSON values JSON; fields outside it are typed by their first non-null value (booleans BOOLEAN,
 * numbers DOUBLE, `toISOString()`-form instants DATETIME(3), other strings TEXT, objects and
 * arrays JSON; a field that has only been null gets its column with its first value).
 *
 * A field a table lacks — in a later batch (schema version 2 adds `promo_code`) or in a table that
 * existed before the run — is added with `ALTER TABLE … ADD COLUMN … NULL` before the batch's
 * transaction, so earlier rows read NULL and nothing is dropped. A table without a system column,
 * a column of an incompatible type, an event without a value for a NOT NULL column, or two fields
 * that differ only in case fail the run naming table and column, before the batch is inserted.
 *
 * Each batch (`maxBatch`, default 1000) is one transaction with one multi-row insert per table;
 * identifiers are quoted and values escaped by mysql2. A lost connection is reconnected and the
 * batch written once (see the module comment); a server unreachable at start fails within
 * `connectTimeoutMs`, one that stays away longer than `writeTimeoutMs` fails the run.
 *
 * @example
 * await sim.run([toMySQL({ connection: { host: '127.0.0.1', user: 'root', database: 'test' } })]);
 */
export const toMySQL = (options: ToMySQLOptions): MySQLSinkOperator => {
  const feed = new ChangeFeed();
  const sink = toSink(() => new MySQLWriter(options, feed), {
    name: connectionName(options.connection),
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
  const wanted = options.entityTables?.current === true || options.entityTables?.history === true;
  return Object.assign(sink, { onStore: (store: WatchableStore) => (wanted ? feed.attach(store) : undefined) });
};
