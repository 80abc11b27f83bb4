/**
 * Scheduler throughput: `HeapScheduler` vs RxJS `VirtualTimeScheduler`.
 *
 * N actions are pending at once; each, when run, reschedules itself with a pseudo-random delay
 * (fixed-seed LCG, 1..1000) until the run has executed its quota, then the queue drains. We
 * report actions executed per second of `flush()`. The quota of the stock scheduler shrinks with
 * N (its cost per action grows with N) so the whole bench stays well under a minute.
 *
 * Run: node -r ts-node/register/transpile-only bench/scheduler.ts
 */

import { performance } from 'node:perf_hooks';
import { SchedulerAction, SchedulerLike, VirtualTimeScheduler } from 'rxjs';
import { HeapScheduler } from '../lib/core/heapScheduler';

/** Numerical Recipes LCG, 32-bit: deterministic delays, no Math.random. */
const lcg = (seed: number) => {
  let x = seed >>> 0;
  return (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
};

interface Case {
  readonly name: string;
  readonly make: () => SchedulerLike & { flush(): void };
  /** Total executions (including the final drain of N) for a given N. */
  readonly quota: (pending: number) => number;
}

/** Runs one measurement: returns actions per second. */
const measure = (c: Case, pending: number): { executed: number; seconds: number } => {
  const scheduler = c.make();
  const next = lcg(0xdeadbeef ^ pending);
  const quota = Math.max(c.quota(pending), pending * 2);
  let started = 0;
  let executed = 0;
  function work(this: SchedulerAction<number>): void {
    executed++;
    if (started < quota) {
      started++;
      this.schedule(undefined, 1 + (next() % 1000));
    }
  }
  for (let i = 0; i < pending; i++) {
    started++;
    scheduler.schedule(work, 1 + (next() % 1000));
  }
  const t0 = performance.now();
  scheduler.flush();
  const seconds = (performance.now() - t0) / 1000;
  if (executed !== started) throw new Error(`bench bug: ${executed} executed, ${started} scheduled`);
  return { executed, seconds };
};

const cases: Case[] = [
  { name: 'HeapScheduler', make: () => new HeapScheduler(), quota: () => 3_000_000 },
  {
    name: 'VirtualTimeScheduler',
    make: () => new VirtualTimeScheduler(),
    // measured cost grows ~linearly with N: keep each run to a few seconds at most
    quota: (n) => (n <= 10 ? 1_000_000 : n <= 1_000 ? 100_000 : 20_000),
  },
];

const sizes = [10, 1_000, 10_000];

const main = (): void => {
  // warm up both implementations (JIT) on a small run
  for (const c of cases) measure({ ...c, quota: () => 50_000 }, 100);

  const rate: Record<string, number[]> = {};
  for (const c of cases) {
    rate[c.name] = sizes.map((n) => {
      const { executed, seconds } = measure(c, n);
      return executed / seconds;
    });
  }
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(14);
  const header = `${'pending'.padStart(8)} | ${'HeapScheduler/s'.padStart(14)} | ${'VirtualTime/s'.padStart(14)} | ratio`;
  console.log('Scheduler throughput: self-rescheduling actions, random delays 1..1000 (LCG seed fixed)');
  console.log(header);
  console.log('-'.repeat(header.length));
  sizes.forEach((n, i) => {
    const heap = rate['HeapScheduler'][i];
    const stock = rate['VirtualTimeScheduler'][i];
    console.log(`${String(n).padStart(8)} | ${fmt(heap)} | ${fmt(stock)} | ${(heap / stock).toFixed(1)}x`);
  });
};

main();
