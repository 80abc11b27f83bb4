import { expect } from 'chai';
import { Observable, firstValueFrom, from, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SimEvent, eventTime } from '../../lib/core/simEvent';
import { deliverInIngestOrder, reorderStats } from '../../lib/delivery/deliverInIngestOrder';
import { ingestTimeOf } from '../../lib/delivery/deliveryMeta';
import { withIngestTime } from '../../lib/delivery/withIngestTime';
import { ev, synthetic } from './syntheticEvents';

/** Event `id` at virtual time `t` ms (= its marble frame), ingested at `ingest` ms. */
const at = (id: string, t: number, ingest: number): SimEvent => ev(id, t, {}, ingest);
const ids = (o: Observable<SimEvent>): Observable<string> => o.pipe(map((e) => e.event_id));
const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

// a@0 ingested 25, b@10 ingested 15, c@20 ingested 20, d@30 ingested 35.
const V = { a: at('a', 0, 25), b: at('b', 10, 15), c: at('c', 20, 20), d: at('d', 30, 35) };

describe('delivery: deliverInIngestOrder (marbles)', () => {
  it('empty: completes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold<SimEvent>('|').pipe(deliverInIngestOrder({ window: 4 })))).toBe('|');
    });
  });

  it('one: held until complete when its ingest time is ahead of the clock', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a|', V).pipe(deliverInIngestOrder({ window: 4 })))).toBe('-(a|)');
    });
  });

  it('many: released when the clock (latest event time) passes their ingest time, in ingest order', () => {
    const stats = reorderStats();
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms |', V);
      expectObservable(ids(source.pipe(deliverInIngestOrder({ window: 4, stats })))).toBe('20ms (bc) 6ms a 9ms (d|)');
    });
    expect(stats).to.deep.equal({ buffered: 0, maxBuffered: 2, forced: 0, delivered: 4 });
  });

  it('a full window releases the earliest-ingested event early and never holds more than `window`', () => {
    const stats = reorderStats();
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms |', V);
      expectObservable(ids(source.pipe(deliverInIngestOrder({ window: 1, stats })))).toBe('10ms b 9ms c 9ms a 9ms (d|)');
    });
    expect(stats).to.deep.equal({ buffered: 0, maxBuffered: 1, forced: 1, delivered: 4 });
  });

  it('window 0 passes events through unchanged', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a 9ms b 9ms c 9ms d 9ms |', V).pipe(deliverInIngestOrder({ window: 0 })))).toBe('a 9ms b 9ms c 9ms d 9ms |');
    });
  });

  it('error: delivers what it holds, in ingest order, then the error', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(ids(cold('a 9ms b 9ms #', V, new Error('boom')).pipe(deliverInIngestOrder({ window: 4 })))).toBe(
        '20ms (ba#)',
        undefined,
        new Error('boom'),
      );
    });
  });

  it('never-ending source: holds events ahead of the clock, emits nothing, stays subscribed', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b', V);
      expectObservable(ids(source.pipe(deliverInIngestOrder({ window: 4 }))), '^ 99ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^ 99ms !');
    });
  });

  it('early unsubscribe: unsubscribes from the source and drops what it held', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms |', V);
      expectObservable(ids(source.pipe(deliverInIngestOrder({ window: 4 }))), '^ 24ms !').toBe('20ms (bc)');
      expectSubscriptions(source.subscriptions).toBe('^ 24ms !');
    });
  });

  it('an ingestTime callback that throws: delivers what it holds, then errors', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const ingestTime = (e: SimEvent): number => {
        if (e.event_id === 'c') throw new Error('no ingest time');
        return ingestTimeOf(e);
      };
      expectObservable(ids(cold('a 9ms b 9ms c', V).pipe(deliverInIngestOrder({ window: 4, ingestTime })))).toBe(
        '20ms (ba#)',
        undefined,
        new Error('no ingest time'),
      );
    });
  });

  it('rejects a bad window', () => {
    expect(() => deliverInIngestOrder({ window: -1 })).to.throw(RangeError);
    expect(() => deliverInIngestOrder({ window: 1.5 })).to.throw(RangeError);
  });
});

describe('delivery: deliverInIngestOrder (20k events)', () => {
  const events = synthetic(20_000, 11);

  it('with a large enough window: every event once, sorted by ingest time, late events after later events', async () => {
    const stats = reorderStats();
    const out = await firstValueFrom(
      from(events).pipe(withIngestTime({ seed: 4, lateRate: 0.06, maxLate: '3d' }), deliverInIngestOrder({ window: 20_000, stats }), toArray()),
    );
    expect(out.map((e) => e.event_id).sort()).to.deep.equal(events.map((e) => e.event_id).sort());
    for (let i = 1; i < out.length; i++) expect(ingestTimeOf(out[i])).to.be.at.least(ingestTimeOf(out[i - 1]));
    let disordered = 0;
    let maxTime = -Infinity;
    for (const e of out) {
      if (eventTime(e) < maxTime) disordered++;
      maxTime = Math.max(maxTime, eventTime(e));
    }
    expect(disordered).to.be.greaterThan(0.03 * out.length);
    expect(stats.forced).to.equal(0);
    expect(stats.maxBuffered).to.be.at.most(20_000);
    expect(stats.delivered).to.equal(20_000);
  });

  it('bounded memory: the buffer never exceeds a small window (forced releases instead)', async () => {
    const stats = reorderStats();
    let maxSeen = 0;
    const out = await firstValueFrom(
      from(events).pipe(
        withIngestTime({ seed: 4, lateRate: 0.06, maxLate: '3d' }),
        deliverInIngestOrder({ window: 50, stats }),
        map((e) => ((maxSeen = Math.max(maxSeen, stats.buffered)), e)),
        toArray(),
      ),
    );
    expect(out).to.have.length(20_000);
    expect(stats.maxBuffered).to.equal(50);
    expect(maxSeen).to.be.at.most(50);
    expect(stats.forced).to.be.greaterThan(0);
  });
});
