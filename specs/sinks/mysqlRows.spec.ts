/**
 * The MySQL output's INSERT text: a compiled row is exactly what mysql2 would have sent for the
 * same values (`toSqlValue`, then mysql2's escaping), and statements split by UTF-8 size.
 */
import { expect } from 'chai';
import { escape } from 'mysql2/promise';
import type { SimEvent } from '../../lib/core/simEvent';
import { insertStatements, packStatements, tableInsert } from '../../lib/sinks/mysqlRows';
import { type Column, toSqlValue } from '../../lib/sinks/mysqlTables';

/** mysql2's text for one row of `VALUES ?`, values converted as the writer did before it compiled rows. */
const mysql2Row = (columns: ReadonlyArray<Column>, e: Record<string, unknown>): string =>
  `(${columns.map((c) => (escape as (v: unknown, s: boolean, tz: string) => string)(toSqlValue(e[c.name], c.type), false, 'Z')).join(',')})`;

const ev = (fields: Record<string, unknown>): SimEvent => ({ event_id: 'e1', event_type: 'T', ...fields }) as unknown as SimEvent;

describe('mysqlRows (INSERT text)', () => {
  const columns: Column[] = [
    { name: 'event_id', type: 'key', nullable: false },
    { name: 's', type: 'string', nullable: true },
    { name: 'n', type: 'int', nullable: true },
    { name: 'x', type: 'float', nullable: true },
    { name: 'b', type: 'boolean', nullable: true },
    { name: 'at', type: 'datetime', nullable: true },
    { name: 'j', type: 'json', nullable: true },
    { name: 'odd name`', type: 'string', nullable: true },
  ];
  const insert = tableInsert('shop_t', columns);

  it('quotes the table and columns in the head', () => {
    expect(insert.head).to.equal('INSERT INTO `shop_t` (`event_id`, `s`, `n`, `x`, `b`, `at`, `j`, `odd name```) VALUES ');
  });

  it('writes every value as mysql2 would have, awkward ones included', () => {
    const strings = ['plain', '', "it's", 'back\\slash', 'quote"d', 'tab\tnew\nline\r', 'nul\0 ctrl-z\x1a bs\b', 'é ✓ 𝄞', '\ud800 lone', '?', '`'];
    const numbers = [0, -1, 1.5, 1e21, 2 ** 53 + 2, -0, Number.NaN, Number.POSITIVE_INFINITY];
    const instants = [
      '2025-01-01T10:00:00.123Z',
      '2024-02-29T23:59:59.999Z',
      '2025-02-29T00:00:00.000Z', // rolled over by Date: the slow path
      '2025-01-01T24:00:00.000Z',
      '2025-01-01T10:00:00Z',
      '2025-01-01T12:00:00.000+02:00',
      '0999-12-31T00:00:00.000Z',
      'not a date',
      '',
    ];
    const others: unknown[] = [null, undefined, true, false, { a: [1, 'x'] }, ['a', "b'"], new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), 12n];
    const rows: Array<Record<string, unknown>> = [];
    for (const v of [...strings, ...numbers, ...instants, ...others]) {
      rows.push({ event_id: 'e1', s: v, n: v, x: v, b: v, at: v, j: v, 'odd name`': v });
    }
    for (const r of rows) {
      // JSON cannot say what a bigint is: toSqlValue fails on it, so only text columns take one
      const e = typeof r.s === 'bigint' ? { ...r, j: null } : r;
      expect(insert.row(e as unknown as SimEvent), String(r.s)).to.equal(mysql2Row(columns, e));
    }
  });

  it('refuses an event without a value for a NOT NULL column, naming table, column and event', () => {
    expect(() => insert.row(ev({ event_id: undefined }))).to.throw('table shop_t column event_id is NOT NULL, but the "T" event undefined has no event_id');
    const strict = tableInsert('t', [
      { name: 'event_id', type: 'key', nullable: false },
      { name: 'timestamp', type: 'datetime', nullable: false },
    ]);
    expect(() => strict.row(ev({ timestamp: null }))).to.throw('table t column timestamp is NOT NULL, but the "T" event e1 has no timestamp');
  });

  it('splits the rows of one table into statements of at most maxBytes (UTF-8), in order', () => {
    const small = tableInsert('t', [
      { name: 'event_id', type: 'key', nullable: false },
      { name: 's', type: 'string', nullable: true },
    ]);
    const events = Array.from({ length: 50 }, (_, i) => ev({ event_id: `e${i}`, s: i % 3 === 0 ? 'ü'.repeat(i) : 'a'.repeat(i) }));
    const rows = events.map(small.row);
    expect(insertStatements(small, events, 1 << 20)).to.deep.equal([small.head + rows.join(',')]);
    for (const max of [200, 333, 1000]) {
      const statements = insertStatements(small, events, max);
      expect(statements.length, `max ${max}`).to.be.above(1);
      for (const s of statements) {
        expect(Buffer.byteLength(s), s).to.be.at.most(max);
        expect(s.startsWith(small.head)).to.equal(true);
      }
      // Every row once, in order, and each statement as full as the next row allows.
      expect(statements.map((s) => s.slice(small.head.length)).join(',')).to.equal(rows.join(','));
      let i = 0;
      for (const s of statements.slice(0, -1)) {
        i += s.slice(small.head.length).split('),(').length;
        expect(Buffer.byteLength(s) + 1 + Buffer.byteLength(rows[i]), `max ${max}: the next row would not have fitted`).to.be.above(max);
      }
    }
  });

  it('with skipDuplicates, every statement ends with a no-op ON DUPLICATE KEY UPDATE, counted in its size', () => {
    const columns: Column[] = [
      { name: 'event_id', type: 'key', nullable: false },
      { name: 's', type: 'string', nullable: true },
    ];
    const skipping = tableInsert('t', columns, true);
    expect(tableInsert('t', columns).tail).to.equal('');
    expect(skipping.tail).to.equal(' ON DUPLICATE KEY UPDATE `event_id` = `event_id`');
    const events = Array.from({ length: 30 }, (_, i) => ev({ event_id: `e${i}`, s: 'a'.repeat(i) }));
    const rows = events.map(skipping.row);
    expect(insertStatements(skipping, events, 1 << 20)).to.deep.equal([skipping.head + rows.join(',') + skipping.tail]);
    const statements = insertStatements(skipping, events, 300);
    expect(statements.length).to.be.above(1);
    for (const st of statements) {
      expect(Buffer.byteLength(st), st).to.be.at.most(300);
      expect(st.startsWith(skipping.head) && st.endsWith(skipping.tail), st).to.equal(true);
    }
    expect(statements.map((st) => st.slice(skipping.head.length, -skipping.tail.length)).join(',')).to.equal(rows.join(','));
  });

  it('fails, naming table and event, when one row alone is larger than a statement may be', () => {
    const small = tableInsert('t', [
      { name: 'event_id', type: 'key', nullable: false },
      { name: 's', type: 'string', nullable: true },
    ]);
    const events = [ev({ event_id: 'a', s: 'x' }), ev({ event_id: 'big', s: '€'.repeat(100) })];
    expect(() => insertStatements(small, events, 200)).to.throw('table t: the "T" event big is 310 bytes of SQL, more than one statement may take (200)');
  });

  it('packs statements into as few multi-statement queries as fit, in order', () => {
    const statements = ['START TRANSACTION', 'INSERT a', `INSERT ${'é'.repeat(40)}`, 'INSERT b', `INSERT ${'x'.repeat(60)}`];
    expect(packStatements(statements, 1 << 20)).to.deep.equal([statements.join(';')]);
    expect(packStatements([], 100)).to.deep.equal([]);
    for (const max of [90, 120, 170]) {
      const queries = packStatements(statements, max);
      expect(queries.length, `max ${max}`).to.be.above(1);
      expect(queries.join(';'), `max ${max}`).to.equal(statements.join(';'));
      for (const q of queries) expect(Buffer.byteLength(q), q).to.be.at.most(max);
      for (let i = 0; i + 1 < queries.length; i++) {
        const next = queries[i + 1].split(';')[0];
        expect(Buffer.byteLength(`${queries[i]};${next}`), `max ${max}: the next statement would not have fitted`).to.be.above(max);
      }
    }
  });
});
