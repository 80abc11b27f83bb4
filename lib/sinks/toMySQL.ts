/**
 * The MySQL / MariaDB sink: one table per event type, multi-row inserts in transactions, several
 * batches in flight on a small pool of connections (the writer: mysqlWriter.ts).
 *
 * Each batch (≈2000 events) is one transaction of `INSERT INTO t (…) VALUES …` statements, one per
 * table, sent in one query; up to `connections` batches are written at once, each on its own
 * connection, and they commit in the order they were taken, so rows of one table commit in event
 * order. A connection lost mid-batch (server restart, `KILL CONNECTION`) is survived: the sink
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
import { ChangeFeed, type WatchableStore } from './changeFeed';
import { connectionName, type MySQLConnection } from './mysqlConnection';
import { snakeCase } from './mysqlTables';
import { MySQLWriter, type WriterSettings } from './mysqlWriter';
import { type SinkOperator, type SinkOptions, toSink } from './sink';

export { snakeCase } from './mysqlTables';

const DEFAULT_CONNECTIONS = 4;
const DEFAULT_MAX_BATCH = 2000;

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
  /** Most time to get a batch written once its connection was lost (reconnecting included) before the run fails. Default 60 000 ms. */
  readonly writeTimeoutMs?: number;
  /**
   * Connections, and so batches written at once (each batch on its own connection, committed in
   * the order taken). Default 4; 1 writes one batch after the other.
   */
  readonly connections?: number;
  /**
   * Most bytes of one INSERT statement; the server's `max_allowed_packet` (read when the output
   * opens) caps it. A table's rows of a batch that would take more are split into several
   * INSERTs in the batch's transaction. Default: the server's limit.
   */
  readonly maxStatementBytes?: number;
  /**
   * An event whose `event_id` its table already has — a duplicate from the delivery stages (the
   * same event delivered again), or a row of an earlier run into the same tables: `'fail'` (the
   * default) ends the run with the server's "Duplicate entry" error, saying what it means;
   * `'skip'` leaves the row out (the first copy stays; every other error of a row still fails the
   * run), as a consumer that writes each event once would.
   */
  readonly onDuplicate?: 'fail' | 'skip';
  /**
   * Also keep entity state in tables, written in the same transactions as the events (in order,
   * one transaction at a time, whatever `connections` is):
   * `current` upserts one row per entity into `<prefix><entity>_state`; `history` writes one row
   * per state version into `<prefix><entity>_state_history` with `valid_from` / `valid_to`.
   * Needs the run's entity store: `runSimulation` / `sim.run` hand it over (see `onStore`).
   */
  readonly entityTables?: { readonly current?: boolean; readonly history?: boolean };
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
 * Each batch (`maxBatch`, default 2000) is one transaction with one multi-row insert per table
 * (several when the rows would exceed `maxStatementBytes` or the server's `max_allowed_packet`);
 * identifiers are quoted and values escaped as mysql2 escapes them. Up to `connections` batches
 * (default 4) are written at once, each on its own connection, and commit in the order taken, so
 * rows of one table commit in event order; an event is passed on once its batch committed. With
 * `entityTables`, a batch's entity statements run in its transaction just before COMMIT, after
 * the batch before committed. A lost connection is reconnected and the batch written once (see
 * the module comment); a server unreachable at start fails within `connectTimeoutMs`, one that
 * stays away longer than `writeTimeoutMs` fails the run. The operator's `window` is
 * `maxBatch × (connections + 1)`: a batch on every connection and the next one filling.
 *
 * @example
 * await sim.run([toMySQL({ connection: { host: '127.0.0.1', user: 'root', database: 'test' } })]);
 */
export const toMySQL = (options: ToMySQLOptions): MySQLSinkOperator => {
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  if (!(Number.isInteger(connections) && connections >= 1)) throw new RangeError(`toMySQL: connections must be a positive integer, got ${connections}`);
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const onDuplicate = options.onDuplicate ?? 'fail';
  if (onDuplicate !== 'fail' && onDuplicate !== 'skip')
    throw new RangeError(`toMySQL: onDuplicate must be "fail" or "skip", got ${JSON.stringify(onDuplicate)}`);
  const feed = new ChangeFeed();
  const prefix = options.tablePrefix ?? '';
  const e = options.entityTables;
  const entityTables =
    e !== undefined && (e.current === true || e.history === true) ? { prefix, current: e.current === true, history: e.history === true } : undefined;
  const settings: WriterSettings = {
    connection: options.connection,
    tableOf: (type) => options.tables?.[type] ?? `${prefix}${snakeCase(type)}`,
    createTables: options.createTables !== false,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    writeTimeoutMs: options.writeTimeoutMs ?? 60_000,
    connections,
    maxStatementBytes: options.maxStatementBytes,
    skipDuplicates: onDuplicate === 'skip',
    entityTables,
  };
  const sink = toSink(() => new MySQLWriter(settings, feed), {
    name: connectionName(options.connection),
    maxBatch,
    maxBuffered: options.maxBuffered,
    writesInFlight: connections,
    // A batch on every connection and the next one filling.
    window: Math.max(1, Math.floor(maxBatch)) * (connections + 1),
  });
  return Object.assign(sink, { onStore: (store: WatchableStore) => (entityTables !== undefined ? feed.attach(store) : undefined) });
};
