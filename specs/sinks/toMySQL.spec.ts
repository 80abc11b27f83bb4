/**
 * toMySQL against the real MariaDB / MySQL server (MYSQL_URL, default the machine's MariaDB):
 * what is inserted is selected back and compared with the JSONL output of the same run.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import type { SimulationModel } from '../../lib/engine/model';
import { RunError, runSimulation } from '../../lib/runtime/runSimulation';
import { toFile } from '../../lib/sinks/toFile';
import { snakeCase, toMySQL } from '../../lib/sinks/toMySQL';
import ecommerce, { Product, User } from '../../scenarios/ecommerce';
import { runToEnd } from '../helpers/runToEnd';
import { expectRowsEqualJsonl, readJsonl } from '../helpers/tables';
import { dropTables, mysqlConnection, mysqlUrl, selectAll, tablesWithPrefix, uniqueName } from '../helpers/services';

const model = (totalEvents: number, seed = 21): SimulationModel => ({
  ...ecommerce,
  settings: { ...ecommerce.settings, totalEvents, duration: '3650d', startTime: '2025-01-01T00:00:00Z', seed },
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
    conn = await mysqlConnection();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-mysql-'));
  });
  after(async () => {
    for (const p of prefixes) await dropTables(conn, p);
    await conn.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

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
    expect(tables).to.deep.equal(Object.keys(summary.eventsByType).map((t) => (t === 'OrderCompleted' ? `${p}orders` : p + snakeCase(t))).sort());
    await expectRowsEqualJsonl(conn, tables, readJsonl(file));

    const [cols] = await conn.query<import('mysql2/promise').RowDataPacket[]>(
      'SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [`${p}orders`],
    );
    const types = Object.fromEntries(cols.map((c) => [c.c, String(c.t)]));
    expect(types).to.include({ event_id: 'varchar(255)', timestamp: 'datetime(3)', quantity: 'bigint(20)', total_amount: 'double' });
    expect(cols[0]).to.include({ c: 'event_id', k: 'PRI' });
  });

  it('refuses a table whose columns do not match, naming table and column, before inserting anything', async () => {
    const p = prefix();
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` DATETIME(3), session_id TEXT, flow TEXT)', [
      `${p}account_created`,
    ]);
    const err = await runSimulation(model(200), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: p })] }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RunError);
    expect((err as RunError).message).to.equal(
      `sink "${mysqlUrl()}" failed: table ${p}account_created has no column user_id (expected VARCHAR(255))`,
    );
    expect(await selectAll(conn, `${p}account_created`)).to.have.length(0);
    expect(await tablesWithPrefix(conn, p)).to.deep.equal([`${p}account_created`]);

    await conn.query('DROP TABLE ??', [`${p}account_created`]);
    await conn.query('CREATE TABLE ?? (event_id VARCHAR(64) PRIMARY KEY, event_type TEXT, `timestamp` TEXT, session_id TEXT, flow TEXT)', [
      `${p}account_created`,
    ]);
    const typeErr = await runSimulation(model(200), { outputs: [toMySQL({ connection: mysqlUrl(), tablePrefix: p })] }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as Error,
    );
    expect(typeErr.message).to.contain(`table ${p}account_created column timestamp is TEXT, expected DATETIME(3)`);
  });

  it('survives KILL CONNECTION mid-run: nothing lost, nothing duplicated', async () => {
    const p = prefix();
    const file = path.join(dir, 'killed.jsonl');
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 250 });
    const killed: number[] = [];
    let killing = false;
    const summary = await runSimulation(model(10_000, 22), {
      outputs: [toFile(file), sink],
      onProgress: () => {
        // Kill the sink's connection (whatever it is doing) three times during the run.
        const due = [2_000, 5_000, 8_000][killed.length];
        if (!killing && due !== undefined && sink.stats.accepted >= due) {
          killing = true;
          void (async () => {
            const [rows] = await conn.query<import('mysql2/promise').RowDataPacket[]>(
              "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND DB = DATABASE() AND USER = 'root'",
            );
            for (const r of rows) await conn.query(`KILL CONNECTION ${Number(r.id)}`).catch(() => undefined);
            killed.push(rows.length);
            killing = false;
          })();
        }
      },
    });
    expect(killed.length, 'connections were killed three times').to.equal(3);
    expect(killed.every((n) => n >= 1)).to.equal(true);
    expect(summary.outputs[1].accepted).to.equal(10_000);
    await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, p), readJsonl(file));
  });

  it('keeps entity state tables: the final state of every entity, and every version with valid_from / valid_to', async () => {
    const p = prefix();
    const m = model(3_000, 23);
    const sink = toMySQL({ connection: mysqlUrl(), tablePrefix: p, maxBatch: 300, entityTables: { current: true, history: true } });
    await runSimulation(m, { outputs: [sink] });
    // The same model and seed on the engine alone: the entity store to compare with.
    const { store } = runToEnd(m);
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
      const history = await selectAll(conn, `${base}_history`);
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
  });

  it('refuses entityTables without the entity store (an operator piped by hand without onStore)', async () => {
    const { simulate } = await import('../../lib/runtime/runSimulation');
    const { lastValueFrom } = await import('rxjs');
    const err = await lastValueFrom(
      simulate(model(10)).pipe(toMySQL({ connection: mysqlUrl(), entityTables: { current: true } })),
    ).then(
      () => expect.fail('should fail'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.contain("entityTables needs the run's entity store");
  });

  it('fails within the connect timeout, naming the sink, when the server does not answer', async () => {
    const t0 = Date.now();
    const err = await runSimulation(model(100), {
      outputs: [toMySQL({ connection: 'mysql://root:secret@127.0.0.1:1/test', connectTimeoutMs: 2_000 })],
    }).then(
      () => expect.fail('the run should fail'),
      (e: unknown) => e as RunError,
    );
    expect(err.message).to.match(/^sink "mysql:\/\/root@127\.0\.0\.1:1\/test" failed: could not connect to mysql:\/\/root@127\.0\.0\.1:1\/test: .*ECONNREFUSED/);
    expect(err.message).to.not.contain('secret');
    expect(err.summary.outputs[0].accepted).to.equal(0);
    expect(Date.now() - t0).to.be.below(15_000);
  });
});
