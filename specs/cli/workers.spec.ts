// `deep-faker run --workers N` and `--shard i/N` (lib/cli/workers.ts, lib/cli/shardWorker.ts):
// shards in worker threads of one process make the same files as the same shards run alone, in
// this process or in another one; together they are one world (no key twice, the totals of the
// summary); a worker that fails stops the run, named by its shard, and the others keep what they
// generated; signals stop every worker, which flush. The worker threads load the TypeScript
// sources through the CLI's own hook, as bin/deep-faker.js does in a checkout. Behaviour only,
// never speed.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { BIN, type CliRun, REPO, runCli, spawnBin, summaryEvents } from '../helpers/cliRun';
import { parseJsonl, readJsonl, tmpFiles } from '../helpers/jsonlFiles';

const START = '2025-01-01T00:00:00Z';
const ENDLESS = path.join(REPO, 'specs/fixtures/endless.ts');
const STUCK = path.join(REPO, 'specs/fixtures/stuckOutput.ts');
const n = (x: number): string => x.toLocaleString('en-US');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const tmp = tmpFiles('deep-faker-workers-');
const run = (argv: ReadonlyArray<string>, env?: NodeJS.ProcessEnv): Promise<CliRun> => runCli(argv, tmp.dir(), new EventEmitter(), env).done;
const out = (name: string): string => path.join(tmp.dir(), name);

/** Runs bin/deep-faker.js to the end. */
const spawnCli = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000, env, maxBuffer: 64 * 2 ** 20 });

interface Model {
  readonly what: string;
  readonly file: string;
  readonly args: ReadonlyArray<string>;
  readonly total: number;
  /** The key of an entity an event creates (its type's primary key), if it creates one. */
  readonly createdKey: (row: Record<string, unknown>) => string | undefined;
}

const MODELS: ReadonlyArray<Model> = [
  {
    what: 'a TypeScript scenario (scenarios/ecommerce.ts)',
    file: path.join(REPO, 'scenarios/ecommerce.ts'),
    args: ['--seed', '42', '--start', START, '--duration', '3d'],
    total: 4_000,
    createdKey: (r) => (r.event_type === 'AccountCreated' ? String(r.user_id) : r.event_type === 'ProductCreated' ? String(r.product_id) : undefined),
  },
  {
    what: 'a YAML model (scenarios/shop.yaml)',
    file: path.join(REPO, 'scenarios/shop.yaml'),
    args: ['--seed', '7', '--duration', '3d', '--time-multiplier', 'max'],
    total: 3_000,
    createdKey: (r) => (r.event_type === 'UserRegistered' ? String(r.user_id) : undefined),
  },
];

describe('cli: deep-faker run --workers / --shard', function () {
  this.timeout(180_000);

  for (const model of MODELS) {
    describe(model.what, () => {
      const argv = (...more: string[]) => ['run', model.file, ...model.args, '--total-events', String(model.total), ...more];
      let workers: CliRun;
      let alone: CliRun;
      let dir: string;
      before(async () => {
        dir = out(`w-${path.basename(model.file)}`);
        workers = await run(argv('--workers', '2', '--output', `file:${dir}/events.jsonl`));
        alone = await run(argv('--shard', '0/2', '--output', `file:${dir}/alone-0.jsonl`));
        const other = spawnCli(argv('--shard', '1/2', '--output', `file:${dir}/other-1.jsonl`, '-q'));
        expect(other.status, other.stderr).to.equal(0);
      });

      it('--workers 2 writes events-0.jsonl and events-1.jsonl: byte for byte the --shard 0/2 run (here) and the --shard 1/2 run (another process)', () => {
        expect(workers.code, workers.stderr).to.equal(0);
        expect(alone.code, alone.stderr).to.equal(0);
        expect(fs.readdirSync(dir).sort()).to.deep.equal(['alone-0.jsonl', 'events-0.jsonl', 'events-1.jsonl', 'other-1.jsonl']);
        expect(fs.readFileSync(`${dir}/events-0.jsonl`).equals(fs.readFileSync(`${dir}/alone-0.jsonl`))).to.equal(true);
        expect(fs.readFileSync(`${dir}/events-1.jsonl`).equals(fs.readFileSync(`${dir}/other-1.jsonl`))).to.equal(true);
        expect(fs.statSync(`${dir}/events-1.jsonl`).size).to.be.greaterThan(0);
      });

      it('the shards are one world: --total-events in all, no event, session or entity key twice', () => {
        const rows = [0, 1].map((i) => readJsonl(`${dir}/events-${i}.jsonl`));
        expect(rows[0].length + rows[1].length).to.equal(model.total);
        expect(Math.abs(rows[0].length - rows[1].length)).to.be.at.most(1); // 2 000 + 2 000, 1 500 + 1 500
        const all = rows.flat();
        expect(new Set(all.map((r) => r.event_id)).size).to.equal(all.length);
        const sessions = rows.map((r) => new Set(r.map((e) => String(e.session_id))));
        expect([...sessions[0]].filter((s) => sessions[1].has(s))).to.deep.equal([]);
        const keys = all.map(model.createdKey).filter((k) => k !== undefined);
        expect(keys.length).to.be.greaterThan(20);
        expect(new Set(keys).size).to.equal(keys.length);
      });

      it('the summary adds the shards up: events, per type, per output file, and says which shards ran', () => {
        const rows = [0, 1].map((i) => readJsonl(`${dir}/events-${i}.jsonl`));
        expect(summaryEvents(workers.stderr, 'done')).to.equal(model.total);
        expect(workers.stderr).to.contain(
          `  outputs: file:${dir}/events-0.jsonl ${n(rows[0].length)} acknowledged; file:${dir}/events-1.jsonl ${n(rows[1].length)} acknowledged\n`,
        );
        expect(workers.stderr).to.contain(`  shards: 2 of 2 in 2 worker threads: 0/2 ${n(rows[0].length)} events, 1/2 ${n(rows[1].length)} events\n`);
        const types = new Map<string, number>();
        for (const r of rows.flat()) types.set(String(r.event_type), (types.get(String(r.event_type)) ?? 0) + 1);
        const line = /^ {2}events by type: (.*)$/m.exec(workers.stderr)![1];
        expect(new Map(line.split(', ').map((p) => [p.slice(0, p.lastIndexOf(' ')), Number(p.slice(p.lastIndexOf(' ') + 1).replace(/,/g, ''))]))).to.deep.equal(
          types,
        );
        expect(alone.stderr).to.contain('  shard: 0/2\n');
        expect(alone.stderr, 'a seed and a start given: no note').not.to.contain('note:');
      });

      it('DEEP_FAKER_SHARD stands for --shard: the same file as events-1.jsonl', async () => {
        const file = `${dir}/env-1.jsonl`;
        const r = await run(argv('--output', `file:${file}`), { DEEP_FAKER_SHARD: '1/2' });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.contain('  shard: 1/2\n');
        expect(fs.readFileSync(file).equals(fs.readFileSync(`${dir}/events-1.jsonl`))).to.equal(true);
      });
    });
  }

  it('--shard i/M with --workers N runs shards i·N … i·N+N−1 of M·N: the same files as those shards alone', async () => {
    const base = ['run', path.join(REPO, 'scenarios/ecommerce.ts'), '--seed', '3', '--start', START, '--total-events', '1200', '--duration', '3d'];
    const r = await run([...base, '--shard', '1/2', '--workers', '2', '--output', `file:${out('mw')}/e.jsonl`]);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.readdirSync(out('mw')).sort()).to.deep.equal(['e-2.jsonl', 'e-3.jsonl']);
    expect(r.stderr).to.contain('  shards: 2 of 4 in 2 worker threads: 2/4 300 events, 3/4 300 events\n');
    const three = await run([...base, '--shard', '3/4', '--output', `file:${out('mw')}/alone.jsonl`]);
    expect(three.code, three.stderr).to.equal(0);
    expect(fs.readFileSync(`${out('mw')}/e-3.jsonl`).equals(fs.readFileSync(`${out('mw')}/alone.jsonl`))).to.equal(true);
  });

  it("the model's own file output gets one file per shard too", async () => {
    const yaml = out('own-output.yaml');
    const target = out('own/events.jsonl');
    fs.writeFileSync(
      yaml,
      `${fs.readFileSync(path.join(REPO, 'scenarios/library.yaml'), 'utf8').replace(/\noutputs:[\s\S]*$/, '')}\noutputs:\n  - type: file\n    path: ${JSON.stringify(target)}\n`,
    );
    const r = await run([
      'run',
      yaml,
      '--seed',
      '1',
      '--total-events',
      '500',
      '--duration',
      '3d',
      '--workers',
      '2',
      '--no-delivery',
      '--time-multiplier',
      'max',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.readdirSync(out('own')).sort()).to.deep.equal(['events-0.jsonl', 'events-1.jsonl']);
    expect(readJsonl(out('own/events-0.jsonl')).length + readJsonl(out('own/events-1.jsonl')).length).to.equal(500);
  });

  it('without --seed, the main thread draws one seed for every worker and the summary prints it: --seed N repeats the run', async () => {
    const base = ['run', ENDLESS, '--total-events', '600'];
    const first = await run([...base, '--workers', '2', '--output', `file:${out('seed')}/a.jsonl`]);
    expect(first.code, first.stderr).to.equal(0);
    const seed = /, seed (-?\d+)\n/.exec(first.stderr)![1];
    const again = await run([...base, '--workers', '2', '--seed', seed, '--output', `file:${out('seed')}/b.jsonl`]);
    expect(again.code, again.stderr).to.equal(0);
    for (const i of [0, 1]) expect(fs.readFileSync(`${out('seed')}/a-${i}.jsonl`).equals(fs.readFileSync(`${out('seed')}/b-${i}.jsonl`))).to.equal(true);
  });

  it('a process that runs some shards with a seed of its own drawing says what the other shards need', async () => {
    const r = await run(['run', path.join(REPO, 'scenarios/ecommerce.ts'), '--shard', '1/3', '--total-events', '90', '--output', `file:${out('note.jsonl')}`]);
    expect(r.code, r.stderr).to.equal(0);
    const seed = /, seed (-?\d+)\n/.exec(r.stderr)![1];
    expect(r.stderr).to.match(
      new RegExp(
        `deep-faker: note: this process ran shard 1/3 with a random seed \\(${seed}\\) and the start time "now" \\(.*\\): the other shards make one world with it only when run with --seed ${seed} --start `,
      ),
    );
  });

  describe('mistakes', () => {
    for (const [flag, env, message] of [
      [['--shard', '2/2'], undefined, '--shard: index must be an integer from 0 to 1, got 2'],
      [['--shard', 'one/two'], undefined, '--shard: expected INDEX/COUNT, e.g. 0/4, got "one/two"'],
      [[], { DEEP_FAKER_SHARD: '0/0' }, 'DEEP_FAKER_SHARD: count must be an integer from 1 to 10000, got 0'],
      [['--workers', '0'], undefined, '--workers: expected an integer from 1 to 10000, or "auto" (one per core), got "0"'],
    ] as const) {
      it(`${flag.join(' ') || `DEEP_FAKER_SHARD=${env!.DEEP_FAKER_SHARD}`}: exit 2, "${message}", before anything runs`, async () => {
        const r = await run(['run', ENDLESS, ...flag, '--output', `file:${out('never.jsonl')}`], env);
        expect(r.code).to.equal(2);
        expect(r.stderr.split('\n')[0]).to.equal(`deep-faker: ${message}`);
        expect(fs.existsSync(out('never.jsonl'))).to.equal(false);
      });
    }

    it('an output that cannot run in worker threads and has no main-thread host, with --workers 2: exit 2, saying why', async () => {
      const r = await run(['run', path.join(REPO, 'specs/fixtures/singleThreadOutput.ts'), '--workers', '2']);
      expect(r.code).to.equal(2);
      expect(r.stderr.split('\n')[0]).to.equal(
        'deep-faker: --workers 2: the output native cannot run in worker threads: its native client loads in one thread of a process only',
      );
    });

    it('a model mistake is one located message from the main thread, exit 2; the workers loading it are ended before any output opens', async () => {
      const r = await run(['run', path.join(REPO, 'specs/fixtures/badHint.ts'), '--workers', '2', '--output', `file:${out('bad.jsonl')}`]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^deep-faker: specs\/fixtures\/badHint\.ts:\d+:\d+ /);
      expect(r.stderr).not.to.contain('shard');
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(fs.readdirSync(path.dirname(out('bad.jsonl'))).filter((f) => f.startsWith('bad'))).to.deep.equal([]);
    });
  });

  it('the workers load the model while the main thread checks it (their start-up overlaps), and run once it has', async () => {
    const log = out('load.log');
    fs.writeFileSync(log, '');
    process.env.DEEP_FAKER_LOAD_LOG = log;
    try {
      const r = await run([
        'run',
        path.join(REPO, 'specs/fixtures/loadOrder.ts'),
        '--workers',
        '2',
        '--total-events',
        '12',
        '--output',
        `file:${out('order.jsonl')}`,
      ]);
      expect(r.code, r.stderr).to.equal(0);
    } finally {
      delete process.env.DEEP_FAKER_LOAD_LOG;
    }
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('main'))).to.deep.equal(['main after a worker']);
    expect(lines.filter((l) => l === 'worker')).to.have.length(2);
    expect(readJsonl(out('order-0.jsonl')).length + readJsonl(out('order-1.jsonl')).length).to.equal(12);
  });

  it('a worker that fails (its file cannot open) stops the run, named by its shard; the other shard keeps what it generated', async () => {
    const dir = out('fail');
    fs.mkdirSync(`${dir}/events-1.jsonl`, { recursive: true }); // shard 1's file is a folder: EISDIR
    const base = ['run', path.join(REPO, 'scenarios/ecommerce.ts'), '--seed', '5', '--start', START, '--duration', '30d', '--total-events', '40000'];
    const r = await run([...base, '--workers', '2', '--output', `file:${dir}/events.jsonl`]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr.split('\n')[0]).to.match(new RegExp(`^deep-faker: shard 1/2: sink "file:${dir}/events-1\\.jsonl" failed: EISDIR`));
    const kept = fs.readFileSync(`${dir}/events-0.jsonl`, 'utf8');
    const rows = parseJsonl(kept); // whole lines only
    expect(summaryEvents(r.stderr, 'failed')).to.be.at.least(rows.length);
    expect(r.stderr).to.contain(`file:${dir}/events-0.jsonl ${n(rows.length)} acknowledged; file:${dir}/events-1.jsonl 0 acknowledged`);
    // What shard 0 wrote is the start of its whole run.
    const whole = await run([...base, '--shard', '0/2', '--output', `file:${dir}/whole-0.jsonl`, '-q']);
    expect(whole.code).to.equal(0);
    expect(fs.readFileSync(`${dir}/whole-0.jsonl`, 'utf8').startsWith(kept)).to.equal(true);
  });

  it('SIGINT stops every worker; each flushes, and the summary counts exactly what the files hold: exit 130', async () => {
    const dir = out('sigint');
    const c = runCli(['run', ENDLESS, '--workers', '2', '--output', `file:${dir}/e.jsonl`], tmp.dir());
    const size = (i: number) => (fs.existsSync(`${dir}/e-${i}.jsonl`) ? fs.statSync(`${dir}/e-${i}.jsonl`).size : 0);
    while (size(0) < 20_000 || size(1) < 20_000) await sleep(10);
    c.signals.emit('SIGINT');
    const r = await c.done;
    expect(r.code, r.stderr).to.equal(130);
    const rows = [0, 1].map((i) => readJsonl(`${dir}/e-${i}.jsonl`));
    expect(summaryEvents(r.stderr, 'interrupted')).to.equal(rows[0].length + rows[1].length);
    expect(r.stderr).to.contain(`e-0.jsonl ${n(rows[0].length)} acknowledged; file:${dir}/e-1.jsonl ${n(rows[1].length)} acknowledged`);
    expect(c.signals.listenerCount('SIGINT')).to.equal(0);
  });

  it('SIGINT while the workers are still loading the model stops them too, at once: exit 130, nothing lost', async () => {
    const dir = out('early');
    const c = runCli(['run', ENDLESS, '--workers', '2', '--output', `file:${dir}/e.jsonl`], tmp.dir());
    await sleep(20);
    c.signals.emit('SIGINT');
    const r = await c.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).not.to.contain('did not finish flushing');
    const written = [0, 1].map((i) => (fs.existsSync(`${dir}/e-${i}.jsonl`) ? readJsonl(`${dir}/e-${i}.jsonl`).length : 0));
    expect(summaryEvents(r.stderr, 'interrupted')).to.equal(written[0] + written[1]);
  });

  it('outputs stuck in every worker: after the grace period the run gives up, naming them, and the workers are ended', async () => {
    const c = runCli(['run', STUCK, '--workers', '2'], tmp.dir());
    await sleep(300);
    c.signals.emit('SIGTERM');
    const r = await c.done;
    expect(r.code).to.equal(143);
    expect(r.stderr).to.contain('  outputs: stuck 0 acknowledged\n');
  });

  it('stdout: every worker writes whole lines to the process stdout; together the lines of both shards', () => {
    const base = ['run', path.join(REPO, 'scenarios/ecommerce.ts'), '--seed', '9', '--start', START, '--total-events', '3000', '--duration', '3d'];
    const both = spawnCli([...base, '--workers', '2', '--output', 'stdout', '-q']);
    expect(both.status, both.stderr).to.equal(0);
    const shards = [0, 1].map((i) => spawnCli([...base, '--shard', `${i}/2`, '--output', 'stdout', '-q']));
    const lines = parseJsonl(both.stdout).map((e) => JSON.stringify(e));
    expect(lines.sort()).to.deep.equal(shards.flatMap((s) => parseJsonl(s.stdout).map((e) => JSON.stringify(e))).sort());
    expect(lines).to.have.length(3000);
  });

  it('the progress line adds the workers up: events, and live entities with the shared catalogue counted once', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let text = '';
    tty.setEncoding('utf8');
    tty.on('data', (c: string) => (text += c));
    const argv = [
      'run',
      path.join(REPO, 'scenarios/ecommerce.ts'),
      '--seed',
      '1',
      '--start',
      START,
      '--total-events',
      '3000',
      '--duration',
      '3d',
      '--rate',
      '3000/s',
      '--workers',
      '2',
    ];
    const code = await main([...argv, '--output', `file:${out('progress')}/e.jsonl`], { stderr: tty, cwd: tmp.dir(), signals: new EventEmitter() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(code).to.equal(0);
    const CLEAR = '\r\x1b[2K';
    const lines = text.slice(0, text.lastIndexOf(CLEAR)).split(CLEAR).slice(1);
    expect(lines.length).to.be.at.least(1);
    let last = 0;
    for (const line of lines) {
      expect(line).to.match(/^[\d,]+ events · ([\d,]+ events\/s · )?2025-01-0\dT[\d:.]+Z · rss [\d,]+ MB · User [\d,]+ · Product 50$/);
      const events = Number(line.split(' ')[0].replace(/,/g, ''));
      expect(events).to.be.at.least(last);
      last = events;
    }
    expect(text.slice(text.lastIndexOf(CLEAR) + CLEAR.length)).to.match(/^deep-faker: done: 3,000 events in /);
  });

  describe('a story', () => {
    const STORY = path.join(REPO, 'scenarios/basic.story.yaml');

    it('shard i of N plays it as organisation <org_id>-<i>, its share of --total-events; --workers 2 is --shard 0/2 and 1/2', async () => {
      const dir = out('story');
      const r = await run(['run', STORY, '--workers', '2', '--total-events', '31', '--output', `file:${dir}/s.jsonl`]);
      expect(r.code, r.stderr).to.equal(0);
      const rows = [0, 1].map((i) => readJsonl(`${dir}/s-${i}.jsonl`));
      expect(rows.map((r) => r.length)).to.deep.equal([16, 15]);
      for (const i of [0, 1]) expect(new Set(rows[i].map((e) => e.org_id))).to.deep.equal(new Set([`acme_analytics-${i}`]));
      expect(new Set(rows.flat().map((e) => e.event_id)).size).to.equal(31);
      expect(r.stderr).to.contain(', seed 0\n');
      const alone = await run(['run', STORY, '--shard', '1/2', '--total-events', '31', '--output', `file:${dir}/alone.jsonl`]);
      expect(alone.code, alone.stderr).to.equal(0);
      expect(fs.readFileSync(`${dir}/alone.jsonl`).equals(fs.readFileSync(`${dir}/s-1.jsonl`))).to.equal(true);
      expect(alone.stderr).to.contain(', seed 0\n');
    });

    it('unsharded, the organisation is the story’s own', async () => {
      const r = await run(['run', STORY, '--total-events', '5', '--output', `file:${out('story/whole.jsonl')}`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(new Set(readJsonl(out('story/whole.jsonl')).map((e) => e.org_id))).to.deep.equal(new Set(['acme_analytics']));
    });
  });

  it('in a child process (bin/deep-faker.js): --workers 2 exits 0 and the files are the shards', () => {
    const dir = out('bin');
    const r = spawnBin([
      'run',
      'scenarios/shop.yaml',
      '--seed',
      '2',
      '--total-events',
      '800',
      '--time-multiplier',
      'max',
      '--workers',
      '2',
      '--output',
      `file:${dir}/e.jsonl`,
    ]);
    return r.exited.then(({ code }) => {
      expect(code, r.stderr()).to.equal(0);
      expect(readJsonl(`${dir}/e-0.jsonl`).length + readJsonl(`${dir}/e-1.jsonl`).length).to.equal(800);
    });
  });
});
