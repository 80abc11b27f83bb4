/**
 * Section "concurrency": does the engine slow down as more sessions run at once?
 *
 * A synthetic model where concurrency is the only variable: one flow, no entities and no filters,
 * three events with a random 1–60 s `wait` between them. The same number of events (500 000)
 * runs at nFlows 10, 1 000, 10 000 and 100 000, engine only (`simulateOn` on a `HeapScheduler`).
 * At 100 000 the scheduler holds ~100 000 pending actions; the target is within 20% of nFlows 10.
 * The same sweep of the bare loop of bench/floors.ts (generators resumed in time order by a bare
 * heap, nothing else) shows how much of the slowdown is the machine's rather than the engine's.
 */
import { simulation } from '../lib/simulation';
import { event } from '../lib/schema/event';
import { field } from '../lib/schema/field';
import { newEvent, wait } from '../lib/flows/actions';
import type { SimulationModel } from '../lib/engine/model';
import { costsNote, floorCase, floorName, sessionsFloor, sweep } from './floors';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, fixed, int, markdownTable, runEngine, sampleRss, scaled, timingCells } from './measure';

const Step = event('Step', {
  step: field.int(),
  value: field.int({ faker: 'random_int', min: 1, max: 1000 }),
});

/** One flow: event, wait 1–60 s, event, wait 1–60 s, event. */
export const threeStepModel = (nFlows: number, events: number): SimulationModel => {
  const sim = simulation({ nFlows, totalEvents: events, duration: '3650d', startTime: '2025-01-01T00:00:00Z', seed: 7 });
  sim.flow({ name: 'three_steps', weight: 1 }, function* () {
    yield newEvent(Step, { overrides: { step: 1 } });
    yield wait({ seconds: { min: 1, max: 60 } });
    yield newEvent(Step, { overrides: { step: 2 } });
    yield wait({ seconds: { min: 1, max: 60 } });
    yield newEvent(Step, { overrides: { step: 3 } });
  });
  return sim;
};

const FLOWS = [10, 1_000, 10_000, 100_000];
const TOLERANCE = 0.2;

const flowsCase = (nFlows: number, events: number): BenchCase => ({
  name: `nFlows ${int(nFlows)}`,
  run: async (): Promise<CaseResult> => {
    const rss = sampleRss(100);
    const r = await runEngine(threeStepModel(nFlows, events));
    return { name: `nFlows ${int(nFlows)}`, events: r.events, ...r.total, ...rss.stop(), extra: { nFlows } };
  },
});

export const concurrency: Section = {
  name: 'concurrency',
  title: 'Concurrency scaling: one 3-event flow with 1–60 s waits, engine only',
  optIn: false,
  cases: (scale) => [
    ...FLOWS.map((n) => flowsCase(n, scaled(500_000, scale))),
    // Five times the events: the floor is that much faster, and needs as long a run to time.
    ...FLOWS.map((n) => floorCase(floorName('nFlows', n), () => sessionsFloor(n, scaled(2_500_000, scale)), { nFlows: n })),
  ],
  report: (all) => {
    const { rows, worst, floorWorst, complete, costs } = sweep(
      all,
      (r) => r.extra.nFlows === FLOWS[0],
      FLOWS.length,
      (r) => Number(r.extra.nFlows),
      TOLERANCE,
    );
    const table = markdownTable(
      ['case', 'events', ...TIMING_HEADER, 'ratio', 'peak RSS MB'],
      rows.map(({ result: r, ratio }) => [r.name, int(r.events), ...timingCells(r), fixed(ratio, 2), fixed(r.rssPeakMb, 0)]),
    );
    const results = rows.map((row) => row.result).filter((r) => r.extra.floor === undefined);
    return {
      table,
      notes: [
        `ratio: events/s relative to nFlows ${FLOWS[0]} (floors: to the floor at nFlows ${FLOWS[0]}).`,
        'floor: the same sweep of a bare loop (bench/floors.ts): generator sessions resumed in time order by a bare binary heap, an event object per step, nothing else.',
        ...results
          .filter((r) => r.events < 3 * Number(r.extra.nFlows))
          .map((r) => `${r.name}: fewer events than 3 per slot, so this case measures mostly the start-up burst (use the default size).`),
        ...(costs === undefined ? [] : [costsNote(costs)]),
      ],
      verdicts: [
        {
          target: `concurrency sweep (nFlows ${FLOWS.map(int).join(' / ')}) within ${TOLERANCE * 100}% of nFlows ${FLOWS[0]}`,
          // A sweep with a failed case proves nothing.
          measured: complete
            ? `furthest ratio ${fixed(worst, 2)}${floorWorst === undefined ? '' : ` (its floor: ${fixed(floorWorst, 2)})`}`
            : `only ${results.length} of ${FLOWS.length} cases ran`,
          met: complete && Math.abs(1 - worst) <= TOLERANCE,
        },
      ],
    };
  },
};
