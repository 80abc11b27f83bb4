import { expect } from 'chai';
import { entity } from '../../lib/entities/entity';
import type { EntityChange } from '../../lib/entities/entityChange';
import { field } from '../../lib/schema/field';
import { EntityTables } from '../../lib/sinks/mysqlEntityTables';

const Account = entity('BankAccount', {
  primaryKey: 'account_id',
  state: { balance: field.float({ default: 0 }), status: field.string({ default: 'open' }), tags: field.json({ default: null }) },
});

const T0 = Date.parse('2025-01-01T00:00:00Z');
const sql = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
const change = (key: string, at: number, balance: number, heldBy: string | null = null): EntityChange => ({
  type: Account,
  key,
  state: { balance, status: 'open', tags: ['vip'] },
  heldBy,
  at: T0 + at,
});

describe('EntityTables (MySQL state tables, planning)', () => {
  it('names tables after the entity and lays out key, state, held_by, validity', () => {
    const t = new EntityTables({ prefix: 'shop_', current: true, history: true });
    const l = t.layout(Account);
    expect([l.current, l.history, l.keyColumn]).to.deep.equal(['shop_bank_account_state', 'shop_bank_account_state_history', 'account_id']);
    expect(l.stateColumns.map((c) => [c.name, c.type])).to.deep.equal([
      ['balance', 'float'],
      ['status', 'string'],
      ['tags', 'json'],
    ]);
  });

  it('upserts the latest state per entity into the current table', () => {
    const t = new EntityTables({ prefix: '', current: true, history: false });
    const p = t.plan([change('a1', 0, 10), change('a2', 5, 20, 's-1'), change('a1', 9, 15)]);
    expect(p.statements).to.have.length(1);
    const [table, columns, rows, ...updates] = p.statements[0].values as [string, string[], unknown[][], ...string[]];
    expect(p.statements[0].sql).to.equal(
      'INSERT INTO ?? (??) VALUES ? ON DUPLICATE KEY UPDATE ?? = VALUES(??), ?? = VALUES(??), ?? = VALUES(??), ?? = VALUES(??), ?? = VALUES(??)',
    );
    expect(table).to.equal('bank_account_state');
    expect(columns).to.deep.equal(['account_id', 'balance', 'status', 'tags', 'held_by', 'valid_from']);
    expect(rows).to.deep.equal([
      ['a1', 15, 'open', '["vip"]', null, sql(T0 + 9)],
      ['a2', 20, 'open', '["vip"]', 's-1', sql(T0 + 5)],
    ]);
    expect(updates).to.deep.equal(['balance', 'balance', 'status', 'status', 'tags', 'tags', 'held_by', 'held_by', 'valid_from', 'valid_from']);
  });

  it('writes one history row per version and closes the previous one when the next begins, across batches', () => {
    const t = new EntityTables({ prefix: '', current: false, history: true });
    const first = t.plan([change('a1', 0, 10), change('a1', 1_000, 15, 's-9')]);
    const rows1 = first.statements[0].values[2];
    expect(rows1).to.deep.equal([
      ['a1', 1, 10, 'open', '["vip"]', null, sql(T0), sql(T0 + 1_000)],
      ['a1', 2, 15, 'open', '["vip"]', 's-9', sql(T0 + 1_000), null],
    ]);
    expect(first.statements[0].sql).to.match(/ON DUPLICATE KEY UPDATE \?\? = VALUES\(\?\?\)$/);

    // Not committed (the transaction failed): planning again gives the same rows.
    expect(t.plan([change('a1', 0, 10), change('a1', 1_000, 15, 's-9')]).statements[0].values[2]).to.deep.equal(rows1);

    first.commit();
    const second = t.plan([change('a1', 2_000, 15)]);
    expect(second.statements[0].values[2]).to.deep.equal([
      ['a1', 2, 15, 'open', '["vip"]', 's-9', sql(T0 + 1_000), sql(T0 + 2_000)],
      ['a1', 3, 15, 'open', '["vip"]', null, sql(T0 + 2_000), null],
    ]);
  });

  it('a retired entity leaves the current table, its last history row is closed, and the writer forgets it', () => {
    const t = new EntityTables({ prefix: '', current: true, history: true });
    const retired = (key: string, at: number): EntityChange => ({ ...change(key, at, 15), heldBy: null, retired: true });
    const first = t.plan([change('a1', 0, 10), change('a2', 0, 20), change('a1', 1_000, 15, 's-1'), retired('a1', 2_000)]);
    const [current, deleted, history] = first.statements;
    expect(current.values[2], 'only the live one is upserted').to.deep.equal([['a2', 20, 'open', '["vip"]', null, sql(T0)]]);
    expect(deleted).to.deep.equal({ sql: 'DELETE FROM ?? WHERE ?? IN (?)', values: ['bank_account_state', 'account_id', ['a1']] });
    expect(history.values[2]).to.deep.equal([
      ['a1', 1, 10, 'open', '["vip"]', null, sql(T0), sql(T0 + 1_000)],
      ['a2', 1, 20, 'open', '["vip"]', null, sql(T0), null],
      ['a1', 2, 15, 'open', '["vip"]', 's-1', sql(T0 + 1_000), sql(T0 + 2_000)],
    ]);
    first.commit();
    // Retired in a later batch: the version written before is closed.
    const second = t.plan([retired('a2', 3_000)]);
    expect(second.statements.map((x) => x.sql.split(' ')[0])).to.deep.equal(['DELETE', 'INSERT']);
    expect(second.statements[1].values[2]).to.deep.equal([['a2', 1, 20, 'open', '["vip"]', null, sql(T0), sql(T0 + 3_000)]]);
    second.commit();
    expect((t as unknown as { last: Map<unknown, Map<string, unknown>> }).last.get(Account)!.size, 'nothing kept of retired entities').to.equal(0);
  });

  it('plans nothing for no changes', () => {
    expect(new EntityTables({ prefix: '', current: true, history: true }).plan([]).statements).to.deep.equal([]);
  });
});
