import { expect } from 'chai';
import { checkShard, ownsKey, parseShard, ShardError, shardLabel, shardSeed, shareOf, WHOLE } from '../../lib/engine/shard';
import { deriveSeed } from '../../lib/core/rng';

describe('engine/shard', () => {
  it('parses INDEX/COUNT and refuses anything else, naming what it got', () => {
    expect(parseShard('1/3')).to.deep.equal({ index: 1, count: 3 });
    expect(parseShard(' 0 / 1 ')).to.deep.equal({ index: 0, count: 1 });
    expect(shardLabel({ index: 2, count: 5 })).to.equal('2/5');
    const bad: ReadonlyArray<[string, string]> = [
      ['3/3', 'shard: index must be an integer from 0 to 2, got 3'],
      ['0/0', 'shard: count must be an integer from 1 to 10000, got 0'],
      ['1', 'shard: expected INDEX/COUNT, e.g. 0/4, got "1"'],
      ['-1/2', 'shard: expected INDEX/COUNT, e.g. 0/4, got "-1/2"'],
      ['a/b', 'shard: expected INDEX/COUNT, e.g. 0/4, got "a/b"'],
    ];
    for (const [text, message] of bad) expect(() => parseShard(text), text).to.throw(ShardError, message);
    expect(() => checkShard({ index: 0.5, count: 2 }, '--shard')).to.throw(ShardError, '--shard: index must be an integer from 0 to 1, got 0.5');
  });

  it('divides a count so the shards together have all of it, the first ones one more', () => {
    for (const n of [0, 1, 2, 7, 10, 1001]) {
      for (const count of [1, 2, 3, 7]) {
        const parts = Array.from({ length: count }, (_, index) => shareOf(n, { index, count }));
        expect(
          parts.reduce((a, b) => a + b, 0),
          `${n} over ${count}`,
        ).to.equal(n);
        expect(Math.max(...parts) - Math.min(...parts)).to.be.at.most(1);
        expect([...parts].sort((a, b) => b - a)).to.deep.equal(parts); // the larger parts first
      }
    }
    expect(shareOf(Infinity, { index: 1, count: 4 })).to.equal(Infinity);
  });

  it("keeps the model's seed unsharded, and gives each shard its own", () => {
    expect(shardSeed(42, WHOLE)).to.equal(42);
    const seeds = [0, 1, 2].map((index) => shardSeed(42, { index, count: 3 }));
    expect(new Set(seeds).size).to.equal(3);
    expect(seeds[1]).to.equal(deriveSeed(42, 'shard', 1));
  });

  it('gives every key to exactly one shard, about evenly, for keys that differ only at the end', () => {
    const count = 3;
    const owners = Array.from({ length: 3_000 }, (_, i) => {
      const key = `user-${i}`;
      const mine = [0, 1, 2].filter((index) => ownsKey(key, { index, count }));
      expect(mine, key).to.have.length(1);
      return mine[0];
    });
    for (const index of [0, 1, 2]) expect(owners.filter((o) => o === index).length).to.be.within(900, 1_100);
    expect(ownsKey('anything', WHOLE)).to.equal(true);
  });
});
