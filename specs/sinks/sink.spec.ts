import { expect } from 'chai';
import { EMPTY, Subject, concat, from, of, take, throwError } from 'rxjs';
import type { SimEvent } from '../../lib/core/simEvent';
import { SinkError, type SinkWriter, toSink } from '../../lib/sinks/sink';
import { ev, events, fakeFactory, ids, observe, settle, tick, trackedSource } from './fakeSinkWriter';

describe('toSink', () => {
  describe('shape', () => {
    it('is an operator carrying its name and live stats', () => {
      const f = fakeFactory({ name: 'fake:a' });
      const sink = toSink(f.create, { name: 'fake:a' });
      expect(sink.sinkName).to.equal('fake:a');
      expect(sink.stats).to.deep.equal({ accepted: 0, batches: 0, peakBuffered: 0, peakWritesInFlight: 0, overflows: 0 });
      expect(f.made).to.have.length(0); // no writer until subscribed
    });

    it('reads the name from one writer when none is given, without opening it', () => {
      const f = fakeFactory({ name: 'fake:probe' });
      const sink = toSink(f.create);
      expect(sink.sinkName).to.equal('fake:probe');
      expect(f.made).to.have.length(1);
      expect(f.made[0].opens).to.equal(0);
    });

    it('is cold: each subscription creates and opens its own writer', async () => {
      const f = fakeFactory();
      const out = of(ev(1), ev(2)).pipe(toSink(f.create, { name: 'fake' }));
      const a = observe(out);
      const b = observe(out);
      await Promise.all([a.ended, b.ended]);
      expect(f.made).to.have.length(2);
      for (const w of f.made) expect(w.log).to.deep.equal(['open', 'opened', 'write:2', 'written:2', 'close']);
      expect(ids(a.outcome.values)).to.deep.equal(['e1', 'e2']);
      expect(ids(b.outcome.values)).to.deep.equal(['e1', 'e2']);
    });
  });

  describe('empty, one, many', () => {
    it('empty source: opens, closes, completes, never writes', async () => {
      const f = fakeFactory();
      const { outcome, ended } = observe(EMPTY.pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect(outcome.completed).to.equal(true);
      expect(outcome.values).to.deep.equal([]);
      expect(f.last.log).to.deep.equal(['open', 'opened', 'close']);
    });

    it('one event: one batch of one, then passed on, then close, then complete', async () => {
      const f = fakeFactory();
      const e = ev(1);
      const { outcome, ended } = observe(of(e).pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect(f.last.batches).to.deep.equal([[e]]);
      expect(outcome.values).to.have.length(1);
      expect(outcome.values[0]).to.equal(e); // the same object, not a copy
      expect(outcome.completed).to.equal(true);
      expect(f.last.log).to.deep.equal(['open', 'opened', 'write:1', 'written:1', 'close']);
    });

    it('a synchronous burst of 2500 with maxBatch 1000 is written as [1000, 1000, 500], in order', async () => {
      const f = fakeFactory();
      const input = events(2500);
      const { outcome, ended } = observe(from(input).pipe(toSink(f.create, { name: 'fake', maxBatch: 1000 })));
      await ended;
      expect(f.last.batches.map((b) => b.length)).to.deep.equal([1000, 1000, 500]);
      expect(ids(f.last.written)).to.deep.equal(ids(input));
      expect(ids(outcome.values)).to.deep.equal(ids(input));
      expect(outcome.completed).to.equal(true);
    });

    it('a synchronous burst into an open sink is one flush, split by maxBatch', async () => {
      const f = fakeFactory();
      const subject = new Subject<SimEvent>();
      const { outcome } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 1000 })));
      await settle(); // opened
      const input = events(2500);
      for (const e of input) subject.next(e);
      expect(f.last.batches).to.have.length(0); // flush is deferred with setImmediate
      await settle();
      expect(f.last.batches.map((b) => b.length)).to.deep.equal([1000, 1000, 500]);
      expect(ids(outcome.values)).to.deep.equal(ids(input));
      expect(outcome.completed).to.equal(false);
    });

    it('batches never exceed maxBatch and keep the order for odd sizes', async () => {
      const f = fakeFactory();
      const input = events(10);
      const { outcome, ended } = observe(from(input).pipe(toSink(f.create, { name: 'fake', maxBatch: 3 })));
      await ended;
      expect(f.last.batches.map((b) => b.length)).to.deep.equal([3, 3, 3, 1]);
      expect(ids(outcome.values)).to.deep.equal(ids(input));
    });
  });

  describe('acknowledgement and concurrency', () => {
    it('passes events on only after their batch was accepted', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      await settle();
      subject.next(ev(1));
      subject.next(ev(2));
      await settle();
      expect(f.last.batches).to.have.length(1);
      expect(outcome.values).to.deep.equal([]); // written but not yet acknowledged
      subject.next(ev(3)); // arrives while the write is in flight
      await settle();
      expect(f.last.batches).to.have.length(1); // no second write while one is in flight
      f.last.pendingWrites[0].resolve();
      await settle();
      expect(ids(outcome.values)).to.deep.equal(['e1', 'e2']);
      expect(ids(f.last.batches[1])).to.deep.equal(['e3']); // next write started right after
      expect(outcome.values).to.have.length(2);
      f.last.pendingWrites[1].resolve();
      await settle();
      expect(ids(outcome.values)).to.deep.equal(['e1', 'e2', 'e3']);
    });

    it('buffers events that arrive before open resolves and writes them as one batch', async () => {
      const f = fakeFactory({ manualOpen: true });
      const subject = new Subject<SimEvent>();
      const { outcome } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      subject.next(ev(1));
      await settle();
      subject.next(ev(2));
      await settle();
      expect(f.last.batches).to.have.length(0);
      f.last.openGate.resolve();
      await settle();
      expect(f.last.batches.map(ids)).to.deep.equal([['e1', 'e2']]);
      expect(ids(outcome.values)).to.deep.equal(['e1', 'e2']);
    });

    it('never has more than one write in flight, with events arriving over time', async () => {
      const f = fakeFactory({ write: { delayMs: 2 } });
      const subject = new Subject<SimEvent>();
      const sink = toSink(f.create, { name: 'fake', maxBatch: 7 });
      const { outcome, ended } = observe(subject.pipe(sink));
      let i = 0;
      for (let round = 0; round < 40; round++) {
        const burst = (round * 13) % 11;
        for (let k = 0; k < burst; k++) subject.next(ev(i++));
        await (round % 3 === 0 ? new Promise((r) => setTimeout(r, 1)) : tick());
      }
      subject.complete();
      await ended;
      expect(f.last.maxInFlight).to.equal(1);
      expect(f.last.batches.every((b) => b.length >= 1 && b.length <= 7)).to.equal(true);
      expect(ids(outcome.values)).to.deep.equal(ids(events(i)));
      expect(sink.stats.accepted).to.equal(i);
      expect(sink.stats.batches).to.equal(f.last.batches.length);
    });

    it('a never-ending source with bursts over time flushes each burst as it comes', async () => {
      const f = fakeFactory();
      const subject = new Subject<SimEvent>();
      const { outcome } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      await settle();
      for (const e of events(5, 0)) subject.next(e);
      await settle();
      expect(ids(outcome.values)).to.deep.equal(ids(events(5, 0)));
      await new Promise((r) => setTimeout(r, 5));
      for (const e of events(3, 5)) subject.next(e);
      await settle();
      expect(f.last.batches.map((b) => b.length)).to.deep.equal([5, 3]);
      expect(ids(outcome.values)).to.deep.equal(ids(events(8)));
      expect(outcome.completed).to.equal(false);
      expect(f.last.closes).to.equal(0);
    });

    it('completion while a write is in flight writes the rest in maxBatch chunks, then closes', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 2 })));
      await settle();
      subject.next(ev(0));
      await settle();
      for (const e of events(5, 1)) subject.next(e);
      subject.complete();
      await settle();
      expect(f.last.closes).to.equal(0);
      for (let n = 0; n < 4; n++) {
        f.last.pendingWrites[n].resolve();
        await settle();
      }
      await ended;
      expect(f.last.batches.map(ids)).to.deep.equal([['e0'], ['e1', 'e2'], ['e3', 'e4'], ['e5']]);
      expect(f.last.log[f.last.log.length - 1]).to.equal('close');
      expect(ids(outcome.values)).to.deep.equal(ids(events(6)));
      expect(outcome.completed).to.equal(true);
    });
  });

  describe('several writes in flight (writesInFlight)', () => {
    it('starts a further write only with a full batch waiting, and passes batches on in the order taken', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 3, writesInFlight: 3 })));
      await settle();
      subject.next(ev(0));
      await settle();
      expect(f.last.batches.map(ids)).to.deep.equal([['e0']]); // the first write takes what is there
      subject.next(ev(1));
      subject.next(ev(2));
      await settle();
      expect(f.last.batches).to.have.length(1); // two waiting: less than a full batch
      subject.next(ev(3));
      for (const e of events(4, 4)) subject.next(e);
      await settle();
      expect(f.last.batches.map(ids)).to.deep.equal([['e0'], ['e1', 'e2', 'e3'], ['e4', 'e5', 'e6']]);
      expect(f.last.maxInFlight).to.equal(3);
      f.last.pendingWrites[2].resolve(); // acknowledged out of order: held back
      f.last.pendingWrites[1].resolve();
      await settle();
      expect(outcome.values).to.deep.equal([]);
      f.last.pendingWrites[0].resolve();
      await settle();
      expect(ids(outcome.values)).to.deep.equal(ids(events(7)));
      expect(f.last.batches.map(ids)[3]).to.deep.equal(['e7']); // the rest, once a slot freed
    });

    it('never exceeds writesInFlight, with bursts over time; everything passed on in order', async () => {
      const f = fakeFactory({ write: { delayMs: 2 } });
      const subject = new Subject<SimEvent>();
      const sink = toSink(f.create, { name: 'fake', maxBatch: 5, writesInFlight: 2 });
      const { outcome, ended } = observe(subject.pipe(sink));
      let i = 0;
      for (let round = 0; round < 60; round++) {
        const burst = (round * 7) % 13;
        for (let k = 0; k < burst; k++) subject.next(ev(i++));
        await (round % 4 === 0 ? new Promise((r) => setTimeout(r, 1)) : tick());
      }
      subject.complete();
      await ended;
      expect(f.last.maxInFlight).to.equal(2);
      expect(sink.stats.peakWritesInFlight).to.equal(2);
      expect(f.last.batches.every((b) => b.length >= 1 && b.length <= 5)).to.equal(true);
      expect(ids(f.last.written)).to.deep.equal(ids(events(i)));
      expect(ids(outcome.values)).to.deep.equal(ids(events(i)));
      expect(sink.stats.accepted).to.equal(i);
    });

    it('at the end, writes the rest with every slot busy, then closes once all are acknowledged', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 2, writesInFlight: 2 })));
      await settle();
      subject.next(ev(0));
      await settle();
      for (const e of events(4, 1)) subject.next(e);
      subject.complete();
      await settle();
      expect(f.last.batches.map(ids)).to.deep.equal([['e0'], ['e1', 'e2']]);
      f.last.pendingWrites[1].resolve();
      await settle();
      expect(f.last.batches.map(ids)).to.deep.equal([['e0'], ['e1', 'e2'], ['e3', 'e4']]);
      f.last.pendingWrites[2].resolve();
      await settle();
      expect(f.last.closes).to.equal(0);
      f.last.pendingWrites[0].resolve();
      await ended;
      expect(ids(outcome.values)).to.deep.equal(ids(events(5)));
      expect(f.last.log.slice(-1)).to.deep.equal(['close']);
      expect(outcome.completed).to.equal(true);
    });

    it('a failing write: SinkError once the other writes settled, closed after them; later batches not passed on', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 2, writesInFlight: 2 })));
      await settle();
      subject.next(ev(0));
      await settle();
      subject.next(ev(1));
      subject.next(ev(2));
      await settle();
      expect(f.last.batches).to.have.length(2);
      f.last.pendingWrites[0].reject(new Error('lost'));
      await settle();
      expect(outcome.errored).to.equal(false); // the second write is still in flight
      expect(f.last.closes).to.equal(0);
      expect(subject.observed).to.equal(false);
      f.last.pendingWrites[1].resolve();
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "fake" failed: lost');
      expect(outcome.values).to.deep.equal([]);
      expect(f.last.closes).to.equal(1);
    });

    it('refuses a writesInFlight that is not a positive integer', () => {
      const f = fakeFactory();
      expect(() => toSink(f.create, { name: 'fake', writesInFlight: 0 })).to.throw(RangeError, 'writesInFlight must be a positive integer, got 0');
    });
  });

  describe('errors', () => {
    it('upstream error: writes what was buffered, closes, then propagates the original error', async () => {
      const f = fakeFactory();
      const boom = new Error('flow "checkout" threw');
      const { outcome, ended } = observe(
        concat(
          from(events(3)),
          throwError(() => boom),
        ).pipe(toSink(f.create, { name: 'fake' })),
      );
      await ended;
      expect(f.last.log).to.deep.equal(['open', 'opened', 'write:3', 'written:3', 'close']);
      expect(ids(outcome.values)).to.deep.equal(['e0', 'e1', 'e2']);
      expect(outcome.errored).to.equal(true);
      expect(outcome.error).to.equal(boom); // the same object, not wrapped
    });

    it('upstream error while a write is in flight flushes the rest after it', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      await settle();
      subject.next(ev(0));
      await settle();
      subject.next(ev(1));
      const boom = new Error('boom');
      subject.error(boom);
      f.last.pendingWrites[0].resolve();
      await settle();
      f.last.pendingWrites[1].resolve();
      await ended;
      expect(f.last.batches.map(ids)).to.deep.equal([['e0'], ['e1']]);
      expect(f.last.closes).to.equal(1);
      expect(outcome.error).to.equal(boom);
    });

    it('upstream error wins over a failure while flushing after it', async () => {
      const f = fakeFactory({ failWrite: { at: 0, error: new Error('disk full') } });
      const boom = new Error('boom');
      const { outcome, ended } = observe(
        concat(
          of(ev(1)),
          throwError(() => boom),
        ).pipe(toSink(f.create, { name: 'fake' })),
      );
      await ended;
      expect(outcome.error).to.equal(boom);
      expect(f.last.closes).to.equal(1);
    });

    it('write failure: SinkError naming the sink, close called, upstream unsubscribed', async () => {
      const f = fakeFactory({ name: 'file:x.jsonl', failWrite: { at: 1, error: new Error('disk full') } });
      const subject = new Subject<SimEvent>();
      const { source, state } = trackedSource(subject);
      const { outcome, ended } = observe(source.pipe(toSink(f.create, { name: 'file:x.jsonl' })));
      await settle();
      subject.next(ev(1));
      await settle();
      subject.next(ev(2));
      subject.next(ev(3));
      await ended;
      expect(outcome.errored).to.equal(true);
      const err = outcome.error as SinkError;
      expect(err).to.be.instanceOf(SinkError);
      expect(err.message).to.equal('sink "file:x.jsonl" failed: disk full');
      expect(err.name).to.equal('SinkError');
      expect(err.sink).to.equal('file:x.jsonl');
      expect((err.cause as Error).message).to.equal('disk full');
      expect(f.last.closes).to.equal(1);
      expect(state.unsubscribed).to.equal(1);
      expect(subject.observed).to.equal(false);
      expect(ids(outcome.values)).to.deep.equal(['e1']); // the failed batch is not passed on
      subject.next(ev(4));
      await settle();
      expect(f.last.batches).to.have.length(2);
    });

    it('a write that throws synchronously is a SinkError too', async () => {
      const f = fakeFactory({ failWrite: { at: 0, error: new TypeError('bad batch'), sync: true } });
      const { outcome, ended } = observe(of(ev(1)).pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "fake" failed: bad batch');
      expect(f.last.closes).to.equal(1);
    });

    it('a write failure ignores a failing close', async () => {
      const f = fakeFactory({ failWrite: { at: 0, error: new Error('nope') }, failClose: new Error('close too') });
      const { outcome, ended } = observe(of(ev(1)).pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "fake" failed: nope');
    });

    it('open failure: SinkError, close still called, nothing written, upstream unsubscribed', async () => {
      const f = fakeFactory({ name: 'kafka:orders', failOpen: new Error('connect ECONNREFUSED 127.0.0.1:9092') });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'kafka:orders' })));
      subject.next(ev(1));
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "kafka:orders" failed: connect ECONNREFUSED 127.0.0.1:9092');
      expect(f.last.batches).to.have.length(0);
      expect(f.last.closes).to.equal(1);
      expect(subject.observed).to.equal(false);
    });

    it('non-Error causes are stringified in the message', async () => {
      const f = fakeFactory({ failOpen: 'timeout' });
      const { outcome, ended } = observe(EMPTY.pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect((outcome.error as SinkError).message).to.equal('sink "fake" failed: timeout');
      expect((outcome.error as SinkError).cause).to.equal('timeout');
    });

    it('a writer factory that throws is a SinkError named after the operator', async () => {
      const sink = toSink(
        (): SinkWriter => {
          throw new Error('no producer');
        },
        { name: 'kafka:x' },
      );
      const { outcome, ended } = observe(of(ev(1)).pipe(sink));
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "kafka:x" failed: no producer');
    });

    it('a failing close at the normal end is a SinkError, after everything was passed on', async () => {
      const f = fakeFactory({ failClose: new Error('flush failed') });
      const { outcome, ended } = observe(of(ev(1)).pipe(toSink(f.create, { name: 'fake' })));
      await ended;
      expect(ids(outcome.values)).to.deep.equal(['e1']);
      expect((outcome.error as Error).message).to.equal('sink "fake" failed: flush failed');
    });
  });

  describe('unsubscription', () => {
    it('unsubscribing while idle closes the writer and writes nothing more', async () => {
      const f = fakeFactory();
      const subject = new Subject<SimEvent>();
      const { subscription } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      await settle();
      subject.next(ev(1)); // a flush is scheduled, not run
      subscription.unsubscribe();
      await settle();
      expect(f.last.batches).to.have.length(0);
      expect(f.last.closes).to.equal(1);
      expect(subject.observed).to.equal(false);
    });

    it('unsubscribing during a write closes after it settles; nothing more is written or passed on', async () => {
      const f = fakeFactory({ write: 'manual' });
      const subject = new Subject<SimEvent>();
      const { outcome, subscription } = observe(subject.pipe(toSink(f.create, { name: 'fake' })));
      await settle();
      subject.next(ev(1));
      await settle();
      subject.next(ev(2)); // buffered behind the in-flight write
      subscription.unsubscribe();
      await settle();
      expect(f.last.closes).to.equal(0); // not while the write is in flight
      f.last.pendingWrites[0].resolve();
      await settle();
      expect(f.last.closes).to.equal(1);
      expect(f.last.batches).to.have.length(1);
      expect(outcome.values).to.deep.equal([]);
      expect(f.last.log).to.deep.equal(['open', 'opened', 'write:1', 'written:1', 'close']);
    });

    it('unsubscribing before open resolves closes once it has', async () => {
      const f = fakeFactory({ manualOpen: true });
      const { subscription } = observe(of(ev(1)).pipe(toSink(f.create, { name: 'fake' })));
      subscription.unsubscribe();
      await settle();
      expect(f.last.closes).to.equal(0);
      f.last.openGate.resolve();
      await settle();
      expect(f.last.closes).to.equal(1);
      expect(f.last.batches).to.have.length(0);
    });

    it('a downstream take(n) stops the sink and closes it', async () => {
      const f = fakeFactory({ write: { delayMs: 1 } });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(f.create, { name: 'fake', maxBatch: 2 }), take(3)));
      await settle();
      for (const e of events(10)) subject.next(e);
      await ended;
      await settle();
      expect(ids(outcome.values)).to.deep.equal(['e0', 'e1', 'e2']);
      expect(f.last.batches.map((b) => b.length)).to.deep.equal([2, 2]);
      expect(f.last.closes).to.equal(1);
      expect(subject.observed).to.equal(false);
    });
  });

  describe('stats and backpressure', () => {
    it('counts accepted events and batches over all subscriptions', async () => {
      const f = fakeFactory();
      const sink = toSink(f.create, { name: 'fake', maxBatch: 4 });
      await observe(from(events(10)).pipe(sink)).ended;
      expect(sink.stats.accepted).to.equal(10);
      expect(sink.stats.batches).to.equal(3);
      await observe(from(events(3)).pipe(sink)).ended;
      expect(sink.stats.accepted).to.equal(13);
      expect(sink.stats.batches).to.equal(4);
    });

    it('does not count a failed batch as accepted', async () => {
      const f = fakeFactory({ failWrite: { at: 1, error: new Error('x') } });
      const sink = toSink(f.create, { name: 'fake', maxBatch: 2 });
      await observe(from(events(5)).pipe(sink)).ended;
      expect(sink.stats).to.include({ accepted: 2, batches: 1 });
    });

    it('past maxBuffered it reports an overflow and still accepts everything', async () => {
      const f = fakeFactory();
      const sink = toSink(f.create, { name: 'fake', maxBatch: 10, maxBuffered: 20 });
      const { outcome, ended } = observe(from(events(55)).pipe(sink));
      await ended;
      expect(outcome.values).to.have.length(55);
      expect(sink.stats.overflows).to.equal(1);
      expect(sink.stats.peakBuffered).to.equal(55);
    });

    it('reports no overflow while the buffer stays under maxBuffered', async () => {
      const f = fakeFactory();
      const sink = toSink(f.create, { name: 'fake', maxBuffered: 100 });
      await observe(from(events(100)).pipe(sink)).ended;
      expect(sink.stats.overflows).to.equal(0);
      expect(sink.stats.peakBuffered).to.equal(100);
    });
  });

  describe('composition', () => {
    it('two sinks composed both receive everything in order; the second only what the first accepted', async () => {
      const a = fakeFactory({ name: 'a', write: { delayMs: 1 } });
      const b = fakeFactory({ name: 'b' });
      const seenByA = new Set<string>();
      let violations = 0;
      const checkedB = (): SinkWriter => {
        const w = b.create();
        const write = w.write.bind(w);
        w.write = (batch) => {
          for (const e of a.last.batches.flat()) seenByA.add(e.event_id);
          for (const e of batch) if (!seenByA.has(e.event_id)) violations++;
          return write(batch);
        };
        return w;
      };
      const input = events(2345);
      const { outcome, ended } = observe(from(input).pipe(toSink(a.create, { name: 'a', maxBatch: 500 }), toSink(checkedB, { name: 'b', maxBatch: 300 })));
      await ended;
      expect(ids(a.last.written)).to.deep.equal(ids(input));
      expect(ids(b.last.written)).to.deep.equal(ids(input));
      expect(ids(outcome.values)).to.deep.equal(ids(input));
      expect(violations).to.equal(0);
      expect(a.last.closes).to.equal(1);
      expect(b.last.closes).to.equal(1);
      expect(outcome.completed).to.equal(true);
    });

    it('the second sink failing stops the first through unsubscription', async () => {
      const a = fakeFactory({ name: 'a' });
      const b = fakeFactory({ name: 'b', failWrite: { at: 0, error: new Error('b broke') } });
      const subject = new Subject<SimEvent>();
      const { outcome, ended } = observe(subject.pipe(toSink(a.create, { name: 'a' }), toSink(b.create, { name: 'b' })));
      await settle();
      subject.next(ev(1));
      await ended;
      expect((outcome.error as Error).message).to.equal('sink "b" failed: b broke');
      await settle();
      expect(a.last.closes).to.equal(1);
      expect(subject.observed).to.equal(false);
    });
  });
});
