// runSimulation / simulate on the real event loop, with real files. These specs assert behaviour
// only — counts, bytes, orders, bounds on events in flight, and lower bounds on wall time when
// paced — never speed.

import { expect } from 'chai';
import { readJsonl, tmpFiles } from '../helpers/jsonlFiles';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { EMPTY, Subject, lastValueFrom, of, toArray } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import type { SimEvent } from '../../lib/core/simEvent';
import { eventTime } from '../../lib/core/simEvent';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import { SettingsError } from '../../lib/engine/model';
import { FlowError, simulateOn } from '../../lib/engine/simulateOn';
import { RunError, runSimulation } from '../../lib/runtime/runSimulation';
import { simulate } from '../../lib/runtime/simulate';
import type { RunSummary } from '../../lib/runtime/runSimulation';
import type { SinkWriter } from '../../lib/sinks/sink';
import { SinkError, toSink } from '../../lib/sinks/sink';
import { toFile } from '../../lib/sinks/toFile';
import { entity, event, field, newEvent, simulation, wait } from '../../lib';
import ecommerce from '../../scenarios/ecommerce';

const START = '2025-01-01T00:00:00.000Z';
const T0 = Date.parse(START);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (real I/O settles when the machine gets to it). */
const waitFor = async (check: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(2);
  }
};

// --- helpers -----------------------------------------------------------------------------------

const tmp = tmpFiles('deep-faker-run-');

const countBy = (rows: ReadonlyArray<Record<string, unknown>>, key: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r[key])] = (out[String(r[key])] ?? 0) + 1;
  return out;
};

/** The e-commerce scenario at a fixed instant (it says `startTime: 'now'`), with settings overridden. */
const shop = (settings: Partial<SimulationSettings>): SimulationModel => ({
  entities: ecommerce.entities,
  flows: ecommerce.flows,
  settings: { ...ecommerce.settings, startTime: START, ...settings },
});

/** A writer that records what it accepted, optionally slow (a timer per batch) or failing. */
const recordingWriter = (name: string, opts: { delayMs?: number; failAt?: number } = {}) => {
  const accepted: SimEvent[] = [];
  const batches: number[] = [];
  let calls = 0;
  const create = (): SinkWriter => ({
    name,
    open: async () => undefined,
    close: async () => undefined,
    write: async (batch) => {
      const index = calls++;
      if (opts.delayMs !== undefined) await sleep(opts.delayMs);
      if (opts.failAt === index) throw new Error('disk on fire');
      batches.push(batch.length);
      accepted.push(...batch);
    },
  });
  return { create, accepted, batches };
};

// A small model: one event per scheduler action (one newEvent, then a wait), so the engine's
// output is easy to bound and to pace.
const Tick = event('Tick', { n: field.int(), word: field.string({ faker: 'word' }) });

const ticker = (settings: Partial<SimulationSettings> = {}, every = 1_000) => {
  const sim = simulation({ startTime: START, seed: 7, nFlows: 5, duration: '1h', ...settings });
  sim.flow({ name: 'ticker', weight: 1 }, function* () {
    for (let n = 0; ; n++) {
      yield newEvent(Tick, { overrides: { n } });
      yield wait({ ms: every });
    }
  });
  return sim;
};

// --- specs -------------------------------------------------------------------------------------

describe('runSimulation', () => {
  describe('summary', () => {
    let summary: RunSummary;
    let rows: Array<Record<string, unknown>>;
    before(async () => {
      const file = tmp.file();
      summary = await runSimulation(shop({ seed: 11, duration: '10m' }), { outputs: [toFile(file)] });
      rows = readJsonl(file);
    });

    it('counts exactly what is in the file', () => {
      expect(rows.length).to.be.greaterThan(300); // 250 initial entities and then some
      expect(summary.events).to.equal(rows.length);
      expect(summary.eventsByType).to.deep.equal(countBy(rows, 'event_type'));
      expect(summary.outputs).to.have.length(1);
      expect(summary.outputs[0].accepted).to.equal(rows.length);
      expect(summary.seed).to.equal(11);
    });

    it('counts sessions consistently with the flows seen in the file', () => {
      const s = summary.sessions;
      expect(s.completed + s.dropped + s.unmatched + s.truncated).to.equal(s.started);
      // every session that emitted something is in the file under its own session_id
      const sessions = new Set(rows.filter((r) => r.flow !== 'initial_entities').map((r) => r.session_id));
      expect(sessions.size).to.be.at.most(s.started);
      expect(sessions.size).to.be.greaterThan(0);
      expect(s.truncated).to.be.at.most(ecommerce.settings.nFlows!);
    });

    it('spans the virtual start and duration; every timestamp lies within', () => {
      expect(summary.virtualStart).to.equal(START);
      expect(summary.virtualEnd).to.equal(new Date(T0 + 10 * 60_000).toISOString());
      for (const r of rows) {
        const t = Date.parse(String(r.timestamp));
        expect(t).to.be.at.least(T0);
        expect(t).to.be.below(T0 + 10 * 60_000);
      }
    });

    it('ends virtual time at the last event when totalEvents comes first', async () => {
      const file = tmp.file();
      const s = await runSimulation(shop({ seed: 11, duration: '10m', totalEvents: 300 }), { outputs: [toFile(file)] });
      const got = readJsonl(file);
      expect(s.events).to.equal(300);
      expect(got).to.have.length(300);
      expect(s.virtualEnd).to.equal(got[got.length - 1].timestamp);
    });

    it('counts per run when an output operator is reused (accepted is not cumulative)', async () => {
      const file = tmp.file();
      const out = toFile(file);
      await runSimulation(ticker({ totalEvents: 20 }), { outputs: [out] });
      const second = await runSimulation(ticker({ totalEvents: 30 }), { outputs: [out] });
      expect(second.outputs[0].accepted).to.equal(30);
      expect(out.stats.accepted).to.equal(50);
      expect(readJsonl(file)).to.have.length(30); // truncated on open
    });
  });

  describe('determinism', () => {
    const run = async (seed: number, extra: ReadonlyArray<ReturnType<typeof toSink>> = []): Promise<Buffer> => {
      const file = tmp.file();
      await runSimulation(shop({ seed, duration: '20m' }), { outputs: [...extra, toFile(file)] });
      return fs.readFileSync(file);
    };

    it('same seed and start: byte-identical files; another seed: different', async () => {
      const a = await run(5);
      const b = await run(5);
      const c = await run(6);
      expect(a.length).to.be.greaterThan(10_000);
      expect(a.equals(b)).to.equal(true);
      expect(a.equals(c)).to.equal(false);
    });

    it('does not depend on the speed of the sinks', async () => {
      const fast = await run(5);
      const slow = recordingWriter('slow', { delayMs: 1 });
      const slowed = await run(5, [toSink(slow.create, { name: 'slow', maxBatch: 50 })]);
      expect(slow.batches.length).to.be.greaterThan(10); // it really was in the pipe, batch by batch
      expect(slowed.equals(fast)).to.equal(true);
    });

    it('simulate() on the event loop emits what simulateOn emits on a HeapScheduler', async () => {
      const model = shop({ seed: 9, duration: '15m' });
      const driven = await lastValueFrom(simulate(model).pipe(toArray()));
      const scheduler = new HeapScheduler();
      const stepped: SimEvent[] = [];
      let completed = false;
      simulateOn(model, { scheduler }).subscribe({ next: (e) => stepped.push(e), complete: () => (completed = true) });
      scheduler.flush();
      expect(completed).to.equal(true);
      expect(driven.length).to.be.greaterThan(300);
      expect(JSON.stringify(driven)).to.equal(JSON.stringify(stepped));
      expect(driven.map(eventTime)).to.deep.equal(stepped.map(eventTime));
    });
  });

  describe('backpressure', () => {
    it('keeps events in flight at or below the high-water mark behind a slow sink, and delivers all', async () => {
      // Each scheduler action of `ticker` emits one event, and the driver checks the backpressure
      // before every action, so no slack is needed: in flight <= highWaterMark. (An action that
      // emits k events may overshoot by k - 1.)
      const highWaterMark = 100;
      const slow = recordingWriter('slow', { delayMs: 2 });
      let acked = 0;
      let maxInFlight = 0;
      const summary = await runSimulation(ticker({ duration: '10m' }), {
        outputs: [toSink(slow.create, { name: 'slow', maxBatch: 10 })],
        highWaterMark,
        onProgress: (stats) => {
          acked++;
          // `stats.events` = emitted by the engine so far; `acked` = passed out of the last sink
          maxInFlight = Math.max(maxInFlight, stats.events - acked + 1); // + 1: this event was in flight until now
        },
      });
      expect(summary.events).to.equal(5 * 600); // 5 tickers, one event a second for 10 minutes
      expect(slow.accepted).to.have.length(summary.events);
      expect(acked).to.equal(summary.events);
      expect(slow.accepted.map((e) => e.event_id)).to.deep.equal([...new Set(slow.accepted.map((e) => e.event_id))]);
      expect(maxInFlight).to.be.at.most(highWaterMark);
      // not vacuous: the engine did run ahead of the sink until the mark stopped it
      expect(maxInFlight).to.be.greaterThan(highWaterMark / 2);
      expect(Math.max(...slow.batches)).to.equal(10);
    });
  });

  describe('backpressure at the start', () => {
    it('holds while the initial entities and the first sessions are made: each is a step of its own', async () => {
      // All 500 events share the start instant; were they made in one step, all 500 would be in flight at once.
      const Joined = event('Joined', { member_id: field.string({ faker: 'uuid' }) });
      const Member = entity('Member', { source: Joined, primaryKey: 'member_id', state: {} });
      const sim = simulation({ startTime: START, seed: 3, nFlows: 200, totalEvents: 500, entities: [Member], initialEntities: { Member: 300 } });
      sim.flow({ name: 'visit', weight: 1 }, function* () {
        yield newEvent(Joined);
      });
      const highWaterMark = 50;
      const slow = recordingWriter('slow', { delayMs: 1 });
      let acked = 0;
      let maxInFlight = 0;
      const summary = await runSimulation(sim, {
        outputs: [toSink(slow.create, { name: 'slow', maxBatch: 10 })],
        highWaterMark,
        onProgress: (stats) => {
          acked++;
          maxInFlight = Math.max(maxInFlight, stats.events - acked + 1);
        },
      });
      expect(summary.events).to.equal(500);
      expect(slow.accepted).to.have.length(500);
      expect(maxInFlight).to.be.at.most(highWaterMark);
      expect(slow.batches[0]).to.be.at.most(10);
    });
  });

  describe('delivery (stages between the engine and the outputs)', () => {
    it('duplicates: every copy reaches the outputs, backpressure counts what leaves the stages', async () => {
      const rec = recordingWriter('rec', { delayMs: 1 });
      const summary = await runSimulation(ticker({ duration: '2m' }), {
        outputs: [toSink(rec.create, { name: 'rec', maxBatch: 10 })],
        highWaterMark: 20,
        delivery: { duplicates: { rate: 1, maxDelayEvents: 0 } },
      });
      expect(summary.events).to.equal(5 * 120);
      expect(rec.accepted).to.have.length(2 * summary.events);
      expect(summary.outputs[0].accepted).to.equal(2 * summary.events);
      for (let i = 0; i < rec.accepted.length; i += 2) expect(rec.accepted[i + 1].event_id).to.equal(rec.accepted[i].event_id);
    });

    it('a stage holding far more events than the high-water mark does not stall the run (it would if held events counted as in flight)', async () => {
      // Every event late by up to 3 days in a 10-minute run: the reorder buffer holds nearly every
      // event until the stream completes, 150 times the mark.
      const rec = recordingWriter('rec');
      let acked = 0;
      const summary = await runSimulation(ticker({ duration: '10m' }), {
        outputs: [toSink(rec.create, { name: 'rec', maxBatch: 10 })],
        highWaterMark: 20,
        delivery: { ingest: { lateRate: 1, maxLate: '3d' } },
        onProgress: () => acked++,
      });
      expect(summary.events).to.equal(3000);
      expect(rec.accepted).to.have.length(3000);
      expect(acked).to.equal(3000);
      const ingest = rec.accepted.map((e) => String((e as Record<string, unknown>).ingest_time));
      expect(ingest).to.deep.equal([...ingest].sort());
    });

    it("uses the run's seed unless the settings name one; a model's withDelivery applies in sim.run()", async () => {
      const a = tmp.file();
      const b = tmp.file();
      const c = tmp.file();
      const settings = { ingest: { lateRate: 0.5, maxLate: '2d' }, checksum: true } as const;
      await runSimulation(ticker({ duration: '1m' }), { outputs: [toFile(a)], seed: 3, delivery: settings });
      await ticker({ duration: '1m' })
        .withDelivery(settings)
        .run({ outputs: [toFile(b)], seed: 3 });
      await runSimulation(ticker({ duration: '1m' }), { outputs: [toFile(c)], seed: 3, delivery: { ...settings, seed: 4 } });
      expect(fs.readFileSync(b, 'utf8')).to.equal(fs.readFileSync(a, 'utf8'));
      expect(fs.readFileSync(c, 'utf8')).to.not.equal(fs.readFileSync(a, 'utf8'));
      expect(readJsonl(a).every((r) => typeof r.ingest_time === 'string' && typeof r.checksum === 'string')).to.equal(true);
    });

    it('a failing stage ends the run with a RunError naming it, after flushing what passed', async () => {
      const file = tmp.file();
      let n = 0;
      const failing = runSimulation(ticker({ duration: '1m' }), {
        outputs: [toFile(file)],
        delivery: {
          envelope: (e) => {
            if (++n === 50) throw new Error('no envelope for you');
            return e;
          },
        },
      });
      const err = await failing.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RunError);
      expect((err as RunError).message).to.match(/^delivery envelope failed on a "Tick" event \([0-9a-f-]{36}\): no envelope for you$/);
      expect(readJsonl(file)).to.have.length(49);
    });
  });

  describe('default high-water mark', () => {
    it("is the largest window of the outputs (toFile's is 500)", async () => {
      expect(toFile(tmp.file()).window).to.equal(500);
      const a = recordingWriter('a', { delayMs: 2 });
      const b = recordingWriter('b', { delayMs: 1 });
      let acked = 0;
      let maxInFlight = 0;
      const summary = await runSimulation(ticker({ duration: '5m' }), {
        outputs: [toSink(a.create, { name: 'a', maxBatch: 10, window: 30 }), toSink(b.create, { name: 'b', maxBatch: 10, window: 60 })],
        onProgress: (stats) => {
          acked++;
          maxInFlight = Math.max(maxInFlight, stats.events - acked + 1);
        },
      });
      expect(b.accepted).to.have.length(summary.events);
      expect(maxInFlight).to.be.at.most(60);
      expect(maxInFlight).to.be.greaterThan(30);
      expect(() => toSink(a.create, { name: 'x', window: 0 })).to.throw(RangeError, 'window must be a positive integer');
    });
  });

  describe('stop', () => {
    it('stops generation early; resolves once the file holds every generated event, complete', async () => {
      const file = tmp.file();
      const stop = new Subject<void>();
      let acked = 0;
      const summary = await runSimulation(ticker({ duration: '365d' }), {
        outputs: [toFile(file, { maxBatch: 7 })],
        stop,
        onProgress: () => {
          if (++acked === 500) stop.next();
        },
      });
      const rows = readJsonl(file);
      expect(summary.events).to.be.at.least(500);
      expect(summary.events).to.be.below(5 * 365 * 86_400); // it did stop early
      expect(rows).to.have.length(summary.events);
      expect(summary.outputs[0].accepted).to.equal(summary.events);
      expect(acked).to.equal(summary.events);
      expect(Date.parse(summary.virtualEnd)).to.equal(Date.parse(String(rows[rows.length - 1].timestamp)));
    });

    it('a stop signal that has already fired or completed stops the run at once', async () => {
      // `runSimulation` subscribes to `stop` before it starts: a synchronous stop must not be lost.
      for (const stop of [of(true), EMPTY]) {
        const s = await runSimulation(ticker({ duration: '365d' }), { outputs: [toFile(tmp.file())], stop });
        expect(s.events).to.equal(0);
      }
    });
  });

  describe('failures', () => {
    it('a failing sink: RunError naming it, what it acknowledged, and the sink before it flushed', async () => {
      const file = tmp.file();
      const flaky = recordingWriter('flaky', { failAt: 2, delayMs: 1 });
      const before = toFile(file);
      const err = await runSimulation(ticker({ duration: '1h' }), {
        outputs: [before, toSink(flaky.create, { name: 'flaky', maxBatch: 10 })],
      }).then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RunError);
      const runError = err as RunError;
      expect(runError.message).to.equal('sink "flaky" failed: disk on fire');
      expect(runError.cause).to.be.instanceOf(SinkError);
      expect((runError.cause as SinkError).sink).to.equal('flaky');
      const { summary } = runError;
      expect(flaky.batches).to.have.length(2);
      expect(summary.outputs.map((o) => o.name)).to.deep.equal([`file:${file}`, 'flaky']);
      expect(summary.outputs[1].accepted).to.equal(flaky.accepted.length);
      expect(summary.outputs[1].accepted).to.equal(flaky.batches[0] + flaky.batches[1]);
      // The file sink passed on only what it had written, so the failing sink saw a prefix of the file.
      // The file sink is torn down by the failure (unsubscribed), and a write it had in flight then
      // still lands: `runSimulation` rejects without waiting for it, so the summary may undercount
      // that sink by one batch (toFile's maxBatch, 1000) — see the report. Once it has settled, the
      // file holds exactly what the sink acknowledged, every line complete.
      await waitFor(() => {
        try {
          return readJsonl(file).length === before.stats.accepted;
        } catch {
          return false; // a batch is being written right now
        }
      });
      const rows = readJsonl(file);
      expect(summary.outputs[0].accepted).to.be.at.most(rows.length);
      expect(rows.length - summary.outputs[0].accepted).to.be.at.most(1000);
      expect(rows.length).to.be.at.least(flaky.accepted.length + 10);
      expect(rows.slice(0, flaky.accepted.length).map((r) => r.event_id)).to.deep.equal(flaky.accepted.map((e) => e.event_id));
      expect(summary.events).to.be.at.least(summary.outputs[0].accepted);
      expect(summary.events).to.be.below(5 * 3600); // generation stopped
    });

    it('a flow that throws: RunError with the FlowError (flow, session); what was generated is flushed', async () => {
      const sim = simulation({ startTime: START, seed: 3, nFlows: 1, duration: '1h' });
      sim.flow({ name: 'checkout', weight: 1 }, function* () {
        for (let n = 0; n < 10; n++) {
          yield newEvent(Tick, { overrides: { n } });
          yield wait({ seconds: 1 });
        }
        throw new Error('payment gateway is down');
      });
      const file = tmp.file();
      const err = await runSimulation(sim, { outputs: [toFile(file)] }).then(
        () => expect.fail('resolved'),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RunError);
      const { cause, summary, message } = err as RunError;
      expect(cause).to.be.instanceOf(FlowError);
      const flowError = cause as FlowError;
      expect(flowError.flow).to.equal('checkout');
      expect(message).to.equal(flowError.message);
      expect(message).to.match(/^flow "checkout" \(session [0-9a-f]{8}\) failed: payment gateway is down$/);
      const rows = readJsonl(file);
      expect(rows).to.have.length(10);
      expect(message).to.contain(String(rows[0].session_id).slice(0, 8));
      expect(summary.events).to.equal(10);
      expect(summary.outputs[0].accepted).to.equal(10);
    });
  });

  describe('pacing', () => {
    it('never delivers an event before its virtual offset / timeMultiplier of wall time', async () => {
      // 200 virtual seconds at 1000x: at least ~200 ms of wall time. Only lower bounds are checked.
      const multiplier = 1_000;
      const seen: Array<{ offset: number; wall: number }> = [];
      const t0 = performance.now();
      const summary = await runSimulation(ticker({ duration: '200s', nFlows: 1 }, 10_000), {
        timeMultiplier: multiplier,
        outputs: [
          toSink(
            () => ({
              name: 'clock',
              open: async () => undefined,
              close: async () => undefined,
              write: async (batch) => {
                const wall = performance.now() - t0;
                for (const e of batch) seen.push({ offset: eventTime(e) - T0, wall });
              },
            }),
            { name: 'clock' },
          ),
        ],
      });
      expect(summary.events).to.equal(20);
      expect(seen.map((s) => s.offset)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i * 10_000));
      for (const s of seen) expect(s.wall, `event at +${s.offset} ms virtual`).to.be.at.least(s.offset / multiplier - 5);
      expect(seen[19].wall).to.be.at.least(190 - 5);
    });

    it('by rate: the same bytes as an unpaced run, and N events at rate R take at least (N − 2 × capacity) / R', async () => {
      // 1 500 events of the shop at 2 000/s (the bucket holds 100): at least 0.65 s. The model's own
      // timeMultiplier (1: an hour of real time) is ignored under a rate. Only lower bounds.
      const [unpacedFile, pacedFile] = [tmp.file(), tmp.file()];
      const model = shop({ seed: 5, duration: '1h', totalEvents: 1_500, timeMultiplier: 1 });
      const unpaced = await runSimulation(model, { outputs: [toFile(unpacedFile)], timeMultiplier: Infinity });
      const t0 = performance.now();
      const paced = await runSimulation(model, { outputs: [toFile(pacedFile)], rate: 2_000 });
      expect(performance.now() - t0).to.be.at.least(((1_500 - 2 * 100) / 2_000) * 1000);
      expect(paced.events).to.equal(1_500);
      expect(unpaced.events).to.equal(1_500);
      expect(fs.readFileSync(pacedFile).equals(fs.readFileSync(unpacedFile))).to.equal(true);
      expect(paced.virtualEnd).to.equal(unpaced.virtualEnd);
    });

    it('by rate and by timeMultiplier at once: the run fails with a SettingsError, nothing generated', async () => {
      const err = await runSimulation(ticker(), { rate: 100, timeMultiplier: 60 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RunError);
      expect((err as RunError).cause).to.be.instanceOf(SettingsError);
      expect((err as RunError).message).to.equal('rate: a run is paced by rate or by timeMultiplier, not both');
      expect((err as RunError).summary.events).to.equal(0);
    });

    it('paces from the model settings too, with the same events as an unpaced run', async () => {
      const t0 = performance.now();
      const paced = await lastValueFrom(simulate(ticker({ duration: '30s', timeMultiplier: 500 })).pipe(toArray()));
      expect(performance.now() - t0).to.be.at.least(29_000 / 500 - 5); // the last ticks are at +29 s virtual
      const unpaced = await lastValueFrom(simulate(ticker({ duration: '30s' })).pipe(toArray()));
      expect(JSON.stringify(paced)).to.equal(JSON.stringify(unpaced));
      expect(paced).to.have.length(5 * 30);
    });
  });
});
