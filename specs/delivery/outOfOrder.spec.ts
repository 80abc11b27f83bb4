import { expect } from 'chai';
import { Observable, firstValueFrom, from, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SimEvent } from '../../lib/core/simEvent';
import { holdBack, holdBackStats } from '../../lib/delivery/holdBack';
import { outOfOrder } from '../../lib/delivery/outOfOrder';
import { ev, synthetic, threeSigma } from './syntheticEvents';

const V = { a: ev('a', 0), b: ev('b', 10), c: ev('c', 20), d: ev('d', 30) };
const ids = (o: Observable<SimEvent>): Observable<string> => o.pipe(map((e) => e.event_id));
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
/** A decision table: how many later events each id lets pass. */
const table =
  (k: Record<string, number>) =>
  (e: SimEvent): number =>
    k[e.event_id] ?? 0;
const ABCD = 'a 9ms b 9ms c 9ms d 9ms |';

describe('delivery: holdBack (marbles)', () => {
  it('empty: completes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold<SimEvent>('|').pipe(holdBack(table({}), 3)))).toBe('|');
    });
  });

  it('one held event: delivered on complete', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a|', V).pipe(holdBack(table({ a: 1 }), 3)))).toBe('-(a|)');
    });
  });

  it('k = 1 swaps an event with the next one', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold(ABCD, V).pipe(holdBack(table({ a: 1 }), 3)))).toBe('10ms (ba) 6ms c 9ms d 9ms |');
    });
  });

  it('held events only count events delivered directly; due ones follow in arrival order', () => {
    const stats = holdBackStats();
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold(ABCD, V).pipe(holdBack(table({ a: 2, b: 1 }), 3, stats)))).toBe('20ms (cb) 6ms (da) 6ms |');
    });
    expect(stats).to.deep.equal({ held: 2, releasedEarly: 0, maxHeld: 2 });
  });

  it('at most maxHeld held: holding one more releases the oldest; the rest is flushed on complete', () => {
    const stats = holdBackStats();
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold(ABCD, V).pipe(holdBack(table({ a: 3, b: 3 }), 1, stats)))).toBe('10ms a 9ms c 9ms d 9ms (b|)');
    });
    expect(stats).to.deep.equal({ held: 2, releasedEarly: 2, maxHeld: 1 });
  });

  it('error: delivers held events, then the error', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a 9ms #', V, new Error('boom')).pipe(holdBack(table({ a: 1 }), 3)))).toBe('10ms (a#)', undefined, new Error('boom'));
    });
  });

  it('a decide callback that throws: delivers held events, then errors', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const decide = (e: SimEvent): number => {
        if (e.event_id === 'c') throw new Error('bad decision');
        return e.event_id === 'a' ? 2 : 0;
      };
      expectObservable(ids(cold('a 9ms b 9ms c', V).pipe(holdBack(decide, 3)))).toBe('10ms b 9ms (a#)', undefined, new Error('bad decision'));
    });
  });

  it('never-ending source: keeps holding', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b', V);
      expectObservable(ids(source.pipe(holdBack(table({ a: 2 }), 3))), '^ 99ms !').toBe('10ms b');
      expectSubscriptions(source.subscriptions).toBe('^ 99ms !');
    });
  });

  it('early unsubscribe: unsubscribes from the source, drops held events', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(ABCD, V);
      expectObservable(ids(source.pipe(holdBack(table({ a: 3 }), 3))), '^ 24ms !').toBe('10ms b 9ms c');
      expectSubscriptions(source.subscriptions).toBe('^ 24ms !');
    });
  });
});

describe('delivery: outOfOrder', () => {
  const N = 20_000;
  const events = synthetic(N, 21);
  const run = (seed: number, rate: number, window = 5, stats = holdBackStats()) =>
    firstValueFrom(from(events).pipe(outOfOrder({ seed, rate, window, stats }), toArray()));

  it('delivers a share `rate` of events after a later event (3 sigma), each at most `window` places late, all exactly once', async () => {
    const stats = holdBackStats();
    const out = await run(42, 0.12, 5, stats);
    const index = new Map(events.map((e, i) => [e.event_id, i]));
    const positions = out.map((e) => index.get(e.event_id) as number);
    expect([...positions].sort((x, y) => x - y)).to.deep.equal(positions.map((_, i) => i));
    let displaced = 0;
    let maxSeen = -1;
    for (let i = 0; i < positions.length; i++) {
      if (positions[i] < maxSeen) displaced++;
      maxSeen = Math.max(maxSeen, positions[i]);
    }
    const [lo, hi] = threeSigma(N, 0.12);
    expect(displaced).to.be.within(lo, hi);
    expect(stats.held).to.be.within(lo, hi);
    expect(stats.maxHeld).to.be.at.most(5);
    // an event held back k places is delivered after k (≤ window) later ones: its out-position is at most
    // window + (other held events released with it) past its arrival position
    for (let i = 0; i < positions.length; i++) expect(i - positions[i]).to.be.at.most(2 * 5);
  });

  it('is deterministic per seed; rate 0 changes nothing', async () => {
    const a = (await run(1, 0.2)).map((e) => e.event_id);
    expect((await run(1, 0.2)).map((e) => e.event_id)).to.deep.equal(a);
    expect((await run(2, 0.2)).map((e) => e.event_id)).to.not.deep.equal(a);
    expect((await run(1, 0)).map((e) => e.event_id)).to.deep.equal(events.map((e) => e.event_id));
  });

  it('rejects bad options', () => {
    expect(() => outOfOrder({ seed: 1, rate: 2 })).to.throw(RangeError, /rate/);
    expect(() => outOfOrder({ seed: 1, rate: 0.1, window: 0 })).to.throw(RangeError, /window/);
  });
});
