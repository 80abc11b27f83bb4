import { expect } from 'chai';
import { addDecay, newEvent, wait } from '../../lib/flows/actions';
import { SchemaError } from '../../lib/schema/schemaError';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { simulation } from '../../lib/simulation';
import { runToEnd } from '../helpers/runToEnd';

describe('flows/actions: wait', () => {
  it('takes a span, a duration text or milliseconds', () => {
    expect(wait({ minutes: 5 })).to.deep.equal({ _tag: 'AddDecay', rate: 0, span: { minutes: 5 } });
    expect(wait('2h')).to.deep.equal({ _tag: 'AddDecay', rate: 0, span: { ms: 7_200_000 } });
    expect(wait('36500d').span).to.deep.equal({ ms: 36_500 * 86_400_000 });
    expect(wait(1500)).to.deep.equal({ _tag: 'AddDecay', rate: 0, span: { ms: 1500 } });
  });

  it('refuses a wait of no length at all instead of waiting 0 ms, naming what it got', () => {
    const bad: ReadonlyArray<[unknown, string]> = [
      [{}, "wait: expected how long, e.g. wait({ minutes: 5 }) or wait('5m') (units: ms, seconds, minutes, hours, days), got {}"],
      [{ mins: 5 }, 'got {"mins":5}'],
      [null, 'got null'],
      ['soon', 'wait: '],
      [-1, 'wait: invalid duration -1'],
    ];
    for (const [span, message] of bad) expect(() => wait(span as never), JSON.stringify(span)).to.throw(SchemaError, message);
    expect(() => addDecay({ rate: 0.5 })).to.not.throw(); // a drop-off alone is a decay of no time
  });

  it("wait('2h') moves the session's clock by exactly two hours", () => {
    const Tick = event('Tick', { n: field.int({ default: 0 }) });
    const sim = simulation({ duration: '1d', startTime: '2025-01-01T00:00:00Z', nFlows: 1, seed: 1 });
    sim.flow({ name: 'ticks' }, function* () {
      yield newEvent(Tick);
      yield wait('2h');
      yield newEvent(Tick);
    });
    const run = runToEnd(sim, { settings: { totalEvents: 2 } });
    expect(run.events.map((e) => e.timestamp)).to.deep.equal(['2025-01-01T00:00:00.000Z', '2025-01-01T02:00:00.000Z']);
  });
});
