import { expect } from 'chai';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { EVENT_META, SimEvent } from '../../lib/core/simEvent';
import { duplicates } from '../../lib/delivery/duplicates';
import { SchemaVersion, schemaVersions } from '../../lib/delivery/schemaVersions';
import { ev, synthetic, threeSigma } from './syntheticEvents';

/** The order-lifecycle simulator's order_created v2 adds promo_code and device_type. */
const V2: SchemaVersion = {
  version: 2,
  rate: 0.35,
  eventTypes: ['order_created'],
  transform: (e, rng) => ({
    ...e,
    promo_code: rng.chance(0.3) ? rng.pick(['SPRING10', 'WELCOME5']) : null,
    device_type: rng.pick(['desktop', 'mobile', 'tablet']),
  }),
};

const run = (events: SimEvent[], versions: ReadonlyArray<SchemaVersion>, seed = 42) =>
  firstValueFrom(from(events).pipe(schemaVersions({ seed, versions }), toArray()));

describe('delivery: schemaVersions', () => {
  const N = 20_000;
  const events = synthetic(N, 9);

  it('gives version 2 to a share 0.35 of order_created events (3 sigma), with the transform applied; every other event version 1', async () => {
    const out = await run(events, [V2]);
    const created = out.filter((e) => e.event_type === 'order_created');
    const v2 = created.filter((e) => e.schema_version === 2);
    const [lo, hi] = threeSigma(created.length, 0.35);
    expect(v2.length).to.be.within(lo, hi);
    for (const e of out) {
      const isV2 = e.schema_version === 2;
      expect(e.schema_version).to.be.oneOf([1, 2]);
      expect('device_type' in e).to.equal(isV2);
      expect('promo_code' in e).to.equal(isV2);
      if (e.event_type !== 'order_created') expect(e.schema_version).to.equal(1);
      expect(e[EVENT_META]).to.not.equal(undefined);
    }
  });

  it('several versions: each with its own rate among the types it applies to', async () => {
    const out = await run(events, [
      { version: 2, rate: 0.3 },
      { version: 3, rate: 0.2, eventTypes: ['page_viewed'] },
    ]);
    const pages = out.filter((e) => e.event_type === 'page_viewed');
    const orders = out.filter((e) => e.event_type === 'order_created');
    const count = (xs: SimEvent[], v: number) => xs.filter((e) => e.schema_version === v).length;
    expect(count(pages, 2)).to.be.within(...threeSigma(pages.length, 0.3));
    expect(count(pages, 3)).to.be.within(...threeSigma(pages.length, 0.2));
    expect(count(orders, 2)).to.be.within(...threeSigma(orders.length, 0.3));
    expect(count(orders, 3)).to.equal(0);
  });

  it('puts the field right after event_type; default version and field name configurable', async () => {
    const [e] = await run([ev('a', 0, { user_id: 'u' })], []);
    expect(Object.keys(e)).to.deep.equal(['event_id', 'event_type', 'schema_version', 'timestamp', 'session_id', 'flow', 'user_id']);
    const [f] = await firstValueFrom(from([ev('a', 0)]).pipe(schemaVersions({ seed: 1, versions: [], defaultVersion: 3, field: 'v' }), toArray()));
    expect(f.v).to.equal(3);
  });

  it('is deterministic per seed and per event id: a duplicate gets the same version and payload', async () => {
    const slice = events.slice(0, 2000);
    const a = (await run(slice, [V2])).map((e) => JSON.stringify(e));
    expect((await run(slice, [V2])).map((e) => JSON.stringify(e))).to.deep.equal(a);
    expect((await run(slice, [V2], 43)).map((e) => JSON.stringify(e))).to.not.deep.equal(a);
    const doubled = await lastValueFrom(from(slice).pipe(duplicates({ seed: 1, rate: 0.5 }), schemaVersions({ seed: 42, versions: [V2] }), toArray()));
    const byId = new Map<string, string>();
    for (const e of doubled) {
      const text = JSON.stringify(e);
      expect(byId.get(e.event_id) ?? text).to.equal(text);
      byId.set(e.event_id, text);
    }
    expect(doubled.length).to.be.greaterThan(slice.length);
  });

  it('errors: rates over 1 for a type, a rate outside 0..1, a transform that throws (named)', async () => {
    expect(() => schemaVersions({ seed: 1, versions: [{ version: 2, rate: 1.2 }] })).to.throw(RangeError, /version 2/);
    let err: unknown;
    await run(events.slice(0, 10), [
      { version: 2, rate: 0.6 },
      { version: 3, rate: 0.6 },
    ]).catch((e) => (err = e));
    expect(String(err)).to.match(/sum to 1\.2, more than 1/);
    err = undefined;
    await run(events.slice(0, 50), [
      {
        version: 2,
        rate: 1,
        transform: () => {
          throw new Error('bad');
        },
      },
    ]).catch((e) => (err = e));
    expect(String(err)).to.match(/transform of version 2 failed on a "(order_created|page_viewed)" event: bad/);
  });
});
