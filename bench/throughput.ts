/**
 * Section "throughput": the e-commerce scenario as fast as possible, 1 000 000 events.
 *
 * - engine only: `simulateOn` on a `HeapScheduler`, events counted, no runtime, no sink;
 * - `runSimulation` without outputs: adds the runtime (event-loop driver, backpressure);
 * - `runSimulation` into a JSONL file (`toFile` in os.tmpdir(), deleted afterwards): the figure
 *   the project's target is about (≥ 150k events/s on one core);
 * - the engine and the JSONL run again with `history: 'none'`, to show what keeping every
 *   temporal version of every entity costs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimulationModel } from '../lib/engine/model';
import { runSimulation } from '../lib/runtime/runSimulation';
import { toFile } from '../lib/sinks/toFile';
import ecommerce from '../scenarios/ecommerce';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, rate, runEngine, sampleRss, scaled, timingCells, withSettings } from './measure';

/** Target of the project's issue. */
const TARGET_EVENTS_PER_S = 150_000;

/** E-commerce with a fixed start and seed, stopped by the event count (the duration never ends it). */
export const ecommerceModel = (events: number, history: 'full' | 'none'): SimulationModel =>
  withSettings(ecommerce, {
    totalEvents: events,
    duration: '3650d',
    startTime: '2025-01-01T00:00:00Z',
    seed: 42,
    history,
  });

const engineCase = (name: string, events: number, history: 'full' | 'none'): BenchCase => ({
  name,
  run: async (): Promise<CaseResult> => {
    const rss = sampleRss(100);
    const r = await runEngine(ecommerceModel(events, history));
    return { name, events: r.events, ...r.total, ...rss.stop(), extra: {} };
  },
});

const runtimeCase = (name: string, events: number, history: 'full' | 'none', jsonl: boolean): BenchCase => ({
  name,
  run: async (): Promise<CaseResult> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
    const file = path.join(dir, 'events.jsonl');
    try {
      const rss = sampleRss(100);
      const t0 = instant();
      const summary = await runSimulation(ecommerceModel(events, history), { outputs: jsonl ? [toFile(file)] : [] });
      const time = between(t0, instant());
      const mb = jsonl ? fs.statSync(file).size / 1e6 : 0;
      return { name, events: summary.events, ...time, ...rss.stop(), extra: { mbWritten: mb } };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

const ENGINE = 'engine only (simulateOn + HeapScheduler)';
const ENGINE_NONE = "engine only, history 'none'";
const RUNTIME = 'runSimulation, no outputs';
const JSONL = 'runSimulation → JSONL file';
const JSONL_NONE = "runSimulation → JSONL file, history 'none'";

export const throughput: Section = {
  name: 'throughput',
  title: 'Throughput: e-commerce scenario, as fast as possible',
  optIn: false,
  cases: (scale) => {
    const n = scaled(1_000_000, scale);
    return [
      engineCase(ENGINE, n, 'full'),
      engineCase(ENGINE_NONE, n, 'none'),
      runtimeCase(RUNTIME, n, 'full', false),
      runtimeCase(JSONL, n, 'full', true),
      runtimeCase(JSONL_NONE, n, 'none', true),
    ];
  },
  report: (results) => {
    const by = (name: string): CaseResult | undefined => results.find((r) => r.name === name);
    const base = by(ENGINE);
    const baseRate = base === undefined ? NaN : rate(base.events, base.seconds);
    const rows = results.map((r) => {
      const mb = Number(r.extra.mbWritten ?? 0);
      return [r.name, int(r.events), ...timingCells(r), fixed(rate(r.events, r.seconds) / baseRate, 2), mb > 0 ? fixed(mb, 0) : '–', fixed(r.rssPeakMb, 0)];
    });
    const table = markdownTable(['case', 'events', ...TIMING_HEADER, 'ratio', 'MB written', 'peak RSS MB'], rows);
    const notes: string[] = [`ratio: events/s relative to "${ENGINE}".`];
    const share = (part: CaseResult | undefined, whole: CaseResult | undefined): string =>
      part === undefined || whole === undefined ? '?' : `${fixed((1 - part.seconds / part.events / (whole.seconds / whole.events)) * 100, 0)}%`;
    const jsonl = by(JSONL);
    notes.push(
      `Wall time per event spent outside the engine: ${share(base, jsonl)} of the JSONL run (runtime + file sink), ` +
        `${share(base, by(RUNTIME))} of the no-output run (runtime only: driver, backpressure).`,
    );
    const none = by(ENGINE_NONE);
    if (base !== undefined && none !== undefined) {
      const extra = Math.round((base.seconds / base.events / (none.seconds / none.events) - 1) * 100);
      notes.push(
        `history 'full' vs 'none' (engine only): ${Math.abs(extra)}% ${extra >= 0 ? 'more' : 'less'} wall time per event with 'full', ` +
          `peak RSS ${fixed(base.rssPeakMb, 0)} vs ${fixed(none.rssPeakMb, 0)} MB.`,
      );
    }
    const jsonlRate = jsonl === undefined ? NaN : rate(jsonl.events, jsonl.seconds);
    return {
      table,
      notes,
      verdicts: [
        {
          target: `≥ ${int(TARGET_EVENTS_PER_S)} events/s e-commerce → JSONL (history 'full', the default)`,
          measured: `${int(jsonlRate)} events/s`,
          met: jsonlRate >= TARGET_EVENTS_PER_S,
        },
      ],
    };
  },
};
