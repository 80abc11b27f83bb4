import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { entity } from '../../lib/entities/entity';
import { EntityStore } from '../../lib/entities/entityStore';
import type { EntityRecord } from '../../lib/entities/entityStore';
import { IdleQueue } from '../../lib/engine/idleQueue';

const User = entity('User', { primaryKey: 'user_id' });

describe('engine/idleQueue', () => {
  it('pops by key, equal keys in the order they were pushed, through many pushes and pops', () => {
    const store = new EntityStore([User]);
    const rng = new Rng(4);
    const q = new IdleQueue();
    const model: Array<{ r: EntityRecord; key: number; seq: number }> = [];
    let seq = 0;
    for (let i = 0; i < 5_000; i++) {
      if (model.length > 0 && rng.chance(0.4)) {
        model.sort((a, b) => a.key - b.key || a.seq - b.seq);
        const want = model.shift()!;
        expect(q.headKey()).to.equal(want.key);
        expect(q.pop()).to.equal(want.r);
      } else {
        const r = store.create(User, `u${i}`, {}, 0);
        const key = rng.int(0, 50); // many ties
        q.push(r, key);
        model.push({ r, key, seq: seq++ });
      }
      expect(q.size).to.equal(model.length);
    }
  });

  it('compact keeps the entries that pass, still in order', () => {
    const store = new EntityStore([User]);
    const q = new IdleQueue();
    const rs = [5, 3, 9, 1, 7, 3].map((key, i) => {
      const r = store.create(User, `u${i}`, {}, 0);
      q.push(r, key);
      return r;
    });
    store.retire(rs[1], 1);
    store.retire(rs[3], 1);
    q.compact((r) => r.live);
    const out: string[] = [];
    while (q.size > 0) out.push(q.pop().key);
    expect(out, 'keys 3, 5, 7, 9').to.deep.equal(['u5', 'u0', 'u4', 'u2']);
  });
});
