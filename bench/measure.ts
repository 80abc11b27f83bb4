/**
 * Shared pieces of the benchmarks in bench/index.ts: what a measured case reports, wall + CPU
 * time, an RSS sampler, an engine-only runner that yields to the event loop (so sampling works),
 * and markdown table printing.
 *
 * @example
 * const rss = sampleRss(100);
 * const run = await runEngine(model);
 * const r: CaseResult = { name: 'engine', events: run.events, ...run.total, ...rss.stop(), extra: {} };
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { HeapScheduler } from '../lib/core/heapScheduler';
import type { SimEvent } from '../lib/core/simEvent';
import type { EntityStore } from '../lib/entities/entityStore';
import type { SimulationModel, SimulationSettings } from '../lib/engine/model';
import { INITIAL_FLOW, simulateOn } from '../lib/engine/simulateOn';

// ---------------------------------------------------------------------------------------------
// results
// ---------------------------------------------------------------------------------------------

/** RSS figures of one case, in MB (10^6 bytes). */
export interface RssFigures {
  /** RSS when measuring started (modules loaded, after a GC). */
  readonly rssStartMb: number;
  /** V8 heap in use when measuring started. */
  readonly heapStartMb: number;
  /** Highest RSS seen: the sampled maximum, or the OS's peak (getrusage maxrss) if higher. */
  readonly rssPeakMb: number;
  readonly rssEndMb: number;
  /** V8 heap in use at the end (after a GC when --expose-gc), i.e. what the run still retains. */
  readonly heapEndMb: number;
}

/** What one case reports to the parent process. */
export interface CaseResult extends RssFigures {
  readonly name: string;
  readonly events: number;
  /** Measured wall time, seconds (what events/s is computed from). */
  readonly seconds: number;
  /** CPU time (user + system, all threads incl. GC helpers) over the same span. */
  readonly cpuSeconds: number;
  /** Main-thread GC pauses over the same span. */
  readonly gcSeconds: number;
  /** Section-specific figures (MB written, setup seconds, entity counts…). */
  readonly extra: Readonly<Record<string, number | string>>;
  /** RSS over time, when the section prints it. */
  readonly samples?: ReadonlyArray<RssSample>;
}

// ---------------------------------------------------------------------------------------------
// time
// ---------------------------------------------------------------------------------------------

/** Wall and CPU time at one instant. */
export interface Instant {
  readonly wall: number;
  readonly cpu: number;
}

/** Time spent between two instants. */
export interface Span {
  readonly seconds: number;
  /** CPU time (user + system, all threads incl. GC helpers). */
  readonly cpuSeconds: number;
  /** Main-thread GC pauses that started in the span (perf_hooks 'gc' entries). */
  readonly gcSeconds: number;
}

/** GC pauses seen so far, flat: start ms, duration ms, start ms, … */
const gcPauses: number[] = [];
let gcObserver: PerformanceObserver | undefined;

const recordGc = (entries: ReadonlyArray<PerformanceEntry>): void => {
  for (const e of entries) gcPauses.push(e.startTime, e.duration);
};

/** Now: wall ms (performance.now) and process CPU ms (user + system). The first call starts watching GC. */
export const instant = (): Instant => {
  if (gcObserver === undefined) {
    gcObserver = new PerformanceObserver((list) => recordGc(list.getEntries()));
    gcObserver.observe({ entryTypes: ['gc'] });
  }
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1000 };
};

/** Wall, CPU and GC seconds between two instants. */
export const between = (from: Instant, to: Instant): Span => {
  if (gcObserver !== undefined) recordGc(gcObserver.takeRecords());
  let gc = 0;
  for (let i = 0; i < gcPauses.length; i += 2) if (gcPauses[i] >= from.wall && gcPauses[i] < to.wall) gc += gcPauses[i + 1];
  return { seconds: (to.wall - from.wall) / 1000, cpuSeconds: (to.cpu - from.cpu) / 1000, gcSeconds: gc / 1000 };
};

// ---------------------------------------------------------------------------------------------
// memory
// ---------------------------------------------------------------------------------------------

const MB = 1e6;

/** Runs a full GC if node was started with --expose-gc. */
export const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
};

/** One RSS sample. */
export interface RssSample {
  readonly ms: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** V8 heap reserved (used + free), what RSS follows. */
  readonly heapTotalMb: number;
  /** Memory outside the V8 heap that V8 knows of (Buffers: batches being written). */
  readonly externalMb: number;
  /** What the probe said then (e.g. events so far). */
  readonly count: number;
}

/** A running RSS sampler. */
export interface RssSampler {
  /** Samples so far (one per interval). */
  readonly samples: ReadonlyArray<RssSample>;
  /** Stops sampling; GCs (if exposed) and takes the end figures. */
  stop(): RssFigures;
}

/**
 * Samples `process.memoryUsage()` every `intervalMs` (unref'd timer: it only fires while the
 * event loop turns, so long synchronous work must yield now and then).
 */
export const sampleRss = (intervalMs: number, probe: () => number = () => NaN): RssSampler => {
  collectGarbage();
  const t0 = performance.now();
  const { rss: rssStart, heapUsed: heapStart } = process.memoryUsage();
  let peak = rssStart;
  const samples: RssSample[] = [];
  const take = (): void => {
    const m = process.memoryUsage();
    if (m.rss > peak) peak = m.rss;
    samples.push({
      ms: performance.now() - t0,
      rssMb: m.rss / MB,
      heapMb: m.heapUsed / MB,
      heapTotalMb: m.heapTotal / MB,
      externalMb: m.external / MB,
      count: probe(),
    });
  };
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      take();
      collectGarbage();
      const end = process.memoryUsage();
      // ru_maxrss (KiB) also catches peaks between samples.
      const osPeak = process.resourceUsage().maxRSS * 1024;
      return {
        rssStartMb: rssStart / MB,
        heapStartMb: heapStart / MB,
        rssPeakMb: Math.max(peak, osPeak) / MB,
        rssEndMb: end.rss / MB,
        heapEndMb: end.heapUsed / MB,
      };
    },
  };
};

// ---------------------------------------------------------------------------------------------
// running
// ---------------------------------------------------------------------------------------------

/** A model with some settings replaced (the model's own objects are shared, not copied). */
export const withSettings = (model: SimulationModel, settings: SimulationSettings): SimulationModel => ({
  settings: { ...model.settings, ...settings },
  entities: model.entities,
  flows: model.flows,
});

/** Scheduler actions run between two event-loop turns in `runEngine`. */
export const ENGINE_CHUNK = 20_000;

/** What `runEngine` measured. */
export interface EngineRun {
  readonly events: number;
  /** From subscribing to completion. */
  readonly total: Span;
  /** From subscribing to the first event of a flow (initial entities are created in that time). */
  readonly setup: Span;
  /** From the first event of a flow to completion. */
  readonly steady: Span;
  readonly store: EntityStore | undefined;
}

/**
 * Plays `model` on a `HeapScheduler` with no sink and no runtime (the engine alone), counting
 * events. The scheduler runs in chunks of `ENGINE_CHUNK` actions with a `setImmediate` between
 * them, so timers (the RSS sampler) fire; the cost of that is a few µs per chunk.
 */
export const runEngine = (model: SimulationModel, onEvent?: (e: SimEvent) => void): Promise<EngineRun> =>
  new Promise<EngineRun>((resolve, reject) => {
    const scheduler = new HeapScheduler();
    let store: EntityStore | undefined;
    let events = 0;
    let done = false;
    const t0 = instant();
    let first: Instant | undefined;
    const sub = simulateOn(model, { scheduler, onStore: (s) => (store = s) }).subscribe({
      next: (e) => {
        if (first === undefined && e.flow !== INITIAL_FLOW) first = instant();
        events++;
        onEvent?.(e);
      },
      error: (e: unknown) => {
        done = true;
        reject(e);
      },
      complete: () => {
        done = true;
        const t1 = instant();
        const t = first ?? t1;
        resolve({ events, total: between(t0, t1), setup: between(t0, t), steady: between(t, t1), store });
      },
    });
    const turn = (): void => {
      try {
        const ran = scheduler.runUntil(Infinity, ENGINE_CHUNK);
        if (done) return;
        if (ran < ENGINE_CHUNK) {
          sub.unsubscribe();
          reject(new Error(`the scheduler ran dry before the simulation completed (${events} events)`));
          return;
        }
        setImmediate(turn);
      } catch (e) {
        sub.unsubscribe();
        reject(e);
      }
    };
    setImmediate(turn);
  });

// ---------------------------------------------------------------------------------------------
// printing
// ---------------------------------------------------------------------------------------------

/** 1234567 → "1 234 567" (thin groups, as in the project's docs). */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');

/** Fixed decimals. */
export const fixed = (x: number, digits = 1): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–'); // NaN arrives from a case as null

/** A share as a whole percentage. */
export const percent = (part: number, whole: number): string =>
  typeof part === 'number' && Number.isFinite(part / whole) ? `${Math.round((part / whole) * 100)}%` : '–';

/** Events per second. */
export const rate = (events: number, seconds: number): number => (seconds > 0 ? events / seconds : NaN);

/** Each result's events/s relative to the first result that `isBase` picks (NaN without one). */
export const ratiosTo = (results: ReadonlyArray<CaseResult>, isBase: (r: CaseResult) => boolean): number[] => {
  const base = results.find(isBase);
  const baseRate = base === undefined ? NaN : rate(base.events, base.seconds);
  return results.map((r) => rate(r.events, r.seconds) / baseRate);
};

/** The timing columns every section shows, in order. */
export const TIMING_HEADER: ReadonlyArray<string> = ['seconds', 'CPU s', 'GC %', 'events/s'];

/** The timing cells of a case: wall seconds, CPU seconds, GC share, events per second. */
export const timingCells = (r: CaseResult): string[] => [
  fixed(r.seconds, 2),
  fixed(r.cpuSeconds, 2),
  percent(r.gcSeconds, r.seconds),
  int(rate(r.events, r.seconds)),
];

/** The ratio furthest from 1 (how far a sweep strays from its baseline). */
export const furthestRatio = (ratios: ReadonlyArray<number>): number => ratios.reduce((w, x) => (Math.abs(1 - x) > Math.abs(1 - w) ? x : w), 1);

/** A markdown table; numbers are right-aligned. */
export const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d .,]+[%x×]?$|^–$/.test(r[i] ?? '')));
  const cell = (s: string, i: number): string => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const line = (cells: ReadonlyArray<string>): string => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
};

// ---------------------------------------------------------------------------------------------
// sections
// ---------------------------------------------------------------------------------------------

/** One measured case; bench/index.ts runs each in a fresh child process. */
export interface BenchCase {
  readonly name: string;
  readonly run: () => Promise<CaseResult>;
}

/** A target of the project's issue, and how this run did against it. */
export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What a section prints once all its cases have run. */
export interface SectionReport {
  readonly table: string;
  readonly notes: ReadonlyArray<string>;
  readonly verdicts: ReadonlyArray<Verdict>;
}

/** A benchmark section (`--only <name>`). */
export interface Section {
  readonly name: string;
  readonly title: string;
  /** Runs only when asked for (`--long` or `--only <name>`). */
  readonly optIn: boolean;
  /** The cases at a scale (1 = default sizes; `--events N` gives N / 1 000 000). */
  cases(scale: number): ReadonlyArray<BenchCase>;
  report(results: ReadonlyArray<CaseResult>): SectionReport;
}

/** Scales a default size, keeping at least `min`. */
export const scaled = (n: number, scale: number, min = 1_000): number => Math.max(min, Math.round(n * scale));
