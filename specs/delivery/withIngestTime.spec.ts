import { expect } from 'chai';
import { firstValueFrom, from, toArray } from 'rxjs';
import { SimEvent, eventTime } from '../../lib/core/simEvent';
import { ingestTimeOf, hasIngestTime } from '../../lib/delivery/deliveryMeta';
import { isLate, withIngestTime } from '../../lib/delivery/withIngestTime';
import { T0, ev, synthetic, threeSigma } from './syntheticEvents';

const run = (events: SimEvent[], op: ReturnType<typeof withIngestTime>): Promise<SimEvent[]> => firstValueFrom(from(events).pipe(op, toArray()));
const DAY = 86_400_000;

describe('delivery: withIngestTime', () => {
  const N = 20_000;
  const events = synthetic(N, 3);

  it('ingest time >= event time always, and "late" ⇔ ingest UTC day > event UTC day; late rate within 3 sigma', async () => {
    const out = await run(events, withIngestTime({ seed: 42, lateRate: 0.06, maxLate: '3d' }));
    expect(out).to.have.length(N);
    let late = 0;
    for (const e of out) {
      const json = JSON.parse(JSON.stringify(e)) as Record<string, string>;
      const ingest = Date.parse(json.ingest_time);
      expect(ingest).to.equal(ingestTimeOf(e));
      expect(ingest).to.be.at.least(eventTime(e));
      expect(ingest - eventTime(e)).to.be.at.most(3 * DAY);
      const lateByDay = Math.floor(ingest / DAY) > Math.floor(eventTime(e) / DAY);
      expect(isLate(json.timestamp, json.ingest_time)).to.equal(lateByDay);
      if (lateByDay) late++;
      else expect(ingest - eventTime(e)).to.be.at.most(2000);
    }
    const [lo, hi] = threeSigma(N, 0.06);
    expect(late).to.be.within(lo, hi);
  });

  it('writes ISO-8601 right after timestamp, keeps the event metadata and does not change its input', async () => {
    const e = ev('a', T0 + 1000, { user_id: 'u1' });
    const [out] = await run([e], withIngestTime({ seed: 1 }));
    expect(Object.keys(out)).to.deep.equal(['event_id', 'event_type', 'timestamp', 'ingest_time', 'session_id', 'flow', 'user_id']);
    expect(out.ingest_time).to.match(/^2026-01-15T00:00:0[1-3]\.\d{3}Z$/);
    expect(eventTime(out)).to.equal(T0 + 1000);
    expect(hasIngestTime(e)).to.equal(false);
    expect(e).to.not.have.property('ingest_time');
  });

  it('on-time delays stay in [minDelay, maxDelay], capped at the end of the event day', async () => {
    const endOfDay = T0 + DAY - 500;
    const out = await run([ev('x', T0 + 5000), ev('y', endOfDay)], withIngestTime({ seed: 9, minDelay: '1s', maxDelay: '10s' }));
    expect(ingestTimeOf(out[0]) - (T0 + 5000)).to.be.within(1000, 10_000);
    expect(ingestTimeOf(out[1])).to.be.within(endOfDay, T0 + DAY - 1);
  });

  it('is deterministic per seed and per event id (not per position)', async () => {
    const op = () => withIngestTime({ seed: 42, lateRate: 0.3 });
    const a = (await run(events.slice(0, 500), op())).map((e) => e.ingest_time);
    const b = (await run(events.slice(0, 500), op())).map((e) => e.ingest_time);
    const c = (await run(events.slice(0, 500), withIngestTime({ seed: 43, lateRate: 0.3 }))).map((e) => e.ingest_time);
    const shifted = (await run(events.slice(250, 500), op())).map((e) => e.ingest_time);
    expect(a).to.deep.equal(b);
    expect(c).to.not.deep.equal(a);
    expect(shifted).to.deep.equal(a.slice(250));
  });

  it('rejects a maxLate under a day (a late event must land on a later day) and bad rates', () => {
    expect(() => withIngestTime({ seed: 1, lateRate: 0.1, maxLate: '12h' })).to.throw(RangeError, /at least 1d/);
    expect(() => withIngestTime({ seed: 1, lateRate: 1.5 })).to.throw(RangeError, /lateRate/);
    expect(() => withIngestTime({ seed: 1, minDelay: '5s', maxDelay: '1s' })).to.throw(RangeError, /maxDelay/);
  });

  it('lateRate 1: every event is late, within maxLate', async () => {
    const out = await run(events.slice(0, 2000), withIngestTime({ seed: 5, lateRate: 1, maxLate: '1d' }));
    for (const e of out) {
      expect(isLate(e.timestamp, e.ingest_time as string)).to.equal(true);
      expect(ingestTimeOf(e) - eventTime(e)).to.be.within(1, DAY);
    }
  });
});
