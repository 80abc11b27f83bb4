import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { entity } from '../../lib/entities/entity';
import { DuplicateKeyError, EntityStore } from '../../lib/entities/entityStore';
import type { EntityRecord, EntityVersion } from '../../lib/entities/entityStore';
import { field } from '../../lib/schema/field';
import { VersionLog } from '../../lib/entities/versionLog';
import type { Where } from '../../lib/entities/where';

const User = entity('User', {
  primaryKey: 'user_id',
  state: { active: field.boolean({ default: false }), visits: field.int({ default: 0 }) },
});
const Product = entity('Product', { primaryKey: 'product_id', state: { stock: field.int({ default: 0 }) } });

const T = 1_000;

/** What `versions` must say, checked against an independent log kept by the spec. */
type Expected = Array<Omit<EntityVersion, 'validTo'>>;
const withValidTo = (vs: Expected): EntityVersion[] => vs.map((v, i) => ({ ...v, validTo: i + 1 < vs.length ? vs[i + 1].validFrom : null }));

describe('entities/entityStore', () => {
  describe('versions', () => {
    it('every create, hold, release and update closes a version and opens one, in order', () => {
      const store = new EntityStore([User]);
      const u = store.create(User, 'u1', { active: false, visits: 0 }, T);
      store.hold(u, 's1', T + 10);
      store.update(u, { active: true, visits: 1 }, T + 20);
      store.update(u, { active: true, visits: 2 }, T + 20); // same millisecond: kept, zero length
      store.release(u, T + 30);
      store.release(u, T + 40); // not held: no version
      expect(u.versions).to.deep.equal(
        withValidTo([
          { validFrom: T, state: { active: false, visits: 0 }, flowName: null },
          { validFrom: T + 10, state: { active: false, visits: 0 }, flowName: 's1' },
          { validFrom: T + 20, state: { active: true, visits: 1 }, flowName: 's1' },
          { validFrom: T + 20, state: { active: true, visits: 2 }, flowName: 's1' },
          { validFrom: T + 30, state: { active: true, visits: 2 }, flowName: null },
        ]),
      );
    });

    it("interleaved changes of many entities keep each entity's own history (the log is shared)", () => {
      const store = new EntityStore([User, Product]);
      const rng = new Rng(3);
      const expected = new Map<EntityRecord, Expected>();
      const records: EntityRecord[] = [];
      for (let i = 0; i < 50; i++) {
        const type = i % 5 === 0 ? Product : User;
        const state = type === User ? { active: false, visits: 0 } : { stock: 0 };
        const r = store.create(type, `k${i}`, state, T);
        records.push(r);
        expected.set(r, [{ validFrom: T, state, flowName: null }]);
      }
      // Enough changes to fill several chunks of the log.
      for (let t = T + 1; t < T + 20_000; t++) {
        const r = records[rng.int(0, records.length - 1)];
        const log = expected.get(r)!;
        if (r.heldBy === null && rng.chance(0.5)) store.hold(r, `s${t}`, t);
        else if (r.heldBy !== null && rng.chance(0.3)) store.release(r, t);
        else store.update(r, r.type === User ? { active: rng.chance(0.5), visits: t } : { stock: t }, t);
        log.push({ validFrom: t, state: r.state, flowName: r.heldBy });
      }
      for (const r of records) expect(r.versions, r.key).to.deep.equal(withValidTo(expected.get(r)!));
    });

    it("with history 'none' only the current version is kept, starting at the last change", () => {
      const store = new EntityStore([User], 'none');
      const u = store.create(User, 'u1', { active: false, visits: 0 }, T);
      store.hold(u, 's1', T + 5);
      store.update(u, { active: true, visits: 1 }, T + 7);
      expect(u.versions).to.deep.equal([{ validFrom: T + 7, validTo: null, state: { active: true, visits: 1 }, flowName: 's1' }]);
      expect(() => store.query(User, [], T)).to.throw('query needs state history');
    });

    it("with history 'none' an entity keeps one state object, and what the store hands out does not change with it", () => {
      const store = new EntityStore([User], 'none');
      const given = { active: false, visits: 0 };
      const changes: unknown[] = [];
      store.watch((c) => changes.push(c.state));
      const u = store.create(User, 'u1', given, T);
      const own = u.state;
      const before = store.stateOf(u);
      const versionsBefore = u.versions;
      store.update(u, { active: true, visits: 1 }, T + 1);
      store.update(u, { active: true, visits: 2 }, T + 2);
      expect(u.state, 'updated in place').to.equal(own);
      expect(u.state).to.deep.equal({ active: true, visits: 2 });
      expect(given, 'the object given to create is copied').to.deep.equal({ active: false, visits: 0 });
      expect(before).to.deep.equal({ active: false, visits: 0 });
      expect(versionsBefore[0].state).to.deep.equal({ active: false, visits: 0 });
      expect(changes).to.deep.equal([
        { active: false, visits: 0 },
        { active: true, visits: 1 },
        { active: true, visits: 2 },
      ]);
      // indexes follow in-place changes as they follow replaced states
      const inactive = store.index(User, [['active', 'is', false]]);
      expect(store.available(inactive)).to.equal(0);
      store.update(u, { active: false, visits: 3 }, T + 3);
      expect(store.available(inactive)).to.equal(1);
    });

    it("with history 'full' states are replaced, never changed, and stateOf is the state itself", () => {
      const store = new EntityStore([User]);
      const u = store.create(User, 'u1', { active: false, visits: 0 }, T);
      const first = u.state;
      store.update(u, { active: true, visits: 1 }, T + 1);
      expect(first).to.deep.equal({ active: false, visits: 0 });
      expect(u.state).to.not.equal(first);
      expect(store.stateOf(u)).to.equal(u.state);
    });
  });

  describe('query', () => {
    it('answers "who matched at instant t" from the versions, for every instant', () => {
      const store = new EntityStore([User]);
      const a = store.create(User, 'a', { active: false, visits: 0 }, T);
      const b = store.create(User, 'b', { active: true, visits: 0 }, T + 5);
      store.update(a, { active: true, visits: 1 }, T + 10);
      store.hold(b, 's1', T + 15);
      store.update(a, { active: false, visits: 2 }, T + 20);
      store.release(b, T + 25);
      const keysAt = (t: number): string[] => store.query(User, [['active', 'is', true]], t).map((s) => s.key);
      expect(keysAt(T - 1)).to.deep.equal([]);
      expect(keysAt(T)).to.deep.equal([]);
      expect(keysAt(T + 5)).to.deep.equal(['b']);
      expect(keysAt(T + 12)).to.deep.equal(['a', 'b']);
      expect(keysAt(T + 20)).to.deep.equal(['b']); // a's active version ends then: only versions starting then count
      expect(keysAt(T + 21)).to.deep.equal(['b']);
      expect(store.query(User, [['flow_name', 'is', 's1']], T + 16).map((s) => s.key)).to.deep.equal(['b']);
      expect(store.query(User, [['flow_name', 'is', 's1']], T + 30)).to.deep.equal([]);
      expect(store.query(User, [['active', 'is', true]], T + 12)[0]).to.deep.equal({
        key: 'a',
        state: { active: true, visits: 1 },
        flowName: null,
        validFrom: T + 10,
        validTo: T + 20,
      });
    });

    it('several changes within one millisecond: the latest state that matched then is returned', () => {
      const store = new EntityStore([User]);
      const u = store.create(User, 'u', { active: false, visits: 0 }, T);
      store.update(u, { active: true, visits: 1 }, T + 3);
      store.update(u, { active: true, visits: 2 }, T + 3);
      store.update(u, { active: false, visits: 3 }, T + 3);
      expect(store.query(User, [['active', 'is', true]], T + 3).map((s) => s.state)).to.deep.equal([{ active: true, visits: 2 }]);
      expect(store.query(User, [['active', 'is', false]], T + 3).map((s) => s.state)).to.deep.equal([{ active: false, visits: 3 }]);
      expect(store.query(User, [['active', 'is', true]], T + 4)).to.deep.equal([]);
    });
  });

  describe('indexes', () => {
    /** The keys an index offers, checked against a scan of all entities. */
    const offered = (store: EntityStore, idx: ReturnType<EntityStore['index']>): string[] => {
      const keys: string[] = [];
      const rng = new Rng(1);
      // pick() is uniform over the index: sampling finds every member of a small index.
      for (let i = 0; i < 2000 && store.available(idx) > 0; i++) keys.push(store.pick(idx, rng)!.key);
      return [...new Set(keys)].sort();
    };

    it('hold takes an entity out of every index, release and update put it back where it matches', () => {
      const store = new EntityStore([User]);
      const active = store.index(User, [['active', 'is', true]]);
      const all = store.index(User, []);
      const u1 = store.create(User, 'u1', { active: true, visits: 0 }, T);
      const u2 = store.create(User, 'u2', { active: false, visits: 0 }, T);
      expect(offered(store, active)).to.deep.equal(['u1']);
      expect(offered(store, all)).to.deep.equal(['u1', 'u2']);
      store.hold(u1, 's', T + 1);
      expect(store.available(active)).to.equal(0);
      expect(offered(store, all)).to.deep.equal(['u2']);
      store.update(u1, { active: false, visits: 1 }, T + 2); // held: stays out
      expect(store.available(active)).to.equal(0);
      store.release(u1, T + 3);
      expect(offered(store, all)).to.deep.equal(['u1', 'u2']);
      expect(store.available(active)).to.equal(0);
      store.update(u2, { active: true, visits: 1 }, T + 4);
      expect(offered(store, active)).to.deep.equal(['u2']);
    });

    it('identical conditions share one index, however they are written; different ones do not', () => {
      const store = new EntityStore([User]);
      const a = store.index(User, [['visits', 'in', [1, 2]]]);
      expect(store.index(User, [['visits', 'in', [1, 2]]])).to.equal(a);
      expect(store.index(User, [['visits', 'in', [2, 1]]])).to.not.equal(a);
      expect(store.index(User, [['visits', 'greater_than', 1]])).to.not.equal(store.index(User, [['visits', 'greater_than', 2]]));
      expect(store.index(User, [])).to.equal(store.index(User, []));
    });

    it('a condition list changed after its index was built does not change the index', () => {
      const store = new EntityStore([User]);
      const where: Array<[string, 'in', number[]]> = [['visits', 'in', [1]]];
      const idx = store.index(User, where);
      where[0][2].push(5);
      expect(store.index(User, where)).to.not.equal(idx);
      expect(store.index(User, [['visits', 'in', [1]]])).to.equal(idx);
    });

    it('stays exact through growth (many entities, several row chunks) and indexes added late (more than fit a row at first)', () => {
      const store = new EntityStore([User]);
      const rng = new Rng(9);
      const early = store.index(User, [['active', 'is', true]]);
      const records: EntityRecord[] = [];
      const lastChange = new Map<EntityRecord, number>();
      const lateIndexes: Array<{ idx: ReturnType<EntityStore['index']>; test: (r: EntityRecord) => boolean }> = [];
      for (let i = 0; i < 72_000; i++) {
        const created = store.create(User, `u${i}`, { active: rng.chance(0.5), visits: rng.int(0, 9) }, T);
        records.push(created);
        lastChange.set(created, T);
        // Rows come in chunks of 65 536: the fifth late index (at 70 000 entities) no longer fits
        // a row, so the rows of both chunks are widened.
        if (i % 14_000 === 13_999) {
          const min = lateIndexes.length;
          lateIndexes.push({ idx: store.index(User, [['visits', 'greater_than', min]]), test: (r) => (r.state.visits as number) > min });
        }
        const r = records[rng.int(0, records.length - 1)];
        if (r.heldBy === null && rng.chance(0.3)) store.hold(r, `s${i}`, T + i);
        else if (rng.chance(0.3)) {
          if (r.heldBy === null) continue;
          store.release(r, T + i);
        } else store.update(r, { active: rng.chance(0.5), visits: rng.int(0, 9) }, T + i);
        lastChange.set(r, T + i);
      }
      expect(lateIndexes).to.have.length(5);
      // Each entity's current version starts at its last change (kept in its row through widening).
      for (const r of records) expect(r.versions.at(-1)!.validFrom).to.equal(lastChange.get(r));
      const expectCount = (idx: ReturnType<EntityStore['index']>, test: (r: EntityRecord) => boolean): void => {
        expect(store.available(idx)).to.equal(records.filter((r) => r.heldBy === null && test(r)).length);
      };
      expectCount(early, (r) => r.state.active === true);
      for (const { idx, test } of lateIndexes) expectCount(idx, test);
      // Every picked entity is available and matches.
      const pickRng = new Rng(4);
      for (let i = 0; i < 500; i++) {
        const r = store.pick(early, pickRng)!;
        expect(r.heldBy).to.equal(null);
        expect(r.state.active).to.equal(true);
      }
    });

    it('picks the same entities in the same order for the same seed', () => {
      const run = (): string[] => {
        const store = new EntityStore([User]);
        const idx = store.index(User, [['active', 'is', true]]);
        const rng = new Rng(5);
        for (let i = 0; i < 200; i++) store.create(User, `u${i}`, { active: i % 3 !== 0, visits: 0 }, T);
        const out: string[] = [];
        for (let i = 0; i < 100; i++) {
          const r = store.pick(idx, rng)!;
          out.push(r.key);
          store.hold(r, 's', T + i);
          if (i % 4 === 0) store.release(store.all(User)[i], T + i);
        }
        return out;
      };
      expect(run()).to.deep.equal(run());
    });
  });

  it('finds every entity by its key through growth, and nothing else', () => {
    const store = new EntityStore([User]);
    const rng = new Rng(3);
    const keys: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      // sequential, random and look-alike keys, and a few unusual characters
      const key = i % 3 === 0 ? `u${i}` : i % 3 === 1 ? rng.uuid() : `ü-${i}-\u{1F600}`;
      keys.push(key);
      store.create(User, key, { active: false, visits: 0 }, T);
      if (i % 997 === 0) for (let j = 0; j <= i; j += 101) expect(store.get(User, keys[j])?.key).to.equal(keys[j]);
    }
    keys.forEach((k, i) => expect(store.get(User, k)?.ordinal, k).to.equal(i));
    for (const absent of ['', 'u1 ', 'U3', 'u50000', `${keys[1]}x`, keys[1].toUpperCase()]) expect(store.get(User, absent), absent).to.equal(undefined);
    expect(store.get(User, 12 as unknown as string), 'not a string').to.equal(undefined);
    expect(() => store.create(User, keys[25_001], { active: false, visits: 0 }, T)).to.throw(DuplicateKeyError);
  });

  it('keeps UUID keys as words: the same key read back held or not, and the key string only from a read to the next release', () => {
    const store = new EntityStore([User]);
    const rng = new Rng(5);
    /** The key string a record keeps, if any (what this test is about). */
    const kept = (r: EntityRecord): unknown => (r as unknown as { keyText: unknown }).keyText;
    const uuid = rng.uuid();
    const odd = [
      '00000000-0000-0000-0000-000000000000', // nil UUID: words
      'ffffffff-ffff-ffff-ffff-ffffffffffff', // all -1 words: kept as a string
      uuid.toUpperCase(), // not canonical (would not read back as written): a string
      `{${uuid}}`,
      uuid.replace(/-/g, ''),
      `${uuid.slice(0, 8)}_${uuid.slice(9)}`,
      'g'.repeat(8) + uuid.slice(8),
    ];
    const idle = store.create(User, uuid, { active: false, visits: 0 }, T);
    const held = store.create(User, rng.uuid(), { active: false, visits: 0 }, T, 's1');
    const others = odd.map((k) => store.create(User, k, { active: false, visits: 0 }, T));
    expect(kept(idle), 'an idle entity keeps no string').to.equal(undefined);
    expect(idle.key).to.equal(uuid);
    expect(kept(idle), 'read: kept').to.equal(uuid);
    store.hold(idle, 's0', T + 1);
    store.release(idle, T + 1);
    expect(kept(idle), 'released: dropped').to.equal(undefined);
    expect(kept(held), 'created held: its session reads the key').to.be.a('string');
    const heldKey = held.key;
    store.release(held, T + 1);
    expect(kept(held), 'released: string dropped').to.equal(undefined);
    expect(held.key).to.equal(heldKey);
    store.hold(idle, 's2', T + 2);
    expect(kept(idle), 'held, not read yet').to.equal(undefined);
    expect(idle.key).to.equal(uuid);
    expect(kept(idle), 'held and read: kept').to.equal(uuid);
    store.release(idle, T + 3);
    expect(kept(idle)).to.equal(undefined);
    const keptAfterRelease = others.map((r, i) => {
      expect(r.key, odd[i]).to.equal(odd[i]);
      expect(store.get(User, odd[i]), odd[i]).to.equal(r);
      store.hold(r, 's3', T + 4);
      store.release(r, T + 5);
      const still = kept(r) !== undefined;
      expect(r.key, odd[i]).to.equal(odd[i]);
      return still;
    });
    expect(keptAfterRelease, 'only non-UUID keys stay strings').to.deep.equal([false, true, true, true, true, true, true]);
    expect(store.get(User, uuid)).to.equal(idle);
    expect(store.get(User, heldKey)).to.equal(held);
  });

  it('rejects duplicate keys and unknown types', () => {
    const store = new EntityStore([User]);
    store.create(User, 'u1', { active: false, visits: 0 }, T);
    expect(() => store.create(User, 'u1', { active: false, visits: 0 }, T)).to.throw(DuplicateKeyError, 'User with user_id "u1" already exists');
    expect(() => store.index(Product, [])).to.throw('entity Product is not part of this simulation');
    const u = store.get(User, 'u1')!;
    store.hold(u, 's1', T);
    expect(() => store.hold(u, 's2', T)).to.throw('User u1 is already held by session s1');
  });
  describe('retire', () => {
    const state = { active: false, visits: 0 };

    it('removes an entity from its key index, every index and counter, and frees its ordinal for the next one', () => {
      const store = new EntityStore([User]);
      const rng = new Rng(1);
      const idle = store.index(User, [['active', 'is', false]]);
      const all = store.index(User, []);
      const u = [0, 1, 2].map((i) => store.create(User, `u${i}`, state, T));
      expect(store.countWhere(User, [['active', 'is', false]])).to.equal(3);
      store.retire(u[1], T + 5);
      expect(u[1].live).to.equal(false);
      expect(u[1].key, 'a retired record keeps its key').to.equal('u1');
      expect(store.get(User, 'u1')).to.equal(undefined);
      expect([store.count(User), store.available(idle), store.available(all)]).to.deep.equal([2, 2, 2]);
      expect(store.countWhere(User, [['active', 'is', false]])).to.equal(2);
      expect(store.countWhere(User, [['visits', 'is', 0]]), 'a counter made after the retirement').to.equal(2);
      expect(store.all(User).map((r) => r.key)).to.deep.equal(['u0', 'u2']);
      for (let i = 0; i < 200; i++) {
        expect(store.pick(all, rng)).not.to.equal(u[1]);
        expect(store.pickAny(User, rng)).not.to.equal(u[1]);
      }
      const next = store.create(User, 'u3', state, T + 6);
      expect(next.ordinal, 'the freed ordinal').to.equal(1);
      expect(next.versions, 'its row starts afresh').to.deep.equal([{ validFrom: T + 6, validTo: null, state, flowName: null }]);
      expect(store.all(User).map((r) => r.key)).to.deep.equal(['u0', 'u3', 'u2']);
      expect([store.count(User), store.available(idle), store.countWhere(User, [['active', 'is', false]])]).to.deep.equal([3, 3, 3]);
      expect(() => store.retire(u[1], T + 7)).to.throw('User "u1" is already retired');
      expect(store.get(User, 'u1'), 'the key can be used again').to.equal(undefined);
      store.create(User, 'u1', state, T + 8);
      expect(store.get(User, 'u1')?.ordinal).to.equal(3);
    });

    it('releases the lock of a held entity; a UUID key reads back after its words were reused', () => {
      const store = new EntityStore([User]);
      const rng = new Rng(2);
      const key = rng.uuid();
      const held = store.create(User, key, state, T, 's1');
      const idx = store.index(User, []);
      store.retire(held, T + 1);
      expect(held.heldBy).to.equal(null);
      const plain = store.create(User, 'not-a-uuid', state, T + 2);
      expect(plain.ordinal).to.equal(held.ordinal);
      expect([held.key, plain.key, store.get(User, 'not-a-uuid')]).to.deep.equal([key, 'not-a-uuid', plain]);
      expect(store.available(idx)).to.equal(1);
    });

    it('keeps every key findable through many retirements and reuses (keys that collide in the table included)', () => {
      const store = new EntityStore([User]);
      const rng = new Rng(9);
      const live = new Map<string, EntityRecord>();
      let n = 0;
      for (let step = 0; step < 40_000; step++) {
        if (live.size > 0 && rng.chance(live.size / 3_000)) {
          const keys = [...live.keys()];
          const k = keys[rng.int(0, keys.length - 1)];
          store.retire(live.get(k)!, T + step);
          live.delete(k);
          expect(store.get(User, k)).to.equal(undefined);
        } else {
          const k = rng.chance(0.5) ? rng.uuid() : `k${n++}`;
          live.set(k, store.create(User, k, state, T + step));
        }
        if (step % 4_999 === 0) for (const [k, r] of live) expect(store.get(User, k), k).to.equal(r);
      }
      for (const [k, r] of live) expect(store.get(User, k), k).to.equal(r);
      expect(store.count(User)).to.equal(live.size);
      expect(store.all(User).every((r) => live.get(r.key) === r)).to.equal(true);
      expect(Math.max(...store.all(User).map((r) => r.ordinal)), 'ordinals are reused').to.be.below(live.size + 300);
    });

    it("with history 'full' a temporal query still finds a retired entity before it retired, not after", () => {
      const store = new EntityStore([User]);
      const u = store.create(User, 'u1', state, T);
      store.hold(u, 's1', T + 10);
      store.update(u, { active: true, visits: 1 }, T + 20);
      store.retire(u, T + 30);
      store.create(User, 'u2', state, T + 30);
      const active = (at: number) => store.query(User, [['active', 'is', true]], at);
      expect(active(T + 19)).to.deep.equal([]);
      expect(active(T + 20)).to.deep.equal([{ key: 'u1', state: { active: true, visits: 1 }, flowName: 's1', validFrom: T + 20, validTo: T + 30 }]);
      expect(active(T + 29)).to.have.length(1);
      expect(active(T + 30), 'gone at its retirement').to.deep.equal([]);
      expect(store.query(User, [], T + 5).map((s) => s.key)).to.deep.equal(['u1']);
      expect(store.query(User, [], T + 30).map((s) => s.key)).to.deep.equal(['u2']);
      expect(
        store.query(
          User,
          [
            ['user_id', 'is', 'u1'],
            ['flow_name', 'is', null],
          ],
          T + 5,
        ),
      ).to.have.length(1);
    });

    it('watchers are told of a retirement: the last state, no holder, retired', () => {
      const store = new EntityStore([User]);
      const seen: unknown[] = [];
      const u = store.create(User, 'u1', state, T, 's1');
      store.watch((c) => seen.push({ key: c.key, state: c.state, heldBy: c.heldBy, at: c.at, retired: c.retired }));
      store.update(u, { active: true, visits: 1 }, T + 1);
      store.retire(u, T + 2);
      expect(seen).to.deep.equal([
        { key: 'u1', state: { active: true, visits: 1 }, heldBy: 's1', at: T + 1, retired: undefined },
        { key: 'u1', state: { active: true, visits: 1 }, heldBy: null, at: T + 2, retired: true },
      ]);
    });

    it('with a history window (and entries renumbered), queries of retired entities answer as with full history, and the retired are let go', () => {
      const limit = VersionLog.idLimit;
      VersionLog.idLimit = 3 * 4_096;
      try {
        const stores = [new EntityStore([User]), new EntityStore([User], { keep: '2s' })];
        const rng = new Rng(21);
        const live: EntityRecord[][] = [[], []];
        let n = 0;
        let now = T;
        const filters: ReadonlyArray<Where<any>> = [[], [['active', 'is', true]], [['flow_name', 'is', null]]];
        for (let step = 0; step < 60_000; step++) {
          now += rng.int(0, 1);
          const i = live[0].length === 0 ? -1 : rng.int(0, live[0].length - 1);
          const op =
            i < 0 || rng.chance(0.05) ? 'create' : rng.chance(0.05) ? 'retire' : live[0][i].heldBy === null ? 'hold' : rng.chance(0.5) ? 'release' : 'update';
          const next = { active: rng.chance(0.5), visits: step };
          stores.forEach((store, j) => {
            if (op === 'create') live[j].push(store.create(User, `u${n}`, state, now));
            else if (op === 'retire') store.retire(live[j].splice(i, 1)[0], now);
            else if (op === 'hold') store.hold(live[j][i], `s${step}`, now);
            else if (op === 'release') store.release(live[j][i], now);
            else store.update(live[j][i], next, now);
          });
          if (op === 'create') n++;
          if (step % 5_000 !== 4_999) continue;
          const start = stores[1].historyStart();
          for (let k = 0; k < 20; k++) {
            const at = k === 0 ? start : start + rng.int(0, now - start);
            for (const where of filters)
              expect(JSON.stringify(stores[1].query(User, where, at)), `at ${at - T}`).to.equal(JSON.stringify(stores[0].query(User, where, at)));
          }
        }
        const retired = (store: EntityStore): number =>
          (store as unknown as { tables: Map<string, { retired: { size: number } }> }).tables.get('User')!.retired.size;
        expect(retired(stores[0])).to.be.greaterThan(2_000);
        expect(retired(stores[1]), 'the window keeps the recently retired only').to.be.below(retired(stores[0]) / 10);
      } finally {
        VersionLog.idLimit = limit;
      }
    });

    it("with history 'none' retiring keeps nothing of the entity", () => {
      const store = new EntityStore([User], 'none');
      const u = store.create(User, 'u1', state, T);
      store.retire(u, T + 1);
      expect([store.count(User), store.all(User).length, store.get(User, 'u1')]).to.deep.equal([0, 0, undefined]);
    });
  });
});
