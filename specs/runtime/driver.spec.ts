// These specs use the real event loop and wall clock. They assert behaviour only — order, counts,
// exact virtual times, and lower bounds on wall time when paced — never speed.

import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { Observable, Subscription, interval, lastValueFrom, map, merge, mergeMap, of, range, take, tap, timer, toArray } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { drive } from '../../lib/runtime/driver';
import { Backpressure } from '../../lib/runtime/backpressure';
import { onVirtualTime } from '../../lib/runtime/onVirtualTime';
import { BURST_SECONDS } from '../../lib/runtime/rateLimit';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const busyWait = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const collect = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));
/** How many active handles of a kind ('Immediate', 'Timeout') the event loop holds. */
const active = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;

describe('onVirtualTime and drive', () => {
  describe('as fast as possible', () => {
    it('emits timer/interval values in order with exact virtual times', async () => {
      const start = Date.UTC(2024, 0, 1);
      const seen = await collect(
        onVirtualTime((s) => merge(interval(1_000, s).pipe(take(3)), timer(1_500, s).pipe(map(() => 'timer'))).pipe(map((v) => [s.now() - start, v])), {
          startTime: start,
        }),
      );
      expect(seen).to.deep.equal([
        [1_000, 0],
        [1_500, 'timer'],
        [2_000, 1],
        [3_000, 2],
      ]);
    });

    it('runs an hour of virtual time with 100 concurrent timers to completion', async () => {
      let last = 0;
      const count = await lastValueFrom(
        onVirtualTime((s) =>
          merge(...Array.from({ length: 100 }, (_, i) => interval(1_000 + i, s).pipe(take(Math.floor(3_600_000 / (1_000 + i)))))).pipe(
            tap(() => (last = s.now())),
          ),
        ).pipe(
          toArray(),
          map((all) => all.length),
        ),
      );
      const expected = Array.from({ length: 100 }, (_, i) => Math.floor(3_600_000 / (1_000 + i))).reduce((a, b) => a + b);
      expect(count).to.equal(expected);
      expect(last).to.be.at.most(3_600_000);
      expect(last).to.be.greaterThan(3_590_000);
    });

    it('completes at once, without driving, a stream that completes on subscribe', async () => {
      expect(await collect(onVirtualTime(() => of(1, 2, 3)))).to.deep.equal([1, 2, 3]);
    });

    it('errors with an error delivered by the stream, and with one thrown by an action', async () => {
      const viaStream = onVirtualTime((s) =>
        timer(5, s).pipe(
          map(() => {
            throw new Error('from the stream');
          }),
        ),
      );
      await collect(viaStream).then(
        () => expect.fail('should error'),
        (e: Error) => expect(e.message).to.equal('from the stream'),
      );
      const viaAction = onVirtualTime(
        (s) =>
          new Observable<number>((subscriber) => {
            subscriber.next(s.now());
            s.schedule(() => {
              throw new Error('from an action');
            }, 10);
          }),
      );
      const got: number[] = [];
      await lastValueFrom(viaAction.pipe(tap((v) => got.push(v)))).then(
        () => expect.fail('should error'),
        (e: Error) => expect(e.message).to.equal('from an action'),
      );
      expect(got).to.deep.equal([0]);
    });
  });

  describe('paced by timeMultiplier', () => {
    it('never delivers an event before its wall-clock due time', async () => {
      const multiplier = 20; // 100 virtual ms = 5 wall ms
      const seen: Array<{ virtual: number; wall: number }> = [];
      let scheduler: HeapScheduler | undefined;
      const t0 = performance.now();
      await lastValueFrom(
        onVirtualTime(
          (s) => {
            scheduler = s;
            return timer(0, 100, s).pipe(take(8));
          },
          { timeMultiplier: multiplier, startTime: 1_000 },
        ).pipe(tap(() => seen.push({ virtual: (scheduler as HeapScheduler).now() - 1_000, wall: performance.now() - t0 }))),
      );
      expect(seen.map((e) => e.virtual)).to.deep.equal([0, 100, 200, 300, 400, 500, 600, 700]);
      for (const { virtual, wall } of seen) {
        expect(wall, `event at virtual ${virtual}`).to.be.at.least(virtual / multiplier - 0.01);
      }
    });

    it('keeps virtual time exact: the clock only moves to the times of actions that run', async () => {
      const s = new HeapScheduler(0);
      const at: number[] = [];
      s.schedule(() => at.push(s.now()), 30); // 3 ms of wall at 10x
      const t0 = performance.now();
      const driver = drive(s, { timeMultiplier: 10 });
      while (at.length === 0) await sleep(1);
      expect(at).to.deep.equal([30]);
      expect(performance.now() - t0).to.be.at.least(3 - 0.01);
      await sleep(10); // 100 more virtual ms of wall, nothing queued
      expect(s.now()).to.equal(30);
      driver.stop();
    });

    it('rejects a non-positive multiplier or chunk size', () => {
      const s = new HeapScheduler();
      expect(() => drive(s, { timeMultiplier: 0 })).to.throw(RangeError);
      expect(() => drive(s, { timeMultiplier: -1 })).to.throw(RangeError);
      expect(() => drive(s, { timeMultiplier: NaN })).to.throw(RangeError);
      expect(() => drive(s, { chunkSize: 0 })).to.throw(RangeError);
      expect(() => drive(s, { turnMs: 0 })).to.throw(RangeError);
    });
  });

  describe('paced by rate', () => {
    it('emits the same values at the same virtual times, none before (k − 2 × capacity) / rate of wall time', async () => {
      // 400 values at 1 000/s: the bucket holds 50, so the last cannot come before 0.3 s. Only lower bounds.
      const rate = 1_000;
      const burst = 2 * Math.max(1, rate * BURST_SECONDS);
      const source = (s: HeapScheduler) =>
        interval(250, s).pipe(
          take(400),
          map((n) => [n, s.now()] as const),
        );
      const walls: number[] = [];
      const t0 = performance.now();
      const paced = await collect(onVirtualTime(source, { rate }).pipe(tap(() => walls.push(performance.now() - t0))));
      const unpaced = await collect(onVirtualTime(source));
      expect(paced).to.deep.equal(unpaced);
      expect(paced).to.have.length(400);
      walls.forEach((wall, k) => expect(wall, `value ${k}`).to.be.at.least(((k + 1 - burst) / rate) * 1000 - 0.01));
      expect(walls[399]).to.be.at.least(((400 - burst) / rate) * 1000 - 0.01);
    });

    it('counts every value, also several from one action (the bucket goes into debt)', async () => {
      // One action emits 40 values at once; at 100/s (capacity 5) the next action waits for the debt.
      const seen: number[] = [];
      const t0 = performance.now();
      await collect(
        onVirtualTime((s) => merge(timer(0, s).pipe(mergeMap(() => range(0, 40))), timer(1, s).pipe(map(() => -1))), { rate: 100 }).pipe(
          tap((v) => v === -1 && seen.push(performance.now() - t0)),
        ),
      );
      expect(seen).to.have.length(1);
      expect(seen[0]).to.be.at.least(((40 - 2 * 5) / 100) * 1000 - 0.01);
    });
  });

  describe('backpressure', () => {
    it('never has more than highWaterMark events in flight, and delivers them all', async () => {
      const flow = new Backpressure(10);
      let maxInFlight = 0;
      const received: number[] = [];
      await new Promise<void>((resolve, reject) => {
        onVirtualTime(
          (s) =>
            interval(1, s).pipe(
              take(200),
              tap(() => flow.emitted()),
            ),
          { backpressure: flow },
        ).subscribe({
          next: (n) => {
            maxInFlight = Math.max(maxInFlight, flow.inFlight);
            setTimeout(() => {
              received.push(n);
              flow.acked();
            }, 1);
          },
          error: reject,
          complete: () => {
            const check = () => (flow.inFlight === 0 ? resolve() : setTimeout(check, 1));
            check();
          },
        });
      });
      expect(maxInFlight).to.equal(10); // reached (the producer is far faster), never exceeded
      expect(received).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    });
  });

  describe('stopping', () => {
    it('unsubscribing stops all further work', async () => {
      let scheduler: HeapScheduler | undefined;
      let produced = 0;
      const received: number[] = [];
      const sub = onVirtualTime((s) => {
        scheduler = s;
        return interval(10, s).pipe(tap(() => produced++)); // never ends
      }).subscribe((n) => received.push(n));
      await sleep(20);
      sub.unsubscribe();
      const producedAtStop = produced;
      expect(producedAtStop).to.be.greaterThan(0);
      expect((scheduler as HeapScheduler).size).to.equal(0);
      await sleep(20);
      expect(produced).to.equal(producedAtStop);
      expect(received).to.have.length(producedAtStop);
    });

    it('stop() cancels a pending sleep, and the driver no longer runs anything', async () => {
      const s = new HeapScheduler();
      let ran = 0;
      s.schedule(() => ran++, 20); // 20 ms away at real time
      const driver = drive(s, { timeMultiplier: 1 });
      await sleep(5);
      expect(driver.running).to.equal(true);
      const timersBefore = active('Timeout');
      driver.stop();
      expect(active('Timeout')).to.equal(timersBefore - 1); // the driver's sleep is gone
      expect(driver.running).to.equal(false);
      s.schedule(() => ran++, 0);
      await sleep(40);
      expect(ran).to.equal(0);
      expect(s.size).to.equal(2);
    });

    it('an action that throws stops the driver and reaches onError', async () => {
      const s = new HeapScheduler();
      const errors: unknown[] = [];
      const boom = new Error('boom');
      let after = 0;
      s.schedule(() => {
        throw boom;
      }, 1);
      s.schedule(() => after++, 2);
      const driver = drive(s, { onError: (e) => errors.push(e) });
      await sleep(5);
      expect(errors).to.deep.equal([boom]);
      expect(driver.running).to.equal(false);
      expect(after).to.equal(0);
    });
  });

  describe('event loop', () => {
    it('yields between chunks: an immediate queued during the run runs before it completes', async () => {
      let receivedWhenImmediateRan = -1;
      let received = 0;
      await lastValueFrom(
        onVirtualTime((s) => interval(1, s).pipe(take(100_000)), { chunkSize: 100, turnMs: Infinity }).pipe(
          tap(() => {
            if (received++ === 0) setImmediate(() => (receivedWhenImmediateRan = received));
          }),
        ),
      );
      expect(received).to.equal(100_000);
      expect(receivedWhenImmediateRan).to.equal(100); // right after the first chunk
    });

    it('ends a turn of slow actions after turnMs, checking the clock every 8 actions', async () => {
      const perTurn: number[] = [];
      let inTurn = 0;
      await lastValueFrom(
        onVirtualTime(
          (s) =>
            interval(1, s).pipe(
              take(40),
              tap(() => busyWait(1)),
            ),
          { chunkSize: 1_000, turnMs: 4 },
        ).pipe(
          tap(() => {
            if (inTurn++ === 0) setImmediate(() => (perTurn.push(inTurn), (inTurn = 0)));
          }),
        ),
      );
      // Each action takes at least 1 ms, so 8 of them always pass the 4 ms budget, however busy the machine.
      expect(perTurn.slice(0, 4)).to.deep.equal([8, 8, 8, 8]);
    });

    it('with the default chunk size, a long run still lets timers fire', async () => {
      let timerFiredAt = -1;
      let received = 0;
      setTimeout(() => (timerFiredAt = received), 0);
      await lastValueFrom(onVirtualTime((s) => interval(1, s).pipe(take(500_000))).pipe(tap(() => received++)));
      expect(timerFiredAt).to.be.within(0, 499_999);
    });

    it('idles without busy-looping when the queue is empty, and wakes when work is scheduled', async () => {
      const baseline = active('Immediate');
      const s = new HeapScheduler();
      let hookCalls = 0;
      s.onSchedule = () => hookCalls++;
      const driver = drive(s);
      await sleep(5);
      expect(active('Immediate')).to.equal(baseline); // nothing pending: idle
      expect(active('Timeout')).to.be.at.least(0);
      const ran: number[] = [];
      await new Promise<void>((resolve) => {
        s.schedule(() => {
          ran.push(s.now());
          resolve();
        }, 250);
      });
      expect(ran).to.deep.equal([250]);
      expect(hookCalls).to.equal(1); // the user's hook is still called
      driver.stop();
      expect(s.onSchedule).to.not.equal(undefined);
      s.onSchedule?.();
      expect(hookCalls).to.equal(2); // restored
    });

    it('drives Subscription teardown: unsubscribing inside next stops at once', async () => {
      const received: number[] = [];
      await new Promise<void>((resolve) => {
        const sub: Subscription = onVirtualTime((s) => interval(1, s)).subscribe((n) => {
          received.push(n);
          if (n === 4_999) {
            sub.unsubscribe();
            resolve();
          }
        });
      });
      await sleep(5);
      expect(received).to.have.length(5_000);
    });
  });
});
