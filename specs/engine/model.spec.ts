// The settings checks of lib/engine/model.ts that keep a run within the dates JavaScript can
// represent: a start or an end past them is a SettingsError naming the setting, before the run,
// instead of an "Invalid time value" from the first event stamped after it. A run without a
// duration ("forever") ends at the last date a Date holds, cleanly, if it ever gets there. A
// history setting that is not one is a SettingsError too.

import { expect } from 'chai';
import { FOREVER, MAX_TIME, SettingsError, resolveSettings } from '../../lib/engine/model';
import { defineFlow } from '../../lib/flows/flow';
import { newEvent, wait } from '../../lib/flows/actions';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { eventTime } from '../../lib/core/simEvent';
import { runToEnd } from '../helpers/runToEnd';

const model = (settings: object) => ({ settings, entities: [], flows: [] });

describe('resolveSettings: the date range', () => {
  it('a start past the last representable date is a SettingsError', () => {
    expect(() => resolveSettings(model({ startTime: 8.64e15 + 1 }))).to.throw(
      SettingsError,
      'startTime: 8640000000000001 is outside the dates JavaScript can represent',
    );
  });

  it('a duration that ends past it is a SettingsError; up to it, and without a duration, runs', () => {
    expect(() => resolveSettings(model({ startTime: '+275760-09-13T00:00:00Z', duration: '1h' }))).to.throw(
      SettingsError,
      'duration: the run would end after +275760-09-13T00:00:00.000Z, the last date JavaScript can represent',
    );
    expect(resolveSettings(model({ startTime: '+275760-09-12T00:00:00Z', duration: '1d' })).end).to.equal(8.64e15);
    expect(resolveSettings(model({ startTime: '2025-01-01T00:00:00Z' }))).to.include({ end: MAX_TIME, forever: true });
  });
});

describe('resolveSettings: duration "forever"', () => {
  it('is the same as no duration: no bound but the last date a Date holds', () => {
    const forever = resolveSettings(model({ startTime: '2025-01-01T00:00:00Z', duration: FOREVER }));
    expect(forever).to.deep.equal(resolveSettings(model({ startTime: '2025-01-01T00:00:00Z' })));
    expect(forever).to.include({ end: 8.64e15, forever: true, totalEvents: Infinity });
    expect(resolveSettings(model({ startTime: '2025-01-01T00:00:00Z', duration: '1h' }))).to.include({ forever: false });
  });

  it('keeps totalEvents', () => {
    expect(resolveSettings(model({ startTime: 0, duration: 'forever', totalEvents: 5 })).totalEvents).to.equal(5);
  });

  it('a duration that is neither says "forever" is the way to have no end', () => {
    expect(() => resolveSettings(model({ startTime: 0, duration: 'Forever' }))).to.throw(
      SettingsError,
      'duration: invalid duration "Forever": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m", or "forever" for no end',
    );
  });
});

describe('a run without a duration at the end of the dates', () => {
  const Tick = event('Tick', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
  const YEAR = 365 * 86_400_000;
  // A tick every century: 2,740 of them reach the year 275760.
  const centuries = (settings: object) => model({ startTime: '2025-01-01T00:00:00Z', seed: 3, nFlows: 1, ...settings });
  const ticker = defineFlow({ name: 'ticker' }, function* () {
    for (;;) {
      yield newEvent(Tick);
      yield wait({ ms: 100 * YEAR });
    }
  });

  it('completes at MAX_TIME instead of failing with "Invalid time value": every event before it, the session truncated', () => {
    const run = runToEnd({ ...centuries({ duration: FOREVER }), flows: [ticker] });
    expect(run.error).to.equal(undefined);
    expect(run.completed).to.equal(true);
    const times = run.events.map(eventTime);
    expect(times[times.length - 1]).to.be.below(MAX_TIME);
    expect(times[times.length - 1] + 100 * YEAR).to.be.at.least(MAX_TIME);
    expect(run.stats.endTime).to.equal(MAX_TIME);
    expect(new Date(run.stats.endTime).toISOString()).to.equal('+275760-09-13T00:00:00.000Z');
    expect(run.stats.sessions).to.include({ started: 1, truncated: 1, failed: 0 });
  });

  it('a run without a duration that ends by itself ends at its last event, not at MAX_TIME', () => {
    const once = defineFlow({ name: 'once' }, function* () {
      yield newEvent(Tick);
    });
    const run = runToEnd({ ...centuries({ nFlows: undefined, arrivals: { count: 3, over: '1h' } }), flows: [once] });
    expect(run.completed).to.equal(true);
    expect(run.stats.endTime).to.equal(eventTime(run.events[2]));
  });
});

describe('resolveSettings: history', () => {
  const history = (h: unknown) => resolveSettings(model({ startTime: 0, history: h })).history;

  it('"full" by default; "full", "none" and a window { keep } as given', () => {
    expect(history(undefined)).to.equal('full');
    expect(history('none')).to.equal('none');
    expect(history({ keep: '1h' })).to.deep.equal({ keep: '1h' });
    expect(history({ keep: 90_000 })).to.deep.equal({ keep: 90_000 });
  });

  it('anything else is a SettingsError with a plain message naming history', () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      ['forever', 'history: must be "full", "none" or { keep: <duration> } (e.g. { keep: "1h" }), got "forever"'],
      [{ window: '1h' }, 'history: must be "full", "none" or { keep: <duration> } (e.g. { keep: "1h" }), got {"window":"1h"}'],
      [{ keep: '1 hour' }, 'history.keep: invalid duration "1 hour": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"'],
      [{ keep: -1 }, 'history.keep: invalid duration -1'],
      [{ keep: 0 }, 'history.keep: must be more than 0, got 0 (to keep only current state, use history "none")'],
      [{ keep: '0m' }, 'history.keep: must be more than 0, got "0m" (to keep only current state, use history "none")'],
      [{ keep: null }, 'history.keep: expected a duration such as "1h", got null'],
    ];
    for (const [h, message] of cases) {
      let caught: unknown;
      try {
        history(h);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(h)).to.be.instanceOf(SettingsError);
      expect((caught as Error).message).to.equal(message);
    }
  });
});
