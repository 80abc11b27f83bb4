import { expect } from 'chai';
import { event, field, newEvent, simulation } from '../../lib';
import { runToEnd } from '../helpers/runToEnd';

describe('engine: event types named like members every object has', () => {
  it('are counted as themselves in the run stats (constructor, __proto__, toString)', () => {
    const names = ['constructor', '__proto__', 'toString'];
    const schemas = names.map((n) => event(n, { n: field.int({ faker: 'random_int', min: 1, max: 9 }) }));
    const sim = simulation({ duration: '1m', startTime: '2025-01-01T00:00:00Z', seed: 1, nFlows: 1, totalEvents: 6 });
    sim.flow({ name: 'all' }, function* () {
      for (const s of schemas) yield newEvent(s);
      for (const s of schemas) yield newEvent(s);
    });
    const run = runToEnd(sim);
    expect(run.events.map((e) => e.event_type)).to.deep.equal([...names, ...names]);
    expect(JSON.stringify(run.stats.eventsByType)).to.equal('{"constructor":2,"__proto__":2,"toString":2}');
    expect(Object.getPrototypeOf(run.stats.eventsByType)).to.equal(Object.prototype);
  });
});
