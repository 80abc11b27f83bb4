/**
 * toMySQL against the real MariaDB / MySQL server (MYSQL_URL, default the machine's MariaDB):
 * what is inserted is selected back and compared with the JSONL output of the same run.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { from, lastValueFrom, toArray } from 'rxjs';
import { EVENT_META, type EventShape, type FieldShape, type SimEvent } from '../../lib/core/simEvent';
import { delivery } from '../../lib/delivery/delivery';
import type { SimulationModel } from '../../lib/engine/model';
import { RunError, runSimulation, runStream } from '../../lib/runtime/runSimulation';
import { simulate } from '../../lib/runtime/simulate';
import { toSink } from '../../lib/sinks/sink';
import { toFile } from '../../lib/sinks/toFile';
import { snakeCase, toMySQL } from '../../lib/sinks/toMySQL';
import ecommerce, { Product, User } from '../../scenarios/ecommerce';
import { runToEnd } from '../helpers/runToEnd';
import { expectRowsEqualJsonl, readJsonl } from '../helpers/tables';
import { dropTables, mysqlConnection, mysqlUrl, selectAll, tablesWithPrefix, uniqueName } from '../helpers/services';

const model = (totalEvents: number, seed = 21): SimulationModel => ({
  ...ecommerce,
  settings: { ...ecommerce.settings, totalEvents, duration: '3650d', startTime: '2025-01-01T00:00:00Z', seed, history: 'full' }, // full: the specs compare with every version
});

/** A table's columns in order: name, `COLUMN_TYPE`, `IS_NULLABLE`. */
const columnsOf = async (conn: Connection, table: string): Promise<Array<{ name: string; type: string; nullable: string }>> => {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  );
  return rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: String(r.nullable) }));
};

/**
 * Every event of `jsonl` is exactly one row of `tables` and nothing else is there; every field of
 * the event is a column holding its value, and every other column of its row is NULL (a field
 * another schema version has). `expectRowsEqualJsonl` compares whole rows, so it cannot tell a
 * NULL column the event never had from a value that was lost.
 */
const expectRowsHoldJsonl = async (conn: Connection, tables: ReadonlyArray<string>, jsonl: ReadonlyArray<Record<string, unknown>>): Promise<void> => {
  const byId = new Map(jsonl.map((e) => [e.event_id as string, e]));
  const seen = new Set<string>();
  for (const table of tables) {
    const types = new Map((await columnsOf(conn, table)).map((c) => [c.name, c.type]));
    for (const row of await selectAll(conn, table)) {
      const id = String(row.event_id);
      if (seen.has(id)) expect.fail(`event ${id} is in the tables twice`);
      seen.add(id);
      const want = byId.get(id);
      if (want === undefined) expect.fail(`row ${id} of ${table} is not in the JSONL output`);
      for (const k of Object.keys(want)) if (!(k in row)) expect.fail(`${table} has no column for field ${k} of event ${id}`);
      for (const [k, v] of Object.entries(row)) {
        const w = want[k];
        const label = `${table} row ${id} column ${k}`;
        if (!(k in want)) expect(v, label).to.equal(null);
        else if (v === null || w === null) expect(v, label).to.equal(w);
        else if (types.get(k)!.startsWith('datetime')) expect(`${String(v).replace(' ', 'T')}Z`, label).to.equal(w);
        else if (typeof w === 'boolean') expect(v, label).to.equal(w ? 1 : 0);
        else if (typeof w === 'object')
          expect(typeof v === 'string' ? JSON.parse(v) : v, label).to.deep.equal(w); // mysql2 may parse JSON columns itself
        else expect(v, label).to.equal(w);
      }
    }
  }
  expect(seen.size, 'rows in all tables').to.equal(jsonl.length);
};

/**
 * The entity tables under `p` hold what the engine's store holds after the same run: the final
 * state of every live entity, and every version (retired entities' closed) with its validity.
 */
const expectEntityTables = async (conn: Connection, p: string, m: SimulationModel): Promise<void> => {
  // The same model and seed on the engine alone: the entity store to compare with.
  const { store, stats } = runToEnd(m);
  const iso = (v: unknown): number => Date.parse(`${String(v).replace(' ', 'T')}Z`);
  for (const type of [User, Product]) {
    const base = `${p}${snakeCase(type.name)}_state`;
    const current = await selectAll(conn, base);
    const records = store.all(type);
    expect(current.length, `${base} rows`).to.equal(records.length);
    const byKey = new Map(current.map((r) => [String(r[type.primaryKey]), r]));
    for (const r of records) {
      const row = byKey.get(r.key);
      if (row === undefined) expect.fail(`${base}: no row for ${r.key}`);
      for (const n of type.stateNames) {
        const v = r.state[n];
        const want = typeof v === 'boolean' ? Number(v) : v === undefined ? null : v;
        if (row[n] !== want) expect(row[n], `${base} ${r.key}.${n}`).to.equal(want);
      }
      expect(row.held_by).to.equal(r.heldBy);
      expect(iso(row.valid_from)).to.equal(r.versions[r.versions.length - 1].validFrom);
    }
    const all = await selectAll(conn, `${base}_history`);
    // Retired entities (accounts closed) keep their history rows, each closed; the store no longer lists them.
    const live = new Set(records.map((r) => r.key));
    const history = all.filter((h) => live.has(String(h[type.primaryKey])));
    const retiredRows = all.filter((h) => !live.has(String(h[type.primaryKey])));
    expect(new Set(retiredRows.map((h) => String(h[type.primaryKey]))).size, `${base}: retired entities`).to.equal(stats.entities[type.name]?.retired ?? 0);
    expect(retiredRows.every((h) => h.valid_to !== null)).to.equal(true);
    const versions = records.reduce((n, r) => n + r.versions.length, 0);
    expect(history.length, `${base}_history rows`).to.equal(versions);
    const byEntity = new Map<string, typeof history>();
    for (const h of history) byEntity.set(String(h[type.primaryKey]), [...(byEntity.get(String(h[type.primaryKey])) ?? []), h]);
    for (const r of records) {
      const rows = (byEntity.get(r.key) ?? []).sort((a, b) => Number(a.version) - Number(b.version));
      const expected = r.versions.map((v, i) => [i + 1, v.validFrom, v.validTo, v.flowName]);
      const actual = rows.map((h) => [Number(h.version), iso(h.valid_from), h.valid_to === null ? null : iso(h.valid_to), h.held_by]);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, `${r.key} versions`).to.deep.equal(expected);
    }
  }
};

/** A hand-made event with a schema (as the engine attaches one), at `2025-01-01T00:00:0<i>Z`. */
const withSchema = (schema: EventShape, i: number, fields: Record<string, unknown>): SimEvent => {
  const timestamp = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
  const e = { event_id: `e${i}`, event_type: schema.name, timestamp, session_id: 's1', flow: 'f', ...fields } as SimEvent;
  (e as unknown as Record<symbol, unknown>)[EVENT_META] = { time: Date.parse(timestamp), key: undefined, schema };
  return e;
};

const shape = (name: string, fields: Record<string, string>): EventShape => ({
  name,
  fieldNames: Object.keys(fields),
  fields: Object.fromEntries(
    Object.entries(fields).map(([n, type]): [string, FieldShape] => [n, { type, primaryKey: false, nullable: false, ref: undefined }]),
  ),
});

describe('toMySQL (real server)', function () {
  this.timeout(120_000);
  let conn: Connection;
  let dir: string;
  const prefixes: string[] = [];
  const prefix = (): string => {
    const p = `${uniqueName('spec')}_`;
    prefixes.push(p);
    return p;
  };

  before(async () => {
    // First, so that after() has a folder to remove even when MariaDB does not come up.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-mysql-'));
    conn = await mysqlConnection();
  });
  after(async () => {
    for (const p of prefixes) await dropTables(conn, p);
    await conn?.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * An `onProgress` that kills every other connection of this database (the sink's, whatever they
   * are doing) once the sink has acknowledged each of `dues` events; `killed` holds how many each time.
   */
  const killConnectionsAt = (sink: { readonly stats: { readonly accepted: number } }, dues: ReadonlyArray<number>) => {
    const killed: number[] = [];
    let killing = false;
    const onProgress = (): void => {
      const due = dues[killed.length];
      if (killing || due === undefined || sink.stats.accepted < due) return;
      killing = true;
      void (async () => {
        const [rows] = await conn.query<RowDataPacket[]>(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND DB = DATABASE() AND USER = 'root'",
        );
        for (const r of rows) await conn.query(`KILL CONNECTION ${Number(r.id)}`).catch(() => undefined);
        killed.push(rows.length);
        killing = false;
      })();
    };
    return { killed, onProgress };
  };

  it('snake_cases event types into table names', () => {
    expect(['AccountCreated', 'OrderCompleted', 'HTTPRequestSent', 'user-events'].map(snakeCase)).to.deep.equal([
      'account_created',
      'order_completed',
      'http_request_sent',
      'user_events',
    ]);
  });

  it('creates one typed table per event type and inserts every event once, equal to its JSONL line', async () => {
    const p = prefix();
    const file = path.join(dir, 'all.jsonl');
    const summary = await runSimulation(model(5_000), {
      outputs: [toFile(file), toMySQL({ connection: mysqlUrl(), tablePrefix: p, tables: { OrderCompleted: `${p}orders` } })],
    });
    expect(summary.outputs[1]).to.deep.equal({ name: mysqlUrl(), accepted: 5_000 });
    const tables = await tablesWithPrefix(conn, p);
    expect(tables).to.deep.equal(
      Object.keys(summary.eventsByType)
        .map((t) => (t === 'OrderCompleted' ? `${p}orders` : p + snakeCase(t)))
        .sort(),
    );
    await expectRowsEqualJsonl(conn, tables, readJsonl(file));

    const [cols] = await conn.query<import('mysql2/promise').RowDataPacket[]>(
      'SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [`${p}orders`],
    );
    const types = Object.fromEntries(cols.map((c) => [c.c, String(c.t)]));
    expect(types).to.include({ event_id: 'varchar(255)', timestamp: 'datetime(3)', quantity: 'bigint(20)', total_amount: 'double' });
    expect(cols[0]).to.include({ c: 'event_id', k: 'PRI' });
  });

  it('adds the payload columns an existing table lacks; a missing system column or a type mismatch fails, naming table and column, before anything changes', async () => {
    const p = prefix();
    const file = path.join(dir, 'existing.jsonl');
    // A table the sink did not create, with the system columns only: the payload columns are added.
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` DATETIME(3), session_id TEXT, flow TEXT)', [
      `${p}account_created`,
    ]);
    await runSimulation(model(200), { outputs: [toFile(file), toMySQL({ connection: mysqlUrl(), tablePrefix: p })] });
    expect((await columnsOf(conn, `${p}account_created`)).map((c) => `${c.name} ${c.type} ${c.nullable}`)).to.deep.equal([
      'event_id varchar(64) NO',
      'event_type text YES',
      'timestamp datetime(3) YES',
      'session_id text YES',
      'flow text YES',
      ...['user_id varchar(255)', 'email text', 'full_name text', 'country text', 'signup_channel text'].map((c) => `${c} YES`),
    ]);
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, p), readJsonl(file));

    // Without a system column it is not an event table: an error, nothing inserted, no column added.
    const q = prefix();
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` DATETIME(3), session_id TEXT)', [`${q}account_created`]);
    const err = await runSimulation(model(200), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: q })] }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RunError);
    expect((err as RunError).message).to.equal(`sink "${mysqlUrl()}" failed: table ${q}account_created has no column flow (expected VARCHAR(255))`);
    expect(await selectAll(conn, `${q}account_created`)).to.have.length(0);
    expect((await columnsOf(conn, `${q}account_created`)).map((c) => c.name)).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id']);
    expect(await tablesWithPrefix(conn, q)).to.deep.equal([`${q}account_created`]);

    // A column of the wrong type (system or payload) stays an error; the missing ones are not added either.
    await conn.query('DROP TABLE ??', [`${q}account_created`]);
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` TEXT, session_id TEXT, flow TEXT)', [
      `${q}account_created`,
    ]);
    const typeErr = await runSimulation(model(200), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: q })] }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as Error,
    );
    expect(typeErr.message).to.contain(`table ${q}account_created column timestamp is TEXT, expected DATETIME(3)`);
    await conn.query('DROP TABLE ??', [`${q}account_created`]);
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` DATETIME(3), session_id TEXT, flow TEXT, email BIGINT)', [
      `${q}account_created`,
    ]);
    const payloadErr = await runSimulation(model(200), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: q })] }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as Error,
    );
    expect(payloadErr.message).to.contain(`table ${q}account_created column email is BIGINT, expected TEXT`);
    expect((await columnsOf(conn, `${q}account_created`)).map((c) => c.name)).to.deep.equal([
      'event_id',
      'event_type',
      'timestamp',
      'session_id',
      'flow',
      'email',
    ]);
    expect(await selectAll(conn, `${q}account_created`)).to.have.length(0);
  });

  it('survives KILL CONNECTION mid-run: nothing lost, nothing duplicated', async () => {
    const p = prefix();
    const file = path.join(dir, 'killed.jsonl');
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 250 });
    // Kill the sink's connection (whatever it is doing) three times during the run.
    const { killed, onProgress } = killConnectionsAt(sink, [2_000, 5_000, 8_000]);
    const summary = await runSimulation(model(10_000, 22), { outputs: [toFile(file), sink], onProgress });
    expect(killed.length, 'connections were killed three times').to.equal(3);
    expect(killed.every((n) => n >= 1)).to.equal(true);
    expect(summary.outputs[1].accepted).to.equal(10_000);
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, p), readJsonl(file));
  });

  it('writes batches on several connections at once and commits them in order: a reader only ever sees each table as a prefix of its events', async () => {
    const p = prefix();
    const file = path.join(dir, 'pool.jsonl');
    // Each table's event ids in event order, as the events reach the MySQL output.
    const order = new Map<string, string[]>();
    const recorder = toSink(
      () => ({
        name: 'order',
        open: async () => undefined,
        close: async () => undefined,
        write: async (batch) => {
          for (const e of batch) {
            const table = p + snakeCase(e.event_type);
            let ids = order.get(table);
            if (ids === undefined) order.set(table, (ids = []));
            ids.push(e.event_id);
          }
        },
      }),
      { name: 'order', maxBatch: 1 }, // recorded before the MySQL output sees them
    );
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, connections: 4, maxBatch: 150 });
    const reader = await mysqlConnection();
    let running = true;
    let polls = 0;
    let partial = 0; // polls that saw a table part-written
    const poll = (async () => {
      while (running) {
        for (const [table, ids] of [...order]) {
          const rows = await reader.query<RowDataPacket[]>('SELECT event_id FROM ??', [table]).then(
            ([r]) => r,
            () => undefined, // not created yet
          );
          if (rows === undefined) continue;
          const seen = new Set(rows.map((r) => String(r.event_id)));
          const missing = ids.slice(0, seen.size).find((id) => !seen.has(id));
          if (missing !== undefined) expect.fail(`${table}: ${seen.size} rows visible, but not ${missing}, an earlier event's`);
          if (seen.size > 0 && seen.size < ids.length) partial++;
        }
        polls++;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    let summary;
    try {
      summary = await runSimulation(model(30_000, 28), { outputs: [toFile(file), recorder, sink] });
    } finally {
      running = false;
      await poll;
      await reader.end();
    }
    expect(summary.outputs[2].accepted).to.equal(30_000);
    expect(sink.stats.batches, 'batches').to.be.at.least(200);
    expect(polls, 'polls during the run').to.be.at.least(5);
    expect(partial, 'polls that saw tables part-written').to.be.at.least(1);
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, p), readJsonl(file));
  });

  it('survives KILL CONNECTION of every connection of its pool, with entity tables: events once each, entity tables equal to the store', async () => {
    const p = prefix();
    const file = path.join(dir, 'killed-pool.jsonl');
    const m = model(12_000, 29);
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 300, connections: 3, entityTables: { current: true, history: true } });
    const { killed, onProgress } = killConnectionsAt(sink, [2_000, 6_000, 9_000]);
    const summary = await runSimulation(m, { outputs: [toFile(file), sink], onProgress });
    expect(killed.length, 'connections were killed three times').to.equal(3);
    expect(
      killed.every((n) => n >= 3),
      `the pool's connections were among them (${killed.join(', ')})`,
    ).to.equal(true);
    expect(summary.outputs[1].accepted).to.equal(12_000);
    const eventTables = (await tablesWithPrefix(conn, p)).filter((t) => !t.includes('_state'));
    await expectRowsEqualJsonl(conn, eventTables, readJsonl(file));
    await expectEntityTables(conn, p, m);
  });

  it('splits the rows of one table into several INSERTs when they would exceed maxStatementBytes; one event larger than that fails, naming it', async () => {
    const p = prefix();
    const file = path.join(dir, 'split.jsonl');
    await runSimulation(model(2_000, 30), { outputs: [toFile(file), toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxStatementBytes: 4_096 })] });
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, p), readJsonl(file));

    const q = prefix();
    const s = shape('Note', { text: 'string' });
    const events = [withSchema(s, 1, { text: 'short' }), withSchema(s, 2, { text: 'x'.repeat(5_000) })];
    const err = await lastValueFrom(from(events).pipe(toMySQL({ connection: mysqlUrl(), tablePrefix: q, maxStatementBytes: 4_096 }))).then(
      () => expect.fail('should fail'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.match(
      new RegExp(`^sink "${mysqlUrl()}" failed: table ${q}note: the "Note" event e2 is \\d+ bytes of SQL, more than one statement may take \\(4096\\)$`),
    );
    expect(await selectAll(conn, `${q}note`)).to.have.length(0);
  });

  it('refuses a pool of no connections', () => {
    expect(() => toMySQL({ connection: mysqlUrl(), connections: 0 })).to.throw(RangeError, 'toMySQL: connections must be a positive integer, got 0');
  });

  it('keeps entity state tables: the final state of every entity, and every version with valid_from / valid_to', async () => {
    const p = prefix();
    const m = model(3_000, 23);
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 300, entityTables: { current: true, history: true } });
    await runSimulation(m, { outputs: [sink] });
    await expectEntityTables(conn, p, m);
  });

  it('refuses entityTables without the entity store (an operator piped by hand without onStore)', async () => {
    const { lastValueFrom } = await import('rxjs');
    const err = await lastValueFrom(simulate(model(10)).pipe(toMySQL({ connection: mysqlUrl(), entityTables: { current: true } }))).then(
      () => expect.fail('should fail'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.contain("entityTables needs the run's entity store");
  });

  describe('fields the delivery stages add, rename or nest (the event keeps its schema)', () => {
    it('delivery into toMySQL: ingest_time, schema_version, checksum on every row, v2 fields and renamed fields get columns, rows equal the JSONL', async () => {
      const p = prefix();
      const file = path.join(dir, 'delivered.jsonl');
      const m = model(3_000, 24);
      const seed = 24;
      const stages = delivery({
        seed,
        checksum: true,
        ingest: { lateRate: 0.2 },
        versions: [
          { version: 2, rate: 0.5, eventTypes: ['OrderCompleted'], transform: (e) => ({ ...e, promo_code: 'X' }) },
          // A rename: v2 ProductViewed says `traffic_source` where v1 says `referrer`.
          { version: 2, rate: 0.5, eventTypes: ['ProductViewed'], transform: ({ referrer, ...rest }) => ({ ...rest, traffic_source: referrer }) as SimEvent },
        ],
      });
      const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 400 });
      const summary = await runStream(({ stats, backpressure, onStore }) => simulate(m, { seed, stats, backpressure, onStore }), {
        outputs: [toFile(file), sink],
        transform: stages,
      });
      const jsonl = readJsonl(file);
      expect(jsonl.length).to.equal(summary.events);
      expect(summary.outputs[1].accepted).to.equal(summary.events);
      expect(sink.stats.batches, 'several batches').to.be.above(5);
      const tables = await tablesWithPrefix(conn, p);
      await expectRowsHoldJsonl(conn, tables, jsonl);

      for (const t of tables) {
        const cols = new Map((await columnsOf(conn, t)).map((c) => [c.name, c.type]));
        expect([cols.get('ingest_time'), cols.get('schema_version'), cols.get('checksum')], t).to.deep.equal(['datetime(3)', 'double', 'text']);
        const [[nulls]] = await conn.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM ?? WHERE ingest_time IS NULL OR schema_version IS NULL OR checksum IS NULL OR ingest_time < `timestamp`',
          [t],
        );
        expect(Number(nulls.n), `${t}: rows without ingest_time, schema_version or checksum`).to.equal(0);
      }
      const late = jsonl.filter((e) => String(e.ingest_time).slice(0, 10) > String(e.timestamp).slice(0, 10)).length;
      expect(late / jsonl.length).to.be.within(0.15, 0.25);

      const [orders] = await conn.query<RowDataPacket[]>('SELECT schema_version AS v, promo_code AS promo, COUNT(*) AS n FROM ?? GROUP BY 1, 2 ORDER BY 1', [
        `${p}order_completed`,
      ]);
      expect(orders.map((r) => [r.v, r.promo])).to.deep.equal([
        [1, null],
        [2, 'X'],
      ]);
      const ordersInJsonl = jsonl.filter((e) => e.event_type === 'OrderCompleted');
      expect(orders.map((r) => Number(r.n))).to.deep.equal([1, 2].map((v) => ordersInJsonl.filter((e) => e.schema_version === v).length));

      const [views] = await conn.query<RowDataPacket[]>(
        'SELECT schema_version AS v, referrer IS NULL AS no_referrer, traffic_source IS NULL AS no_source, COUNT(*) AS n FROM ?? GROUP BY 1, 2, 3 ORDER BY 1',
        [`${p}product_viewed`],
      );
      expect(views.map((r) => [r.v, r.no_referrer, r.no_source])).to.deep.equal([
        [1, 0, 1],
        [2, 1, 0],
      ]);
    });

    it('a field first seen in a later batch gets its column (ALTER TABLE before the transaction); earlier rows read NULL, nothing is lost', async () => {
      const p = prefix();
      const signup = shape('Signup', { plan: 'string', seats: 'int' });
      const first = [1, 2, 3].map((i) => withSchema(signup, i, { plan: 'free', seats: i, note: null }));
      const second = [4, 5, 6].map((i) =>
        withSchema(signup, i, {
          plan: 'pro',
          seats: i,
          ingest_time: new Date(Date.UTC(2025, 0, 2) + i).toISOString(),
          promo_code: i === 4 ? null : `P${i}`, // null first: typed by the next value
          trial: i % 2 === 0,
          score: i / 4,
          tags: ['a', String(i)],
          note: 'later',
          [`nested`]: { items: [{ sku: `S${i}`, qty: i }] },
        }),
      );
      // A v2 whose `seats` was renamed: the schema still lists `seats`; the rows must not lose `licences`.
      const renamed = [7, 8].map((i) => withSchema(signup, i, { plan: 'team', licences: i * 10 }));
      const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 3 });
      const events = [...first, ...second, ...renamed];
      const out = await lastValueFrom(from(events).pipe(sink, toArray()));
      expect(out).to.have.length(8);
      expect(sink.stats.batches).to.equal(3);

      const table = `${p}signup`;
      expect((await columnsOf(conn, table)).map((c) => `${c.name} ${c.type} ${c.nullable}`)).to.deep.equal([
        'event_id varchar(255) NO',
        'event_type varchar(255) NO',
        'timestamp datetime(3) NO',
        'session_id varchar(255) NO',
        'flow varchar(255) NO',
        'plan text YES',
        'seats bigint(20) YES',
        // batch 2, in the event's order (`note` was only null in batch 1: no column until it had a value)
        'ingest_time datetime(3) YES',
        'promo_code text YES',
        'trial tinyint(1) YES',
        'score double YES',
        'tags longtext YES',
        'note text YES',
        'nested longtext YES',
        // batch 3
        'licences double YES',
      ]);
      await expectRowsHoldJsonl(
        conn,
        [table],
        events.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>),
      );
      const [[nested]] = await conn.query<RowDataPacket[]>("SELECT JSON_VALUE(nested, '$.items[0].sku') AS sku FROM ?? WHERE event_id = 'e5'", [table]);
      expect(nested.sku).to.equal('S5');
    });

    it('an envelope nesting the payload: `payload` is a JSON column, rows equal the JSONL', async () => {
      const p = prefix();
      const file = path.join(dir, 'envelope.jsonl');
      const system = new Set(['event_id', 'event_type', 'timestamp', 'session_id', 'flow']);
      const envelope = (e: SimEvent): SimEvent => {
        const src = e as Record<string, unknown>;
        const payload = Object.fromEntries(Object.entries(src).filter(([k]) => !system.has(k)));
        return {
          event_id: e.event_id,
          event_type: e.event_type,
          timestamp: e.timestamp,
          session_id: e.session_id,
          flow: e.flow,
          source: 'web',
          payload,
        } as SimEvent;
      };
      const summary = await runSimulation(model(1_500, 25), {
        outputs: [toFile(file), toMySQL({ connection: mysqlUrl(), tablePrefix: p })],
        delivery: { envelope, checksum: true, ingest: { lateRate: 0.1 } },
      });
      const jsonl = readJsonl(file);
      expect(jsonl.length).to.equal(summary.events);
      const tables = await tablesWithPrefix(conn, p);
      // No field is absent from any row here, so the whole-row comparison applies too.
      await expectRowsEqualJsonl(conn, tables, jsonl);
      await expectRowsHoldJsonl(conn, tables, jsonl);
      const orders = `${p}order_completed`;
      expect((await columnsOf(conn, orders)).map((c) => `${c.name} ${c.type}`).slice(5)).to.deep.equal([
        'ingest_time datetime(3)',
        'source text',
        'payload longtext',
        'checksum text',
      ]);
      const [rows] = await conn.query<RowDataPacket[]>("SELECT event_id, JSON_VALUE(payload, '$.order_id') AS order_id, JSON_TYPE(payload) AS t FROM ??", [
        orders,
      ]);
      const byId = new Map(jsonl.map((e) => [e.event_id, e]));
      expect(rows.length).to.be.above(0);
      for (const r of rows) {
        expect(r.t).to.equal('OBJECT');
        expect(r.order_id).to.equal((byId.get(r.event_id)!.payload as Record<string, unknown>).order_id);
      }
    });

    it('an event without a value for a NOT NULL column (a dropped system field, or a renamed field of an existing table) fails naming table, column and event, before inserting', async () => {
      const p = prefix();
      // An envelope that drops `flow`.
      const dropFlow = (e: SimEvent): SimEvent => {
        const { flow: _flow, ...rest } = e as Record<string, unknown>;
        return rest as SimEvent;
      };
      const err = await runSimulation(model(200, 26), {
        outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: p })],
        delivery: { envelope: dropFlow },
      }).then(
        () => expect.fail('the run should fail'),
        (e: unknown) => e as RunError,
      );
      expect(err.message.startsWith(`sink "${mysqlUrl()}" failed: table ${p}`), err.message).to.equal(true);
      expect(err.message).to.match(/ column flow is NOT NULL, but the "\w+" event [0-9a-f-]+ has no flow$/);
      for (const t of await tablesWithPrefix(conn, p)) expect(await selectAll(conn, t), t).to.have.length(0);

      // A user's table whose user_id is NOT NULL, and a version that renames user_id.
      const q = prefix();
      await conn.query(
        'CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT NOT NULL, `timestamp` DATETIME(3) NOT NULL, session_id TEXT NOT NULL, flow TEXT NOT NULL, user_id VARCHAR(64) NOT NULL)',
        [`${q}user_logged_out`],
      );
      const renameErr = await runSimulation(model(400, 27), {
        outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: q })],
        delivery: {
          versions: [
            { version: 2, rate: 1, eventTypes: ['UserLoggedOut'], transform: ({ user_id, ...rest }) => ({ ...rest, account_id: user_id }) as SimEvent },
          ],
        },
      }).then(
        () => expect.fail('the run should fail'),
        (e: unknown) => e as RunError,
      );
      expect(renameErr.message).to.match(
        new RegExp(`table ${q}user_logged_out column user_id is NOT NULL, but the "UserLoggedOut" event [0-9a-f-]+ has no user_id$`),
      );
      expect(await selectAll(conn, `${q}user_logged_out`)).to.have.length(0);
    });

    it('two fields that differ only in case fail: MySQL would store them in one column', async () => {
      const p = prefix();
      const s = shape('Mixed', { plan: 'string' });
      const err = await lastValueFrom(from([withSchema(s, 1, { plan: 'a', Plan: 'b' })]).pipe(toMySQL({ connection: mysqlUrl(), tablePrefix: p }))).then(
        () => expect.fail('should fail'),
        (e: unknown) => e as Error,
      );
      expect(err.message).to.equal(
        `sink "${mysqlUrl()}" failed: table ${p}mixed: fields plan and Plan of "Mixed" events would be one column (MySQL column names ignore case)`,
      );
      expect(await tablesWithPrefix(conn, p)).to.deep.equal([]);
    });
  });

  it('a delivered duplicate (the same event_id again): onDuplicate "fail" ends the run saying what it means; "skip" writes each event once', async () => {
    const duplicated = { duplicates: { rate: 0.05 } } as const;
    const p = prefix();
    const err = await runSimulation(model(2_000, 31), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: p })], delivery: duplicated }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as RunError,
    );
    const sink = mysqlUrl().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(err.message).to.match(
      new RegExp(
        `^sink "${sink}" failed: Duplicate entry '[0-9a-f-]+'( for key '[^']*PRIMARY')?: an event with this event_id was written already, delivered twice \\(delivery duplicates\\)`,
      ),
    );

    const q = prefix();
    const file = path.join(dir, 'duplicated.jsonl');
    await runSimulation(model(2_000, 31), {
      outputs: [toFile(file), toMySQL({ connection: mysqlUrl(), tablePrefix: q, onDuplicate: 'skip', maxBatch: 300 })],
      delivery: duplicated,
    });
    const jsonl = readJsonl(file);
    const seen = new Set<unknown>();
    const firsts = jsonl.filter((e) => !seen.has(e.event_id) && seen.add(e.event_id) !== undefined);
    expect(firsts.length, 'the run delivered duplicates').to.be.below(jsonl.length);
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, q), firsts);
    expect(() => toMySQL({ connection: mysqlUrl(), onDuplicate: 'ignore' as 'skip' })).to.throw(
      RangeError,
      'toMySQL: onDuplicate must be "fail" or "skip", got "ignore"',
    );
  });

  it('fails within the connect timeout, naming the sink, when the server does not answer', async () => {
    const t0 = Date.now();
    const err = await runSimulation(model(100), {
      outputs: [toMySQL({ connection: 'mysql://root:secret@127.0.0.1:1/test', connectTimeoutMs: 2_000 })],
    }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as RunError,
    );
    expect(err.message).to.match(
      /^sink "mysql:\/\/root@127\.0\.0\.1:1\/test" failed: could not connect to mysql:\/\/root@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    );
    expect(err.message).to.not.contain('secret');
    expect(err.summary.outputs[0].accepted).to.equal(0);
    expect(Date.now() - t0).to.be.below(15_000);
  });
});
