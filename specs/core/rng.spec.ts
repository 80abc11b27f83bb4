import { expect } from 'chai';
import { Rng, deriveSeed, seedFamily } from '../../lib/core/rng';

describe('core/rng', () => {
  it('seedFamily(seed, …labels)(n) is deriveSeed(seed, …labels, n)', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1, 2 ** 40 + 3, -7]) {
      const family = seedFamily(seed, 'session');
      const nested = seedFamily(seed, 'a', 3, 'b');
      for (const n of [0, 1, 2, 1000, 123_456_789, 2 ** 33]) {
        expect(family(n), `${seed} ${n}`).to.equal(deriveSeed(seed, 'session', n));
        expect(nested(n)).to.equal(deriveSeed(seed, 'a', 3, 'b', n));
      }
    }
  });

  it('streams are fixed by their seed: known draws never change (recorded before the engine was optimised)', () => {
    const r = Rng.derive(42, 'session', 7);
    expect([r.nextU32(), r.nextU32(), r.nextU32(), r.uuid()]).to.deep.equal([933157940, 3324875998, 149367204, '1a1bbb24-5a16-4538-b880-665914262827']);
    const q = new Rng(0);
    expect([q.nextU32(), q.uuid()]).to.deep.equal([4205396811, 'd337dca0-48dc-43fd-b5a3-26c517129b34']);
  });

  it('reseed(seed) restarts a used stream exactly as new Rng(seed) starts', () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1, 2 ** 40 + 3, -7, 0.5]) {
      const used = new Rng(99);
      for (let i = 0; i < 10; i++) used.nextU32();
      const fresh = new Rng(seed);
      expect(used.reseed(seed)).to.equal(used);
      for (let i = 0; i < 50; i++) expect(used.nextU32(), `${seed} #${i}`).to.equal(fresh.nextU32());
      expect(used.uuid()).to.equal(fresh.uuid());
    }
  });

  it('uuid() is an RFC 4122 version-4 UUID made of the next four 32-bit draws', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    for (let i = 0; i < 2000; i++) {
      const id = a.uuid();
      expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const [w0, w1, w2, w3] = [b.nextU32(), b.nextU32(), b.nextU32(), b.nextU32()];
      const hex = (n: number): string => n.toString(16).padStart(8, '0');
      const h1 = hex(w1);
      const h2 = hex(w2);
      const variant = (8 | ((w2 >>> 28) & 3)).toString(16);
      expect(id).to.equal(`${hex(w0)}-${h1.slice(0, 4)}-4${h1.slice(5)}-${variant}${h2.slice(1, 4)}-${h2.slice(4)}${hex(w3)}`);
    }
  });
});
