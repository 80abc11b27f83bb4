import { expect } from 'chai';
import {
  Observable,
  SchedulerAction,
  SchedulerLike,
  Subscription,
  VirtualTimeScheduler,
  bufferTime,
  concat,
  debounceTime,
  delay,
  interval,
  map,
  merge,
  observeOn,
  of,
  take,
  takeUntil,
  timer,
} from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { Rng } from '../../lib/core/rng';

type Flushable = SchedulerLike & { flush(): void };
type Entry = [time: number, value: unknown];

/** Subscribes, flushes, and returns what arrived as [virtual time, value] ('|' = complete). */
const play = <T>(scheduler: Flushable, source: (s: SchedulerLike) => Observable<T>): Entry[] => {
  const out: Entry[] = [];
  source(scheduler).subscribe({
    next: (v) => out.push([scheduler.now(), v]),
    error: (e) => out.push([scheduler.now(), `error: ${e}`]),
    complete: () => out.push([scheduler.now(), '|']),
  });
  scheduler.flush();
  return out;
};

/** Plays on HeapScheduler, checks the exact result, and checks RxJS's own virtual scheduler agrees. */
const expectPlay = <T>(source: (s: SchedulerLike) => Observable<T>, expected: Entry[]): void => {
  expect(play(new HeapScheduler(), source)).to.deep.equal(expected);
  expect(play(new VirtualTimeScheduler(), source)).to.deep.equal(expected);
};

describe('HeapScheduler', () => {
  describe('clock and ordering', () => {
    it('starts at startTime and rejects a non-finite one', () => {
      expect(new HeapScheduler().now()).to.equal(0);
      expect(new HeapScheduler(1_700_000_000_000).now()).to.equal(1_700_000_000_000);
      expect(() => new HeapScheduler(NaN)).to.throw(RangeError);
      expect(() => new HeapScheduler(Infinity)).to.throw(RangeError);
    });

    it('runs by time, then first-scheduled-first among equal times, advancing now()', () => {
      const s = new HeapScheduler(100);
      const log: string[] = [];
      const at = (name: string, d: number) => s.schedule(() => log.push(`${name}@${s.now()}`), d);
      at('c', 20);
      at('a', 10);
      at('d', 20);
      at('b', 10);
      at('e', 0);
      at('f', 20);
      s.flush();
      expect(log).to.deep.equal(['e@100', 'a@110', 'b@110', 'c@120', 'd@120', 'f@120']);
      expect(s.now()).to.equal(120);
      expect(s.size).to.equal(0);
    });

    it('treats negative and NaN delays as 0, and an infinite delay as never', () => {
      const s = new HeapScheduler(50);
      const log: string[] = [];
      s.schedule(() => log.push('later'), 1);
      s.schedule(() => log.push('neg'), -10);
      s.schedule(() => log.push('nan'), NaN);
      const never = s.schedule(() => log.push('never'), Infinity);
      expect(never.closed).to.equal(true);
      expect(s.size).to.equal(3);
      s.flush();
      expect(log).to.deep.equal(['neg', 'nan', 'later']);
    });

    it('passes state to the work, with the action as `this`', () => {
      const s = new HeapScheduler();
      let seenThis: unknown;
      let seenState: unknown;
      const sub = s.schedule(
        function (state) {
          // eslint-disable-next-line @typescript-eslint/no-this-alias -- the spec checks what `this` is
          seenThis = this;
          seenState = state;
        },
        3,
        { answer: 42 },
      );
      s.flush();
      expect(seenThis).to.equal(sub);
      expect(seenState).to.deep.equal({ answer: 42 });
    });

    it('runs a nested delay-0 action in the same flush, after the actions already due now', () => {
      const s = new HeapScheduler();
      const log: string[] = [];
      s.schedule(() => {
        log.push('a');
        s.schedule(() => log.push('c (nested in a)'));
      });
      s.schedule(() => log.push('b'));
      s.schedule(() => log.push('later'), 1);
      s.flush();
      expect(log).to.deep.equal(['a', 'b', 'c (nested in a)', 'later']);
    });

    it('calls onSchedule each time an action is queued', () => {
      const s = new HeapScheduler();
      let calls = 0;
      s.onSchedule = () => calls++;
      s.schedule<number>(function (n = 0) {
        if (n < 2) this.schedule(n + 1, 1);
      });
      expect(calls).to.equal(1);
      s.flush();
      expect(calls).to.equal(3);
    });
  });

  describe('rescheduling (AsyncAction semantics)', () => {
    it('reschedules the same action object from inside its work, with the new state', () => {
      const s = new HeapScheduler();
      const runs: Array<[number, number | undefined]> = [];
      const returned: Subscription[] = [];
      const first = s.schedule(function (n?: number) {
        runs.push([s.now(), n]);
        if ((n ?? 0) < 3) returned.push(this.schedule((n ?? 0) + 1, 10));
      }, 5);
      s.flush();
      expect(runs).to.deep.equal([
        [5, undefined],
        [15, 1],
        [25, 2],
        [35, 3],
      ]);
      expect(returned).to.have.length(3);
      for (const r of returned) expect(r).to.equal(first);
      expect(first.closed).to.equal(false); // like AsyncAction: done, but not unsubscribed
    });

    it('moves an action that is rescheduled while queued, so it runs once', () => {
      const s = new HeapScheduler();
      const log: Array<[number, string]> = [];
      const action = s.schedule((v) => log.push([s.now(), v as string]), 10, 'first') as SchedulerAction<string>;
      s.schedule(() => log.push([s.now(), 'other']), 20);
      action.schedule('moved', 30);
      expect(s.size).to.equal(2);
      s.flush();
      expect(log).to.deep.equal([
        [20, 'other'],
        [30, 'moved'],
      ]);
    });

    it('a moved action goes behind the actions already due at its new time', () => {
      const s = new HeapScheduler();
      const log: string[] = [];
      const a = s.schedule(() => log.push('a'), 5) as SchedulerAction<unknown>;
      s.schedule(() => log.push('b'), 5);
      a.schedule(undefined, 5);
      s.flush();
      expect(log).to.deep.equal(['b', 'a']);
    });

    it('can be rescheduled later from outside, after it ran', () => {
      const s = new HeapScheduler();
      const times: number[] = [];
      const action = s.schedule(() => times.push(s.now()), 1) as SchedulerAction<unknown>;
      s.flush();
      action.schedule(undefined, 4);
      s.flush();
      expect(times).to.deep.equal([1, 5]);
    });
  });

  describe('cancellation', () => {
    it('an unsubscribed action never runs and leaves size/peekTime', () => {
      const s = new HeapScheduler();
      const log: string[] = [];
      const a = s.schedule(() => log.push('a'), 5);
      s.schedule(() => log.push('b'), 10);
      expect(s.size).to.equal(2);
      expect(s.peekTime()).to.equal(5);
      a.unsubscribe();
      expect(a.closed).to.equal(true);
      expect(s.size).to.equal(1);
      expect(s.peekTime()).to.equal(10);
      s.flush();
      expect(log).to.deep.equal(['b']);
    });

    it('schedule() on an unsubscribed action is a no-op returning a closed subscription', () => {
      const s = new HeapScheduler();
      let runs = 0;
      const a = s.schedule(() => runs++, 5) as SchedulerAction<unknown>;
      a.unsubscribe();
      const again = a.schedule(undefined, 1);
      expect(again.closed).to.equal(true);
      expect(s.size).to.equal(0);
      s.flush();
      expect(runs).to.equal(0);
    });

    it('an action can cancel itself or another one from inside its work', () => {
      const s = new HeapScheduler();
      const log: string[] = [];
      let b: Subscription | undefined = undefined;
      s.schedule(function () {
        log.push('a');
        this.schedule(undefined, 1);
        this.unsubscribe(); // cancels the reschedule too
        b?.unsubscribe();
      }, 1);
      b = s.schedule(() => log.push('b'), 2);
      s.flush();
      expect(log).to.deep.equal(['a']);
      expect(s.size).to.equal(0);
    });

    it('unsubscribing a parent subscription cancels a timer', () => {
      const s = new HeapScheduler();
      const seen: number[] = [];
      const sub = interval(10, s).subscribe((n) => seen.push(n));
      s.runUntil(25);
      sub.unsubscribe();
      expect(s.size).to.equal(0);
      s.runUntil(100);
      expect(seen).to.deep.equal([0, 1]);
    });

    it('cancelled actions do not pile up: the heap is compacted', () => {
      const s = new HeapScheduler();
      const rng = new Rng(7);
      const subs: Subscription[] = [];
      for (let i = 0; i < 100_000; i++) subs.push(s.schedule(() => undefined, rng.int(0, 10_000)));
      for (let i = 0; i < 99_000; i++) subs[i].unsubscribe();
      expect(s.size).to.equal(1_000);
      expect(s.heapLength).to.be.at.most(2 * s.size + 64);

      // schedule-then-cancel churn (delay/takeUntil patterns) keeps the heap bounded
      for (let i = 0; i < 100_000; i++) s.schedule(() => undefined, 1_000).unsubscribe();
      expect(s.size).to.equal(1_000);
      expect(s.heapLength).to.be.at.most(2 * s.size + 64);

      // moving one queued action over and over leaves stale entries that get compacted too
      const mover = s.schedule(() => undefined, 5) as SchedulerAction<unknown>;
      for (let i = 0; i < 100_000; i++) mover.schedule(undefined, i % 100);
      expect(s.size).to.equal(1_001);
      expect(s.heapLength).to.be.at.most(2 * s.size + 64);

      let ran = 0;
      for (let i = 99_000; i < 100_000; i++) subs[i].unsubscribe();
      mover.unsubscribe();
      s.schedule(() => ran++, 1);
      s.flush();
      expect(ran).to.equal(1);
      expect(s.size).to.equal(0);
      expect(s.heapLength).to.equal(0);
    });

    it('a never-ending interval cut by takeUntil leaves nothing queued', () => {
      const s = new HeapScheduler();
      const seen: number[] = [];
      interval(1, s)
        .pipe(takeUntil(timer(1_000, s)))
        .subscribe((n) => seen.push(n));
      s.flush();
      expect(seen).to.have.length(999);
      expect(s.size).to.equal(0);
      expect(s.heapLength).to.be.at.most(64);
    });
  });

  describe('driving: runUntil, runNext, peekTime', () => {
    it('runUntil runs what is due at or before the time, then moves the clock there', () => {
      const s = new HeapScheduler();
      const log: number[] = [];
      for (const d of [10, 20, 30]) s.schedule(() => log.push(s.now()), d);
      expect(s.runUntil(20)).to.equal(2);
      expect(log).to.deep.equal([10, 20]);
      expect(s.now()).to.equal(20);
      expect(s.peekTime()).to.equal(30);
      expect(s.runUntil(25)).to.equal(0);
      expect(s.now()).to.equal(25);
      s.runUntil(5); // never goes back
      expect(s.now()).to.equal(25);
      s.schedule(() => log.push(s.now()), 1);
      expect(s.peekTime()).to.equal(26);
      s.runUntil(100);
      expect(log).to.deep.equal([10, 20, 26, 30]);
      expect(s.now()).to.equal(100);
      expect(() => s.runUntil(NaN)).to.throw(RangeError);
    });

    it('runUntil includes actions scheduled meanwhile that fall inside the window', () => {
      const s = new HeapScheduler();
      const log: number[] = [];
      s.schedule<number>(function (n = 0) {
        log.push(s.now());
        this.schedule(n + 1, 7);
      }, 0);
      s.runUntil(21);
      expect(log).to.deep.equal([0, 7, 14, 21]);
      expect(s.peekTime()).to.equal(28);
    });

    it('runUntil with maxActions stops early and leaves the clock at the last action', () => {
      const s = new HeapScheduler();
      for (const d of [1, 2, 3, 4]) s.schedule(() => undefined, d);
      expect(s.runUntil(10, 2)).to.equal(2);
      expect(s.now()).to.equal(2);
      expect(s.size).to.equal(2);
      expect(s.runUntil(10, 5)).to.equal(2);
      expect(s.now()).to.equal(10);
    });

    it('runNext runs exactly one action and says whether it did', () => {
      const s = new HeapScheduler();
      const log: string[] = [];
      expect(s.runNext()).to.equal(false);
      expect(s.peekTime()).to.equal(undefined);
      s.schedule(() => log.push('b'), 9);
      const a = s.schedule(() => log.push('a'), 4);
      s.schedule(() => log.push('z'), 2);
      a.unsubscribe();
      expect(s.runNext()).to.equal(true);
      expect(log).to.deep.equal(['z']);
      expect(s.now()).to.equal(2);
      expect(s.runNext()).to.equal(true); // skips the cancelled one
      expect(log).to.deep.equal(['z', 'b']);
      expect(s.now()).to.equal(9);
      expect(s.runNext()).to.equal(false);
    });
  });

  describe('errors', () => {
    it('an error thrown by work propagates out of flush after unsubscribing the action', () => {
      const s = new HeapScheduler();
      const boom = new Error('boom');
      const log: string[] = [];
      const bad = s.schedule(function () {
        this.schedule(undefined, 5); // the reschedule is cancelled with it
        throw boom;
      }, 1);
      s.schedule(() => log.push('good'), 2);
      expect(() => s.flush()).to.throw(boom);
      expect(bad.closed).to.equal(true);
      expect(s.now()).to.equal(1);
      expect(s.size).to.equal(1); // the others stay queued
      s.flush();
      expect(log).to.deep.equal(['good']);
      expect(s.size).to.equal(0);
    });

    it('propagates out of runUntil and runNext too', () => {
      const s = new HeapScheduler();
      s.schedule(() => {
        throw new Error('one');
      }, 1);
      s.schedule(() => {
        throw new Error('two');
      }, 2);
      expect(() => s.runUntil(10)).to.throw('one');
      expect(() => s.runNext()).to.throw('two');
      expect(s.size).to.equal(0);
    });

    it('an observable error is delivered to the subscriber, not thrown by the scheduler', () => {
      expectPlay(
        (s) =>
          timer(5, s).pipe(
            map(() => {
              throw new Error('bad value');
            }),
          ),
        [[5, 'error: Error: bad value']],
      );
    });
  });

  describe('as the scheduler of RxJS operators (same results as VirtualTimeScheduler)', () => {
    it('timer(due)', () => {
      expectPlay(
        (s) => timer(10, s),
        [
          [10, 0],
          [10, '|'],
        ],
      );
    });

    it('timer(0, period) with take(3)', () => {
      expectPlay(
        (s) => timer(0, 5, s).pipe(take(3)),
        [
          [0, 0],
          [5, 1],
          [10, 2],
          [10, '|'],
        ],
      );
    });

    it('interval with take(3)', () => {
      expectPlay(
        (s) => interval(10, s).pipe(take(3)),
        [
          [10, 0],
          [20, 1],
          [30, 2],
          [30, '|'],
        ],
      );
    });

    it('delay', () => {
      expectPlay(
        (s) => concat(of('a', 'b'), timer(3, s).pipe(map(() => 'c'))).pipe(delay(5, s)),
        [
          [5, 'a'],
          [5, 'b'],
          [8, 'c'],
          [8, '|'],
        ],
      );
    });

    it('debounceTime', () => {
      const source = (s: SchedulerLike) =>
        merge(
          timer(0, s).pipe(map(() => 'a')),
          timer(5, s).pipe(map(() => 'b')),
          timer(30, s).pipe(map(() => 'c')),
          timer(35, s).pipe(map(() => 'd')),
          timer(60, s).pipe(map(() => 'e')),
        ).pipe(debounceTime(10, s));
      expectPlay(source, [
        [15, 'b'],
        [45, 'd'],
        [60, 'e'], // flushed on completion
        [60, '|'],
      ]);
    });

    it('bufferTime', () => {
      expectPlay(
        (s) => interval(3, s).pipe(take(7), bufferTime(10, s)),
        [
          [10, [0, 1, 2]],
          [20, [3, 4, 5]],
          [21, [6]],
          [21, '|'],
        ],
      );
    });

    it('observeOn', () => {
      expectPlay(
        (s) => of(1, 2, 3).pipe(observeOn(s, 4)),
        [
          [4, 1],
          [4, 2],
          [4, 3],
          [4, '|'],
        ],
      );
    });

    it('concat of timers', () => {
      expectPlay(
        (s) => concat(timer(5, s).pipe(map(() => 'x')), timer(5, s).pipe(map(() => 'y')), interval(2, s).pipe(take(2))),
        [
          [5, 'x'],
          [10, 'y'],
          [12, 0],
          [14, 1],
          [14, '|'],
        ],
      );
    });

    it('merge of timers keeps subscription order among equal times', () => {
      expectPlay(
        (s) => merge(timer(5, s).pipe(map(() => 'x')), timer(5, s).pipe(map(() => 'y')), timer(2, s).pipe(map(() => 'z')), interval(5, s).pipe(take(2))),
        [
          [2, 'z'],
          [5, 'x'],
          [5, 'y'],
          [5, 0],
          [10, 1],
          [10, '|'],
        ],
      );
    });
  });

  describe('scale and determinism', () => {
    it('runs 100k actions with random delays in nondecreasing time order, FIFO among ties', () => {
      const s = new HeapScheduler();
      const rng = new Rng(2024);
      const times: number[] = [];
      const ids: number[] = [];
      const due = new Map<number, number>();
      for (let id = 0; id < 100_000; id++) {
        const d = rng.int(0, 5_000); // many ties
        due.set(id, d);
        s.schedule(() => {
          times.push(s.now());
          ids.push(id);
        }, d);
      }
      s.flush();
      expect(times).to.have.length(100_000);
      for (let i = 1; i < times.length; i++) {
        if (times[i] < times[i - 1]) expect.fail(`time went back at ${i}: ${times[i - 1]} -> ${times[i]}`);
        if (times[i] === times[i - 1] && ids[i] < ids[i - 1]) expect.fail(`FIFO broken at ${i}`);
      }
      for (let i = 0; i < ids.length; i++) expect(times[i]).to.equal(due.get(ids[i]));
    });

    it('matches VirtualTimeScheduler action for action on a random workload', () => {
      // Actions record themselves, reschedule themselves, schedule new ones (delay 0 included)
      // and cancel others. Both schedulers must produce the same trace.
      const trace = (scheduler: Flushable): string[] => {
        const rng = new Rng(99);
        const out: string[] = [];
        const handles: Subscription[] = [];
        let nextId = 0;
        const spawn = (delayMs: number): void => {
          const id = nextId++;
          handles.push(
            scheduler.schedule<number>(function (round = 0) {
              out.push(`${scheduler.now()}:${id}/${round}`);
              if (nextId < 3_000 && rng.chance(0.3)) spawn(rng.int(0, 3) === 0 ? 0 : rng.int(0, 50));
              if (rng.chance(0.1) && handles.length > 0) handles[rng.int(0, handles.length - 1)].unsubscribe();
              if (round < 20 && rng.chance(0.7)) this.schedule(round + 1, rng.int(0, 40));
            }, delayMs),
          );
        };
        for (let i = 0; i < 200; i++) spawn(rng.int(0, 100));
        scheduler.flush();
        return out;
      };
      const heap = trace(new HeapScheduler());
      expect(heap.length).to.be.greaterThan(3_000);
      expect(heap).to.deep.equal(trace(new VirtualTimeScheduler()));
    });
  });
});
