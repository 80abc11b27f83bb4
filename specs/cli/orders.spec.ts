// `deep-faker orders` (the order-lifecycle simulator) through `main(argv, io)`: the help lists its option table
// with its defaults, bad flags are usage errors naming the flag (exit 2, nothing written), a run
// writes events.ndjson, the two partitionings and stats.json, a rerun leaves no stale partition
// files, and `--kafka-bootstrap` publishes the same lines to a real broker (keyed by order_id).

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { ORDERS_USAGE, PARTITIONS, defaultStart, parseOrdersArgs } from '../../lib/cli/orders';
import { UsageError } from '../../lib/cli/parseOutput';
import { ORDERS_DEFAULTS } from '../../scenarios/orders';
import { tmpFiles } from '../helpers/jsonlFiles';
import { consumeAll, kafkaBrokers, uniqueName } from '../helpers/services';
import { ORDER_ENVELOPE } from '../helpers/orderEnvelope';

interface CliRun {
  readonly code: number;
  readonly stderr: string;
}

/** Runs `main` in-process with captured stderr. */
const run = async (argv: ReadonlyArray<string>, cwd: string): Promise<CliRun> => {
  const stderr = new PassThrough();
  let text = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => (text += chunk));
  const code = await main(argv, { stderr, cwd });
  await new Promise((resolve) => setImmediate(resolve)); // let the PassThrough deliver
  return { code, stderr: text };
};

/** The lines of an NDJSON file (without the final newline); fails on an incomplete last line. */
const linesOf = (file: string): string[] => {
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n'), `${file} ends with a complete line`).to.equal(true);
  return text.slice(0, -1).split('\n');
};

const sorted = (xs: ReadonlyArray<string>): string[] => [...xs].sort();

/** Partition files of a folder: file name → lines. */
const partitionFiles = (dir: string): Map<string, string[]> =>
  new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, linesOf(path.join(dir, f))]),
  );

type Row = Record<string, unknown> & { readonly payload: Record<string, unknown> };

/** Checks the partitions of an orders run in `out` against its events.ndjson; returns the day files of both folders. */
const expectPartitionsMatch = (out: string): { readonly [dir: string]: ReadonlyArray<string> } => {
  const all = linesOf(path.join(out, 'events.ndjson'));
  const days: Record<string, string[]> = {};
  for (const [dir, field] of PARTITIONS) {
    const files = partitionFiles(path.join(out, dir));
    let total = 0;
    for (const [file, lines] of files) {
      const day = file.replace(/\.ndjson$/, '');
      expect(file, `${dir}/${file}`).to.match(/^\d{4}-\d{2}-\d{2}\.ndjson$/);
      // Each partition is exactly the events of its UTC day, in delivery order.
      const expected = all.filter((l) => String((JSON.parse(l) as Row)[field]).slice(0, 10) === day);
      expect(lines, `${dir}/${file}`).to.deep.equal(expected);
      total += lines.length;
    }
    expect(total, `${dir}: lines in all partitions`).to.equal(all.length);
    days[dir] = [...files.keys()];
  }
  return days;
};

/** The option table: flag, default as documented (undefined: none). */
const SEED_OPTIONS: ReadonlyArray<readonly [string, string | number | undefined]> = [
  ['--out', '(required)'],
  ['--n-orders', 5000],
  ['--seed', 42],
  ['--start', undefined],
  ['--span-days', 14],
  ['--tenant-count', 25],
  ['--user-count', 5000],
  ['--v2-rate', 0.35],
  ['--cancel-rate', 0.08],
  ['--ship-rate', 0.85],
  ['--correction-rate', 0.1],
  ['--late-rate', 0.06],
  ['--out-of-order-rate', 0.12],
  ['--max-late-days', 3],
  ['--max-event-gap-minutes', 120],
  ['--kafka-bootstrap', undefined],
  ['--kafka-topic', 'events'],
];

/** The help text of one option: its line and the continuation lines after it. */
const helpOf = (usage: string, flag: string): string => {
  const lines = usage.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^\\s+(?:-\\w, )?${flag}(?:\\s|$)`).test(l));
  expect(i, `${flag} in the usage`).to.be.at.least(0);
  let j = i + 1;
  while (j < lines.length && /^\s{10,}[^\s-]/.test(lines[j])) j++;
  return lines.slice(i, j).join('\n');
};

const START = '2026-03-01T00:00:00Z';

describe('cli: deep-faker orders', function () {
  this.timeout(120_000);
  const tmp = tmpFiles('deep-faker-orders-');
  const REPO = path.resolve(__dirname, '../..');

  describe('help', () => {
    it('orders --help prints the usage with every option and its default; exit 0', async () => {
      for (const argv of [
        ['orders', '--help'],
        ['orders', '-h'],
        ['orders', '--out', tmp.dir(), '--help'],
      ]) {
        const r = await run(argv, tmp.dir());
        expect(r.code, argv.join(' ')).to.equal(0);
        expect(r.stderr).to.equal(ORDERS_USAGE);
      }
      const usage = (await run(['orders', '--help'], tmp.dir())).stderr;
      expect(SEED_OPTIONS).to.have.length(17);
      for (const [flag, def] of SEED_OPTIONS) {
        const help = helpOf(usage, flag);
        const bracket = /\[([^\]]+)\]/.exec(help)?.[1];
        if (typeof def === 'number') expect(Number(bracket), `default of ${flag}`).to.equal(def);
        else if (def === '(required)') expect(help, flag).to.contain('(required)');
        else if (def === 'events') expect(bracket, `default of ${flag}`).to.equal('events');
        else if (flag === '--start') expect(bracket, flag).to.equal('midnight UTC, span-days before today');
        else expect(bracket, `${flag} has no default`).to.equal(undefined);
      }
      // The help run wrote nothing.
      expect(fs.readdirSync(tmp.dir())).to.deep.equal([]);
    });
  });

  describe('bad arguments: exit 2, the flag named, nothing written', () => {
    const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, RegExp]> = [
      ['no --out', ['--n-orders', '10'], /^deep-faker: orders: --out <dir> is required$/m],
      ['an empty --out', ['--out='], /^deep-faker: orders: --out <dir> is required$/m],
      ['--n-orders -1 (a value, not a flag)', ['--out', 'OUT', '--n-orders', '-1'], /^deep-faker: --n-orders: must be an integer >= 0, got -1$/m],
      ['--n-orders=-1', ['--out', 'OUT', '--n-orders=-1'], /^deep-faker: --n-orders: must be an integer >= 0, got -1$/m],
      ['--n-orders 2.5', ['--out', 'OUT', '--n-orders', '2.5'], /^deep-faker: --n-orders: expected an integer, got "2.5"$/m],
      ['--cancel-rate 1.5', ['--out', 'OUT', '--cancel-rate', '1.5'], /^deep-faker: --cancel-rate: must be between 0 and 1, got 1.5$/m],
      ['--out-of-order-rate abc', ['--out', 'OUT', '--out-of-order-rate', 'abc'], /^deep-faker: --out-of-order-rate: expected a number, got "abc"$/m],
      ['--seed abc', ['--out', 'OUT', '--seed', 'abc'], /^deep-faker: --seed: expected an integer from -\d+ to \d+ .*, got "abc"$/m],
      ['an empty --seed', ['--out', 'OUT', '--seed='], /^deep-faker: --seed: expected an integer .*, got ""$/m],
      ['--seed 1e3', ['--out', 'OUT', '--seed', '1e3'], /^deep-faker: --seed: expected an integer .*, got "1e3"$/m],
      ['--n-orders 1e3', ['--out', 'OUT', '--n-orders', '1e3'], /^deep-faker: --n-orders: expected an integer, got "1e3"$/m],
      [
        '--start beyond year 9999',
        ['--out', 'OUT', '--start', '+275760-09-13T00:00:00Z'],
        /^deep-faker: --start: expected an ISO-8601 date-time from year 0000 to 9999 .*, got "\+275760-09-13T00:00:00Z"$/m,
      ],
      [
        '--start yesterday',
        ['--out', 'OUT', '--start', 'yesterday'],
        /^deep-faker: --start: must be an ISO-8601 date-time such as 2026-01-01T00:00:00Z, got "yesterday"$/m,
      ],
      ['--span-days 0', ['--out', 'OUT', '--span-days', '0'], /^deep-faker: --span-days: must be an integer >= 1, got 0$/m],
      ['--max-late-days 1.5', ['--out', 'OUT', '--max-late-days', '1.5'], /^deep-faker: --max-late-days: expected an integer, got "1.5"$/m],
      ['--user-count 100000', ['--out', 'OUT', '--user-count', '100000'], /^deep-faker: --user-count: must be at most 99999/m],
      ['an empty --kafka-bootstrap', ['--out', 'OUT', '--kafka-bootstrap='], /^deep-faker: --kafka-bootstrap: expected servers such as localhost:9092$/m],
      ['--rate 0', ['--out', 'OUT', '--rate', '0'], /^deep-faker: --rate: expected events per second, minute or hour, more than 0, .*, got "0"$/m],
      ['an unknown flag', ['--out', 'OUT', '--n-order', '5'], /^deep-faker: Unknown option '--n-order'/m],
      ['a positional argument', ['--out', 'OUT', 'extra'], /^deep-faker: Unexpected argument 'extra'/m],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const out = path.join(tmp.dir(), uniqueName('bad'));
        const r = await run(['orders', ...args.map((a) => a.replace('OUT', out))], tmp.dir());
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr).not.to.match(/^\s+at /m);
        expect(fs.existsSync(out), 'no output folder').to.equal(false);
      });
    }

    it("prints the orders usage, not run's, after a usage error", async () => {
      const r = await run(['orders', '--out', path.join(tmp.dir(), uniqueName('bad')), '--cancel-rate', '3'], tmp.dir());
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('Usage: deep-faker orders --out <dir> [options]');
      expect(r.stderr).not.to.include('Usage: deep-faker <command>');
    });

    it('--out pointing at an existing file: exit 2, the file untouched', async () => {
      const file = path.join(tmp.dir(), 'a-file.ndjson');
      fs.writeFileSync(file, 'keep\n');
      const r = await run(['orders', '--out', file, '--n-orders', '10'], tmp.dir());
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^deep-faker: --out: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} exists and is not a directory$`, 'm'));
      expect(fs.readFileSync(file, 'utf8')).to.equal('keep\n');
    });
  });

  describe('a run', () => {
    let out: string;
    let first: CliRun;

    before(async () => {
      out = path.join(tmp.dir(), 'run');
      first = await run(['orders', '--out', 'run', '--n-orders', '300', '--start', START, '--seed', '9'], tmp.dir());
    });

    it('exits 0 and writes events.ndjson, both partition folders and stats.json (--out relative to the cwd)', () => {
      expect(first.code, first.stderr).to.equal(0);
      expect(fs.readdirSync(out).sort()).to.deep.equal(['events.ndjson', 'events_by_event_date', 'events_by_ingest_date', 'stats.json']);
      expect(first.stderr).to.contain(`deep-faker orders: 300 orders from ${START} over 14 days, seed 9 → run\n`);
      expect(first.stderr).to.match(/^deep-faker: done: [\d,]+ events in /m);
    });

    it('events.ndjson holds 300 orders in the order events envelope; the partitions are its lines by UTC day', () => {
      const rows = linesOf(path.join(out, 'events.ndjson')).map((l) => JSON.parse(l) as Row);
      expect(rows.filter((r) => r.event_type === 'order_created')).to.have.length(300);
      expect(new Set(rows.map((r) => r.event_id)).size).to.equal(rows.length);
      for (const r of rows) {
        expect(Object.keys(r)).to.deep.equal(ORDER_ENVELOPE);
        expect(Date.parse(String(r.event_time))).to.be.within(Date.parse(START), Date.parse(START) + 15 * 86_400_000);
      }
      const days = expectPartitionsMatch(out);
      expect(days.events_by_event_date[0]).to.equal('2026-03-01.ndjson');
    });

    it('stats.json echoes the flags (the others at their defaults) and counts what was written', () => {
      const stats = JSON.parse(fs.readFileSync(path.join(out, 'stats.json'), 'utf8')) as Record<string, unknown> & {
        options: Record<string, unknown>;
        partitions: Record<string, { files: number; events: Record<string, number> }>;
      };
      expect(stats.options).to.deep.equal({
        n_orders: 300,
        seed: 9,
        start: START,
        span_days: 14,
        tenant_count: 25,
        user_count: 5000,
        v2_rate: 0.35,
        cancel_rate: 0.08,
        ship_rate: 0.85,
        correction_rate: 0.1,
        late_rate: 0.06,
        out_of_order_rate: 0.12,
        max_late_days: 3,
        max_event_gap_minutes: 120,
      });
      const lines = linesOf(path.join(out, 'events.ndjson'));
      expect(stats.total_events).to.equal(lines.length);
      expect(stats.orders).to.equal(300);
      for (const [dir] of PARTITIONS) {
        const files = partitionFiles(path.join(out, dir));
        expect(stats.partitions[dir].files, dir).to.equal(files.size);
        expect(stats.partitions[dir].events, dir).to.deep.equal(Object.fromEntries([...files].map(([f, ls]) => [f, ls.length])));
      }
    });

    it('the same flags write the same files', async () => {
      const again = path.join(tmp.dir(), 'again');
      const r = await run(['orders', '--out', again, '--n-orders', '300', '--start', START, '--seed', '9', '-q'], tmp.dir());
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(fs.readFileSync(path.join(again, 'events.ndjson'), 'utf8')).to.equal(fs.readFileSync(path.join(out, 'events.ndjson'), 'utf8'));
      expect(fs.readFileSync(path.join(again, 'stats.json'), 'utf8')).to.equal(fs.readFileSync(path.join(out, 'stats.json'), 'utf8'));
    });

    it('--rate paces the run without changing what it writes: the same files as unpaced', async () => {
      const paced = path.join(tmp.dir(), 'paced');
      const r = await run(['orders', '--out', paced, '--n-orders', '300', '--start', START, '--seed', '9', '--rate', '200000/s', '-q'], tmp.dir());
      expect(r.code, r.stderr).to.equal(0);
      expect(fs.readFileSync(path.join(paced, 'events.ndjson'), 'utf8')).to.equal(fs.readFileSync(path.join(out, 'events.ndjson'), 'utf8'));
      expect(fs.readFileSync(path.join(paced, 'stats.json'), 'utf8')).to.equal(fs.readFileSync(path.join(out, 'stats.json'), 'utf8'));
    });

    it('a second run into the same folder with another --start leaves no partition file of the first', async () => {
      const dir = path.join(tmp.dir(), 'rerun');
      const a = await run(['orders', '--out', dir, '--n-orders', '300', '--start', START, '--seed', '9', '-q'], tmp.dir());
      expect(a.code, a.stderr).to.equal(0);
      const before = expectPartitionsMatch(dir);
      const b = await run(['orders', '--out', dir, '--n-orders', '200', '--start', '2026-06-01T00:00:00Z', '--seed', '9', '-q'], tmp.dir());
      expect(b.code, b.stderr).to.equal(0);
      const after = expectPartitionsMatch(dir);
      for (const [d] of PARTITIONS) {
        expect(before[d].length, d).to.be.greaterThan(10);
        expect(
          after[d].filter((f) => before[d].includes(f)),
          `${d}: stale day files`,
        ).to.deep.equal([]);
        for (const f of after[d]) expect(f >= '2026-06-01' && f < '2026-06-20', `${d}/${f}`).to.equal(true);
      }
      const rows = linesOf(path.join(dir, 'events.ndjson')).map((l) => JSON.parse(l) as Row);
      expect(rows.filter((r) => r.event_type === 'order_created')).to.have.length(200);
      const stats = JSON.parse(fs.readFileSync(path.join(dir, 'stats.json'), 'utf8')) as { total_events: number; options: { start: string } };
      expect(stats.total_events).to.equal(rows.length);
      expect(stats.options.start).to.equal('2026-06-01T00:00:00Z');
    });
  });

  describe('parsing', () => {
    const DAY = 86_400_000;

    it('defaultStart(now, 14) is midnight UTC 14 days before today', () => {
      expect(defaultStart(Date.parse('2026-03-15T13:45:12.345Z'), 14)).to.equal('2026-03-01T00:00:00Z');
      expect(defaultStart(Date.parse('2026-03-15T00:00:00.000Z'), 14)).to.equal('2026-03-01T00:00:00Z');
      expect(defaultStart(Date.parse('2026-03-14T23:59:59.999Z'), 14)).to.equal('2026-02-28T00:00:00Z');
      expect(defaultStart(Date.parse('2024-03-10T08:00:00Z'), 14)).to.equal('2024-02-25T00:00:00Z'); // over 29 February
      expect(defaultStart(Date.parse('2026-01-05T12:00:00Z'), 7)).to.equal('2025-12-29T00:00:00Z');
      const now = Date.now();
      const start = Date.parse(defaultStart(now, 14));
      expect(start % DAY).to.equal(0);
      expect(Math.floor(now / DAY) * DAY - start).to.equal(14 * DAY);
    });

    it('parseOrdersArgs: only --out gives ORDERS_DEFAULTS, start = defaultStart(now, 14), no Kafka', () => {
      const now = Date.parse('2026-03-15T13:45:00Z');
      const parsed = parseOrdersArgs(['--out', 'x'], now);
      expect(parsed.out).to.equal('x');
      expect(parsed.options).to.deep.equal({ ...ORDERS_DEFAULTS, start: defaultStart(now, ORDERS_DEFAULTS.spanDays) });
      expect(parsed.options.start).to.equal('2026-03-01T00:00:00Z');
      expect(parsed.kafka).to.equal(undefined);
      expect([parsed.quiet, parsed.debug, parsed.help]).to.deep.equal([false, false, false]);
    });

    it('parseOrdersArgs: every numeric flag, the start from --span-days, Kafka with the default topic', () => {
      const now = Date.parse('2026-03-15T13:45:00Z');
      const parsed = parseOrdersArgs(
        [
          '--out',
          'o',
          '--n-orders',
          '7',
          '--seed=-3',
          '--span-days',
          '3',
          '--tenant-count',
          '2',
          '--user-count',
          '9',
          '--v2-rate',
          '0',
          '--cancel-rate',
          '1',
          '--ship-rate',
          '0.5',
          '--correction-rate',
          '0.25',
          '--late-rate',
          '0.75',
          '--out-of-order-rate',
          '0.125',
          '--max-late-days',
          '5',
          '--max-event-gap-minutes',
          '30',
          '--kafka-bootstrap',
          'a:1,b:2',
          '-q',
          '--debug',
        ],
        now,
      );
      expect(parsed.options).to.deep.equal({
        nOrders: 7,
        seed: -3,
        start: '2026-03-12T00:00:00Z',
        spanDays: 3,
        tenantCount: 2,
        userCount: 9,
        v2Rate: 0,
        cancelRate: 1,
        shipRate: 0.5,
        correctionRate: 0.25,
        lateRate: 0.75,
        outOfOrderRate: 0.125,
        maxLateDays: 5,
        maxEventGapMinutes: 30,
      });
      expect(parsed.kafka).to.deep.equal({ brokers: 'a:1,b:2', topic: 'events' });
      expect([parsed.quiet, parsed.debug]).to.deep.equal([true, true]);
      expect(parseOrdersArgs(['--out', 'o', '--kafka-bootstrap', 'a:1', '--kafka-topic', 't'], now).kafka).to.deep.equal({ brokers: 'a:1', topic: 't' });
      expect(parseOrdersArgs(['--out', 'o', '--start', START], now).options.start).to.equal(START);
      expect(parseOrdersArgs(['--out', 'o', '--rate', '300/m'], now).rate).to.equal(5);
      expect(parseOrdersArgs(['--out', 'o'], now).rate).to.equal(undefined);
    });

    it('parseOrdersArgs throws UsageErrors naming the flag', () => {
      const now = Date.parse('2026-03-15T13:45:00Z');
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [[], 'orders: --out <dir> is required'],
        [['--out', 'o', '--ship-rate=-0.5'], '--ship-rate: must be between 0 and 1, got -0.5'],
        [['--out', 'o', '--tenant-count', '0'], '--tenant-count: must be an integer >= 1, got 0'],
        [['--out', 'o', '--tenant-count', '1000'], '--tenant-count: must be at most 999 (ids are T-001…T-999), got 1000'],
        [['--out', 'o', '--max-event-gap-minutes', ' '], '--max-event-gap-minutes: expected a number, got " "'],
        [['--out', 'o', '--v2-rate', 'Infinity'], '--v2-rate: expected a number, got "Infinity"'],
      ];
      for (const [args, message] of cases) {
        expect(() => parseOrdersArgs(args, now), args.join(' ')).to.throw(UsageError, message);
        try {
          parseOrdersArgs(args, now);
        } catch (e) {
          expect((e as Error).message).to.equal(message);
        }
      }
    });
  });

  describe('Kafka (real broker)', function () {
    this.timeout(240_000);
    let brokers: string;

    before(async () => {
      brokers = await kafkaBrokers();
    });

    it('publishes every line of events.ndjson once, keyed by payload.order_id, with event_type headers, in order per key', async () => {
      const topic = uniqueName('orders');
      const out = path.join(tmp.dir(), 'kafka');
      const r = await run(
        ['orders', '--out', out, '--n-orders', '200', '--start', '2026-02-01T00:00:00Z', '--seed', '4', '--kafka-bootstrap', brokers, '--kafka-topic', topic],
        REPO,
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(new RegExp(`kafka:${brokers.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} [\\d,]+ acknowledged`));
      const lines = linesOf(path.join(out, 'events.ndjson'));
      expect(lines.length).to.be.greaterThan(500);
      const consumed = await consumeAll(brokers, [topic]);
      expect(consumed.length).to.equal(lines.length);
      expect(sorted(consumed.map((m) => m.value))).to.deep.equal(sorted(lines));

      const partitionOfKey = new Map<string, number>();
      const consumedByKey = new Map<string, string[]>();
      for (const m of consumed) {
        const e = JSON.parse(m.value) as Row;
        expect(m.key, m.value).to.equal(e.payload.order_id);
        expect(m.headers.event_type).to.equal(e.event_type);
        const key = m.key as string;
        expect(partitionOfKey.get(key) ?? m.partition, `key ${key} in one partition`).to.equal(m.partition);
        partitionOfKey.set(key, m.partition);
        consumedByKey.set(key, [...(consumedByKey.get(key) ?? []), m.value]);
      }
      expect(partitionOfKey.size).to.equal(200);
      const fileByKey = new Map<string, string[]>();
      for (const l of lines) {
        const key = String((JSON.parse(l) as Row).payload.order_id);
        fileByKey.set(key, [...(fileByKey.get(key) ?? []), l]);
      }
      // consumeAll returns messages by partition and offset: per key, the order of events.ndjson.
      expect(Object.fromEntries(consumedByKey)).to.deep.equal(Object.fromEntries(fileByKey));
      expect(new Set(partitionOfKey.values()).size, 'partitions used').to.be.greaterThan(1);
    });
  });
});
