/**
 * `npm run bench`: throughput, concurrency scaling, entity-count scaling and (opt-in) long-run
 * memory, printed as markdown tables with a summary against the project's targets.
 *
 * Every case runs in a fresh child process (forked from this file with `--expose-gc`), so the
 * peak RSS of one case never pollutes another and each starts from a cold, GC'd heap.
 *
 * Usage:
 *   npm run bench                          # throughput, concurrency, entities (default sizes)
 *   npm run bench -- --long                # … and the long-run memory section (minutes)
 *   npm run bench -- --only outputs        # JSONL vs Kafka vs MySQL, and a slow sink (needs the services)
 *   npm run bench -- --only workers        # the compiled CLI with --workers 1 and 2 (npm run build first; needs Kafka)
 *   npm run bench -- --only concurrency    # one section (or a comma-separated list)
 *   npm run bench -- --events 100000       # sizes scaled by 100 000 / 1 000 000 for a quick run
 *   npm run bench -- --repeat 3            # each case 3 times; the median run is reported
 *   npm run bench -- --node-flags='--max-old-space-size=160'  # extra node/V8 flags for every case
 *   npm run bench -- --compiled            # cases run as JavaScript compiled by tsc, without ts-node
 *
 * One case in this very process (e.g. to profile it; cases are numbered from 0 in each section):
 *   node --cpu-prof -r ./bench/tsRegister.js bench/index.ts --child throughput:0 --scale 0.3
 */
import { execFileSync, execSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { concurrency } from './concurrency';
import { entities } from './entities';
import { longRun } from './longRun';
import { outputs } from './outputs';
import { orders } from './orders';
import type { CaseResult, Section, Verdict } from './measure';
import { fixed, int, rate } from './measure';
import { throughput } from './throughput';
import { workers } from './workers';

const SECTIONS: ReadonlyArray<Section> = [throughput, concurrency, entities, orders, longRun, outputs, workers];

/** Default sizes are for 1 000 000 events; `--events N` scales them by N / 1 000 000. */
const DEFAULT_EVENTS = 1_000_000;

const LEGEND = [
  'Each case runs in its own node process. seconds: wall time measured; CPU s: user + system time of all threads',
  '(V8 GC helper threads included, so it can exceed seconds); GC %: main-thread GC pauses / seconds; peak RSS: the',
  'highest of 100 ms samples and getrusage maxrss, including what the process holds before the run (≈ 140 MB:',
  'node ≈ 40, ts-node + the typescript module it always loads ≈ 50, rxjs + io-ts + fp-ts ≈ 15, faker (English) ≈ 6,',
  'the compiled sources of lib and the scenario).',
].join('\n');

type ChildMessage = { readonly ok: true; readonly result: CaseResult } | { readonly ok: false; readonly error: string };

// ---------------------------------------------------------------------------------------------
// child: one case
// ---------------------------------------------------------------------------------------------

const runChild = async (spec: string, scale: number): Promise<void> => {
  const [sectionName, index] = spec.split(':');
  // Without IPC (run by hand, e.g. under --cpu-prof) the result is printed instead.
  const send = (m: ChildMessage): Promise<void> => {
    const ipc = process.send?.bind(process);
    if (ipc === undefined) {
      console.log(JSON.stringify(m, null, 2));
      return Promise.resolve();
    }
    return new Promise((resolve) => ipc(m, () => resolve()));
  };
  try {
    const section = SECTIONS.find((s) => s.name === sectionName);
    const c = section?.cases(scale)[Number(index)];
    if (c === undefined) throw new Error(`no case ${spec}`);
    await send({ ok: true, result: await c.run() });
  } catch (e) {
    await send({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  process.exit(0);
};

// ---------------------------------------------------------------------------------------------
// parent: sections, tables, summary
// ---------------------------------------------------------------------------------------------

/**
 * How the case processes load the code: this file through ts-node (what `npm start` and the CLI
 * do), or the project compiled by tsc into a directory (what a program that embeds the library
 * runs: no ts-node, so not the ≈ 50 MB of the typescript module it loads).
 */
type Loader = { readonly kind: 'ts-node' } | { readonly kind: 'compiled'; readonly dir: string };

/**
 * Compiles the project (lib, scenarios, bench) with tsc into a temporary directory under `.tmp/`,
 * inside the project so that the compiled files find `node_modules`.
 */
const compileProject = (): string => {
  const root = path.join(__dirname, '..');
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, '.tmp', 'bench-js-'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root, '--outDir', dir], { stdio: 'inherit' });
  // The plain JavaScript that the sources require (scripts/kafka.js, bin/), from where it is.
  for (const js of ['scripts', 'bin']) fs.symlinkSync(path.join(root, js), path.join(dir, js));
  return dir;
};

/** Runs one case in a fresh node process. */
const forkCase = (section: Section, index: number, scale: number, nodeFlags: ReadonlyArray<string>, loader: Loader): Promise<CaseResult> =>
  new Promise<CaseResult>((resolve, reject) => {
    const script = loader.kind === 'compiled' ? path.join(loader.dir, 'bench', 'index.js') : __filename;
    const register = loader.kind === 'compiled' ? [] : ['-r', path.join(__dirname, 'tsRegister.js')];
    const child = fork(script, ['--child', `${section.name}:${index}`, '--scale', String(scale)], {
      execArgv: ['--expose-gc', ...nodeFlags, ...register],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: ChildMessage | undefined;
    child.on('message', (m: ChildMessage) => (answer = m));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.ok === true) resolve(answer.result);
      else if (answer?.ok === false) reject(new Error(answer.error));
      else reject(new Error(`child exited with ${signal ?? `code ${code}`} before reporting (out of memory?)`));
    });
  });

const environment = (): string => {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain -- lib scenarios', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (dirty !== '') commit += ' + uncommitted changes in lib/ or scenarios/';
  } catch {
    // not a git checkout
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg()[0];
  const busy = load > 0.5 ? ` — load average ${fixed(load, 1)} at start: other processes compete for the CPU, so compare CPU s with seconds` : '';
  return `node ${process.version}, ${cpu} (${os.cpus().length} cores), ${fixed(os.totalmem() / 2 ** 30, 0)} GiB, commit ${commit}, ${new Date().toISOString()}${busy}`;
};

/** The run with the median events/s (the lower middle one for an even count). */
const medianRun = (runs: ReadonlyArray<CaseResult>): CaseResult => {
  const sorted = [...runs].sort((a, b) => rate(a.events, a.seconds) - rate(b.events, b.seconds));
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const runSection = async (
  section: Section,
  scale: number,
  nodeFlags: ReadonlyArray<string>,
  repeat: number,
  loader: Loader,
): Promise<ReadonlyArray<Verdict>> => {
  console.log(`\n## ${section.title}`);
  const results: CaseResult[] = [];
  const spreads: string[] = [];
  const cases = section.cases(scale);
  for (let i = 0; i < cases.length; i++) {
    const runs: CaseResult[] = [];
    for (let k = 0; k < repeat; k++) {
      process.stderr.write(`  ${section.name} / ${cases[i].name}${repeat > 1 ? ` (run ${k + 1}/${repeat})` : ''} … `);
      try {
        const r = await forkCase(section, i, scale, nodeFlags, loader);
        runs.push(r);
        process.stderr.write(`${int(rate(r.events, r.seconds))} events/s, ${fixed(r.seconds, 1)} s, peak RSS ${fixed(r.rssPeakMb, 0)} MB\n`);
      } catch (e) {
        process.stderr.write('failed\n');
        console.log(`**${cases[i].name} failed:**\n\n\`\`\`\n${e instanceof Error ? e.message : String(e)}\n\`\`\`\n`);
        break;
      }
    }
    if (runs.length === 0) continue;
    results.push(medianRun(runs));
    if (runs.length > 1) {
      const rates = runs.map((r) => rate(r.events, r.seconds)).sort((a, b) => a - b);
      spreads.push(`${cases[i].name}: ${int(rates[0])}–${int(rates[rates.length - 1])}`);
    }
  }
  const report = section.report(results);
  console.log(`\n${report.table}`);
  const notes = [...report.notes];
  if (spreads.length > 0) notes.push(`Each row is the median of ${repeat} runs; events/s of all runs: ${spreads.join('; ')}.`);
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
  return report.verdicts;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      events: { type: 'string' },
      long: { type: 'boolean', default: false },
      child: { type: 'string' },
      scale: { type: 'string' },
      'node-flags': { type: 'string' },
      repeat: { type: 'string' },
      compiled: { type: 'boolean', default: false },
    },
  });
  if (values.child !== undefined) return runChild(values.child, Number(values.scale ?? 1));

  const events = values.events === undefined ? DEFAULT_EVENTS : Number(values.events.replace(/[_ ,]/g, ''));
  if (!(events > 0)) throw new Error(`--events: expected a positive number, got ${values.events}`);
  const scale = events / DEFAULT_EVENTS;
  const repeat = Number(values.repeat ?? 1);
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat: expected a positive integer, got ${values.repeat}`);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')} (sections: ${SECTIONS.map((s) => s.name).join(', ')})`);
  const chosen = SECTIONS.filter((s) => (only === undefined ? !s.optIn || values.long : only.includes(s.name)));

  console.log(`# deep-faker benchmarks\n\n${environment()}\n\n${LEGEND}`);
  if (scale !== 1) console.log(`\nSizes scaled by ${scale} (--events ${int(events)}).`);
  const nodeFlags = values['node-flags']?.split(/\s+/).filter((f) => f !== '') ?? [];
  if (nodeFlags.length > 0) console.log(`\nEvery case runs with node ${nodeFlags.join(' ')}.`);
  let loader: Loader = { kind: 'ts-node' };
  if (values.compiled) {
    loader = { kind: 'compiled', dir: compileProject() };
    console.log('\nEvery case runs as JavaScript compiled by tsc, without ts-node (and the typescript module it loads).');
  }
  const verdicts: Verdict[] = [];
  try {
    for (const section of chosen) verdicts.push(...(await runSection(section, scale, nodeFlags, repeat, loader)));
  } finally {
    if (loader.kind === 'compiled') fs.rmSync(loader.dir, { recursive: true, force: true });
  }

  console.log('\n## Summary against the targets\n');
  for (const v of verdicts) console.log(`- [${v.met ? 'x' : ' '}] ${v.target}: ${v.measured} — ${v.met ? 'met' : 'NOT met'}`);
  if (!chosen.includes(longRun)) console.log('- [ ] peak RSS < 300 MB for 10M events: not measured (run with --long)');
};

// Only as a program (`npm run bench`, or a case process): a script that imports this module for
// its sections does not start a benchmark.
if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
