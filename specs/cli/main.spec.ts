// The command line: `main(argv, io)` in-process (stderr captured, a fake signal source, a temp
// cwd), plus a few runs of the real `bin/deep-faker.js` in a child process for exit codes and
// streams. Outputs go to files in a temp folder, so mocha's own stdout stays clean. Behaviour only,
// never speed.

import { expect } from 'chai';
import { parseJsonl, readJsonl, tmpFiles } from '../helpers/jsonlFiles';
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { USAGE } from '../../lib/cli/main';
import { BIN, type CliRun, REPO, runCli, summaryEvents } from '../helpers/cliRun';

const ECOMMERCE = path.join(REPO, 'scenarios/ecommerce.ts');
const fixture = (name: string): string => path.join(REPO, 'specs/fixtures', name);
const START = '2025-01-01T00:00:00Z';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const n = (x: number): string => x.toLocaleString('en-US');

const tmp = tmpFiles('deep-faker-cli-');

/** Runs `main` in-process with captured stderr, a temp cwd and a fake signal source. */
const cli = (argv: ReadonlyArray<string>, signals = new EventEmitter(), cwd = tmp.dir()) => runCli(argv, cwd, signals);
const run = (argv: ReadonlyArray<string>): Promise<CliRun> => cli(argv).done;

/** Runs the real executable to completion. */
const spawnCli = (args: ReadonlyArray<string>, cwd = REPO) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
};

const NO_STACK = /^\s+at /m;

describe('cli: deep-faker run (in-process)', () => {
  describe('a run into a file', () => {
    const args = (file: string) => ['run', ECOMMERCE, '--output', `file:${file}`, '--seed', '3', '--start', START, '--duration', '5m'];

    it('exits 0; the summary counts what is in the file; two runs write identical files', async () => {
      const a = tmp.file();
      const b = tmp.file();
      const first = await run(args(a));
      const second = await run(args(b));
      expect(first.code, first.stderr).to.equal(0);
      expect(second.code, second.stderr).to.equal(0);
      const rows = readJsonl(a);
      expect(rows.length).to.be.greaterThan(250); // the initial entities alone are 250
      expect(summaryEvents(first.stderr, 'done')).to.equal(rows.length);
      expect(first.stderr).to.contain(`, seed 3\n`);
      expect(first.stderr).to.contain(`virtual time 2025-01-01T00:00:00.000Z → 2025-01-01T00:05:00.000Z`);
      expect(first.stderr).to.contain(`outputs: file:${a} ${n(rows.length)} acknowledged`);
      const types = new Map<string, number>();
      for (const r of rows) types.set(String(r.event_type), (types.get(String(r.event_type)) ?? 0) + 1);
      for (const [type, count] of types) expect(first.stderr).to.contain(`${type} ${n(count)}`);
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(true);
      for (const r of rows) expect(Date.parse(String(r.timestamp))).to.be.within(Date.parse(START), Date.parse(START) + 5 * 60_000 - 1);
    });

    it('another seed writes another file', async () => {
      const a = tmp.file();
      const b = tmp.file();
      await run(args(a));
      const other = args(b);
      other[other.indexOf('3')] = '4';
      expect((await run(other)).code).to.equal(0);
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(false);
    });

    it('--total-events 25 writes exactly 25 lines', async () => {
      const file = tmp.file();
      const r = await run(['run', ECOMMERCE, '-o', `file:${file}`, '--total-events', '25', '--seed', '1', '--start', START]);
      expect(r.code, r.stderr).to.equal(0);
      expect(readJsonl(file)).to.have.length(25);
      expect(summaryEvents(r.stderr, 'done')).to.equal(25);
      expect(r.stderr).to.contain(`file:${file} 25 acknowledged`);
    });

    it('-q prints no summary', async () => {
      const file = tmp.file();
      const r = await run(['run', ECOMMERCE, '-o', `file:${file}`, '--total-events', '25', '-q', '--start', START]);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(readJsonl(file)).to.have.length(25);
    });

    it('writes to several outputs, each acknowledging every event', async () => {
      const a = tmp.file();
      const b = tmp.file();
      const r = await run(['run', ECOMMERCE, '-o', `file:${a}`, '--output', `file:${b}`, '--total-events', '40', '--start', START, '--seed', '2']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain(`outputs: file:${a} 40 acknowledged; file:${b} 40 acknowledged`);
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(true);
    });

    it('accepts --time-multiplier and paces without changing the events', async () => {
      const paced = tmp.file();
      const unpaced = tmp.file();
      const endless = fixture('endless.ts');
      const r = await run(['run', endless, '-o', `file:${paced}`, '--duration', '20s', '--time-multiplier', '1000']);
      expect(r.code, r.stderr).to.equal(0);
      expect(summaryEvents(r.stderr, 'done')).to.equal(3 * 20);
      expect((await run(['run', endless, '-o', `file:${unpaced}`, '--duration', '20s'])).code).to.equal(0);
      expect(fs.readFileSync(paced).equals(fs.readFileSync(unpaced))).to.equal(true);
    });

    it('--help and run --help print the usage and exit 0', async () => {
      for (const argv of [['--help'], ['-h'], ['help'], ['run', '--help']]) {
        const r = await run(argv);
        expect(r.code, argv.join(' ')).to.equal(0);
        expect(r.stderr).to.contain(USAGE.trim());
      }
    });
  });

  describe('bad arguments: exit 2, a clear message, the usage', () => {
    const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, RegExp]> = [
      ['no command', [], /^deep-faker: no command given/],
      ['an unknown command', ['walk', 'x.ts'], /^deep-faker: unknown command "walk"/],
      ['an unknown option', ['run', ECOMMERCE, '--sed', '3'], /^deep-faker: Unknown option '--sed'/],
      ['run without a file', ['run'], /^deep-faker: run needs a file/],
      ['run with two files', ['run', ECOMMERCE, ECOMMERCE], /^deep-faker: run takes one file/],
      ['a missing file', ['run', 'nowhere/missing.ts'], /^deep-faker: no such file: .*nowhere\/missing\.ts/],
      ['an unknown output', ['run', ECOMMERCE, '--output', 'kinesis:x'], /^deep-faker: --output kinesis:x: unknown output "kinesis"/],
      ['a kafka broker without a port', ['run', ECOMMERCE, '--output', 'kafka:x'], /^deep-faker: --output kafka:x: a broker is HOST:PORT, got "x"/],
      ['a file output without a path', ['run', ECOMMERCE, '--output', 'file:'], /^deep-faker: --output file:: file needs a path/],
      ['a bad stdout format', ['run', ECOMMERCE, '--output', 'stdout:xml'], /^deep-faker: --output stdout:xml: stdout takes "json" or "json_pretty"/],
      ['a seed that is not a number', ['run', ECOMMERCE, '--seed', 'abc'], /^deep-faker: --seed: expected an integer from -\d+ to \d+ .*, got "abc"/],
      ['an empty seed', ['run', ECOMMERCE, '--seed='], /^deep-faker: --seed: expected an integer .*, got ""/],
      ['a fractional seed', ['run', ECOMMERCE, '--seed', '1.5'], /^deep-faker: --seed: expected an integer .*, got "1.5"/],
      ['a bad duration', ['run', ECOMMERCE, '--duration', '10x'], /^deep-faker: --duration: invalid duration "10x"/],
      [
        'a bad start',
        ['run', ECOMMERCE, '--start', 'yesterday'],
        /^deep-faker: --start: expected an ISO-8601 date-time from year 0000 to 9999 \(e.g. 2025-01-01T00:00:00Z\) or "now", got "yesterday"/,
      ],
      [
        'zero total events',
        ['run', ECOMMERCE, '--total-events', '0'],
        /^deep-faker: --total-events: expected an integer from 1 to 9007199254740991 \(digits only\), got "0"/,
      ],
      [
        'a bad time multiplier',
        ['run', ECOMMERCE, '--time-multiplier', '0'],
        /^deep-faker: --time-multiplier: expected a number > 0, or "max" for as fast as possible, got "0"/,
      ],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const r = await run(argv);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr).to.contain(USAGE.trim());
        expect(r.stderr).not.to.match(NO_STACK);
      });
    }

    it('checks the arguments before running anything (no output file is created)', async () => {
      const file = tmp.file();
      const r = await run(['run', ECOMMERCE, '--output', `file:${file}`, '--duration', '10x']);
      expect(r.code).to.equal(2);
      expect(fs.existsSync(file)).to.equal(false);
    });
  });

  describe('model mistakes: exit 2, located in the user module', () => {
    const BAD_HINT = fixture('badHint.ts');
    /** Where `event('Signup', …)` is in the fixture: 1-based line, and the columns of `event` and of its `(`. */
    const eventCall = (() => {
      const lines = fs.readFileSync(BAD_HINT, 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes("event('Signup'"));
      const col = lines[line].indexOf("event('Signup'") + 1;
      return { line: line + 1, cols: [col, col + 'event'.length] };
    })();
    const expected = eventCall.cols.map(
      (col) => `deep-faker: specs/fixtures/badHint.ts:${eventCall.line}:${col} Signup.emial: unknown faker hint "emial"; did you mean "email"?\n`,
    );

    it('a misspelt faker hint: file:line:col and a did-you-mean, no stack trace', async () => {
      const file = tmp.file();
      const r = await run(['run', BAD_HINT, '--output', `file:${file}`]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.be.oneOf(expected);
      expect(fs.existsSync(file)).to.equal(false);
    });

    it('--debug adds the stack trace', async () => {
      const r = await run(['run', BAD_HINT, '--debug']);
      expect(r.code).to.equal(2);
      expect(
        expected.some((line) => r.stderr.startsWith(line)),
        r.stderr,
      ).to.equal(true);
      expect(r.stderr).to.contain('SchemaError: Signup.emial: unknown faker hint "emial"');
      expect(r.stderr).to.match(NO_STACK);
      expect(r.stderr).to.contain('badHint.ts:');
    });

    it('a module that exports no Simulation', async () => {
      const r = await run(['run', fixture('noSimulation.ts')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal('deep-faker: specs/fixtures/noSimulation.ts: exports no Simulation (export it as default or as "sim")\n');
    });
  });

  describe('run-time failures', () => {
    it('a flow that throws: exit 1, the flow named, the summary, the events generated in the file', async () => {
      const file = tmp.file();
      const r = await run(['run', fixture('throwingFlow.ts'), '--output', `file:${file}`]);
      expect(r.code).to.equal(1);
      const lines = r.stderr.split('\n');
      expect(lines[0]).to.match(/^deep-faker: flow "checkout" \(session [0-9a-f]{8}\) failed: payment gateway is down$/);
      expect(r.stderr).not.to.match(NO_STACK);
      const rows = readJsonl(file);
      expect(rows).to.have.length(10);
      expect(rows.map((row) => row.n)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(lines[0]).to.contain(String(rows[0].session_id).slice(0, 8));
      expect(summaryEvents(r.stderr, 'failed')).to.equal(10);
      expect(r.stderr).to.contain(`outputs: file:${file} 10 acknowledged`);
      expect(r.stderr).to.contain('events by type: Step 10');
    });

    it('an output that cannot be opened: exit 1, the sink named', async () => {
      const dir = path.join(tmp.dir(), 'a-folder');
      fs.mkdirSync(dir);
      const r = await run(['run', fixture('endless.ts'), '--output', `file:${dir}`]);
      expect(r.code).to.equal(1);
      expect(r.stderr.split('\n')[0]).to.match(new RegExp(`^deep-faker: sink "file:${dir}" failed: EISDIR`));
      expect(r.stderr).to.contain(`outputs: file:${dir} 0 acknowledged`);
    });
  });

  describe('SIGINT and SIGTERM', () => {
    it('stops, flushes, reports "interrupted" and exits 130; every line in the file is complete', async () => {
      const file = tmp.file();
      const c = cli(['run', fixture('endless.ts'), '--output', `file:${file}`]);
      // wait until events are being written, then interrupt
      for (let i = 0; i < 5_000 && !(fs.existsSync(file) && fs.statSync(file).size > 10_000); i++) await sleep(2);
      expect(c.signals.listenerCount('SIGINT')).to.equal(1);
      c.signals.emit('SIGINT');
      const r = await c.done;
      expect(r.code, r.stderr).to.equal(130);
      const count = summaryEvents(r.stderr, 'interrupted');
      expect(count).to.be.greaterThan(0);
      expect(count).to.be.below(3 * 365 * 86_400); // stopped early
      const rows = readJsonl(file);
      expect(rows).to.have.length(count);
      expect(r.stderr).to.contain(`outputs: file:${file} ${n(count)} acknowledged`);
      // the listeners are removed once the run is over
      expect(c.signals.listenerCount('SIGINT')).to.equal(0);
      expect(c.signals.listenerCount('SIGTERM')).to.equal(0);
    });

    it('SIGTERM stops a run the same way, exit 143', async () => {
      const file = tmp.file();
      const c = cli(['run', fixture('endless.ts'), '--output', `file:${file}`, '-q']);
      for (let i = 0; i < 5_000 && !(fs.existsSync(file) && fs.statSync(file).size > 0); i++) await sleep(2);
      c.signals.emit('SIGTERM');
      const r = await c.done;
      expect(r.code).to.equal(143);
      expect(r.stderr).to.equal('');
      expect(readJsonl(file).length).to.be.greaterThan(0);
    });
  });
});

describe('cli: bin/deep-faker.js (child process)', () => {
  it('--output stdout: the events on stdout, the summary on stderr only', () => {
    const r = spawnCli(['run', 'scenarios/ecommerce.ts', '--output', 'stdout', '--total-events', '25', '--seed', '1', '--start', START]);
    expect(r.status, r.stderr).to.equal(0);
    const rows = parseJsonl(r.stdout);
    expect(rows).to.have.length(25);
    for (const row of rows) expect(row).to.include.keys('event_id', 'event_type', 'timestamp', 'session_id', 'flow');
    expect(summaryEvents(r.stderr, 'done')).to.equal(25);
    expect(r.stderr).to.contain('outputs: stdout 25 acknowledged');
    expect(r.stderr).not.to.contain('{');
  });

  it('without --output the events go to stdout (the module configures none); -q keeps stderr empty', () => {
    const r = spawnCli(['run', 'scenarios/ecommerce.ts', '--total-events', '5', '-q', '--start', START]);
    expect(r.status).to.equal(0);
    expect(parseJsonl(r.stdout)).to.have.length(5);
    expect(r.stderr).to.equal('');
  });

  it('exit codes: 2 for bad arguments and model mistakes, 1 for a failing flow', () => {
    const bad = spawnCli(['run', 'scenarios/ecommerce.ts', '--seed', 'abc']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^deep-faker: --seed: expected an integer .*, got "abc"/);
    expect(bad.stdout).to.equal('');
    const none = spawnCli([]);
    expect(none.status).to.equal(2);
    const model = spawnCli(['run', 'specs/fixtures/badHint.ts']);
    expect(model.status).to.equal(2);
    expect(model.stderr).to.match(/^deep-faker: specs\/fixtures\/badHint\.ts:\d+:\d+ Signup\.emial: unknown faker hint "emial"; did you mean "email"\?\n$/);
    const flow = spawnCli(['run', 'specs/fixtures/throwingFlow.ts', '--output', 'stdout']);
    expect(flow.status).to.equal(1);
    expect(parseJsonl(flow.stdout)).to.have.length(10);
    expect(flow.stderr).to.match(/^deep-faker: flow "checkout" \(session [0-9a-f]{8}\) failed: payment gateway is down\n/);
  });

  it('a relative --output file: is relative to the working directory; its folders are created', () => {
    const cwd = fs.mkdtempSync(path.join(tmp.dir(), 'cwd-'));
    const r = spawnCli(['run', path.join(REPO, 'specs/fixtures/endless.ts'), '--output', 'file:out/ticks.jsonl', '--total-events', '30'], cwd);
    expect(r.status, r.stderr).to.equal(0);
    expect(readJsonl(path.join(cwd, 'out/ticks.jsonl'))).to.have.length(30);
    expect(r.stderr).to.contain('outputs: file:out/ticks.jsonl 30 acknowledged');
  });

  it('| head -n 3: exits quietly, without an EPIPE error or stack trace', () => {
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" bin/deep-faker.js run scenarios/ecommerce.ts --output stdout --total-events 1000 | head -n 3`],
      { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0); // pipefail: deep-faker's own status
    expect(parseJsonl(r.stdout)).to.have.length(3);
  });

  it('a real SIGINT: exit 130, the summary says interrupted, the file is complete', async () => {
    const file = tmp.file();
    const child = spawn(process.execPath, [BIN, 'run', 'specs/fixtures/endless.ts', '--output', `file:${file}`], { cwd: REPO });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 10_000 && !(fs.existsSync(file) && fs.statSync(file).size > 10_000); i++) await sleep(2);
      child.kill('SIGINT');
      const code = await exited;
      await sleep(10); // the last of stderr
      expect(code, stderr).to.equal(130);
      const count = summaryEvents(stderr, 'interrupted');
      expect(readJsonl(file)).to.have.length(count);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
