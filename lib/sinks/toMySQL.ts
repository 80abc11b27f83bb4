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
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { SimEvent } from '../core/simEvent';
import type { EntityChange } from '../entities/entityChange';
import { ChangeFeed, type WatchableStore } from './changeFeed';
import { connectionName, connectMySQL, isConnectionLost, messageOf, type MySQLConnection } from './mysqlConnection';
import { EntityTables, type PlannedChanges } from './mysqlEntityTables';
import { checkNotNull, prepareEventTable, type TableState } from './mysqlEventTables';
import { snakeCase, toSqlValue } from './mysqlTables';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';

export { snakeCase } from './mysqlTables';

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

  private connect(): Promise<Connection> {
    return connectMySQL(this.options.connection, this.options.connectTimeoutMs ?? 10_000);
  }

  async open(): Promise<void> {
    if (this.entityTables !== undefined && !this.feed.attached()) {
      throw new Error("entityTables needs the run's entity store: run with runSimulation / sim.run, or pass { onStore: sink.onStore } to simulate()");
    }
    try {
      this.conn = await this.connect();
    } catch (e) {
      throw new Error(`could not connect to ${this.name}: ${messageOf(e)}`, { cause: e });
    }
  }

  /** `table` made ready for `events` (see `prepareEventTable`); the state is kept only when that succeeds. */
  private async prepare(conn: Connection, table: string, events: ReadonlyArray<SimEvent>): Promise<TableState> {
    const state = await prepareEventTable(conn, table, events, this.tables.get(table), this.options.createTables !== false);
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
          if (isConnectionLost(e))
            throw new Error(`lost the connection and could not write a batch of ${n} events within ${limit} ms: ${messageOf(e)}`, { cause: e });
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
