// The token bucket of rate pacing (lib/runtime/rateLimit.ts), on a fake clock: what it lets
// through, how long it says to wait, that it does not catch up after a pause, and the checks of
// a run's `rate` option.

import { expect } from 'chai';
import { SettingsError } from '../../lib/engine/model';
import { BURST_SECONDS, RateLimit, checkRate } from '../../lib/runtime/rateLimit';

/** A clock the spec moves by hand (ms). */
const fakeClock = () => {
  let now = 1_000;
  return { read: () => now, advance: (ms: number) => (now += ms) };
};

/** Takes events one at a time while the bucket lets them through; how many it let through. */
const drain = (limit: RateLimit): number => {
  let n = 0;
  while (limit.waitMs() === 0) {
    limit.took();
    n++;
  }
  return n;
};

describe('RateLimit', () => {
  it('starts full: BURST_SECONDS worth of events at once, then says to wait', () => {
    const clock = fakeClock();
    const limit = new RateLimit(1_000, clock.read);
    expect(limit.capacity).to.equal(1_000 * BURST_SECONDS);
    expect(drain(limit)).to.equal(limit.capacity);
    // Empty: wait until 10 ms worth (10 events) are back.
    expect(limit.waitMs()).to.equal(10);
  });

  it('gives back perSecond tokens per second of the clock', () => {
    const clock = fakeClock();
    const limit = new RateLimit(1_000, clock.read);
    drain(limit);
    clock.advance(10);
    expect(drain(limit)).to.equal(10);
    clock.advance(3);
    expect(drain(limit)).to.equal(3);
  });

  it('over a long stretch, lets through perSecond × seconds events plus at most its capacity', () => {
    const clock = fakeClock();
    const limit = new RateLimit(2_500, clock.read);
    let n = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      n += drain(limit);
      clock.advance(1);
    }
    expect(n).to.be.at.least(25_000);
    expect(n).to.be.at.most(25_000 + limit.capacity);
  });

  it('does not catch up after a pause: it holds at most its capacity (twice that at once, as its clock is read lazily)', () => {
    const clock = fakeClock();
    const limit = new RateLimit(1_000, clock.read);
    drain(limit);
    clock.advance(60_000);
    expect(drain(limit)).to.equal(limit.capacity);
    // While the full bucket drained, no time passed: nothing more.
    expect(limit.waitMs()).to.be.above(0);
    // A pause with tokens left: the capacity, then what came back in the meantime (capped).
    clock.advance(10);
    limit.waitMs();
    limit.took(5);
    clock.advance(60_000);
    expect(drain(limit)).to.equal(5 + limit.capacity);
  });

  it('an action that took more than is left makes the next ones wait for the debt too', () => {
    const clock = fakeClock();
    const limit = new RateLimit(100, clock.read); // capacity 5, refills to 1
    expect(limit.capacity).to.equal(5);
    limit.took(25); // one action, 25 events: 20 in debt
    expect(limit.waitMs()).to.equal(210); // 21 tokens at 100/s
    clock.advance(200);
    expect(limit.waitMs()).to.equal(10);
    clock.advance(10);
    expect(drain(limit)).to.equal(1);
  });

  it('a low rate holds one event at least: the first goes at once, the next after 1/perSecond', () => {
    const clock = fakeClock();
    const limit = new RateLimit(10 / 3_600, clock.read); // 10 per hour
    expect(limit.capacity).to.equal(1);
    expect(drain(limit)).to.equal(1);
    expect(limit.waitMs()).to.be.closeTo(360_000, 1e-6);
  });

  it('refuses a rate that is not a finite number > 0', () => {
    for (const bad of [0, -1, NaN, Infinity]) expect(() => new RateLimit(bad)).to.throw(RangeError, 'RateLimit: perSecond must be a finite number > 0');
  });
});

describe('checkRate', () => {
  it('a rate is a finite number of events per second > 0, and not with a timeMultiplier', () => {
    expect(() => checkRate(5_000, undefined)).not.to.throw();
    expect(() => checkRate(5_000, 60)).to.throw(SettingsError, 'rate: a run is paced by rate or by timeMultiplier, not both');
    expect(() => checkRate(0, undefined)).to.throw(SettingsError, 'rate: must be a number of events per second > 0, got 0');
    expect(() => checkRate('5000/s' as unknown as number, undefined)).to.throw(SettingsError, 'rate: must be a number of events per second > 0, got "5000/s"');
  });
});
