/**
 * Section "workers": the compiled CLI (dist/, as the installed package runs it) on the e-commerce
 * scenario with `--workers 1` and `--workers 2`, into JSONL files and into Kafka, each run a real
 * process (timed from spawn to exit, so the workers' start-up counts; 5 000 000 events, 1 000 000
 * into Kafka); events/s and the 2-worker / 1-worker ratio.
 *
 * - JSONL: `--output file:…` (each worker its own file).
 * - Kafka, client kafkajs: one producer per worker, one topic.
 * - Kafka, client librdkafka (when `@confluentinc/kafka-javascript` loads): its native module loads
 *   in the main thread only, so the CLI runs the simulation in a worker thread (even with
 *   `--workers 1`) and produces on the main thread; with `--workers 2` both workers write through
 *   that producer; and as two processes side by side (`--shard 0/2` and `--shard 1/2`), what two
 *   machines would run.
 * - The baseline: the engine alone (the compiled library's `runSimulation` with no outputs, the
 *   CLI's settings) as one process, and its two shards as two processes at once — how far two
 *   shards can get on this machine before any output, thread or relay of the CLI is involved.
 *
 * Opt-in (`--only workers`): it needs `npm run build` and the Kafka broker (scripts/kafka.js, or
 * KAFKA_BROKERS). The scenario is copied next to a temporary folder with its imports pointed at
 * dist/, so the CLI and the scenario share one copy of the library.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as KafkaJs from 'kafkajs';
import type { BenchCase, CaseResult, Section } from './measure';
import { fixed, int, markdownTable, rate, scaled } from './measure';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaScript = require('../scripts/kafka.js') as { start(options?: { quiet?: boolean }): Promise<string> };

const REPO = path.resolve(__dirname, '..');
const DIST = path.join(REPO, 'dist');
const CLI = path.join(DIST, 'cli', 'main.js');

/** The 2-worker / 1-worker target into JSONL. */
const TARGET_RATIO = 1.8;
/** Events/s into Kafka the issue asks of one process. */
const KAFKA_TARGET = 100_000;

/** What a CLI process reports on fd 3 as it ends: its exit code, CPU time (all threads) and peak RSS. */
interface ProcessReport {
  readonly code: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** What a timed process wrote on fd 3 as it ended (`REPORT`), its wall seconds and its stderr. */
interface Timed {
  readonly report: ProcessReport & { readonly events?: number };
  readonly seconds: number;
  readonly stderr: string;
}

/** The code a timed process's script ends with: its report on fd 3 (`code` and `more` are expressions). */
const REPORT = (code: string, more = '{}'): string =>
  `require('node:fs').writeSync(3, JSON.stringify({ code: ${code}, cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage()), maxRssMb: process.resourceUsage().maxRSS / 1024, ...${more} }));`;

/** Runs `script` in a node process of its own, timed from spawn to exit; `what` names it in errors. */
const timedProcess = (script: string, what: string): Promise<Timed> =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', script], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let report = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (report += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (report === '') return reject(new Error(`${what} reported nothing:\n${stderr}`));
      const r = JSON.parse(report) as Timed['report'];
      if (r.code !== 0) return reject(new Error(`${what} exited with ${r.code}:\n${stderr}`));
      resolve({ report: r, seconds, stderr });
    });
  });

/** Runs the compiled CLI with `args` in a process. */
const runCli = (args: ReadonlyArray<string>): Promise<Timed> =>
  timedProcess(
    `require(${JSON.stringify(CLI)}).main(${JSON.stringify(args)}).then((code) => {
  ${REPORT('code')}
  process.exitCode = code;
  setTimeout(() => process.exit(code), 250).unref();
});`,
    'the CLI',
  );

/**
 * Runs the engine alone on `file` (shard `shard` of `count`, the CLI's settings, no outputs) in a
 * process of its own; its report holds the events it generated.
 */
const runEngine = (file: string, events: number, shard: number, count: number): Promise<Timed> =>
  timedProcess(
    `const { runSimulation } = require(${JSON.stringify(DIST)});
const { loadModule } = require(${JSON.stringify(path.join(DIST, 'cli', 'loadModule.js'))});
const { CLI_HISTORY } = require(${JSON.stringify(CLI)});
const { model } = loadModule(${JSON.stringify(file)});
const settings = { ...model.settings, seed: 42, startTime: '2025-01-01T00:00:00Z', duration: '3650d', totalEvents: ${events} };
if (settings.history === undefined) settings.history = CLI_HISTORY;
runSimulation({ ...model, settings }, { outputs: [], shard: { index: ${shard}, count: ${count} } }).then((summary) => {
  ${REPORT('0', '{ events: summary.events }')}
});`,
    'the engine run',
  );

/** The events of a summary (`deep-faker: done: 1,000,000 events in …`). */
const summaryEvents = (stderr: string): number => {
  const m = /^deep-faker: done: ([\d,]+) events in /m.exec(stderr);
  if (m === null) throw new Error(`no summary in:\n${stderr}`);
  return Number(m[1].replace(/,/g, ''));
};

/** scenarios/ecommerce.ts in a temporary folder, importing the library from dist/. */
const scenarioCopy = (dir: string): string => {
  const file = path.join(dir, 'ecommerce.ts');
  const source = fs.readFileSync(path.join(REPO, 'scenarios', 'ecommerce.ts'), 'utf8').replace(/from '\.\.\/lib'/g, `from ${JSON.stringify(DIST)}`);
  fs.writeFileSync(file, source);
  return file;
};

const suffix = (): string => randomBytes(3).toString('hex');

const kafkaBrokers = async (): Promise<string> => process.env.KAFKA_BROKERS || (await kafkaScript.start({ quiet: true }));

const deleteTopic = async (brokers: string, topic: string): Promise<void> => {
  // Required here, not imported: every bench case process loads this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
};

const librdkafkaLoads = (): boolean => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@confluentinc/kafka-javascript');
    return true;
  } catch {
    return false;
  }
};

type Output = 'engine' | 'jsonl' | 'kafkajs' | 'librdkafka';

const OUTPUT_NAMES: Readonly<Record<Output, string>> = {
  engine: 'engine alone (no outputs)',
  jsonl: 'JSONL',
  kafkajs: 'Kafka (kafkajs)',
  librdkafka: 'Kafka (librdkafka)',
};

/** Two shards as two worker threads of one process, or as two processes side by side (`--shard`). */
type Split = 'workers' | 'processes';

/** The case's name: `JSONL, --workers 2`, `Kafka (librdkafka), 2 processes (--shard)`. */
const caseName = (output: Output, shards: number, split: Split): string =>
  output === 'engine'
    ? `${OUTPUT_NAMES[output]}, ${shards === 1 ? 'one process' : `${shards} processes (shards)`}`
    : `${OUTPUT_NAMES[output]}, ${split === 'processes' ? `${shards} processes (--shard)` : `--workers ${shards}`}`;

/** One case: `shards` shards of `events` events into `output`, split as `split` says. */
const workersCase = (output: Output, shards: number, split: Split, events: number): BenchCase => ({
  name: caseName(output, shards, split),
  run: async (): Promise<CaseResult> => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-bench-workers-'));
    const brokers = output === 'jsonl' || output === 'engine' ? '' : await kafkaBrokers();
    const topic = `bench_workers_${suffix()}`;
    try {
      const base = ['run', scenarioCopy(dir), '--seed', '42', '--start', '2025-01-01T00:00:00Z', '--duration', '3650d', '--total-events', String(events)];
      const out = (i: number): string =>
        output === 'jsonl'
          ? `file:${path.join(dir, `events${split === 'processes' ? `-${i}` : ''}.jsonl`)}`
          : `kafka:${brokers}?topic=${topic}&partitions=6${output === 'librdkafka' ? '&client=librdkafka' : ''}`;
      const processes =
        split === 'processes'
          ? Array.from({ length: shards }, (_, i) => [...base, '--shard', `${i}/${shards}`, '--output', out(i)])
          : [[...base, '--workers', String(shards), '--output', out(0)]];
      const runs = (
        output === 'engine'
          ? await Promise.all(Array.from({ length: shards }, (_, i) => runEngine(base[1], events, i, shards)))
          : await Promise.all(processes.map(runCli))
      ).map((r) => ({ ...r, events: r.report.events ?? summaryEvents(r.stderr) }));
      return {
        name: caseName(output, shards, split),
        events: runs.reduce((n, r) => n + r.events, 0),
        seconds: Math.max(...runs.map((r) => r.seconds)),
        cpuSeconds: runs.reduce((n, r) => n + r.report.cpuSeconds, 0),
        gcSeconds: NaN,
        rssStartMb: NaN,
        heapStartMb: NaN,
        rssPeakMb: Math.max(...runs.map((r) => r.report.maxRssMb)) * (2 ** 20 / 1e6),
        rssEndMb: NaN,
        heapEndMb: NaN,
        extra: { shards },
      };
    } finally {
      if (brokers !== '') await deleteTopic(brokers, topic);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

export const workers: Section = {
  name: 'workers',
  title: 'Workers: the compiled CLI with --workers 1 and 2, into JSONL and Kafka (needs `npm run build` and Kafka)',
  optIn: true,
  cases: (scale) => {
    // Long enough that start-up (the model loaded by the main thread and each worker) is a small
    // part of a run, as in the runs --workers is for; Kafka, slower, gets a fifth of it.
    const n = scaled(5_000_000, scale);
    const k = scaled(1_000_000, scale);
    return [
      // The baseline: what two shards give before any output or thread is involved.
      workersCase('engine', 1, 'processes', n),
      workersCase('engine', 2, 'processes', n),
      workersCase('jsonl', 1, 'workers', n),
      workersCase('jsonl', 2, 'workers', n),
      // The machine's own headroom for two shards, without threads: two processes side by side.
      workersCase('jsonl', 2, 'processes', n),
      workersCase('kafkajs', 1, 'workers', k),
      workersCase('kafkajs', 2, 'workers', k),
      ...(librdkafkaLoads()
        ? [workersCase('librdkafka', 1, 'workers', k), workersCase('librdkafka', 2, 'workers', k), workersCase('librdkafka', 2, 'processes', k)]
        : []),
    ];
  },
  report: (results) => {
    const perSecond = (name: string): number => {
      const r = results.find((x) => x.name === name);
      return r === undefined ? NaN : rate(r.events, r.seconds);
    };
    const ratio = (output: Output, split: Split): number =>
      perSecond(caseName(output, 2, split)) / perSecond(caseName(output, 1, output === 'engine' ? 'processes' : 'workers'));
    const table = markdownTable(
      ['case', 'events', 'seconds', 'CPU s', 'events/s', 'peak RSS MB (a process)'],
      results.map((r) => [r.name, int(r.events), fixed(r.seconds, 2), fixed(r.cpuSeconds, 2), int(rate(r.events, r.seconds)), fixed(r.rssPeakMb, 0)]),
    );
    const ratios: Array<[string, number]> = [
      ['engine alone, 2 processes (the baseline)', ratio('engine', 'processes')],
      ['JSONL, --workers', ratio('jsonl', 'workers')],
      ['JSONL, 2 processes', ratio('jsonl', 'processes')],
      ['Kafka (kafkajs), --workers', ratio('kafkajs', 'workers')],
      ['Kafka (librdkafka), --workers', ratio('librdkafka', 'workers')],
      ['Kafka (librdkafka), 2 processes', ratio('librdkafka', 'processes')],
    ];
    const load = os.loadavg();
    const jsonl = ratio('jsonl', 'workers');
    return {
      table,
      notes: [
        `2 shards / 1 shard: ${ratios
          .filter(([, x]) => !Number.isNaN(x))
          .map(([what, x]) => `${what} ${fixed(x, 2)} ×`)
          .join('; ')}.`,
        `Against the baseline of this sitting (the engine alone, two shards as two processes: ${fixed(ratio('engine', 'processes'), 2)} ×), --workers 2 into JSONL gets ${fixed(jsonl / ratio('engine', 'processes'), 2)} of what two shards can give here.`,
        'seconds: from spawning the CLI process to its exit (start-up, loading the model in the main thread and in each worker, and the final flush included); CPU s: every thread of the process (both processes for two --shard processes).',
        `${os.cpus().length} cores; load average at the end ${load.map((x) => fixed(x, 1)).join(' / ')} (1 / 5 / 15 min): whatever else runs on the machine competes with the two shards for its cores (the two-process JSONL row shows how much room it left).`,
      ],
      verdicts: [
        {
          target: `--workers 2 into JSONL ≥ ${TARGET_RATIO} × --workers 1`,
          measured: `${fixed(jsonl, 2)} × (${int(perSecond(caseName('jsonl', 2, 'workers')))} vs ${int(perSecond(caseName('jsonl', 1, 'workers')))} events/s)`,
          met: jsonl >= TARGET_RATIO,
        },
        ...(Number.isNaN(perSecond(caseName('librdkafka', 1, 'workers')))
          ? []
          : [
              {
                target: `the CLI into Kafka (librdkafka client, one process, --workers 1) ≥ ${int(KAFKA_TARGET)} events/s`,
                measured: `${int(perSecond(caseName('librdkafka', 1, 'workers')))} events/s, spawn to exit`,
                met: perSecond(caseName('librdkafka', 1, 'workers')) >= KAFKA_TARGET,
              },
            ]),
      ],
    };
  },
};
