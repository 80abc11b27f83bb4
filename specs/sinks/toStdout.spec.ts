import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Subject, from } from 'rxjs';
import type { SimEvent } from '../../lib/core/simEvent';
import { SinkError } from '../../lib/sinks/sink';
import { isBrokenPipe, toStdout } from '../../lib/sinks/toStdout';
import { ev, events, ids, observe, settle } from './fakeSinkWriter';

const jsonl = (es: ReadonlyArray<SimEvent>): string => es.map((e) => `${JSON.stringify(e)}\n`).join('');

/** A writable whose chunks complete only when the test says so. */
const manualStream = (highWaterMark: number) => {
  const chunks: string[] = [];
  const callbacks: Array<(err?: Error | null) => void> = [];
  const stream = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, callback) {
      chunks.push(chunk);
      callbacks.push(callback);
    },
  });
  return { stream, chunks, callbacks };
};

describe('toStdout', () => {
  it('writes JSONL, one string per batch, to the injected stream', async () => {
    const stream = new PassThrough();
    let text = '';
    let chunks = 0;
    stream.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      chunks++;
    });
    const sink = toStdout({ stream, maxBatch: 1000 });
    const { outcome, ended } = observe(from(events(2500)).pipe(sink));
    await ended;
    expect(sink.sinkName).to.equal('stdout');
    expect(outcome.completed).to.equal(true);
    expect(ids(outcome.values)).to.deep.equal(ids(events(2500)));
    expect(text).to.equal(jsonl(events(2500)));
    expect(chunks).to.equal(3);
    expect(stream.writableEnded).to.equal(false); // never ends the stream it was given
    expect(stream.listenerCount('error')).to.equal(0); // listeners removed on close
    expect(stream.listenerCount('drain')).to.equal(0);
  });

  it('json_pretty writes indented objects', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
    await observe(from(events(2)).pipe(toStdout({ stream, format: 'json_pretty' }))).ended;
    expect(text).to.equal(
      events(2)
        .map((e) => `${JSON.stringify(e, null, 2)}\n`)
        .join(''),
    );
  });

  it('waits for drain before accepting a batch the stream could not take', async () => {
    const { stream, chunks, callbacks } = manualStream(16);
    let drains = 0;
    stream.on('drain', () => drains++);
    const subject = new Subject<SimEvent>();
    const { outcome, ended } = observe(subject.pipe(toStdout({ stream })));
    subject.next(ev(1));
    subject.next(ev(2));
    await settle();
    expect(chunks).to.deep.equal([jsonl([ev(1), ev(2)])]);
    expect(outcome.values).to.deep.equal([]); // write() returned false: not accepted yet
    subject.next(ev(3));
    await settle();
    expect(chunks).to.have.length(1); // one write in flight, the next waits
    callbacks[0](); // the stream drains
    await settle();
    expect(drains).to.equal(1);
    expect(ids(outcome.values)).to.deep.equal(['e1', 'e2']);
    expect(chunks).to.have.length(2);
    subject.complete();
    await settle();
    expect(outcome.completed).to.equal(false); // still waiting for the last drain
    callbacks[1]();
    await ended;
    expect(ids(outcome.values)).to.deep.equal(['e1', 'e2', 'e3']);
  });

  it('a slow stream with a small highWaterMark gets everything, in order', async () => {
    let text = '';
    let drains = 0;
    const stream = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, callback) {
        text += chunk.toString('utf8');
        setTimeout(callback, 1);
      },
    });
    stream.on('drain', () => drains++);
    const subject = new Subject<SimEvent>();
    const { ended } = observe(subject.pipe(toStdout({ stream, maxBatch: 7 })));
    for (let burst = 0; burst < 10; burst++) {
      for (const e of events(5, burst * 5)) subject.next(e);
      await settle(2);
    }
    subject.complete();
    await ended;
    expect(text).to.equal(jsonl(events(50)));
    expect(drains).to.be.greaterThan(0);
  });

  it('EPIPE ends with a SinkError that isBrokenPipe recognises, without an unhandled stream error', async () => {
    const stream = new Writable({
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
      },
    });
    const subject = new Subject<SimEvent>();
    const { outcome, ended } = observe(subject.pipe(toStdout({ stream })));
    subject.next(ev(1));
    await settle();
    subject.next(ev(2));
    await ended;
    const err = outcome.error as SinkError;
    expect(err).to.be.instanceOf(SinkError);
    expect(err.message).to.equal('sink "stdout" failed: output closed by the reader (EPIPE)');
    expect(isBrokenPipe(err)).to.equal(true);
    expect(subject.observed).to.equal(false);
    await settle();
    expect(stream.listenerCount('error')).to.equal(0);
  });

  it('other stream errors keep their own message and are not a broken pipe', async () => {
    const stream = new Writable({
      write(_chunk, _enc, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      },
    });
    const subject = new Subject<SimEvent>();
    const { outcome, ended } = observe(subject.pipe(toStdout({ stream })));
    subject.next(ev(1));
    await settle();
    subject.next(ev(2));
    await ended;
    expect((outcome.error as Error).message).to.equal('sink "stdout" failed: ENOSPC: no space left on device');
    expect(isBrokenPipe(outcome.error)).to.equal(false);
    expect(isBrokenPipe(new Error('EPIPE'))).to.equal(false);
  });

  it('a stream that is already destroyed fails at open', async () => {
    const stream = new PassThrough();
    stream.destroy();
    const { outcome, ended } = observe(from(events(1)).pipe(toStdout({ stream })));
    await ended;
    expect(isBrokenPipe(outcome.error)).to.equal(true);
  });

  it('on real stdout, `| head -n 2` ends quietly as a broken pipe', function () {
    this.timeout(30_000);
    const root = path.resolve(__dirname, '..', '..');
    const script = `
      const { from } = require('rxjs');
      const { toStdout, isBrokenPipe } = require(${JSON.stringify(path.join(root, 'lib/sinks/toStdout'))});
      const events = Array.from({ length: 200000 }, (_, i) => ({ event_id: 'e' + i, event_type: 'T',
        timestamp: '2025-01-01T00:00:00.000Z', session_id: 's', flow: 'f', pad: 'x'.repeat(100) }));
      from(events).pipe(toStdout()).subscribe({
        complete: () => { process.stderr.write('completed\\n'); },
        error: (e) => { process.stderr.write(isBrokenPipe(e) ? 'broken-pipe\\n' : 'other: ' + e.stack + '\\n');
          process.exitCode = isBrokenPipe(e) ? 0 : 1; },
      });`;
    const res = spawnSync('bash', ['-c', 'node -r ts-node/register/transpile-only -e "$SCRIPT" | head -n 2; echo "status ${PIPESTATUS[0]}" >&2'], {
      cwd: root,
      env: { ...process.env, SCRIPT: script },
      encoding: 'utf8',
    });
    const lines = res.stdout.split('\n').filter((l) => l !== '');
    expect(lines).to.have.length(2);
    expect(JSON.parse(lines[0])).to.include({ event_id: 'e0' });
    expect(res.stderr).to.include('broken-pipe');
    expect(res.stderr).to.include('status 0');
    expect(res.stderr).to.not.include('Error');
  });
});
