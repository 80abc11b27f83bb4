// The settings checks of lib/engine/model.ts that keep a run within the dates JavaScript can
// represent: a start or an end past them is a SettingsError naming the setting, before the run,
// instead of an "Invalid time value" from the first event stamped after it.

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
