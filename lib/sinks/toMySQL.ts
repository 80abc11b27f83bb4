/**
 * The MySQL / MariaDB sink: one table per event type, multi-row inserts in transactions.
 *
 * Each batch (≈1000 events) is one transaction of `INSERT INTO t (…) VALUES ?` statements, one per
 * table. A connection lost mid-batch (server restart, `KILL CONNECTION`) is survived: the sink
 * reconnects, checks whether the batch had been committed (its first `event_id` is there) and
 * writes it again only if not, so nothing is lost and nothing is written twice.
 *
 * @example
 * simulate(model, env).pipe(toMySQL({ connection: 'mysql://root@127.0.0.1:3306/test', tablePrefix: 'shop_' })).subscribe();
 */
import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import { eventSchema, type SimEvent, SYSTEM_FIELDS } from '../core/simEvent';
import type { EntityChange, EntityChangeListener } from '../entities/entityChange';
import { EntityTables, type PlannedChanges } from './mysqlEntityTables';
import { type Column, ensureTable, snakeCase, SQL_TYPE, toSqlValue } from './mysqlTables';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';

export { snakeCase } from './mysqlTables';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Where the database is: a URI (`mysql://user:password@host:3306/database`) or connection options
 * as in seed 001's `connection_config` (`host`, `port`, `user`, `password`, `database`, …).
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
  /** Create missing tables (columns typed from the event schema). Default true. */
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

/** The table's columns: system fields, then the payload's, typed from the schema or (without one) from the values. */
const columnsOf = (e: SimEvent): Column[] => {
  const schema = eventSchema(e);
  const system = new Set<string>(SYSTEM_FIELDS);
  const payload: Column[] = [];
  if (schema !== undefined) {
    for (const name of schema.fieldNames) {
      const f = schema.fields[name];
      const type = f.type === 'string' && (f.primaryKey || f.ref !== undefined) ? 'key' : f.type;
      payload.push({ name, type: SQL_TYPE[type] === undefined ? 'string' : type, nullable: f.nullable });
    }
  } else {
    for (const [name, v] of Object.entries(e)) {
      if (system.has(name)) continue;
      const type = typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'float' : typeof v === 'string' ? 'string' : 'json';
      payload.push({ name, type, nullable: true });
    }
  }
  return [...SYSTEM_COLUMNS, ...payload];
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
  /** Columns per prepared table (created or checked). */
  private readonly tables = new Map<string, ReadonlyArray<Column>>();
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

  /** Creates the table if missing (and allowed), else checks its columns; remembers its columns. */
  private async prepare(conn: Connection, table: string, columns: ReadonlyArray<Column>): Promise<void> {
    await ensureTable(conn, table, columns, ['event_id'], this.options.createTables !== false);
    this.tables.set(table, columns);
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
    for (const [table, events] of byTable) {
      if (!this.tables.has(table)) await this.prepare(conn, table, columnsOf(events[0]));
    }
    for (const type of planned?.types ?? []) await this.entityTables!.prepare(conn, type, this.options.createTables !== false);
    if (byTable.size === 0 && (planned === undefined || planned.statements.length === 0)) return;
    await conn.beginTransaction();
    try {
      for (const [table, events] of byTable) {
        const columns = this.tables.get(table)!;
        const names = columns.map((c) => c.name);
        const rows = events.map((e) => {
          const record = e as Record<string, unknown>;
          return columns.map((c) => toSqlValue(record[c.name], c.type));
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
 * snake_case(event type)`), columns the system fields then the payload's. Missing tables are
 * created with `event_id` as primary key and column types from the event's schema: strings TEXT
 * (keys VARCHAR(255)), integers BIGINT, floats DOUBLE, booleans BOOLEAN, date-times DATETIME(3) in
 * UTC, JSON values JSON. An existing table is checked first: a missing column or an incompatible
 * type fails the run naming table and column, before anything is inserted into it.
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
