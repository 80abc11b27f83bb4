/**
 * The MySQL output's writer: batches written on a small pool of connections at once, committed in
 * the order they were taken.
 *
 * Each batch is one transaction (one multi-row INSERT per table, split only by packet size, and
 * its entity-state statements) on a connection of its own, so the server inserts one batch while
 * the engine generates the next and others are on the wire. The order is kept by three steps per
 * batch, each after the previous batch's same step:
 *
 * 1. **prepare** — entity changes planned, tables made ready. DDL (`CREATE TABLE`, `ALTER TABLE …
 *    ADD COLUMN`) commits implicitly and waits for open transactions on its table, so a batch that
 *    needs it first waits until every batch before it has committed; the next batch prepares only
 *    after it, so no table is prepared twice or altered under a transaction of this writer.
 * 2. **insert** — the rows, on the batch's connection, at the same time as the other batches:
 *    `START TRANSACTION` and every INSERT in one multi-statement query (several only past the
 *    packet limit), since each reply waits for the event loop between the engine's turns.
 * 3. **commit** — after the previous batch committed: rows of one table commit in event order, and
 *    a batch that failed makes every later one roll back. The entity statements go in the same
 *    query as `COMMIT`, so entity rows are only ever written by one transaction at a time, in order.
 *
 * A lost connection (server restart, `KILL CONNECTION`) is replaced and the step retried; a batch
 * whose commit may or may not have happened is looked up by its first `event_id` and written
 * again only if it is not there: nothing lost, nothing written twice.
 *
 * @example
 * const writer = new MySQLWriter(settings, feed); // toMySQL's job
 * await writer.open(); await writer.write(batch); await writer.close();
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { SimEvent } from '../core/simEvent';
import type { ChangeFeed } from './changeFeed';
import { messageOf } from '../core/errors';
import { connectionName, connectMySQL, isConnectionLost, maxAllowedPacket, type MySQLConnection } from './mysqlConnection';
import { EntityTables, type Statement } from './mysqlEntityTables';
import { needsPreparing, prepareEventTable, type TableState } from './mysqlEventTables';
import { ConnectionPool, type Lane } from './mysqlPool';
import { insertStatements, packStatements, tableInsert, type TableInsert } from './mysqlRows';
import type { SinkWriter } from './sinkContract';

/** What the writer needs, resolved from `ToMySQLOptions` by `toMySQL`. */
export interface WriterSettings {
  readonly connection: MySQLConnection;
  /** Event type → table name (called once per type). */
  readonly tableOf: (eventType: string) => string;
  readonly createTables: boolean;
  readonly connectTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly connections: number;
  /** Most bytes of one statement; the server's `max_allowed_packet` caps it too. */
  readonly maxStatementBytes: number | undefined;
  /** Leave out a row whose `event_id` its table has (`onDuplicate: 'skip'`) instead of failing. */
  readonly skipDuplicates: boolean;
  readonly entityTables: { readonly prefix: string; readonly current: boolean; readonly history: boolean } | undefined;
}

/** Room left in a packet for the protocol's header bytes. */
const PACKET_MARGIN = 1024;

/** The server's error of a row whose primary key its table has. */
const ER_DUP_ENTRY = 1062;

/** A duplicate `event_id` (the server's message, or the writer's own), with what it means here and what to do about it. */
const duplicateError = (what: string, cause?: unknown): Error =>
  new Error(
    `${what}: an event with this event_id was written already, delivered twice (delivery duplicates) or by an earlier run into the same tables; onDuplicate: 'skip' (on the command line ?on_duplicate=skip, in the YAML model format on_duplicate: skip) writes each event_id once`,
    { cause },
  );

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ignore = (): void => undefined;

/** A batch's events by table, each table's in event order. */
type ByTable = Map<string, SimEvent[]>;

/** What a prepared batch sends: each table's rows (as its layout then was), then (before COMMIT) its entity statements. */
interface Prepared {
  readonly inserts: ReadonlyArray<readonly [TableInsert, ReadonlyArray<SimEvent>]>;
  readonly entity: ReadonlyArray<Statement>;
}

/** A promise with its settle functions, for the step a later batch waits for. */
interface Step {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

const step = (): Step => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(ignore); // a failure is reported by the batch itself; the last step may have no waiter
  return { done, resolve, reject };
};

/** Writes batches on a pool of connections, committing them in order (see the module comment). */
export class MySQLWriter implements SinkWriter {
  readonly name: string;
  private pool: ConnectionPool | undefined;
  private maxBytes = Number.POSITIVE_INFINITY;
  /** The columns written per prepared table (created, checked or added to). */
  private readonly tables = new Map<string, TableState>();
  /** The compiled row builder of each table layout. */
  private readonly inserts = new WeakMap<TableState, TableInsert>();
  private readonly tableNames = new Map<string, string>();
  private readonly entityTables: EntityTables | undefined;
  /** The latest batch's prepare step and commit: the next batch's follow them. */
  private prepared: Promise<void> = Promise.resolve();
  private committed: Promise<void> = Promise.resolve();
  /** Set once a batch failed: the run is over, close writes nothing more. */
  private failed = false;
  /** The `event_id`s of the batches not yet committed, with how many times they hold each. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly settings: WriterSettings,
    private readonly feed: ChangeFeed,
  ) {
    this.name = connectionName(settings.connection);
    if (settings.entityTables !== undefined) this.entityTables = new EntityTables(settings.entityTables);
  }

  async open(): Promise<void> {
    if (this.entityTables !== undefined && !this.feed.attached()) {
      throw new Error("entityTables needs the run's entity store: run with runSimulation / sim.run, or pass { onStore: sink.onStore } to simulate()");
    }
    const { connection, connectTimeoutMs, connections, maxStatementBytes } = this.settings;
    const pool = new ConnectionPool(() => connectMySQL(connection, connectTimeoutMs), connections);
    let conn: Connection;
    try {
      conn = await pool.open();
    } catch (e) {
      throw new Error(`could not connect to ${this.name}: ${messageOf(e)}`, { cause: e });
    }
    try {
      this.maxBytes = Math.min(maxStatementBytes ?? Number.POSITIVE_INFINITY, (await maxAllowedPacket(conn)) - PACKET_MARGIN);
    } catch (e) {
      await pool.close();
      throw e;
    }
    this.pool = pool;
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    const byTable: ByTable = new Map();
    let type: string | undefined;
    let events: SimEvent[] = [];
    for (const e of batch) {
      // A copy of an event whose batch is still in flight is decided here: on the server its row
      // lock would make this batch wait for that one, which may wait (for its turn to commit) for a
      // batch that waits for this one's locks, until the lock wait timeout.
      if (this.inFlight.has(e.event_id)) {
        if (!this.settings.skipDuplicates) return Promise.reject(duplicateError(`Duplicate entry '${e.event_id}'`));
        continue; // skipped: its first copy is on its way
      }
      // Runs of one type are common (a session's events): one lookup per run.
      if (e.event_type !== type) {
        type = e.event_type;
        const table = this.tableOf(type);
        const known = byTable.get(table);
        if (known === undefined) byTable.set(table, (events = []));
        else events = known;
      }
      events.push(e);
    }
    this.hold(batch, 1);
    const done = this.enqueue(byTable, batch.length);
    const release = (): void => this.hold(batch, -1);
    done.then(release, release);
    return done;
  }

  /** Counts the `event_id`s of `batch` into (`by` 1) or out of (−1) the batches in flight. */
  private hold(batch: ReadonlyArray<SimEvent>, by: 1 | -1): void {
    for (const e of batch) {
      const n = (this.inFlight.get(e.event_id) ?? 0) + by;
      if (n === 0) this.inFlight.delete(e.event_id);
      else this.inFlight.set(e.event_id, n);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) return;
    try {
      // Entity changes after the last batch (sessions ending, releases) still belong in the tables.
      if (this.entityTables !== undefined && !this.failed && this.feed.size() > 0) await this.enqueue(new Map(), 0);
    } finally {
      this.pool = undefined;
      await pool.close();
    }
  }

  private tableOf(eventType: string): string {
    let table = this.tableNames.get(eventType);
    if (table === undefined) this.tableNames.set(eventType, (table = this.settings.tableOf(eventType)));
    return table;
  }

  /** Starts a batch after the ones before it; resolves once it has committed. */
  private enqueue(byTable: ByTable, size: number): Promise<void> {
    const afterPrepared = this.prepared;
    const afterCommitted = this.committed;
    const prepared = step();
    this.prepared = prepared.done;
    const committed = this.run(byTable, size, afterPrepared, afterCommitted, prepared).catch((e: unknown) => {
      this.failed = true;
      throw e;
    });
    this.committed = committed;
    return committed;
  }

  private async run(byTable: ByTable, size: number, afterPrepared: Promise<void>, afterCommitted: Promise<void>, prepared: Step): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) throw new Error(`${this.name} is not open`);
    const lane = await pool.acquire();
    try {
      let sql: Prepared;
      try {
        await afterPrepared;
        sql = await this.prepare(lane, byTable, size, afterCommitted);
        prepared.resolve();
      } catch (e) {
        prepared.reject(e);
        throw e;
      }
      if (sql.inserts.length === 0 && sql.entity.length === 0) return await afterCommitted;
      await this.retrying(lane, size, async (conn, retried) => {
        if (!(retried && (await this.isCommitted(conn, byTable)))) await this.transact(conn, sql, afterCommitted);
      });
    } finally {
      pool.release(lane);
    }
  }

  /** Step 1: entity changes planned, tables ready, statements built. */
  private async prepare(lane: Lane, byTable: ByTable, size: number, afterCommitted: Promise<void>): Promise<Prepared> {
    const entity = this.entityTables?.plan(this.feed.take());
    entity?.commit(); // the next batch plans on top of this one (see mysqlEntityTables.ts)
    const tables = [...byTable].filter(([table, events]) => needsPreparing(events, this.tables.get(table)));
    // An ALTER waits for the transactions open on its table: let the batches before commit first.
    // A table new to the writer (and an entity type not yet prepared) no earlier batch writes.
    if (tables.some(([table]) => this.tables.has(table))) await afterCommitted;
    if (tables.length > 0) await this.prepareTables(lane, tables, size);
    for (const type of entity?.types ?? []) {
      if (!this.entityTables!.isPrepared(type)) await this.retrying(lane, size, (conn) => this.entityTables!.prepare(conn, type, this.settings.createTables));
    }
    const inserts = [...byTable].map(([table, events]) => [this.insertOf(table), events] as const);
    return { inserts, entity: entity?.statements ?? [] };
  }

  /** Creates, checks or widens `tables`, several at once on the connections idle now (the next batch waits for this one anyway). */
  private async prepareTables(lane: Lane, tables: ReadonlyArray<[string, SimEvent[]]>, size: number): Promise<void> {
    const pool = this.pool!;
    const lanes = [lane, ...pool.takeIdle(tables.length - 1)];
    const done = await Promise.allSettled(
      lanes.map((l, i) =>
        this.retrying(l, size, async (conn) => {
          for (let j = i; j < tables.length; j += lanes.length) {
            const [table, events] = tables[j];
            if (!needsPreparing(events, this.tables.get(table))) continue; // done before the connection was lost
            this.tables.set(table, await prepareEventTable(conn, table, events, this.tables.get(table), this.settings.createTables));
          }
        }),
      ),
    );
    for (const l of lanes.slice(1)) pool.release(l);
    const failed = done.find((d) => d.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private insertOf(table: string): TableInsert {
    const state = this.tables.get(table)!;
    let insert = this.inserts.get(state);
    if (insert === undefined) this.inserts.set(state, (insert = tableInsert(table, state.columns, this.settings.skipDuplicates)));
    return insert;
  }

  /** Steps 2 and 3: the rows now, the entity statements and COMMIT once the batch before committed. */
  private async transact(conn: Connection, sql: Prepared, afterCommitted: Promise<void>): Promise<void> {
    // Built here, before anything is sent (a NOT NULL column left empty fails now), and let go
    // once sent rather than kept while the batch waits to commit; a retry builds them again.
    // Sent as multi-statement queries: a round trip for the rows, one for the commit, since the
    // replies wait for the event loop, which the engine keeps busy between its turns.
    let queries: string[] | undefined = packStatements(
      ['START TRANSACTION', ...sql.inserts.flatMap(([insert, events]) => insertStatements(insert, events, this.maxBytes))],
      this.maxBytes,
    );
    try {
      for (const q of queries) await conn.query(q, null); // null: no placeholders, mysql2 skips looking for them
      queries = undefined;
      await afterCommitted;
      const tail = [...sql.entity.map((st) => conn.format(st.sql, [...st.values])), 'COMMIT'];
      for (const q of packStatements(tail, this.maxBytes)) await conn.query(q, null);
    } catch (e) {
      if (!isConnectionLost(e)) await conn.rollback().catch(ignore);
      throw (e as { errno?: number }).errno === ER_DUP_ENTRY ? duplicateError(messageOf(e), e) : e;
    }
  }

  /** Whether a batch whose transaction may or may not have committed is already in its first table. */
  private async isCommitted(conn: Connection, byTable: ByTable): Promise<boolean> {
    const first = byTable.entries().next();
    if (first.done === true) return false; // entity rows only: upserts, safe to write again
    const [table, events] = first.value;
    if (!this.tables.has(table)) return false;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT 1 FROM ?? WHERE `event_id` = ? LIMIT 1', [table, events[0].event_id]);
    return rows.length > 0;
  }

  /**
   * Runs `work` on the lane's connection; after a lost connection, on a new one (`retried`), until
   * `writeTimeoutMs` after the first loss.
   */
  private async retrying(lane: Lane, size: number, work: (conn: Connection, retried: boolean) => Promise<void>): Promise<void> {
    const limit = this.settings.writeTimeoutMs;
    let deadline: number | undefined;
    for (let retried = false; ; retried = true) {
      try {
        return await work(await lane.connection(), retried);
      } catch (e) {
        if (!isConnectionLost(e)) throw e;
        deadline ??= Date.now() + limit;
        if (Date.now() >= deadline) {
          throw new Error(`lost the connection and could not write a batch of ${size} events within ${limit} ms: ${messageOf(e)}`, { cause: e });
        }
        lane.lost();
        await sleep(200);
      }
    }
  }
}
