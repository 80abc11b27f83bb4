/**
 * Section "longRun" (opt-in: `--long`, takes a quarter of an hour or more): whether memory and
 * speed stay flat over long e-commerce runs with the scenario's own settings (churn, bounded history).
 *
 * - In process: e-commerce → JSONL for 10M and 100M events, RSS sampled every 500 ms. The run is
 *   `runSimulation`'s pipeline written out (`simulate` + `Backpressure` + `toFile`) so the entity
 *   store can report, at the end, how many entities and versions the run keeps.
 * - The plain CLI, as a user types it: `deep-faker run scenarios/ecommerce.ts --duration 3650d
 *   --total-events N` (no other flags; stdout to /dev/null) for 4M and 12M events, its peak RSS
 *   read from the child process itself.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EntityStore } from '../lib/entities/entityStore';
import { createRunStats } from '../lib/engine/runStats';
import { Backpressure } from '../lib/runtime/backpressure';
import { simulate } from '../lib/runtime/simulate';
import { toFile } from '../lib/sinks/toFile';
import ecommerce from '../scenarios/ecommerce';
import type { BenchCase, CaseResult, RssSample, Section, Verdict } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, percent, rate, sampleRss, scaled, withSettings } from './measure';

const REPO = path.resolve(__dirname, '..');
const MAX_PEAK_MB = 400;

/** The scenario as it ships, bounded only in events (and a fixed start and seed). */
const shippedModel = (events: number) => withSettings(ecommerce, { totalEvents: events, duration: '3650d', startTime: '2025-01-01T00:00:00Z', seed: 42 });

/** Live entities per type, as `type=count` pairs. */
const storeFigures = (store: EntityStore | undefined): Record<string, number> => {
  if (store === undefined) return {};
  const out: Record<string, number> = {};
  for (const type of ecommerce.entities) out[type.name] = store.count(type);
  return out;
};

const inProcessCase = (events: number): BenchCase => {
  const name = `e-commerce → JSONL, scenario settings, ${int(events)} events`;
  return {
    name,
    run: async (): Promise<CaseResult> => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
      const file = path.join(dir, 'events.jsonl');
      try {
        const stats = createRunStats();
        const sink = toFile(file);
        // what runSimulation does with one output: as many events in flight as the sink's window
        const backpressure = new Backpressure(sink.window ?? 2_000);
        let store: EntityStore | undefined;
        const rss = sampleRss(500, () => stats.events);
        const t0 = instant();
        await new Promise<void>((resolve, reject) => {
          simulate(shippedModel(events), { stats, backpressure, onStore: (s) => (store = s) })
            .pipe(sink)
            .subscribe({ next: () => backpressure.acked(), error: reject, complete: resolve });
        });
        const time = between(t0, instant());
        const figures = rss.stop();
        const virtualDays = (stats.endTime - stats.startTime) / 86_400_000;
        return { name, events: stats.events, ...time, ...figures, extra: { kind: 'process', virtualDays, ...storeFigures(store) }, samples: rss.samples };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};

// Preloaded into the CLI process: reports its peak RSS (getrusage, KiB) on fd 3 as it exits.
const PEAK_PROBE = `process.on('exit', () => require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS)));`;

const cliCase = (events: number): BenchCase => {
  const name = `deep-faker run scenarios/ecommerce.ts --duration 3650d --total-events ${events}`;
  return {
    name,
    run: async (): Promise<CaseResult> => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
      const probe = path.join(dir, 'probe.js');
      fs.writeFileSync(probe, PEAK_PROBE);
      const devNull = fs.openSync('/dev/null', 'w');
      try {
        const t0 = instant();
        const { code, peakKib, stderr } = await new Promise<{ code: number | null; peakKib: number; stderr: string }>((resolve, reject) => {
          const args = [
            '-r',
            probe,
            path.join(REPO, 'bin/deep-faker.js'),
            'run',
            'scenarios/ecommerce.ts',
            '--duration',
            '3650d',
            '--total-events',
            String(events),
          ];
          const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', devNull, 'pipe', 'pipe'] });
          let peak = '';
          let err = '';
          child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (peak += d.toString()));
          child.on('error', reject);
          child.on('close', (c) => resolve({ code: c, peakKib: Number(peak), stderr: err }));
        });
        if (code !== 0) throw new Error(`the CLI exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
        const time = between(t0, instant());
        const peakMb = (peakKib * 1024) / 1e6;
        // CPU and GC of the child are not visible from here.
        return {
          name,
          events,
          seconds: time.seconds,
          cpuSeconds: Number.NaN,
          gcSeconds: Number.NaN,
          rssStartMb: Number.NaN,
          heapStartMb: Number.NaN,
          rssPeakMb: peakMb,
          rssEndMb: Number.NaN,
          heapEndMb: Number.NaN,
          extra: { kind: 'cli', summary: stderr.trim().split('\n').slice(0, 2).join(' ') },
        };
      } finally {
        fs.closeSync(devNull);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};

/** Up to `n` samples, evenly spread, for a readable timeline (of samples with the same count, the last). */
const thin = (all: ReadonlyArray<RssSample>, n: number): RssSample[] => {
  const samples = all.filter((s, i) => i + 1 === all.length || all[i + 1].count !== s.count);
  if (samples.length <= n) return samples;
  return Array.from({ length: n }, (_, i) => samples[Math.round((i * (samples.length - 1)) / (n - 1))]);
};

const ratio = (a: number, b: number): string => fixed(a / b, 2);

/** A figure the case measured: NaN crosses the process boundary as null. */
const known = (x: number | null): x is number => typeof x === 'number' && !Number.isNaN(x);

const verdicts = (results: ReadonlyArray<CaseResult>): Verdict[] => {
  const inProcess = results.filter((r) => r.extra.kind === 'process');
  const cli = results.filter((r) => r.extra.kind === 'cli');
  const out: Verdict[] = [];
  if (inProcess.length === 2) {
    const [small, large] = inProcess as [CaseResult, CaseResult];
    const speed = rate(large.events, large.seconds) / rate(small.events, small.seconds);
    out.push(
      {
        target: `peak RSS at ${int(large.events)} ≤ 1.1 × at ${int(small.events)}, and ≤ ${MAX_PEAK_MB} MB`,
        measured: `${fixed(large.rssPeakMb, 0)} vs ${fixed(small.rssPeakMb, 0)} MB: ${ratio(large.rssPeakMb, small.rssPeakMb)}×`,
        met: large.rssPeakMb <= 1.1 * small.rssPeakMb && large.rssPeakMb <= MAX_PEAK_MB,
      },
      {
        target: `events/s at ${int(large.events)} ≥ 0.9 × at ${int(small.events)}`,
        measured: `${int(rate(large.events, large.seconds))} vs ${int(rate(small.events, small.seconds))}: ${fixed(speed, 2)}×`,
        met: speed >= 0.9,
      },
    );
  }
  if (cli.length === 2) {
    const [small, large] = cli as [CaseResult, CaseResult];
    out.push({
      target: `plain CLI run: peak RSS at ${int(large.events)} ≤ 1.15 × at ${int(small.events)}`,
      measured: `${fixed(large.rssPeakMb, 0)} vs ${fixed(small.rssPeakMb, 0)} MB: ${ratio(large.rssPeakMb, small.rssPeakMb)}×`,
      met: large.rssPeakMb <= 1.15 * small.rssPeakMb,
    });
  }
  return out;
};

export const longRun: Section = {
  name: 'longRun',
  title: 'Long runs: e-commerce with the scenario settings, in process and through the plain CLI',
  optIn: true,
  cases: (scale) => [
    inProcessCase(scaled(10_000_000, scale)),
    inProcessCase(scaled(100_000_000, scale)),
    cliCase(scaled(4_000_000, scale)),
    cliCase(scaled(12_000_000, scale)),
  ],
  report: (results) => {
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'peak RSS MB', 'live entities at the end'],
      results.map((r) => [
        r.name,
        int(r.events),
        fixed(r.seconds, 1),
        known(r.cpuSeconds) ? fixed(r.cpuSeconds, 1) : '–',
        known(r.gcSeconds) ? percent(r.gcSeconds, r.seconds) : '–',
        int(rate(r.events, r.seconds)),
        fixed(r.rssPeakMb, 0),
        r.extra.kind === 'process' ? ecommerce.entities.map((t) => `${t.name} ${int(Number(r.extra[t.name] ?? 0))}`).join(', ') : '–',
      ]),
    );
    const timelines = results
      .filter((r) => r.samples !== undefined)
      .map((r) => {
        const points = thin(r.samples ?? [], 11);
        return [
          `RSS over time, ${r.name} (start RSS ${fixed(r.rssStartMb, 0)} MB):`,
          markdownTable(
            ['s', 'events', 'events/s since previous', 'RSS MB', 'heap used MB'],
            points.map((p, i) => [
              fixed(p.ms / 1000, 0),
              int(p.count),
              i === 0 ? '–' : int(rate(p.count - points[i - 1].count, (p.ms - points[i - 1].ms) / 1000)),
              fixed(p.rssMb, 0),
              fixed(p.heapMb, 0),
            ]),
          ),
        ].join('\n');
      });
    const days = results.filter((r) => r.extra.kind === 'process').map((r) => `${r.name}: ${fixed(Number(r.extra.virtualDays), 0)} virtual days.`);
    const cliNotes = results
      .filter((r) => r.extra.kind === 'cli')
      .map((r) => `${r.name}: CPU s is the bench process's, not the CLI's; its summary began: ${String(r.extra.summary)}`);
    return { table: [table, ...timelines].join('\n\n'), notes: [...days, ...cliNotes], verdicts: verdicts(results) };
  },
};
