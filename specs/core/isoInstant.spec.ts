import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { isoDay, isoInstant } from '../../lib/core/isoInstant';

describe('core/isoInstant', () => {
  it('equals Date#toISOString over the whole range, at the edges, and for fractions', () => {
    const rng = new Rng(1);
    const samples = [
      0, -1, 1.5, -0.5, 951_782_400_000, 951_868_800_000, 253_402_300_799_999, 253_402_300_800_000, -30_610_224_000_000, -30_610_224_000_001,
      -62_198_755_200_000,
    ];
    for (let i = 0; i < 50_000; i++) samples.push(Math.floor((rng.next53() * 2 - 1) * 253_402_300_799_999));
    // Consecutive milliseconds across day, month and year boundaries (the day part is cached).
    for (let t = Date.UTC(1999, 11, 31, 23, 59, 59, 990); t < Date.UTC(2000, 0, 1, 0, 0, 0, 10); t++) samples.push(t);
    for (let t = Date.UTC(2024, 1, 28, 23, 59, 59, 995); t < Date.UTC(2024, 1, 29, 0, 0, 0, 5); t++) samples.push(t);
    for (const ms of samples) {
      const expected = new Date(ms).toISOString();
      expect(isoInstant(ms), String(ms)).to.equal(expected);
      expect(isoDay(ms), String(ms)).to.equal(expected.slice(0, 10));
    }
  });

  it('throws a RangeError for NaN', () => {
    expect(() => isoInstant(NaN)).to.throw(RangeError);
  });
});
