/**
 * `npm run bench:startup`: how soon the compiled CLI prints its first event, and the RSS it holds
 * at that moment, for 100-event runs of the YAML models scenarios/shop.yaml (bcrypt-hashed
 * passwords for its initial users) and scenarios/library.yaml. Runs dist/ as the installed
 * package does (build it first: `npm run build`; the repository's .ts scenarios import lib/
 * sources, so they would time transpiling the library), with a bare `node -e ''` start measured
 * in the same sitting as the baseline.
 *
 * Usage: npm run bench:startup [-- --repeat 7]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist/cli/main.js');

// Preloaded into the CLI process: turns on the compile cache as bin/deep-faker.js does (Node 22.1+),
// and at its first write to stdout reports that process's RSS on fd 3.
const PROBE = `require('node:module').enableCompileCache?.(); const fs = require('node:fs'); const write = process.stdout.write.bind(process.stdout); let seen = false;
process.stdout.write = (...a) => { if (!seen) { seen = true; fs.writeSync(3, String(process.memoryUsage.rss())); } return write(...a); };`;

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
}

/** One run: wall ms from spawn to the first stdout byte, and the child's RSS at its first write. */
const once = (args: ReadonlyArray<string>, probe: boolean): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, probe ? ['-e', `${PROBE}\nrequire(${JSON.stringify(CLI)}).main(${JSON.stringify(args)})`] : ['-e', ''], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'ignore', 'pipe'],
    });
    let ms = Number.NaN;
    let rss = '';
    child.stdout!.once('data', () => (ms = Number(process.hrtime.bigint() - started) / 1e6));
    child.stdout!.resume();
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (rss += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      if (!probe) ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, rssMb: rss === '' ? Number.NaN : Number(rss) / 2 ** 20 });
    });
  });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' } } });
  const repeat = Number(values.repeat);
  if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
  const cases: ReadonlyArray<[string, ReadonlyArray<string> | null]> = [
    ['bare `node -e ""` (exit)', null],
    ['YAML model, 100 events (scenarios/shop.yaml)', ['run', 'scenarios/shop.yaml', '--seed', '1', '--total-events', '100', '--output', 'stdout', '--quiet']],
    [
      'YAML model, 100 events (scenarios/library.yaml)',
      ['run', 'scenarios/library.yaml', '--seed', '1', '--total-events', '100', '--output', 'stdout', '--quiet'],
    ],
  ];
  console.log(`Start-up of the compiled CLI, medians of ${repeat} runs (node ${process.version}):\n`);
  console.log('| case | first event (ms) | RSS at first event (MB) |');
  console.log('| --- | ---: | ---: |');
  // Round-robin over the cases, so a machine that slows down during the sitting slows them all alike.
  const samples: Sample[][] = cases.map(() => []);
  for (let i = 0; i < repeat; i++) {
    for (const [c, [, args]] of cases.entries()) samples[c]!.push(await once(args ?? [], args !== null));
  }
  for (const [c, [name]] of cases.entries()) {
    const rss = median(samples[c]!.map((s) => s.rssMb));
    console.log(`| ${name} | ${median(samples[c]!.map((s) => s.ms)).toFixed(0)} | ${Number.isNaN(rss) ? '–' : rss.toFixed(1)} |`);
  }
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
