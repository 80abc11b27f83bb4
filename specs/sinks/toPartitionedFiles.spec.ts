import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subject, concat, from, throwError } from 'rxjs';
import { EVENT_META, type SimEvent } from '../../lib/core/simEvent';
import { SinkError } from '../../lib/sinks/sink';
import { byEventDate, byUtcDate, partitionFileName, toPartitionedFiles } from '../../lib/sinks/toPartitionedFiles';
import { ev, events, ids, observe, waitFor } from './fakeSinkWriter';

const jsonl = (es: ReadonlyArray<SimEvent>): string => es.map((e) => `${JSON.stringify(e)}\n`).join('');

/** The partition the specs use: `p0` … `p<k-1>` by the event's number. */
const byN =
  (k: number) =>
  (e: SimEvent): string =>
    `p${(e.n as number) % k}`;

/** Every file in `dir` with its text, by name. */
const readDir = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
  );

/** Records every `fs.promises.open` (path and flag) and how many handles are open at once. */
const spyOnOpen = () => {
  const promises = fs.promises as { open: typeof fs.promises.open };
  const original = promises.open;
  const spy = { opens: [] as Array<[string, string]>, open: 0, peak: 0, restore: () => void (promises.open = original) };
  promises.open = (async (file: fs.PathLike, flags?: string | number) => {
    const handle = await original(file, flags);
    spy.opens.push([path.basename(String(file)), String(flags)]);
    spy.peak = Math.max(spy.peak, ++spy.open);
    const close = handle.close.bind(handle);
    handle.close = async () => {
      spy.open--;
      return close();
    };
    return handle;
  }) as typeof fs.promises.open;
  return spy;
};

describe('toPartitionedFiles', () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-partitioned-'));
    out = path.join(dir, 'out');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes each event to its partition file, in order, and passes every event on in input order', async () => {
    const input = events(2500).map((e, i) => (i % 100 === 0 ? { ...e, note: 'ünïcödé ✓ "quoted"\nnewline' } : e));
    const sink = toPartitionedFiles(out, { partition: byN(7), maxBatch: 1000 });
    expect(sink.sinkName).to.equal(`files:${out}`);
    expect(sink.window).to.equal(500);
    const { outcome, ended } = observe(from(input).pipe(sink));
    await ended;
    expect(outcome.completed).to.equal(true);
    expect(ids(outcome.values)).to.deep.equal(ids(input));
    expect(sink.stats).to.include({ accepted: 2500, batches: 3 });
    const files = readDir(out);
    expect(Object.keys(files)).to.deep.equal(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((p) => `${p}.ndjson`));
    for (let k = 0; k < 7; k++) {
      expect(files[`p${k}.ndjson`], `p${k}`).to.equal(jsonl(input.filter((e) => (e.n as number) % 7 === k)));
    }
    const all = Object.values(files)
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { event_id: string });
    expect(all.map((e) => e.event_id).sort()).to.deep.equal(ids(input).sort());
  });

  it('forShard: the output of shard i writes a folder of its own, <dir>-<i>', async () => {
    const shard = toPartitionedFiles(`${out}/`, { partition: byN(2) }).forShard!(1);
    expect(shard.sinkName).to.equal(`files:${out}-1`);
    await observe(from(events(4)).pipe(shard)).ended;
    expect(fs.readdirSync(dir)).to.deep.equal(['out-1']);
    expect(readDir(`${out}-1`)).to.deep.equal({ 'p0.ndjson': jsonl([ev(0), ev(2)]), 'p1.ndjson': jsonl([ev(1), ev(3)]) });
  });

  it('uses the extension and format options', async () => {
    await observe(from(events(4)).pipe(toPartitionedFiles(out, { partition: byN(2), extension: '.json', format: 'json_pretty' }))).ended;
    const pretty = (es: SimEvent[]): string => es.map((e) => `${JSON.stringify(e, null, 2)}\n`).join('');
    expect(readDir(out)).to.deep.equal({ 'p0.json': pretty([ev(0), ev(2)]), 'p1.json': pretty([ev(1), ev(3)]) });
  });

  it('creates the folder and its parents, and no partition file for an empty stream', async () => {
    const deep = path.join(out, 'a', 'b');
    const { outcome, ended } = observe(from([] as SimEvent[]).pipe(toPartitionedFiles(deep, { partition: byN(2) })));
    await ended;
    expect(outcome.completed).to.equal(true);
    expect(fs.readdirSync(deep)).to.deep.equal([]);
  });

  it('truncates an existing partition file the first time it writes to it, and leaves other files alone', async () => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'p0.ndjson'), 'old p0\n');
    fs.writeFileSync(path.join(out, 'p5.ndjson'), 'old p5\n');
    await observe(from(events(6)).pipe(toPartitionedFiles(out, { partition: byN(2), maxBatch: 2 }))).ended;
    expect(readDir(out)).to.deep.equal({
      'p0.ndjson': jsonl([ev(0), ev(2), ev(4)]),
      'p1.ndjson': jsonl([ev(1), ev(3), ev(5)]),
      'p5.ndjson': 'old p5\n',
    });
  });

  it('appends to existing partition files with append: true', async () => {
    await observe(from(events(4)).pipe(toPartitionedFiles(out, { partition: byN(2) }))).ended;
    await observe(from(events(3, 4)).pipe(toPartitionedFiles(out, { partition: byN(3), append: true }))).ended;
    expect(readDir(out)).to.deep.equal({
      'p0.ndjson': jsonl([ev(0), ev(2), ev(6)]),
      'p1.ndjson': jsonl([ev(1), ev(3), ev(4)]),
      'p2.ndjson': jsonl([ev(5)]),
    });
    await observe(from(events(1, 9)).pipe(toPartitionedFiles(out, { partition: byN(3) }))).ended;
    expect(readDir(out)['p0.ndjson']).to.equal(jsonl([ev(9)]));
  });

  it('keeps at most maxOpenFiles handles open, reopens evicted files in append mode, and closes all at the end', async () => {
    const input = events(103);
    const spy = spyOnOpen();
    try {
      const { outcome, ended } = observe(from(input).pipe(toPartitionedFiles(out, { partition: byN(5), maxOpenFiles: 2, maxBatch: 9 })));
      await ended;
      expect(outcome.completed).to.equal(true);
      expect(ids(outcome.values)).to.deep.equal(ids(input));
    } finally {
      spy.restore();
    }
    const files = readDir(out);
    expect(Object.keys(files)).to.have.length(5);
    for (let k = 0; k < 5; k++) {
      expect(files[`p${k}.ndjson`], `p${k}`).to.equal(jsonl(input.filter((e) => (e.n as number) % 5 === k)));
    }
    expect(spy.peak).to.equal(2);
    expect(spy.open).to.equal(0);
    // Each batch of 9 cycles through all 5 partitions: every group needs a reopen.
    expect(spy.opens.length).to.be.greaterThan(40);
    expect(spy.opens.slice(0, 5)).to.deep.equal([0, 1, 2, 3, 4].map((k) => [`p${k}.ndjson`, 'w']));
    expect(spy.opens.slice(5).filter(([, flag]) => flag !== 'a')).to.deep.equal([]);
  });

  it('closes the least recently used handle, not the oldest opened', async () => {
    const subject = new Subject<SimEvent>();
    const spy = spyOnOpen();
    try {
      const partition = (e: SimEvent): string => e.part as string;
      const { outcome, subscription } = observe(subject.pipe(toPartitionedFiles(out, { partition, maxOpenFiles: 2 })));
      // One batch per burst: a b | a | c (evicts b, used less recently than a) | a (still open).
      const bursts = [['a', 'b'], ['a'], ['c'], ['a']];
      let n = 0;
      for (const burst of bursts) {
        for (const part of burst) subject.next(ev(n++, { part }));
        await waitFor(() => outcome.values.length === n);
      }
      expect(spy.opens).to.deep.equal([
        ['a.ndjson', 'w'],
        ['b.ndjson', 'w'],
        ['c.ndjson', 'w'],
      ]);
      subscription.unsubscribe();
      await waitFor(() => spy.open === 0);
    } finally {
      spy.restore();
    }
    expect(readDir(out)['a.ndjson'].split('\n')).to.have.length(4);
  });

  it('reuses open handles across batches of a never-ending source', async () => {
    const subject = new Subject<SimEvent>();
    const spy = spyOnOpen();
    try {
      const { outcome, subscription } = observe(subject.pipe(toPartitionedFiles(out, { partition: byN(2) })));
      for (const e of events(2)) subject.next(e);
      await waitFor(() => outcome.values.length === 2);
      for (const e of events(4, 2)) subject.next(e);
      await waitFor(() => outcome.values.length === 6);
      expect(readDir(out)).to.deep.equal({ 'p0.ndjson': jsonl([ev(0), ev(2), ev(4)]), 'p1.ndjson': jsonl([ev(1), ev(3), ev(5)]) });
      expect(spy.opens).to.deep.equal([
        ['p0.ndjson', 'w'],
        ['p1.ndjson', 'w'],
      ]);
      expect(outcome.completed).to.equal(false);
      subscription.unsubscribe();
      await waitFor(() => spy.open === 0);
    } finally {
      spy.restore();
    }
  });

  it('flushes what was generated before an upstream error, then propagates it', async () => {
    const boom = new Error('flow threw');
    const { outcome, ended } = observe(
      concat(
        from(events(4)),
        throwError(() => boom),
      ).pipe(toPartitionedFiles(out, { partition: byN(2) })),
    );
    await ended;
    expect(outcome.error).to.equal(boom);
    expect(readDir(out)).to.deep.equal({ 'p0.ndjson': jsonl([ev(0), ev(2)]), 'p1.ndjson': jsonl([ev(1), ev(3)]) });
  });

  describe('a bad partition value fails the run with a SinkError naming the sink, the value and the event', () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      ['', "invalid partition '': empty"],
      ['../x', "invalid partition '../x': contains '/'"],
      ['a/b', "invalid partition 'a/b': contains '/'"],
      ['.', "invalid partition '.': not a file name"],
      ['..', "invalid partition '..': not a file name"],
      ['a\\b', "invalid partition 'a\\\\b': contains '\\'"],
      ['a\0b', "invalid partition 'a\\x00b': contains NUL"],
      [42, 'invalid partition 42: not a string'],
      [undefined, 'invalid partition undefined: not a string'],
    ];
    for (const [bad, reason] of cases) {
      it(`${JSON.stringify(bad) ?? 'undefined'}`, async () => {
        // e0 is fine, e1 is bad: both are in one batch, and nothing of that batch is written.
        const partition = (e: SimEvent): string => (e.n === 1 ? (bad as string) : 'ok');
        const { outcome, ended } = observe(from(events(3)).pipe(toPartitionedFiles(out, { partition })));
        await ended;
        const err = outcome.error as SinkError;
        expect(err).to.be.instanceOf(SinkError);
        expect(err.sink).to.equal(`files:${out}`);
        expect(err.message).to.equal(`sink "files:${out}" failed: event 'e1' (Tick): ${reason}`);
        expect(outcome.values).to.deep.equal([]);
        expect(fs.readdirSync(out)).to.deep.equal([]);
      });
    }
  });

  it('an error thrown by the partition function is a SinkError with its message', async () => {
    const partition = (e: SimEvent): string => {
      if (e.n === 2) throw new Error('no region');
      return 'ok';
    };
    const { outcome, ended } = observe(from(events(3)).pipe(toPartitionedFiles(out, { partition })));
    await ended;
    expect((outcome.error as SinkError).message).to.equal(`sink "files:${out}" failed: no region`);
  });

  it('a folder path that is a regular file is a SinkError (EEXIST)', async () => {
    const blocker = path.join(dir, 'plain-file');
    fs.writeFileSync(blocker, 'x');
    const { outcome, ended } = observe(from(events(2)).pipe(toPartitionedFiles(blocker, { partition: byN(2) })));
    await ended;
    const err = outcome.error as SinkError;
    expect(err).to.be.instanceOf(SinkError);
    expect(err.sink).to.equal(`files:${blocker}`);
    expect(err.message).to.equal(`sink "files:${blocker}" failed: EEXIST: file already exists, mkdir '${blocker}'`);
    expect(outcome.values).to.deep.equal([]);
    expect(fs.readFileSync(blocker, 'utf8')).to.equal('x');
  });

  it('a partition file that cannot be opened is a SinkError (EISDIR)', async () => {
    fs.mkdirSync(path.join(out, 'p1.ndjson'), { recursive: true });
    const { outcome, ended } = observe(from(events(2)).pipe(toPartitionedFiles(out, { partition: byN(2) })));
    await ended;
    const file = path.join(out, 'p1.ndjson');
    expect((outcome.error as SinkError).message).to.equal(`sink "files:${out}" failed: EISDIR: illegal operation on a directory, open '${file}'`);
  });

  it("opening a partition's file that does not finish within openTimeoutMs is a SinkError naming the sink", async function () {
    if (process.platform === 'win32') this.skip();
    // Opening a FIFO for writing waits for a reader: an open stuck in the OS, released at the end.
    fs.mkdirSync(out, { recursive: true });
    const fifo = path.join(out, 'p1.ndjson');
    execFileSync('mkfifo', [fifo]);
    const { outcome, ended } = observe(from(events(2)).pipe(toPartitionedFiles(out, { partition: byN(2), openTimeoutMs: 200 })));
    await ended;
    expect((outcome.error as SinkError).message).to.equal(
      `sink "files:${out}" failed: could not open p1.ndjson within 200 ms (is the file system stuck or unreachable?)`,
    );
    expect(await fs.promises.readFile(fifo, 'utf8')).to.equal('');
    expect(() => toPartitionedFiles(out, { partition: byN(1), openTimeoutMs: -1 })).to.throw(RangeError, 'openTimeoutMs must be a number > 0, got -1');
  });

  it('rejects a bad extension or maxOpenFiles at once', () => {
    const partition = byN(1);
    expect(() => toPartitionedFiles(out, { partition, extension: '/x' })).to.throw(RangeError, "invalid extension '/x': contains '/'");
    expect(() => toPartitionedFiles(out, { partition, maxOpenFiles: 0 })).to.throw(RangeError, 'maxOpenFiles must be a positive integer, got 0');
    expect(() => toPartitionedFiles(out, { partition, maxOpenFiles: 1.5 })).to.throw(RangeError, 'got 1.5');
  });

  describe('partitionFileName', () => {
    it('is the partition followed by the extension', () => {
      expect(partitionFileName('2026-01-22', '.ndjson')).to.equal('2026-01-22.ndjson');
      expect(partitionFileName('OrderPlaced', '')).to.equal('OrderPlaced');
      expect(partitionFileName('..x', '.gz')).to.equal('..x.gz');
    });

    it('throws a RangeError naming an unsafe partition or extension', () => {
      expect(() => partitionFileName('../etc', '.ndjson')).to.throw(RangeError, "invalid partition '../etc': contains '/'");
      expect(() => partitionFileName('..', '')).to.throw(RangeError, "invalid partition '..': not a file name");
      expect(() => partitionFileName('x', 'a\\b')).to.throw(RangeError, "invalid extension 'a\\\\b': contains '\\'");
    });
  });

  describe('byUtcDate', () => {
    const withField = (value: unknown): SimEvent => ev(3, { created_at: value });

    it('is the date of an ISO-8601 date or UTC date-time field', () => {
      expect(byUtcDate('created_at')(withField('2026-01-22T23:59:59.999Z'))).to.equal('2026-01-22');
      expect(byUtcDate('created_at')(withField('2026-01-22'))).to.equal('2026-01-22');
      expect(byUtcDate('created_at')(withField('2026-01-22T10:00:00'))).to.equal('2026-01-22');
      expect(byUtcDate('timestamp')(ev(86_400))).to.equal('2025-01-02');
    });

    it('converts a date-time with an offset to its UTC day', () => {
      expect(byUtcDate('created_at')(withField('2026-01-22T23:30:00-05:00'))).to.equal('2026-01-23');
      expect(byUtcDate('created_at')(withField('2026-01-22T01:30:00+02:00'))).to.equal('2026-01-21');
      expect(byUtcDate('created_at')(withField('2026-01-22T12:00:00+00:00'))).to.equal('2026-01-22');
    });

    it('throws naming the field and the event when the field is missing or not an ISO date', () => {
      expect(() => byUtcDate('created_at')(ev(3))).to.throw(`byUtcDate: field 'created_at' of event 'e3' (Tick) is missing`);
      expect(() => byUtcDate('created_at')(withField('22/01/2026'))).to.throw(
        `byUtcDate: field 'created_at' of event 'e3' (Tick) is not an ISO-8601 date: '22/01/2026'`,
      );
      expect(() => byUtcDate('created_at')(withField(1769040000000))).to.throw(`is not an ISO-8601 date: 1769040000000`);
      expect(() => byUtcDate('created_at')(withField('2026-13-01'))).to.throw(`is not an ISO-8601 date: '2026-13-01'`);
    });

    it('partitions a run by a field', async () => {
      const input = events(6).map((e, i) => ({ ...e, created_at: `2026-01-2${i % 3}T08:00:00.000Z` }));
      await observe(from(input).pipe(toPartitionedFiles(out, { partition: byUtcDate('created_at') }))).ended;
      expect(readDir(out)).to.deep.equal({
        '2026-01-20.ndjson': jsonl([input[0], input[3]]),
        '2026-01-21.ndjson': jsonl([input[1], input[4]]),
        '2026-01-22.ndjson': jsonl([input[2], input[5]]),
      });
    });
  });

  describe('byEventDate', () => {
    it('is the UTC day of the virtual time, not of the timestamp field', () => {
      const e: SimEvent = { ...ev(0), [EVENT_META]: { time: Date.UTC(2030, 5, 30, 23, 59, 59, 999), key: undefined } };
      expect(e.timestamp.slice(0, 10)).to.equal('2025-01-01');
      expect(byEventDate(e)).to.equal('2030-06-30');
    });

    it('falls back to the timestamp of an event without metadata, and throws naming an event with neither', () => {
      const plain = { event_id: 'x1', event_type: 'Hand', timestamp: '2024-02-29T12:00:00.000Z', session_id: 's', flow: 'f' };
      expect(byEventDate(plain)).to.equal('2024-02-29');
      expect(() => byEventDate({ ...plain, timestamp: 'soon' })).to.throw(`byEventDate: event 'x1' (Hand) has no virtual time and no valid timestamp`);
    });

    it('partitions a run across midnight', async () => {
      // ev(i) is i seconds after 2025-01-01T00:00:00Z: 86 398 … 86 401 straddle the next midnight.
      const input = events(4, 86_398);
      await observe(from(input).pipe(toPartitionedFiles(out, { partition: byEventDate }))).ended;
      expect(readDir(out)).to.deep.equal({
        '2025-01-01.ndjson': jsonl(input.slice(0, 2)),
        '2025-01-02.ndjson': jsonl(input.slice(2)),
      });
    });
  });
});
