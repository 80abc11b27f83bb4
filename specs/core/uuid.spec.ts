import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { formatUuid, parseUuid } from '../../lib/core/uuid';

describe('core/uuid', () => {
  it('reads every canonical UUID into words that format back to it exactly', () => {
    const rng = new Rng(9);
    const w = new Int32Array(6);
    for (let i = 0; i < 20_000; i++) {
      // random words, sign bits included, and random v4 UUIDs
      const s = i % 2 === 0 ? formatUuid(rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()) : rng.uuid();
      expect(s).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(parseUuid(s, w, 2), s).to.equal(true);
      expect(formatUuid(w[2], w[3], w[4], w[5])).to.equal(s);
    }
  });

  it('formats words most significant first', () => {
    expect(formatUuid(0x0123_4567, 0x89ab_cdef | 0, 0x0011_2233, 0xfedc_ba98 | 0)).to.equal('01234567-89ab-cdef-0011-2233fedcba98');
    const w = new Int32Array(4);
    expect(parseUuid('01234567-89ab-cdef-0011-2233fedcba98', w, 0)).to.equal(true);
    expect([...w]).to.deep.equal([0x0123_4567, 0x89ab_cdef | 0, 0x0011_2233, 0xfedc_ba98 | 0]);
  });

  it('refuses what would not read back as written, and the UUID whose words are all -1', () => {
    const u = '1a1bbb24-5a16-4538-b880-665914262827';
    const w = new Int32Array(4);
    expect(parseUuid('00000000-0000-0000-0000-000000000000', w, 0), 'nil UUID').to.equal(true);
    for (const bad of [
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      u.toUpperCase(),
      u.replace('a', 'A'),
      u.replace(/-/g, ''),
      `${u}0`,
      u.slice(1),
      `{${u.slice(1, 35)}}`,
      `${u.slice(0, 8)}x${u.slice(9)}`,
      `${u.slice(0, 13)}-${u.slice(14)}`.replace(/-(?=[^-]*$)/, '0'),
      u.replace('b', 'g'),
      u.replace('1', ' '),
      '',
    ]) {
      expect(parseUuid(bad, w, 0), bad).to.equal(false);
    }
  });
});
