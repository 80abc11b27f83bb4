import { expect } from 'chai';
import { Observable, firstValueFrom, from, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EVENT_META, SimEvent } from '../../lib/core/simEvent';
import { duplicates } from '../../lib/delivery/duplicates';
import { ev, synthetic, threeSigma } from './syntheticEvents';

const V = { a: ev('a', 0), b: ev('b', 10) };
const ids = (o: Observable<SimEvent>): Observable<string> => o.pipe(map((e) => e.event_id));
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe('delivery: duplicates', () => {
  it('marbles: rate 1 with no delay doubles every event in place; rate 0 changes nothing; errors pass', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a 9ms b 9ms |', V).pipe(duplicates({ seed: 1, rate: 1, maxDelayEvents: 0 })))).toBe('(aa) 6ms (bb) 6ms |');
      expectObservable(ids(cold('a 9ms b 9ms |', V).pipe(duplicates({ seed: 1, rate: 0 })))).toBe('a 9ms b 9ms |');
      expectObservable(ids(cold('a 9ms #', V).pipe(duplicates({ seed: 1, rate: 1, maxDelayEvents: 0 })))).toBe('(aa) 6ms #');
    });
  });

  it('marbles: a copy pending at the end is delivered before complete', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // rate 1: each copy waits 0..5 later events, but only one follows a: whatever the draws, both
      // copies land by the completion, after their originals (a first, then a permutation of a, b, b)
      for (const seed of [1, 2, 3, 4]) {
        const out = cold('a 9ms b 9ms |', V).pipe(
          duplicates({ seed, rate: 1, maxDelayEvents: 5 }),
          ids,
          toArray(),
          map((x) => `${x[0]}:${[...x].sort().join('')}`),
        );
        expectObservable(out).toBe('20ms (x|)', { x: 'a:aabb' });
      }
    });
  });

  const N = 20_000;
  const events = synthetic(N, 5);

  it('delivers a share `rate` of events twice (3 sigma): same JSON, same metadata, distinct object, at most maxDelayEvents originals later', async () => {
    const stats = { duplicated: 0 };
    const out = await firstValueFrom(from(events).pipe(duplicates({ seed: 8, rate: 0.02, maxDelayEvents: 10, stats }), toArray()));
    const extra = out.length - N;
    const [lo, hi] = threeSigma(N, 0.02);
    expect(extra).to.be.within(lo, hi);
    expect(stats.duplicated).to.equal(extra);
    const first = new Map<string, number>();
    let originals = 0;
    for (const e of out) {
      const seen = first.get(e.event_id);
      if (seen === undefined) {
        first.set(e.event_id, originals++);
        continue;
      }
      const original = events[seen];
      expect(e).to.not.equal(original);
      expect(JSON.stringify(e)).to.equal(JSON.stringify(original));
      expect(e[EVENT_META]).to.equal(original[EVENT_META]);
      expect(originals - 1 - seen).to.be.within(0, 10);
    }
    expect(originals).to.equal(N);
  });

  it('is deterministic per seed, and never duplicates a copy', async () => {
    const run = (seed: number) =>
      firstValueFrom(
        from(events.slice(0, 3000)).pipe(
          duplicates({ seed, rate: 0.3 }),
          map((e) => e.event_id),
          toArray(),
        ),
      );
    const a = await run(1);
    expect(await run(1)).to.deep.equal(a);
    expect(await run(2)).to.not.deep.equal(a);
    const counts = new Map<string, number>();
    for (const id of a) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(Math.max(...counts.values())).to.equal(2);
  });

  it('rejects bad options', () => {
    expect(() => duplicates({ seed: 1, rate: -0.1 })).to.throw(RangeError, /rate/);
    expect(() => duplicates({ seed: 1, rate: 0.1, maxDelayEvents: -1 })).to.throw(RangeError, /maxDelayEvents/);
  });
});
