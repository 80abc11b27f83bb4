/**
 * Section "longRun" (opt-in: `--long`, takes minutes): memory over a long e-commerce run into a
 * JSONL file.
 *
 * 10 000 000 events with `history: 'none'` (the target: peak RSS under 300 MB), then 2 000 000
 * with `history: 'full'` for comparison. RSS is sampled every 500 ms. The run is
 * `runSimulation`'s pipeline written out (`simulate` + `Backpressure` + `toFile`), because
 * `runSimulation` has no `onStore`: we need the entity store to report, at the end, how many
 * entities and temporal versions the run keeps — what memory grows with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EntityStore } from '../lib/entities/entityStore';
import { createRunStats } from '../lib/engine/runStats';
import { Backpressure } from '../lib/runtime/backpressure';
import { simulate } from '../lib/runtime/simulate';
import { toFile } from '../lib/sinks/toFile';
import { Product, User } from '../scenarios/ecommerce';
import type { BenchCase, CaseResult, RssSample, Section } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, percent, rate, sampleRss, scaled } from './measure';
import { ecommerceModel } from './throughput';

const TARGET_PEAK_MB = 300;

/** Entities and temporal versions the store holds. */
const storeFigures = (store: EntityStore | undefined): Record<string, number> => {
  if (store === undefined) return {};
  let versions = 0;
  for (const type of [User, Product]) for (const r of store.all(type)) versions += r.versions.length;
  return { users: store.count(User), products: store.count(Product), versions };
};

const longCase = (events: number, history: 'full' | 'none'): BenchCase => {
  const name = `e-commerce → JSONL, history '${history}'`;
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
          simulate(ecommerceModel(events, history), { stats, backpressure, onStore: (s) => (store = s) })
            .pipe(sink)
            .subscribe({ next: () => backpressure.acked(), error: reject, complete: resolve });
        });
        const time = between(t0, instant());
        const figures = rss.stop(); // last sample at completion; the store is still referenced, so heapEndMb is what the run retains
        const mbWritten = fs.statSync(file).size / 1e6;
        const virtualDays = (stats.endTime - stats.startTime) / 86_400_000;
        return {
          name,
          events: stats.events,
          ...time,
          ...figures,
          extra: { mbWritten, virtualDays, ...storeFigures(store) },
          samples: rss.samples,
        };
      } finally {
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

export const longRun: Section = {
  name: 'longRun',
  title: 'Long run memory: e-commerce → JSONL, RSS sampled every 500 ms',
  optIn: true,
  cases: (scale) => [longCase(scaled(10_000_000, scale), 'none'), longCase(scaled(2_000_000, scale), 'full')],
  report: (results) => {
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'peak RSS MB', 'final RSS MB', 'heap after GC MB', 'users', 'products', 'versions', 'GB written'],
      results.map((r) => [
        r.name,
        int(r.events),
        fixed(r.seconds, 1),
        fixed(r.cpuSeconds, 1),
        percent(r.gcSeconds, r.seconds),
        int(rate(r.events, r.seconds)),
        fixed(r.rssPeakMb, 0),
        fixed(r.rssEndMb, 0),
        fixed(r.heapEndMb, 0),
        int(Number(r.extra.users)),
        int(Number(r.extra.products)),
        int(Number(r.extra.versions)),
        fixed(Number(r.extra.mbWritten) / 1000, 2),
      ]),
    );
    const timelines = results.map((r) => {
      const points = thin(r.samples ?? [], 11);
      return [
        `RSS over time, ${r.name} (${int(r.events)} events, start RSS ${fixed(r.rssStartMb, 0)} MB):`,
        markdownTable(
          ['s', 'events', 'events/s since previous', 'RSS MB', 'heap total MB', 'heap used MB', 'external MB'],
          points.map((p, i) => [
            fixed(p.ms / 1000, 0),
            int(p.count),
            i === 0 ? '–' : int(rate(p.count - points[i - 1].count, (p.ms - points[i - 1].ms) / 1000)),
            fixed(p.rssMb, 0),
            fixed(p.heapTotalMb, 0),
            fixed(p.heapMb, 0),
            fixed(p.externalMb, 0),
          ]),
        ),
      ].join('\n');
    });
    const perEntity = results.map((r) => {
      const entities = Number(r.extra.users) + Number(r.extra.products);
      return `${r.name}: ${fixed(((r.heapEndMb - r.heapStartMb) * 1e6) / entities, 0)} B of retained heap per entity (${int(entities)} entities, ${fixed(Number(r.extra.versions) / entities, 1)} versions each), virtual span ${fixed(Number(r.extra.virtualDays), 0)} days.`;
    });
    const none = results.find((r) => r.name.includes("'none'"));
    return {
      table: [table, ...timelines].join('\n\n'),
      notes: [
        'heap after GC: V8 heap still in use after the run, entity store alive (includes what was in use before the run: modules, faker tables).',
        ...perEntity,
      ],
      verdicts: [
        {
          target: `peak RSS < ${TARGET_PEAK_MB} MB for ${none === undefined ? '10M' : int(none.events)} events (history 'none', JSONL)`,
          measured: none === undefined ? 'not run' : `${fixed(none.rssPeakMb, 0)} MB (start ${fixed(none.rssStartMb, 0)} MB)`,
          met: none !== undefined && none.rssPeakMb < TARGET_PEAK_MB,
        },
      ],
    };
  },
};
