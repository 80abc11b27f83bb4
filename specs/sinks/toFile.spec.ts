import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subject, concat, from, tap, throwError } from 'rxjs';
import { EVENT_META, type SimEvent } from '../../lib/core/simEvent';
import { SinkError } from '../../lib/sinks/sink';
import { shardFilePath, toFile } from '../../lib/sinks/toFile';
import { ev, events, ids, observe, waitFor } from './fakeSinkWriter';

const jsonl = (es: ReadonlyArray<SimEvent>): string => es.map((e) => `${JSON.stringify(e)}\n`).join('');

describe('toFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-tofile-'));
  });
  afterEach(() => {
    fs.chmodSync(dir, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes exact JSONL that parses back to the events, without the hidden metadata', async () => {
    const file = path.join(dir, 'events.jsonl');
    const input = events(2500).map((e, i) =>
      i % 100 === 0 ? { ...e, note: 'ünïcödé ✓ "quoted"\nnewline', nested: { a: [1, 2, { b: null }] }, ok: i % 200 === 0 } : e,
    );
    const sink = toFile(file, { maxBatch: 1000 });
    const { outcome, ended } = observe(from(input).pipe(sink));
    await ended;
    expect(outcome.completed).to.equal(true);
    expect(ids(outcome.values)).to.deep.equal(ids(input));
    expect(sink.sinkName).to.equal(`file:${file}`);
    expect(sink.stats).to.include({ accepted: 2500, batches: 3 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.equal(jsonl(input));
    const lines = text.split('\n');
    expect(lines.pop()).to.equal('');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).to.deep.equal(input.map((e) => JSON.parse(JSON.stringify(e))));
    expect(parsed[0]).to.not.have.property(String(EVENT_META));
    expect(Object.keys(parsed[0])).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id', 'flow', 'n', 'note', 'nested', 'ok']);
  });

  it('an event is passed on only once it is in the file', async () => {
    const file = path.join(dir, 'acked.jsonl');
    let missing = 0;
    let seen = ''; // a prefix of the file: re-read only when an event is not in it yet
    const inFile = (e: SimEvent): boolean => seen.includes(`"event_id":"${e.event_id}"`);
    const { ended } = observe(
      from(events(3000)).pipe(
        toFile(file, { maxBatch: 700 }),
        tap((e) => {
          if (!inFile(e)) seen = fs.readFileSync(file, 'utf8');
          if (!inFile(e)) missing++;
        }),
      ),
    );
    await ended;
    expect(missing).to.equal(0);
  });

  it('truncates by default and appends with append: true', async () => {
    const file = path.join(dir, 'log.jsonl');
    await observe(from(events(3)).pipe(toFile(file))).ended;
    await observe(from(events(2, 3)).pipe(toFile(file, { append: true }))).ended;
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl(events(5)));
    await observe(from(events(1, 9)).pipe(toFile(file))).ended;
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl([ev(9)]));
  });

  it('creates missing parent directories', async () => {
    const file = path.join(dir, 'a', 'b', 'c', 'events.jsonl');
    await observe(from(events(2)).pipe(toFile(file))).ended;
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl(events(2)));
  });

  it('creates an empty file for an empty stream', async () => {
    const file = path.join(dir, 'empty.jsonl');
    const { outcome, ended } = observe(from([] as SimEvent[]).pipe(toFile(file)));
    await ended;
    expect(outcome.completed).to.equal(true);
    expect(fs.readFileSync(file, 'utf8')).to.equal('');
  });

  it('json_pretty writes 2-space indented objects, each followed by a newline', async () => {
    const file = path.join(dir, 'pretty.json');
    await observe(from(events(3)).pipe(toFile(file, { format: 'json_pretty' }))).ended;
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.equal(
      events(3)
        .map((e) => `${JSON.stringify(e, null, 2)}\n`)
        .join(''),
    );
    expect(text.split('\n')[1]).to.equal('  "event_id": "e0",');
  });

  it('flushes what was generated before an upstream error, then propagates it', async () => {
    const file = path.join(dir, 'partial.jsonl');
    const boom = new Error('flow threw');
    const { outcome, ended } = observe(
      concat(
        from(events(4)),
        throwError(() => boom),
      ).pipe(toFile(file)),
    );
    await ended;
    expect(outcome.error).to.equal(boom);
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl(events(4)));
  });

  it('keeps the file open across bursts of a never-ending source', async () => {
    const file = path.join(dir, 'live.jsonl');
    const subject = new Subject<SimEvent>();
    const { outcome, subscription } = observe(subject.pipe(toFile(file)));
    for (const e of events(2)) subject.next(e);
    await waitFor(() => outcome.values.length === 2);
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl(events(2)));
    for (const e of events(2, 2)) subject.next(e);
    await waitFor(() => outcome.values.length === 4);
    expect(fs.readFileSync(file, 'utf8')).to.equal(jsonl(events(4)));
    expect(outcome.completed).to.equal(false);
    subscription.unsubscribe();
  });

  it('a directory path is a SinkError naming the file sink (EISDIR)', async () => {
    const { outcome, ended } = observe(from(events(2)).pipe(toFile(dir)));
    await ended;
    const err = outcome.error as SinkError;
    expect(err).to.be.instanceOf(SinkError);
    expect(err.sink).to.equal(`file:${dir}`);
    expect(err.message).to.equal(`sink "file:${dir}" failed: EISDIR: illegal operation on a directory, open '${dir}'`);
    expect((err.cause as NodeJS.ErrnoException).code).to.equal('EISDIR');
    expect(outcome.values).to.deep.equal([]);
  });

  it('a parent that cannot be created is a SinkError (ENOTDIR)', async () => {
    const blocker = path.join(dir, 'plain-file');
    fs.writeFileSync(blocker, 'x');
    const file = path.join(blocker, 'sub', 'events.jsonl');
    const { outcome, ended } = observe(from(events(1)).pipe(toFile(file)));
    await ended;
    const err = outcome.error as SinkError;
    expect(err.message).to.match(new RegExp(`^sink "file:${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" failed: ENOTDIR: not a directory, mkdir '`));
    expect((err.cause as NodeJS.ErrnoException).code).to.equal('ENOTDIR');
  });

  it('a file it may not write is a SinkError (EACCES)', async function () {
    if (process.getuid?.() === 0) this.skip(); // root ignores permissions
    fs.chmodSync(dir, 0o500);
    const file = path.join(dir, 'denied.jsonl');
    const { outcome, ended } = observe(from(events(1)).pipe(toFile(file)));
    await ended;
    expect((outcome.error as SinkError).message).to.equal(`sink "file:${file}" failed: EACCES: permission denied, open '${file}'`);
  });

  it('an open that does not finish within openTimeoutMs is a SinkError naming the file sink; the late handle is closed', async function () {
    if (process.platform === 'win32') this.skip();
    // Opening a FIFO for writing waits for a reader: an open stuck in the OS, released at the end.
    const fifo = path.join(dir, 'stuck.fifo');
    execFileSync('mkfifo', [fifo]);
    const { outcome, ended } = observe(from(events(3)).pipe(toFile(fifo, { openTimeoutMs: 200 })));
    await ended;
    const err = outcome.error as SinkError;
    expect(err).to.be.instanceOf(SinkError);
    expect(err.message).to.equal(
      `sink "file:${fifo}" failed: could not create the folder and open the file within 200 ms (is the file system stuck or unreachable?)`,
    );
    expect(outcome.values).to.deep.equal([]);
    // A reader lets the stuck open finish; the sink closes that handle, so the reader sees the end at once.
    expect(await fs.promises.readFile(fifo, 'utf8')).to.equal('');
  });

  it('rejects an openTimeoutMs that is not a number > 0 at once', () => {
    expect(() => toFile(path.join(dir, 'x.jsonl'), { openTimeoutMs: 0 })).to.throw(RangeError, 'toFile: openTimeoutMs must be a number > 0, got 0');
    expect(() => toFile(path.join(dir, 'x.jsonl'), { openTimeoutMs: Number.NaN })).to.throw(RangeError, 'got NaN');
  });

  it('forShard: the output of shard i writes a file of its own, the index before the extension, with the same options', async () => {
    const sink = toFile(path.join(dir, 'events.jsonl'), { format: 'json_pretty' });
    const shard = sink.forShard!(3);
    expect(shard.sinkName).to.equal(`file:${path.join(dir, 'events-3.jsonl')}`);
    await observe(from(events(2)).pipe(shard)).ended;
    expect(fs.readdirSync(dir)).to.deep.equal(['events-3.jsonl']);
    expect(fs.readFileSync(path.join(dir, 'events-3.jsonl'), 'utf8')).to.equal(
      events(2)
        .map((e) => `${JSON.stringify(e, null, 2)}\n`)
        .join(''),
    );
  });

  it('shardFilePath puts the index before the last extension, in the same folder', () => {
    expect(shardFilePath('out/events.jsonl', 1)).to.equal(path.join('out', 'events-1.jsonl'));
    expect(shardFilePath('events.jsonl', 0)).to.equal('events-0.jsonl');
    expect(shardFilePath('/tmp/a.b/events', 12)).to.equal('/tmp/a.b/events-12');
    expect(shardFilePath('out/events.tar.gz', 2)).to.equal(path.join('out', 'events.tar-2.gz'));
  });
});
