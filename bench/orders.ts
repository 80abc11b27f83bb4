/**
 * Section "orders": the order-lifecycle simulator (scenarios/orders.ts), 100 000 orders (about
 * 290 000 events) with its defaults, in three layers:
 * - the engine alone (open-system arrivals, the Order lifecycle), no delivery;
 * - `runSimulation` with the delivery stages (envelope, v2, checksum, ingest time + reordering,
 *   out of order) and no outputs: what delivery realism costs;
 * - the whole `deep-faker orders` output: events.ndjson, both partition folders and stats.json
 *   (in os.tmpdir(), deleted afterwards).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSimulation } from '../lib/runtime/runSimulation';
import { ordersOutputs } from '../lib/cli/orders';
import { ordersOptions, ordersSimulation } from '../scenarios/orders';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, between, fixed, instant, int, markdownTable, ratiosTo, runEngine, sampleRss, scaled, timingCells } from './measure';

const ENGINE = 'engine only, no delivery';
const DELIVERY = 'runSimulation + delivery, no outputs';
const FULL = 'deep-faker orders: ndjson + partitions + stats';

const ordersCase = (name: string, orders: number): BenchCase => ({
  name,
  run: async (): Promise<CaseResult> => {
    const options = ordersOptions({ nOrders: orders, seed: 42, start: '2026-01-01T00:00:00Z' });
    const sim = ordersSimulation(options);
    const rss = sampleRss(100);
    if (name === ENGINE) {
      const r = await runEngine(sim);
      return { name, events: r.events, ...r.total, ...rss.stop(), extra: { orders } };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-orders-'));
    try {
      const t0 = instant();
      const summary = await runSimulation(sim, { outputs: name === FULL ? ordersOutputs(dir, options) : [], delivery: sim.delivery });
      const time = between(t0, instant());
      return { name, events: summary.events, ...time, ...rss.stop(), extra: { orders } };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

export const orders: Section = {
  name: 'orders',
  title: 'The order-lifecycle simulator: 100 000 orders, engine → delivery → files',
  optIn: false,
  cases: (scale) => [ENGINE, DELIVERY, FULL].map((n) => ordersCase(n, scaled(100_000, scale))),
  report: (results) => {
    const ratios = ratiosTo(results, (r) => r.name === ENGINE);
    return {
      table: markdownTable(
        ['case', 'orders', 'events', ...TIMING_HEADER, 'ratio', 'peak RSS MB'],
        results.map((r, i) => [r.name, int(Number(r.extra.orders)), int(r.events), ...timingCells(r), fixed(ratios[i], 2), fixed(r.rssPeakMb, 0)]),
      ),
      notes: ['ratio: events/s relative to the engine alone.'],
      verdicts: [],
    };
  },
};
