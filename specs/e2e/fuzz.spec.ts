// A seeded mutation fuzzer over the shipped YAML models and stories: each mutant is validated
// (and run, when valid) by the CLI in a worker thread, which is terminated if a mutant takes too
// long or too much memory. Every mutant must end with exit code 0 or 2 (validate) / 0, 1 or 2
// (run), every line of an exit-2 report located (file:line:col), and no JavaScript error text or
// stack trace. DEEP_FAKER_FUZZ=N runs N mutants per file (default 60), DEEP_FAKER_FUZZ_SEED=S
// another seed; a failure names the mutant (file, seed, index, what was changed).

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Rng } from '../../lib/core/rng';
import { mutateYaml } from '../helpers/mutateYaml';

const REPO = path.resolve(__dirname, '../..');
const FILES = ['scenarios/shop.yaml', 'scenarios/library.yaml', 'scenarios/saas.story.yaml', 'scenarios/basic.story.yaml', 'scenarios/coldchain.story.yaml'];
const PER_FILE = Number(process.env.DEEP_FAKER_FUZZ ?? 60);
const SEED = Number(process.env.DEEP_FAKER_FUZZ_SEED ?? 17);
const VALIDATE_MS = 5_000;
const RUN_MS = 10_000;

/** What gives a user mistake away as JavaScript's rather than ours. */
const JS_TEXT =
  /TypeError|ReferenceError|RangeError|SyntaxError: (?!.*\d+:\d+)|Cannot read propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid time value|Invalid array length|\[object Object\]|undefined \(reading/;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PassThrough } = require('node:stream');
const { EventEmitter } = require('node:events');
require(workerData.tsRegister);
const { main } = require(workerData.main);
parentPort.on('message', async ({ argv, cwd }) => {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c) => (text += c));
  const code = await main(argv, { stderr, stdout: new PassThrough(), cwd, signals: new EventEmitter() });
  parentPort.postMessage({ code, stderr: text });
});`;

interface Outcome {
  readonly code: number | 'hung' | 'crashed';
  readonly stderr: string;
}

/** Runs the CLI in a worker; replaces the worker after a hang or a crash. */
class CliWorker {
  private worker = this.spawn();

  private spawn(): Worker {
    return new Worker(WORKER, {
      eval: true,
      workerData: { tsRegister: path.join(REPO, 'specs/helpers/tsRegister.js'), main: path.join(REPO, 'lib/cli/main.ts') },
      resourceLimits: { maxOldGenerationSizeMb: 768 },
      stdout: true,
      stderr: true,
    });
  }

  call(argv: ReadonlyArray<string>, cwd: string, ms: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const w = this.worker;
      const done = (o: Outcome, replace: boolean): void => {
        clearTimeout(timer);
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.removeAllListeners('exit');
        if (replace) {
          void w.terminate();
          this.worker = this.spawn();
        }
        resolve(o);
      };
      const timer = setTimeout(() => done({ code: 'hung', stderr: `no answer within ${ms} ms` }, true), ms);
      w.once('message', (m: { code: number; stderr: string }) => done(m, false));
      w.once('error', (e) => done({ code: 'crashed', stderr: String(e) }, true));
      w.once('exit', (c) => done({ code: 'crashed', stderr: `worker exited with ${c}` }, true));
      w.postMessage({ argv, cwd });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** What is wrong with an outcome, if anything. */
const problemsOf = (o: Outcome, allowed: ReadonlyArray<number>): string[] => {
  const out: string[] = [];
  if (typeof o.code !== 'number' || !allowed.includes(o.code)) out.push(`exit ${o.code}`);
  if (JS_TEXT.test(o.stderr)) out.push('JavaScript error text');
  if (/^\s+at .+:\d+:\d+\)?$/m.test(o.stderr)) out.push('a stack trace');
  if (o.code === 2) {
    const lines = o.stderr.split('\n').filter((l) => l.trim() !== '');
    if (lines.some((l) => !/^(deep-faker: )?[^\s:]+:\d+:\d+ /.test(l))) out.push('an unlocated line');
  }
  return out;
};

describe('e2e: fuzzing the YAML front ends with mutants of the shipped files', function () {
  this.timeout(0);
  let dir = '';
  let cli: CliWorker;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-fuzz-'));
    cli = new CliWorker();
  });
  after(async () => {
    await cli.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mutateYaml is deterministic: the same seed gives the same mutants', () => {
    const text = fs.readFileSync(path.join(REPO, FILES[0]!), 'utf8');
    const a = [0, 1, 2].map((i) => mutateYaml(text, Rng.derive(SEED, i)).text);
    const b = [0, 1, 2].map((i) => mutateYaml(text, Rng.derive(SEED, i)).text);
    expect(a).to.deep.equal(b);
    expect(new Set(a).size).to.be.greaterThan(1);
  });

  for (const file of FILES) {
    it(`${file}: ${PER_FILE} mutants validate (and run, when valid) without a crash, a hang or an unlocated error`, async () => {
      const source = fs.readFileSync(path.join(REPO, file), 'utf8');
      const failures: string[] = [];
      let valid = 0;
      for (let i = 0; i < PER_FILE; i++) {
        const mutant = mutateYaml(source, Rng.derive(SEED, file, i));
        const target = path.join(dir, path.basename(file));
        fs.writeFileSync(target, mutant.text);
        const name = `${file} #${i} (seed ${SEED}; ${mutant.what})`;
        const checked = await cli.call(['validate', target], dir, VALIDATE_MS);
        const wrong = problemsOf(checked, [0, 2]);
        if (wrong.length > 0) {
          failures.push(`${name} validate: ${wrong.join(', ')}: ${checked.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
          continue;
        }
        if (checked.code !== 0) continue;
        valid++;
        const out = path.join(dir, 'out.jsonl');
        const ran = await cli.call(
          ['run', target, '--seed', '1', '--total-events', '30', '--time-multiplier', 'max', '--quiet', '--output', `file:${out}`],
          dir,
          RUN_MS,
        );
        const wrongRun = problemsOf(ran, [0, 1, 2]);
        if (wrongRun.length > 0) failures.push(`${name} run: ${wrongRun.join(', ')}: ${ran.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
      }
      expect(failures, failures.slice(0, 25).join('\n')).to.deep.equal([]);
      // The mutants are not all fatal: some still validate and run.
      expect(valid).to.be.greaterThan(0);
    });
  }
});
