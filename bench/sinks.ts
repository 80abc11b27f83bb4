// Sink throughput: events/s through toSink with a no-op writer, JSONL encoding (JSON.stringify vs
// the compiled CompactJsonEncoder), and through toFile (events/s, MB/s).
// Run: node -r ./bench/tsRegister.js bench/sinks.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { EVENT_META, type SimEvent } from '../lib/core/simEvent';
import { type SinkOperator, type SinkWriter, toSink } from '../lib/sinks/sink';
import { BatchEncoder, serializeBatch } from '../lib/sinks/serializeEvent';
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

  const two = await run(
    from(input).pipe(
      toSink(() => noop, { name: 'a' }),
      toSink(() => noop, { name: 'b' }),
    ),
  );
  console.log(`toSink(no-op) x2 composed: ${rate(N, two)}`);

  // JSONL bytes of 1000-event batches: JSON.stringify + Buffer.write (the pretty format's path,
  // and what BatchEncoder did before it compiled layouts) vs BatchEncoder's compact encoder.
  const batches = Array.from({ length: N / 1000 }, (_, b) => input.slice(b * 1000, (b + 1) * 1000));
  const out = Buffer.alloc(1 << 20);
  for (let round = 0; round < 3; round++) {
    let t0 = process.hrtime.bigint();
    for (const batch of batches) {
      let end = 0;
      for (const e of batch) {
        end += out.write(JSON.stringify(e), end, 'utf8');
        out[end++] = 10;
      }
    }
    const stringify = Number(process.hrtime.bigint() - t0) / 1e9;
    const encoder = new BatchEncoder('json');
    t0 = process.hrtime.bigint();
    for (const batch of batches) encoder.encode(batch);
    const compiled = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `JSONL bytes, round ${round + 1}: JSON.stringify + Buffer.write ${((stringify / N) * 1e9).toFixed(0)} ns/event, ` +
        `BatchEncoder ${((compiled / N) * 1e9).toFixed(0)} ns/event (${(stringify / compiled).toFixed(2)}×)`,
    );
  }
  const t0 = process.hrtime.bigint();
  for (const batch of batches) serializeBatch(batch, 'json');
  console.log(`serializeBatch (one string per batch): ${rate(N, Number(process.hrtime.bigint() - t0) / 1e9)}`);

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
