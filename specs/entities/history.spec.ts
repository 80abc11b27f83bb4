// History windows (`history: { keep }`) through the entity store: inside the window `query` and
// `versions` say exactly what a store with full history says, before it `query` throws naming
// the window, and what left the window is released (the log holds a bounded number of entries,
// and nothing keeps the released states alive).

import { expect } from 'chai';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ModelError } from '../../lib/core/errors';
import { Rng } from '../../lib/core/rng';
import { entity } from '../../lib/entities/entity';
import { EntityStore } from '../../lib/entities/entityStore';
import type { EntityRecord, HistoryMode } from '../../lib/entities/entityStore';
import { HistoryWindowError, historyKeep } from '../../lib/entities/history';
import type { Where } from '../../lib/entities/where';
import { VersionLog } from '../../lib/entities/versionLog';
import { field } from '../../lib/schema/field';
import { messageThrown } from '../helpers/thrown';

const User = entity('User', {
  primaryKey: 'user_id',
  state: { active: field.boolean({ default: false }), visits: field.int({ default: 0 }) },
});
const Product = entity('Product', { primaryKey: 'product_id', state: { stock: field.int({ default: 0 }) } });

const T0 = Date.parse('2025-01-01T00:00:00Z');
const MINUTE = 60_000;

/** Applies the same random changes to every store: creates, holds, releases, updates, several per millisecond at times. */
class Driver {
  readonly records: EntityRecord[][];
  now = T0;
  changes = 0;
  private readonly rng: Rng;

  constructor(
    readonly stores: ReadonlyArray<EntityStore>,
    seed: number,
    entities: number,
  ) {
    this.rng = new Rng(seed);
    this.records = stores.map(() => []);
    for (let i = 0; i < entities; i++) this.create(i);
  }

  /** Runs `n` changes, each `minGap` to `maxGap` ms after the one before. */
  run(n: number, [minGap, maxGap]: readonly [number, number], after?: () => void): void {
    for (let k = 0; k < n; k++) {
      this.now += this.rng.int(minGap, maxGap);
      if (this.rng.chance(0.01)) this.create(this.records[0].length);
      else this.change();
      this.changes++;
      after?.();
    }
  }

  private create(i: number): void {
    const type = i % 4 === 0 ? Product : User;
    const state = type === User ? { active: false, visits: 0 } : { stock: 0 };
    this.stores.forEach((s, j) => this.records[j].push(s.create(type, `k${i}`, state, this.now)));
  }

  private change(): void {
    const rng = this.rng;
    const at = rng.int(0, this.records[0].length - 1);
    const r0 = this.records[0][at];
    const op = r0.heldBy === null ? (rng.chance(0.4) ? 'hold' : 'update') : rng.chance(0.3) ? 'release' : 'update';
    const state = r0.type === User ? { active: rng.chance(0.5), visits: this.changes } : { stock: this.changes };
    const session = `s${this.changes}`;
    this.stores.forEach((s, j) => {
      const r = this.records[j][at];
      if (op === 'hold') s.hold(r, session, this.now);
      else if (op === 'release') s.release(r, this.now);
      else s.update(r, state, this.now);
    });
  }
}

const FILTERS: ReadonlyArray<readonly [typeof User | typeof Product, Where<any>]> = [
  [User, []],
  [User, [['active', 'is', true]]],
  [User, [['flow_name', 'is', null]]],
  [Product, [['stock', 'greater_than', 0]]],
  [Product, [['flow_name', 'is_not', null]]],
];

/** Compares `windowed` with `full` at `instants`, for every filter. */
const expectSameAnswers = (full: EntityStore, windowed: EntityStore, instants: ReadonlyArray<number>): void => {
  for (const at of instants) {
    for (const [type, where] of FILTERS) {
      // As JSON: chai's deep equality would make this spec slow.
      const said = JSON.stringify(windowed.query(type, where, at));
      if (said !== JSON.stringify(full.query(type, where, at))) {
        expect(windowed.query(type, where, at), `${type.name} ${JSON.stringify(where)} at ${at - T0}`).to.deep.equal(full.query(type, where, at));
      }
    }
  }
};

/** Instants from the window's start to past the latest change: random ones, the edge and every millisecond near it. */
const instantsOf = (windowed: EntityStore, rng: Rng, now: number): number[] => {
  const start = windowed.historyStart();
  const out = [start, start + 1, start + 2, now, now + 1];
  for (let k = 0; k < 30; k++) out.push(start + rng.int(0, now - start));
  return out;
};

describe('entities/history', () => {
  describe('settings', () => {
    it('full is Infinity, a window is its milliseconds; mistakes are ModelErrors naming history', () => {
      expect(historyKeep('full')).to.equal(Infinity);
      expect(historyKeep({ keep: '1h30m' })).to.equal(5_400_000);
      expect(historyKeep({ keep: 250 })).to.equal(250);
      const bad = (mode: unknown): string => messageThrown(() => historyKeep(mode as HistoryMode), ModelError);
      expect(bad('fll')).to.equal('history: must be "full", "none" or { keep: <duration> } (e.g. { keep: "1h" }), got "fll"');
      expect(bad({ kep: '1h' })).to.equal('history: must be "full", "none" or { keep: <duration> } (e.g. { keep: "1h" }), got {"kep":"1h"}');
      expect(bad({ keep: '1h', also: 1 })).to.match(/^history: must be/);
      expect(bad(null)).to.match(/^history: must be .*, got null$/);
      expect(bad({ keep: 'an hour' })).to.equal(
        'history.keep: invalid duration "an hour": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"',
      );
      expect(bad({ keep: -5 })).to.equal('history.keep: invalid duration -5');
      expect(bad({ keep: Infinity })).to.equal('history.keep: invalid duration Infinity');
      expect(bad({ keep: true })).to.equal('history.keep: expected a duration such as "1h", got true');
      expect(bad({ keep: '0s' })).to.equal('history.keep: must be more than 0, got "0s" (to keep only current state, use history "none")');
      expect(() => new EntityStore([User], { keep: 0 })).to.throw(ModelError, 'history.keep: must be more than 0');
    });
  });

  describe('a window', () => {
    it('answers every instant inside it exactly as full history does, all along a long run', () => {
      const full = new EntityStore([User, Product]);
      const windowed = new EntityStore([User, Product], { keep: '2m' });
      const drive = new Driver([full, windowed], 7, 120);
      const rng = new Rng(8);
      let held = 0;
      let releases = 0;
      // Checked right after each release, when the oldest chunk held is the nearest the window's start.
      drive.run(120_000, [0, 40], () => {
        const now = windowed.pastVersions();
        if (now < held) {
          releases++;
          const start = windowed.historyStart();
          expect(start).to.equal(drive.now - 2 * MINUTE);
          const near = Array.from({ length: 20 }, (_, k) => start + k * 250 + rng.int(0, 249));
          expectSameAnswers(full, windowed, [...instantsOf(windowed, rng, drive.now).slice(0, 15), ...near]);
        }
        held = now;
      });
      expect(releases, 'chunks released').to.be.greaterThan(25);
      expect(windowed.pastVersions(), 'versions held at the end').to.be.below(full.pastVersions() / 5);
    });

    it('a version that ended exactly at the start of the window is kept', () => {
      // Chunk 0's last entry is a zero-length version at 5 000 ms; the next chunk starts at
      // 6 000 ms, when the window (1 s) starts at 5 000 ms: chunk 0 must stay.
      const store = new EntityStore([User], { keep: 1_000 });
      const u = store.create(User, 'u1', { active: false, visits: 0 }, 0);
      for (let t = 1; t <= 4_094; t++) store.update(u, { active: false, visits: t }, t);
      store.update(u, { active: true, visits: -1 }, 5_000);
      store.update(u, { active: false, visits: -2 }, 5_000);
      expect(store.pastVersions()).to.equal(4_096);
      store.update(u, { active: false, visits: -3 }, 6_000);
      expect(store.historyStart()).to.equal(5_000);
      expect(store.query(User, [['active', 'is', true]], 5_000).map((v) => v.state)).to.deep.equal([{ active: true, visits: -1 }]);
      expect(store.pastVersions()).to.equal(4_097);
      store.update(u, { active: false, visits: -4 }, 6_001);
      for (let t = 1; t < 4_095; t++) store.update(u, { active: false, visits: t }, 6_001); // fills chunk 1
      store.update(u, { active: false, visits: -5 }, 7_000); // chunk 0 ended at 5 000, the window starts at 6 000
      expect(store.pastVersions()).to.equal(4_097);
      expect(u.versions[0]).to.deep.equal({ validFrom: 5_000, validTo: 6_000, state: { active: false, visits: -2 }, flowName: null });
    });

    it('keeps, for each entity, the newest of its versions: the ones that ended inside the window and more', () => {
      const full = new EntityStore([User, Product]);
      const windowed = new EntityStore([User, Product], { keep: '5m' });
      const drive = new Driver([full, windowed], 11, 100);
      drive.run(60_000, [0, 20]);
      const start = windowed.historyStart();
      drive.records[0].forEach((r, i) => {
        const kept = drive.records[1][i].versions;
        const all = r.versions;
        expect(kept, r.key).to.deep.equal(all.slice(all.length - kept.length));
        // every version that ended at or after the window's start is kept
        expect(kept.length, r.key).to.be.at.least(all.filter((v) => v.validTo === null || v.validTo >= start).length);
      });
    });

    it('changes within one millisecond at the edge of the window: every zero-length version there is kept', () => {
      const full = new EntityStore([User, Product]);
      const windowed = new EntityStore([User, Product], { keep: 1_000 });
      const drive = new Driver([full, windowed], 3, 20);
      drive.run(40_000, [0, 1]); // half the changes share their millisecond with the one before
      const rng = new Rng(4);
      expectSameAnswers(full, windowed, instantsOf(windowed, rng, drive.now));
    });

    it('before the window, query throws a HistoryWindowError naming the window and the oldest instant kept', () => {
      const store = new EntityStore([User], { keep: '1h' });
      const u = store.create(User, 'u1', { active: false, visits: 0 }, T0);
      expect(store.query(User, [], T0 - 1), 'no change yet: every instant').to.deep.equal([]);
      store.update(u, { active: true, visits: 1 }, T0 + 2 * 60 * MINUTE);
      expect(store.historyStart()).to.equal(T0 + 60 * MINUTE);
      expect(store.query(User, [['active', 'is', false]], T0 + 60 * MINUTE).map((s) => s.key)).to.deep.equal(['u1']);
      const at = T0 + 10 * MINUTE;
      const e = (() => {
        try {
          store.query(User, [], at);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(e).to.be.instanceOf(HistoryWindowError);
      expect((e as Error).message).to.equal('history keeps 1h: 2025-01-01T00:10:00.000Z is before the oldest instant kept, 2025-01-01T01:00:00.000Z');
      expect(e).to.include({ at, oldest: T0 + 60 * MINUTE, keep: 3_600_000 });
      expect(messageThrown(() => store.query(User, [], -1e20), HistoryWindowError)).to.equal(
        'history keeps 1h: -100000000000000000000 is before the oldest instant kept, 2025-01-01T01:00:00.000Z',
      );
    });

    it('releases whole chunks: the entries it holds stay bounded over a long run, and none that it still needs', () => {
      // One change per millisecond: a 10 s window is 10 000 entries, plus at most two partly
      // expired chunks (the one that filled last, and the one filling).
      const store = new EntityStore([User, Product], { keep: '10s' });
      const drive = new Driver([store], 5, 1_000);
      let most = 0;
      drive.run(10_000, [1, 1]);
      drive.run(300_000, [1, 1], () => {
        const held = store.pastVersions();
        most = Math.max(most, held);
        if (held < 9_000) expect.fail(`${held} entries held after ${drive.changes} changes`);
      });
      expect(most).to.be.at.most(10_000 + 2 * 4_096);
      expect(store.pastVersions()).to.be.at.least(4_096);
    });

    it('nothing keeps the released states alive', async function () {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as () => void;
      const store = new EntityStore([User], { keep: '1s' });
      const u = store.create(User, 'u1', { active: false, visits: 0 }, T0);
      const first = new WeakRef(u.state);
      const refs: Array<WeakRef<{ readonly visits?: unknown }>> = [first];
      for (let t = 1; t <= 20_000; t++) {
        const state = { active: t % 2 === 0, visits: t };
        if (t % 1_000 === 0) refs.push(new WeakRef(state));
        store.update(u, state, T0 + t);
      }
      // A WeakRef's target lives at least until the end of the job that made it.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const alive = refs.map((r) => r.deref()?.visits);
      // Released: every state of a version that ended before the last chunk that is still held.
      expect(alive.slice(0, 10)).to.deep.equal(Array.from({ length: 10 }, () => undefined));
      expect(alive[alive.length - 1], 'the current state').to.equal(20_000);
      expect(u.state.visits).to.equal(20_000);
    });

    it('renumbers its entries before they outgrow 32-bit links, and answers as before', () => {
      const limit = VersionLog.idLimit;
      VersionLog.idLimit = 3 * 4_096;
      try {
        const full = new EntityStore([User, Product]);
        const windowed = new EntityStore([User, Product], { keep: '2s' });
        const drive = new Driver([full, windowed], 9, 300);
        const rng = new Rng(10);
        for (let checkpoint = 0; checkpoint < 6; checkpoint++) {
          drive.run(7_000, [0, 1]);
          expectSameAnswers(full, windowed, instantsOf(windowed, rng, drive.now));
          for (const r of drive.records[1]) expect(r.previous, r.key).to.be.below(VersionLog.idLimit + 4_096);
        }
        const all = drive.records[0].map((r) => r.versions);
        drive.records[1].forEach((r, i) => expect(r.versions, r.key).to.deep.equal(all[i].slice(all[i].length - r.versions.length)));
      } finally {
        VersionLog.idLimit = limit;
      }
    });
  });
});
