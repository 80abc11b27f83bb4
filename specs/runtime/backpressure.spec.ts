import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import * as lib from '../../lib';
import { Backpressure } from '../../lib/runtime/backpressure';

describe('Backpressure', () => {
  it('counts in-flight events and pauses at the high-water mark', () => {
    const flow = new Backpressure(4);
    expect(flow.lowWaterMark).to.equal(2);
    flow.emitted();
    flow.emitted(2);
    expect(flow.inFlight).to.equal(3);
    expect(flow.paused).to.equal(false);
    flow.emitted();
    expect(flow.paused).to.equal(true);
    flow.acked();
    expect(flow.paused).to.equal(false);
    expect(flow.inFlight).to.equal(3);
  });

  it('resumes waiters once at the low-water mark, not before', () => {
    const flow = new Backpressure(10);
    flow.emitted(10);
    let resumed = 0;
    flow.onResume(() => resumed++);
    const cancelled = flow.onResume(() => expect.fail('cancelled waiter called'));
    cancelled();
    flow.acked(4); // 6 in flight
    expect(resumed).to.equal(0);
    flow.acked(); // 5 = low-water mark
    expect(resumed).to.equal(1);
    flow.acked(5);
    expect(resumed).to.equal(1); // one-shot
  });

  it('calls a waiter at once when already at or below the low-water mark', () => {
    const flow = new Backpressure(10);
    flow.emitted(3);
    let resumed = 0;
    flow.onResume(() => resumed++);
    expect(resumed).to.equal(1);
  });

  it('rejects a bad high-water mark and acknowledging more than is in flight', () => {
    expect(() => new Backpressure(0)).to.throw(RangeError);
    expect(() => new Backpressure(2.5)).to.throw(RangeError);
    const flow = new Backpressure(10);
    flow.emitted(1);
    expect(() => flow.acked(2)).to.throw(RangeError);
  });

  it('is still exported under its old name, FlowControl, and simulate() still takes { flowControl }', async () => {
    expect(lib.FlowControl).to.equal(Backpressure);
    const bp = new Backpressure(5);
    const sim = lib.simulation({ duration: '1m', startTime: '2025-01-01T00:00:00Z', seed: 1, totalEvents: 3 });
    const Ping = lib.event('Ping', { n: lib.field.int({ faker: 'random_int', min: 1, max: 9 }) });
    sim.flow({ name: 'ping' }, function* () {
      yield lib.newEvent(Ping);
    });
    const events = await lastValueFrom(lib.simulate(sim, { flowControl: bp }).pipe(toArray()));
    expect(events).to.have.length(3);
    expect(bp.inFlight).to.equal(3);
  });
});
