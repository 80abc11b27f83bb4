import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { main } from '../../lib/cli/main';
import { eventTime } from '../../lib/core/simEvent';
import type { StoryEvent } from '../../lib/story/storyEvent';
import { streamStory } from '../../lib/config/story/streamStory';
import { marbleOf } from '../helpers/marbleOf';

const DAY = 86_400_000;
const SAAS = 'scenarios/saas.story.yaml';

const collect = async (file: string, seed?: number): Promise<StoryEvent[]> => {
  const out: StoryEvent[] = [];
  for await (const e of streamStory(file, { seed, debug: false })) out.push(e);
  return out;
};

describe('e2e: the story format examples', () => {
  describe('"Advanced Story Configuration" (scenarios/saas.story.yaml, unchanged)', () => {
    let events: StoryEvent[];
    before(async () => {
      events = await collect(SAAS);
    });
    const byType = (t: string) => events.filter((e) => e.event_type === t);

    it('30 daily signups, each with its subscription at the same instant, right after it', () => {
      const signups = byType('user.signup');
      expect(signups).to.have.length(30);
      expect(byType('subscription.created')).to.have.length(30);
      signups.forEach((e, i) => expect(e.timestamp).to.equal(new Date(Date.UTC(2025, 0, 1 + i)).toISOString()));
      for (let i = 0; i < 60; i += 2) {
        expect([events[i].event_type, events[i + 1].event_type]).to.deep.equal(['user.signup', 'subscription.created']);
        expect(events[i].timestamp).to.equal(events[i + 1].timestamp);
      }
      for (const e of signups) {
        expect(e).to.include({ org_id: 'example_org', source: 'posthog' });
        expect(e.data.user_id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(['free', 'pro', 'enterprise']).to.include(e.data.plan);
      }
    });

    it('subscription amounts equal switch(plan) of the referenced signup (same repetition)', () => {
      const price: Record<string, number> = { free: 0, pro: 99, enterprise: 499 };
      const signups = byType('user.signup');
      byType('subscription.created').forEach((s, i) => {
        expect(s.source).to.equal('stripe');
        expect(s.data.customer_id).to.equal(signups[i].data.user_id);
        expect(s.data.plan).to.equal(signups[i].data.plan);
        expect(s.data.amount).to.equal(price[signups[i].data.plan as string]);
      });
      expect(new Set(signups.map((e) => e.data.plan)).size).to.equal(3);
    });

    it('weighted sources are within 3 sigma of 0.6 / 0.3 / 0.1 (30 signups × 20 seeds)', async () => {
      const sources: string[] = [];
      for (let seed = 0; seed < 20; seed++)
        for (const e of await collect(SAAS, seed)) if (e.event_type === 'user.signup') sources.push(e.data.source as string);
      expect(sources).to.have.length(600);
      for (const [name, p] of [
        ['google', 0.6],
        ['direct', 0.3],
        ['referral', 0.1],
      ] as const) {
        const share = sources.filter((s) => s === name).length / sources.length;
        expect(Math.abs(share - p), name).to.be.at.most(3 * Math.sqrt((p * (1 - p)) / sources.length));
      }
    });

    it('timestamps follow offset and frequency exactly (marbles on TestScheduler)', () => {
      const ts = new TestScheduler((a, b) => {
        expect(a).to.deep.equal(b);
      });
      ts.run(({ expectObservable }) => {
        const frames: Array<[number, string]> = [];
        for (let i = 0; i < 30; i++) frames.push([i * DAY, 's'], [i * DAY, 'c']);
        const types = streamStory(SAAS, { scheduler: ts, debug: false }).pipe(map((e) => (e.event_type === 'user.signup' ? 's' : 'c')));
        expectObservable(types).toBe(marbleOf(frames, 29 * DAY), { s: 's', c: 'c' });
      });
    });

    it('is the same stream as an Observable and with for await; same seed ⇒ identical, another seed ⇒ different', async () => {
      const viaObservable = await lastValueFrom(streamStory(SAAS, { debug: false }).pipe(toArray()));
      expect(JSON.stringify(viaObservable)).to.equal(JSON.stringify(events));
      expect(viaObservable.map(eventTime)).to.deep.equal(events.map(eventTime));
      expect(JSON.stringify(await collect(SAAS, 1))).to.not.equal(JSON.stringify(events));
    });

    it('a slow for await holds the run back (highWaterMark) and still gets every event in order', async () => {
      const got: string[] = [];
      for await (const e of streamStory(SAAS, { debug: false, highWaterMark: 2 })) {
        got.push(e.timestamp);
        await new Promise((r) => setImmediate(r));
      }
      expect(got).to.deep.equal(events.map((e) => e.timestamp));
    });

    it('for await can stop early (the run is unsubscribed)', async () => {
      let n = 0;
      for await (const e of streamStory(SAAS, { debug: false })) {
        expect(e.org_id).to.equal('example_org');
        if (++n === 5) break;
      }
      expect(n).to.equal(5);
    });
  });

  it('"Basic Story Structure" with its dynamic field types (scenarios/basic.story.yaml)', async () => {
    const events = await collect('scenarios/basic.story.yaml');
    expect(events).to.have.length(48);
    events.forEach((e, i) => {
      const d = e.data;
      expect(e.timestamp).to.equal(new Date(Date.UTC(2025, 0, 1, i)).toISOString());
      expect(d.field1).to.equal('value');
      expect(d.value1).to.be.a('number').and.satisfy(Number.isInteger).and.within(1, 100);
      expect(d.value2).to.be.a('number');
      expect(d.timestamp).to.equal(e.timestamp.slice(0, 19).replace('T', ' '));
      expect(d.interval).to.equal(3600);
      expect(d.name)
        .to.be.a('string')
        .and.match(/\w+ \w+/);
      expect(d.reference).to.equal(i === 0 ? null : events[i - 1].data.user_id);
      expect(d.computed).to.equal(`template ${d.value1}`);
    });
    const mean = events.reduce((s, e) => s + (e.data.value2 as number), 0) / events.length;
    expect(Math.abs(mean - 50)).to.be.at.most((3 * 10) / Math.sqrt(events.length));
  });

  it('a story of another domain exercises every expression (scenarios/coldchain.story.yaml)', async () => {
    const events = await collect('scenarios/coldchain.story.yaml');
    const readings = events.filter((e) => e.event_type === 'freezer.reading');
    const shipments = events.filter((e) => e.event_type === 'shipment.dispatched');
    const [inspection] = events.filter((e) => e.event_type === 'inspection.completed');
    // 15-minute readings from 2025-03-08 00:00 EST to the end of 2025-03-10 EDT: 71 hours (DST) = 284.
    expect(readings).to.have.length(284);
    expect(readings[0].timestamp).to.equal('2025-03-08T00:00:00.000-05:00');
    expect(readings[283].timestamp).to.equal('2025-03-10T23:45:00.000-04:00');
    expect(readings.map((e) => e.data.local_time)).to.include.members(['2025-03-09 01:45:00 EST', '2025-03-09 03:00:00 EDT']);
    readings.forEach((e, i) => {
      const d = e.data;
      expect(['FRZ-01', 'FRZ-02', 'FRZ-03']).to.include(d.sensor);
      expect(d.drift).to.equal(i === 0 ? 0 : Math.round(((d.celsius as number) - (readings[i - 1].data.celsius as number)) * 100) / 100);
      expect(d.battery_pct).to.equal(100 - Math.floor(i / 12));
      expect(d.status).to.equal((d.celsius as number) > -15 ? 'ALARM' : 'ok');
      expect(d.label).to.equal(`${d.sensor} at ${e.timestamp.slice(11, 16)}: ${d.celsius} C`);
      expect(d).to.include({ calibrated: true, notes: null });
      expect(d.thresholds).to.deep.equal([-25, -15]);
      expect((d.location as { aisle: number }).aisle).to.be.within(1, 12);
      expect(typeof d.door_open).to.equal('boolean');
    });
    expect(shipments.map((e) => e.timestamp)).to.deep.equal(['2025-03-09T00:00:00.000-05:00', '2025-03-10T00:00:00.000-04:00']);
    shipments.forEach((s, i) => {
      const d = s.data;
      const latest = readings.filter((r) => eventTime(r) <= eventTime(s)).pop()!;
      expect(d.last_sensor).to.equal(latest.data.sensor);
      expect(d.temperature_at_dispatch).to.equal(latest.data.celsius);
      expect(d.priority).to.equal({ ColdLine: 'express', FrostFreight: 'standard' }[d.carrier as string] ?? 'economy');
      expect(d.shipment_id).to.match(/^SHP-\d{6}$/);
      expect(d.driver_email).to.match(/@/);
      expect(d.pallets).to.be.within(1, 24);
      expect(d).to.include({ transit_seconds: 23_400, sla_seconds: 86_400 });
      expect(d.previous_shipment).to.equal(i === 0 ? null : shipments[0].data.shipment_id);
    });
    expect(inspection.data).to.include({ shipment: null, passed: true });
    expect(inspection.data.inspector).to.be.a('string');
  });

  it('deep-faker validate / run recognise a story from its content', async () => {
    const capture = () => {
      const stream = new PassThrough();
      let text = '';
      stream.on('data', (d) => (text += String(d)));
      return { stream, text: () => text };
    };
    const cwd = path.resolve(__dirname, '../..');
    const out = capture();
    expect(await main(['validate', SAAS], { stderr: capture().stream, stdout: out.stream, cwd })).to.equal(0);
    expect(out.text()).to.equal('ok\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-story-'));
    const file = path.join(dir, 'events.jsonl');
    const err = capture();
    expect(await main(['run', SAAS, '--output', `file:${file}`, '--total-events', '7', '--debug'], { stderr: err.stream, cwd })).to.equal(0);
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).to.have.length(7);
    expect(JSON.stringify(lines)).to.equal(JSON.stringify((await collect(SAAS)).slice(0, 7)));
    expect(err.text()).to.contain('deep-faker:story   amount = switch(plan,');
    expect(err.text()).to.contain('deep-faker: done: 7 events');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: e\n    data:\n      x: rnadom(1, 2)\n');
    const badErr = capture();
    expect(await main(['run', bad], { stderr: badErr.stream, cwd: dir })).to.equal(2);
    expect(badErr.text()).to.equal('deep-faker: bad.yaml:7:10 events[0].data.x: unknown function "rnadom"; did you mean "random"?\n');
  });
});
