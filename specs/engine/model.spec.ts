// The settings checks of lib/engine/model.ts: a start or an end past the dates JavaScript can
// represent is a SettingsError naming the setting, before the run (instead of an "Invalid time
// value" from the first event stamped after it), and so is a history setting that is not one.

import { expect } from 'chai';
import { SettingsError, resolveSettings } from '../../lib/engine/model';

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
    expect(resolveSettings(model({ startTime: '2025-01-01T00:00:00Z' })).end).to.equal(Infinity);
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
