/**
 * mysqlTables' date-time text: the sliced fast path for `toISOString()`-form instants gives
 * exactly what parsing with `Date` and formatting again gives, and leaves every other string to it.
 */
import { expect } from 'chai';
import { isoInstantText, toDatetime } from '../../lib/sinks/mysqlTables';

/** The writer's conversion before the fast path: parse, then format in UTC. */
const viaDate = (s: string): unknown => {
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? s : new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
};

describe('mysqlTables (date-times)', () => {
  it('slices instants in toISOString form, equal to parsing and formatting them', () => {
    // Spread over years 0000–9999, leap days and the last millisecond of days and years included.
    const instants: string[] = [];
    const start = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0); // Date.UTC reads years 0–99 as 1900–1999
    const end = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)).getTime();
    for (let i = 0; i <= 20_000; i++) instants.push(new Date(start + Math.floor(((end - start) * i) / 20_000)).toISOString());
    for (const y of [1900, 2000, 2023, 2024, 2100, 2400]) {
      for (const t of [Date.UTC(y, 1, 28, 23, 59, 59, 999), Date.UTC(y, 1, 29), Date.UTC(y, 11, 31, 23, 59, 59, 999)]) instants.push(new Date(t).toISOString());
    }
    expect(instants[0]).to.equal('0000-01-01T00:00:00.000Z');
    for (const s of instants) {
      if (s.length !== 24) continue; // years past 9999 are written +010000-…
      const fast = isoInstantText(s);
      if (fast === undefined) expect.fail(`${s}: no fast path`);
      if (fast !== viaDate(s)) expect(fast, s).to.equal(viaDate(s));
    }
  });

  it('leaves everything else to Date, so the text is the same either way', () => {
    const odd = [
      '2025-02-29T00:00:00.000Z', // Date rolls it over to March 1
      '2025-04-31T00:00:00.000Z',
      '2025-01-01T24:00:00.000Z',
      '2025-01-01T23:59:60.000Z',
      '2025-00-10T00:00:00.000Z',
      '2025-13-10T00:00:00.000Z',
      '2025-01-00T00:00:00.000Z',
      '2025-01-01T10:60:00.000Z',
      '2025-01-01T10:00:00.000+00:00',
      '2025-01-01T10:00:00.12Z',
      '2025-01-01 10:00:00.123Z',
      '2025-01-01T10:00:00.123z',
      '2O25-01-01T10:00:00.123Z',
      '2025-01-01T10:00:00,123Z',
      '+010000-01-01T00:00:00.000Z',
      '2025-01-01',
      'soon',
      '',
    ];
    for (const s of odd) {
      expect(isoInstantText(s), s).to.equal(undefined);
      expect(toDatetime(s), s).to.equal(viaDate(s));
    }
    expect(toDatetime('2025-01-01T10:00:00.123Z')).to.equal('2025-01-01 10:00:00.123');
    expect(toDatetime(5)).to.equal(5);
  });
});
