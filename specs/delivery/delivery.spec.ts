import { expect } from 'chai';
import { firstValueFrom, from, map, toArray } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { SimEvent, eventTime } from '../../lib/core/simEvent';
import { delivery, deliveryStages } from '../../lib/delivery/delivery';
import { reorderStats } from '../../lib/delivery/deliverInIngestOrder';
import { ingestTimeOf } from '../../lib/delivery/deliveryMeta';
import { checksumOf, payloadOf } from '../../lib/delivery/withChecksum';
import { isLate } from '../../lib/delivery/withIngestTime';
import { simulateOn } from '../../lib/engine/simulateOn';
import type { SimulationModel } from '../../lib/engine/model';
import { entity } from '../../lib/entities/entity';
import { addDecay, newEvent } from '../../lib/flows/actions';
import { defineFlow } from '../../lib/flows/flow';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { synthetic } from './syntheticEvents';

// A small non-order simulation: users sign up, then view pages.
const SignedUp = event('SignedUp', { user_id: field.string({ primaryKey: true, faker: 'uuid4' }), plan: field.enum(['free', 'pro']) });
const PageViewed = event('PageViewed', { user_id: field.string(), page: field.enum(['home', 'search', 'item']) });
const User = entity('User', { source: SignedUp, primaryKey: 'user_id', state: {} });
const model: SimulationModel = {
  settings: { startTime: '2025-03-01T00:00:00.000Z', seed: 7, duration: '5d', nFlows: 20 },
  entities: [User],
  flows: [
    defineFlow({ name: 'browse' }, function* () {
      yield newEvent(SignedUp, { saveEntity: User });
      for (let i = 0; i < 5; i++) {
        yield addDecay({ rate: 0.1, seconds: { min: 60, max: 3600 } });
        yield newEvent(PageViewed);
      }
    }),
  ],
};

const OPTIONS = {
  seed: 42,
  versions: [{ version: 2, rate: 0.4, eventTypes: ['PageViewed'], transform: (e: SimEvent) => ({ ...e, referrer: 'ad' }) }],
  checksum: true,
  ingest: { lateRate: 0.1, maxLate: '2d' },
  outOfOrder: { rate: 0.1, window: 4 },
  duplicates: { rate: 0.05, maxDelayEvents: 5 },
} as const;

/** Runs the simulation through `delivery` on the project's scheduler; returns the JSON lines and the events. */
const play = (seed: number): { lines: string[]; events: SimEvent[] } => {
  const scheduler = new HeapScheduler();
  const events: SimEvent[] = [];
  let done = false;
  simulateOn(model, { scheduler, seed })
    .pipe(delivery({ ...OPTIONS, seed }))
    .subscribe({ next: (e) => events.push(e), complete: () => (done = true) });
  scheduler.flush();
  expect(done).to.equal(true);
  return { lines: events.map((e) => JSON.stringify(e)), events };
};

describe('delivery: the composer on a simulation', () => {
  it('adds every stage in order: versions, checksum, ingest time (+ reordering), out-of-order, duplicates', () => {
    expect(deliveryStages({ seed: 1 })).to.have.length(0);
    expect(deliveryStages(OPTIONS)).to.have.length(6);
    expect(deliveryStages({ ...OPTIONS, ingestOrder: false })).to.have.length(5);
  });

  it('keeps every invariant on a real run: ingest >= event time, late ⇔ later day, checksums recomputable, duplicates identical', () => {
    const { lines, events } = play(7);
    expect(events.length).to.be.greaterThan(1000);
    const byId = new Map<string, string>();
    let late = 0;
    let dupes = 0;
    for (const line of lines) {
      const e = JSON.parse(line) as Record<string, unknown> & { event_id: string; timestamp: string; ingest_time: string };
      expect(Date.parse(e.ingest_time)).to.be.at.least(Date.parse(e.timestamp));
      if (isLate(e.timestamp, e.ingest_time)) late++;
      expect(checksumOf(payloadOf(e))).to.equal(e.checksum);
      expect(e.schema_version).to.equal(e.event_type === 'PageViewed' && 'referrer' in e ? 2 : 1);
      const seen = byId.get(e.event_id);
      if (seen !== undefined) {
        dupes++;
        expect(line).to.equal(seen);
      }
      byId.set(e.event_id, line);
    }
    expect(Object.keys(JSON.parse(lines[0]))).to.deep.equal([
      'event_id',
      'event_type',
      'schema_version',
      'timestamp',
      'ingest_time',
      'session_id',
      'flow',
      'user_id',
      'plan',
      'checksum',
    ]);
    expect(late).to.be.greaterThan(0);
    expect(dupes).to.be.greaterThan(0);
    // delivered roughly in ingest order: late events come after events with later event times
    let disordered = 0;
    let maxTime = -Infinity;
    for (const e of events) {
      if (eventTime(e) < maxTime) disordered++;
      maxTime = Math.max(maxTime, eventTime(e));
    }
    expect(disordered).to.be.greaterThan(late / 2);
  });

  it('same seed ⇒ byte-identical output; another seed ⇒ different', () => {
    const a = play(7).lines.join('\n');
    expect(play(7).lines.join('\n')).to.equal(a);
    expect(play(8).lines.join('\n')).to.not.equal(a);
  });

  it('turning a stage on does not change the draws of the others', async () => {
    const events = synthetic(3000, 6);
    const ingestById = async (opts: Parameters<typeof delivery>[0]) => {
      const out = await firstValueFrom(from(events).pipe(delivery(opts), toArray()));
      return new Map(out.map((e) => [e.event_id, ingestTimeOf(e)]));
    };
    const alone = await ingestById({ seed: 3, ingest: { lateRate: 0.2 } });
    const withOthers = await ingestById({ seed: 3, ingest: { lateRate: 0.2 }, duplicates: { rate: 0.1 }, outOfOrder: { rate: 0.1 }, checksum: true });
    expect([...withOthers]).to.have.deep.members([...alone]);
  });

  it('exposes the reorder buffer counters and bounds it', async () => {
    const stats = reorderStats();
    const out = await firstValueFrom(
      from(synthetic(5000, 2)).pipe(
        delivery({ seed: 1, ingest: { lateRate: 0.2 }, ingestOrder: { window: 30, stats } }),
        map((e) => e.event_id),
        toArray(),
      ),
    );
    expect(out).to.have.length(5000);
    expect(stats.maxBuffered).to.equal(30);
    expect(stats.delivered).to.equal(5000);
  });
});
