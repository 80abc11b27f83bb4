import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { SettingsError } from '../../lib/engine/model';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import { simulateOn } from '../../lib/engine/simulateOn';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { entity } from '../../lib/entities/entity';
import { newEvent, select, wait } from '../../lib/flows/actions';
import { defineFlow } from '../../lib/flows/flow';
import type { FlowBody } from '../../lib/flows/flow';
import { eventTime } from '../../lib/core/simEvent';
import { runToEnd } from '../helpers/runToEnd';
import { marbleOf } from '../helpers/marbleOf';

const START = '2025-01-01T00:00:00.000Z';
const T0 = Date.parse(START);
const HOUR = 3_600_000;

const Begin = event('Begin', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const End = event('End', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const Visit = event('Visit', { user_id: field.string() });
const User = entity('User', { primaryKey: 'user_id', key: field.string({ faker: 'uuid4' }), state: {} });

/** A two-event session: Begin, then End `gapMs` later. */
const twoSteps = (gapMs: number): FlowBody =>
  function* () {
    yield newEvent(Begin);
    yield wait({ seconds: gapMs / 1000 });
    yield newEvent(End);
  };

const model = (settings: SimulationSettings, body: FlowBody = twoSteps(60_000)): SimulationModel => ({
  settings: { startTime: START, seed: 11, ...settings },
  entities: [User],
  flows: [defineFlow({ name: 'visit' }, body)],
});

describe('engine: open-system arrivals', () => {
  describe('{ count, over }', () => {
    it('starts exactly `count` sessions over [start, start + over), in order, and completes once all have ended', () => {
      const run = runToEnd(model({ arrivals: { count: 2000, over: '10h' } }));
      expect(run.completed).to.equal(true);
      expect(run.stats.sessions).to.include({ started: 2000, completed: 2000, truncated: 0, unmatched: 0 });
      const begins = run.events.filter((e) => e.event_type === 'Begin').map(eventTime);
      expect(begins).to.have.length(2000);
      for (let i = 1; i < begins.length; i++) expect(begins[i]).to.be.at.least(begins[i - 1]);
      expect(begins[0]).to.be.at.least(T0);
      expect(begins[begins.length - 1]).to.be.below(T0 + 10 * HOUR);
      // Every session ends a minute after it began: the run ends with the last session, past `over`.
      expect(run.events.filter((e) => e.event_type === 'End')).to.have.length(2000);
      expect(run.stats.endTime).to.equal(begins[begins.length - 1] + 60_000);
    });

    it('spreads start times uniformly: each of 10 equal buckets within 3 sigma of count/10 (chi-square below its 99.9% point)', () => {
      const n = 20_000;
      const run = runToEnd(
        model({ arrivals: { count: n, over: '10h' } }, function* () {
          yield newEvent(Begin);
        }),
      );
      const buckets = new Array<number>(10).fill(0);
      for (const e of run.events) buckets[Math.floor((eventTime(e) - T0) / HOUR)]++;
      const expected = n / 10;
      const sigma = Math.sqrt(n * 0.1 * 0.9);
      for (const b of buckets) expect(Math.abs(b - expected)).to.be.below(3 * sigma);
      const chi2 = buckets.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
      expect(chi2).to.be.below(27.88); // 9 degrees of freedom, p = 0.001
    });

    it('runs sessions concurrently beyond any slot count (open system)', () => {
      // 500 sessions in one minute, each lasting an hour: all are open at once.
      let open = 0;
      let maxOpen = 0;
      const run = runToEnd(
        model({ arrivals: { count: 500, over: '1m' } }, function* () {
          open++;
          maxOpen = Math.max(maxOpen, open);
          yield newEvent(Begin);
          yield wait({ hours: 1 });
          yield newEvent(End);
          open--;
        }),
      );
      expect(run.stats.sessions.completed).to.equal(500);
      expect(maxOpen).to.equal(500);
    });

    it('stops arrivals and truncates open sessions at `duration`', () => {
      const run = runToEnd(model({ arrivals: { count: 1000, over: '10h' }, duration: '5h' }, twoSteps(2 * HOUR)));
      expect(run.completed).to.equal(true);
      const started = run.stats.sessions.started;
      expect(started).to.be.within(400, 600);
      expect(run.stats.sessions.completed + run.stats.sessions.truncated).to.equal(started);
      for (const e of run.events) expect(eventTime(e)).to.be.below(T0 + 5 * HOUR);
    });

    it('counts an arrival no flow can take as unmatched, and still completes', () => {
      const needsUser: FlowBody = function* () {
        yield newEvent(Visit);
      };
      const m: SimulationModel = {
        settings: { startTime: START, seed: 3, arrivals: { count: 5, over: '1m' } },
        entities: [User],
        flows: [defineFlow({ name: 'visit', filter: select(User) }, needsUser)],
      };
      const run = runToEnd(m);
      expect(run.completed).to.equal(true);
      expect(run.stats.sessions).to.include({ started: 0, unmatched: 5 });
      expect(run.events).to.have.length(0);
    });

    it('with count 0 completes at once', () => {
      const run = runToEnd(model({ arrivals: { count: 0, over: '1h' } }));
      expect(run.completed).to.equal(true);
      expect(run.events).to.have.length(0);
    });
  });

  describe('{ rate, per }', () => {
    it('arrives as a Poisson process: the count over the duration within 3 sigma of rate x duration', () => {
      const run = runToEnd(
        model({ arrivals: { rate: 600, per: '1h' }, duration: '10h' }, function* () {
          yield newEvent(Begin);
        }),
      );
      const mean = 6000;
      expect(Math.abs(run.stats.sessions.started - mean)).to.be.below(3 * Math.sqrt(mean));
      // Exponential gaps: the share of gaps longer than the mean gap (6 s) is e^-1.
      const times = run.events.map(eventTime);
      let longer = 0;
      for (let i = 1; i < times.length; i++) if (times[i] - times[i - 1] > 6000) longer++;
      const p = Math.exp(-1);
      const gaps = times.length - 1;
      expect(Math.abs(longer / gaps - p)).to.be.below(3 * Math.sqrt((p * (1 - p)) / gaps));
    });
  });

  it('is deterministic: same seed, same event times and payloads; another seed differs', () => {
    const settings: SimulationSettings = { arrivals: { count: 300, over: '1h' } };
    const a = runToEnd(model(settings)).events.map((e) => JSON.stringify(e));
    const b = runToEnd(model(settings)).events.map((e) => JSON.stringify(e));
    const c = runToEnd(model(settings), { seed: 12 }).events.map((e) => JSON.stringify(e));
    expect(a).to.deep.equal(b);
    expect(c).to.not.deep.equal(a);
  });

  it('runs on TestScheduler too: the same arrivals, each session keeping its own rhythm, pinned as marbles', () => {
    const m = model({ arrivals: { count: 4, over: '10s' } }, twoSteps(2000));
    // Reference times from the project's scheduler; on TestScheduler one frame is one ms.
    const reference = runToEnd(m).events.map((e) => [eventTime(e) - T0, e.event_type === 'Begin' ? 'b' : 'e'] as const);
    expect(reference).to.have.length(8);
    const begins = reference.filter(([, v]) => v === 'b').map(([t]) => t);
    const ends = reference.filter(([, v]) => v === 'e').map(([t]) => t);
    expect(ends).to.deep.equal(begins.map((t) => t + 2000));
    const ts = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    ts.run(({ expectObservable }) => {
      const types = simulateOn(m, { scheduler: ts }).pipe(map((e) => (e.event_type === 'Begin' ? 'b' : 'e')));
      expectObservable(types).toBe(marbleOf(reference, reference[reference.length - 1][0]));
    });
  });

  it('rejects bad arrival settings with a message naming them', () => {
    const bad =
      (settings: SimulationSettings): (() => void) =>
      () =>
        runToEnd(model(settings));
    expect(bad({ arrivals: { count: 5, over: '1h' }, nFlows: 3 })).to.throw(SettingsError, 'set one of nFlows and arrivals');
    expect(bad({ arrivals: { count: -1, over: '1h' } })).to.throw(SettingsError, 'arrivals.count: must be an integer >= 0, got -1');
    expect(bad({ arrivals: { count: 5, over: 'soon' } })).to.throw(SettingsError, 'arrivals.over');
    expect(bad({ arrivals: { rate: 0, per: '1h' } })).to.throw(SettingsError, 'arrivals.rate: must be a number > 0, got 0');
  });
});
