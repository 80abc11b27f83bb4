// Sink throughput: events/s through toSink with a no-op writer, and through toFile (events/s, MB/s).
// Run: node -r ts-node/register/transpile-only bench/sinks.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { EVENT_META, type SimEvent } from '../lib/core/simEvent';
import { type SinkOperator, type SinkWriter, toSink } from '../lib/sinks/sink';
import { serializeBatch } from '../lib/sinks/serializeEvent';
import { toFile } from '../lib/sinks/toFile';

const N = 1_000_000;
const base = Date.UTC(2025, 0, 1);
const input: SimEvent[] = Array.from({ length: N }, (_, i) => ({
  event_id: `evt-${i}`,
  event_type: 'PageViewed',
  timestamp: new Date(base + i).toISOString(),
  session_id: `s-${i % 1000}`,
  flow: 'browse',
  user_id: `u-${i % 5000}`,
  page: '/products/42',
  [EVENT_META]: { time: base + i, key: `u-${i % 5000}` },
}));

const noop: SinkWriter = { name: 'noop', open: async () => {}, write: async () => {}, close: async () => {} };

/** Seconds to run a pipeline to completion. */
const run = async (events$: Observable<SimEvent>): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await lastValueFrom(events$, { defaultValue: undefined });
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

const rate = (n: number, seconds: number): string => `${Math.round(n / seconds).toLocaleString('en-US')} events/s`;

const main = async (): Promise<void> => {
  // warm-up
  await run(from(input.slice(0, 100_000)).pipe(toSink(() => noop, { name: 'noop' })));

  for (const maxBatch of [1000, 10_000]) {
    const sink: SinkOperator = toSink(() => noop, { name: 'noop', maxBatch, maxBuffered: N });
    const s = await run(from(input).pipe(sink));
    console.log(`toSink(no-op) maxBatch=${maxBatch}: ${rate(N, s)} (${(s * 1000).toFixed(0)} ms, batches=${sink.stats.batches})`);
  }

  const two = await run(from(input).pipe(toSink(() => noop, { name: 'a' }), toSink(() => noop, { name: 'b' })));
  console.log(`toSink(no-op) x2 composed: ${rate(N, two)}`);

  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1000) serializeBatch(input.slice(i, i + 1000), 'json');
  console.log(`serializeBatch alone: ${rate(N, Number(process.hrtime.bigint() - t0) / 1e9)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-'));
  try {
    const file = path.join(dir, 'events.jsonl');
    const s = await run(from(input).pipe(toFile(file)));
    const bytes = fs.statSync(file).size;
    console.log(`toFile: ${rate(N, s)}, ${(bytes / 1e6 / s).toFixed(1)} MB/s (${(bytes / 1e6).toFixed(1)} MB in ${(s * 1000).toFixed(0)} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

void main();
