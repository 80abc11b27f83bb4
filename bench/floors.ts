/**
 * Floors: the least work any engine has to do for the concurrency and entity sweeps, written as
 * bare loops without deep-faker, so the sweeps' ratios can be read against what this machine
 * allows.
 *
 * - **Sessions** (`sessionsFloor`): N sessions, each a generator of three steps with a 1–60 s
 *   wait between them (the concurrency section's flow), resumed in time order by a bare binary
 *   heap of (time, sequence); every step allocates an event. A finished session is replaced by a
 *   new one. No scheduler actions, RxJS, entities, payload generation or checks.
 * - **Entities** (`entitiesFloor`): N accounts `{ key, state: { active, balance } }`; every event
 *   picks one at random, locks it, replaces its state by a new object (as the store does, states
 *   being immutable), allocates an event naming its key and unlocks it. No indexes, sessions or
 *   scheduler.
 *
 * Both draw from the project's seeded `Rng`, so every run does the same work. What grows with N
 * here is only where the data lies: N objects touched in an order the CPU cannot predict no
 * longer fit its caches (and their pages its TLB), and objects that outlive a scavenge are copied
 * and promoted. A ratio of an engine sweep close to its floor's ratio means the engine adds
 * little that grows with N.
 */
import { Rng } from '../lib/core/rng';
import type { BenchCase, CaseResult } from './measure';
import { ENGINE_CHUNK, between, furthestRatio, instant, int, ratiosTo, sampleRss } from './measure';

/**
 * Lets the event loop turn, as `runEngine` does between chunks of events: node reports GC pauses
 * to the observer only then, and the RSS sampler's timer fires only then.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What one floor case measured, before RSS figures are added. */
interface FloorRun {
  readonly events: number;
  readonly checksum: number;
  readonly span: ReturnType<typeof between>;
}

interface FloorSession {
  readonly id: string;
  readonly steps: Generator<number, void, void>;
}

/** A session's flow: step 1, wait, step 2, wait, step 3 (each yield is the wait in ms after a step). */
function* threeSteps(rng: Rng, out: { step: number }): Generator<number, void, void> {
  out.step = 1;
  yield rng.int(1, 60) * 1000;
  out.step = 2;
  yield rng.int(1, 60) * 1000;
  out.step = 3;
}

/** `events` steps of `nFlows` concurrent generator sessions in time order. */
export const sessionsFloor = async (nFlows: number, events: number, seed = 7): Promise<FloorRun> => {
  const rng = new Rng(seed);
  const times = new Float64Array(nFlows);
  const seqs = new Float64Array(nFlows);
  const items: Array<FloorSession | undefined> = new Array(nFlows);
  const out = { step: 0 };
  let count = 0;
  let sequence = 0;
  const push = (time: number, item: FloorSession): void => {
    let i = count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] <= time) break;
      times[i] = times[p];
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = sequence++;
    items[i] = item;
  };
  const pop = (): FloorSession => {
    const top = items[0] as FloorSession;
    const n = --count;
    const time = times[n];
    const seq = seqs[n];
    const item = items[n];
    items[n] = undefined;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (times[c + 1] < times[c] || (times[c + 1] === times[c] && seqs[c + 1] < seqs[c]))) c++;
      if (time < times[c] || (time === times[c] && seq < seqs[c])) break;
      times[i] = times[c];
      seqs[i] = seqs[c];
      items[i] = items[c];
      i = c;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return top;
  };
  const session = (): FloorSession => ({ id: rng.uuid(), steps: threeSteps(rng, out) });

  const t0 = instant();
  for (let i = 0; i < nFlows; i++) push(0, session());
  let checksum = 0;
  let emitted = 0;
  while (emitted < events) {
    if (emitted % ENGINE_CHUNK === 0) await turn();
    const now = times[0];
    const s = pop();
    const step = s.steps.next();
    const e = { session_id: s.id, step: out.step, timestamp: now };
    checksum = (checksum + e.step + e.session_id.length) % 1_000_003;
    emitted++;
    if (step.done === true) push(now + 1000, session());
    else push(now + step.value, s);
  }
  return { events: emitted, checksum, span: between(t0, instant()) };
};

interface FloorAccount {
  readonly key: string;
  state: { readonly active: boolean; readonly balance: number };
  heldBy: string | null;
}

/** `events` updates of random accounts among `accounts`; the accounts are created before timing. */
export const entitiesFloor = async (accounts: number, events: number, seed = 11): Promise<FloorRun> => {
  const rng = new Rng(seed);
  const all: FloorAccount[] = [];
  for (let i = 0; i < accounts; i++) all.push({ key: rng.uuid(), state: { active: true, balance: rng.int(0, 1000) }, heldBy: null });
  const t0 = instant();
  let checksum = 0;
  for (let i = 0; i < events; i++) {
    if (i % ENGINE_CHUNK === 0) await turn();
    const a = all[Math.floor(rng.next() * accounts)];
    a.heldBy = 'session';
    const amount = rng.int(1, 500);
    a.state = { active: a.state.active, balance: a.state.balance + amount };
    const e = { account_id: a.key, amount, timestamp: i };
    checksum = (checksum + e.amount + e.account_id.length) % 1_000_003;
    a.heldBy = null;
  }
  return { events, checksum, span: between(t0, instant()) };
};

/** A floor as a bench case (its own process, RSS sampled like the engine cases). */
export const floorCase = (name: string, run: () => Promise<FloorRun>, extra: Record<string, number>): BenchCase => ({
  name,
  run: async (): Promise<CaseResult> => {
    const rss = sampleRss(100);
    const r = await run();
    return { name, events: r.events, ...r.span, ...rss.stop(), extra: { ...extra, floor: 1, checksum: r.checksum } };
  },
});

/** Case name of a floor, e.g. "floor, nFlows 1 000". */
export const floorName = (what: string, n: number): string => `floor, ${what} ${int(n)}`;

/** One row of a sweep with its floor: a case and its ratio to its own baseline. */
export interface SweepRow {
  readonly result: CaseResult;
  readonly ratio: number;
}

/**
 * A sweep's target in µs per event rather than as a ratio. "Within `tolerance` of the base"
 * allows the far end of the sweep `1 / (1 - tolerance) - 1` times the engine's cost per event at
 * the base (a quarter of it for 20%) on top; the floor shows what the machine alone adds there
 * for the least work of the sweep. When the floor adds more than the budget, no implementation
 * that does that work can meet the target here, whatever it does besides.
 */
export interface SweepCosts {
  /** The base case's name (e.g. "nFlows 10"). */
  readonly base: string;
  /** The case where the costs are read, the sweep's largest point (e.g. "nFlows 100 000"). */
  readonly far: string;
  /** The target's tolerance (0.2 for 20%). */
  readonly tolerance: number;
  /** Engine µs per event at the base. */
  readonly baseUs: number;
  /** The most µs per event the target lets the far end add to `baseUs`. */
  readonly budgetUs: number;
  /** What the engine adds at `far`, µs per event. */
  readonly engineUs: number;
  /** What the floor adds at `far`'s point over its own base, µs per event (when both floor cases ran). */
  readonly floorUs: number | undefined;
}

/** A sweep's rows (engine cases, then floor cases) and how far each side strays from 1. */
export interface Sweep {
  readonly rows: ReadonlyArray<SweepRow>;
  /** Furthest ratio of the engine cases. */
  readonly worst: number;
  /** Furthest ratio of the floor cases, when all `size` ran. */
  readonly floorWorst: number | undefined;
  /** Whether all `size` engine cases ran. */
  readonly complete: boolean;
  /** The target in µs per event at the largest point, when its engine cases ran. */
  readonly costs: SweepCosts | undefined;
}

const usPerEvent = (r: CaseResult): number => (r.seconds / r.events) * 1e6;

/**
 * Splits a section's results into engine and floor cases (`extra.floor`), each with ratios to
 * the case of its own kind that `isBase` picks; `size` is the number of points of the sweep,
 * `point` reads a case's point (e.g. its nFlows) and `tolerance` is the target's (0.2 for 20%).
 */
export const sweep = (
  all: ReadonlyArray<CaseResult>,
  isBase: (r: CaseResult) => boolean,
  size: number,
  point: (r: CaseResult) => number,
  tolerance: number,
): Sweep => {
  const results = all.filter((r) => r.extra.floor === undefined);
  const floors = all.filter((r) => r.extra.floor !== undefined);
  const ratios = ratiosTo(results, isBase);
  const floorRatios = ratiosTo(floors, isBase);
  return {
    rows: [...results.map((result, i) => ({ result, ratio: ratios[i] })), ...floors.map((result, i) => ({ result, ratio: floorRatios[i] }))],
    worst: furthestRatio(ratios),
    floorWorst: floors.length === size ? furthestRatio(floorRatios) : undefined,
    complete: results.length === size,
    costs: sweepCosts(results, floors, isBase, point, tolerance),
  };
};

const sweepCosts = (
  results: ReadonlyArray<CaseResult>,
  floors: ReadonlyArray<CaseResult>,
  isBase: (r: CaseResult) => boolean,
  point: (r: CaseResult) => number,
  tolerance: number,
): SweepCosts | undefined => {
  const base = results.find(isBase);
  if (base === undefined || results.length < 2) return undefined;
  const at = Math.max(...results.map(point));
  const far = results.find((r) => point(r) === at) as CaseResult;
  const floorBase = floors.find(isBase);
  const floorFar = floors.find((r) => point(r) === at);
  const baseUs = usPerEvent(base);
  return {
    base: base.name,
    far: far.name,
    tolerance,
    baseUs,
    budgetUs: baseUs * (1 / (1 - tolerance) - 1),
    engineUs: usPerEvent(far) - baseUs,
    floorUs: floorBase === undefined || floorFar === undefined ? undefined : usPerEvent(floorFar) - usPerEvent(floorBase),
  };
};

/**
 * The note that reads a sweep's target in µs per event, e.g. "per event: 1.06 µs at nFlows 10;
 * within 20% lets nFlows 100 000 add at most 0.26 µs; the engine adds 1.82 µs there, its floor
 * alone 0.67 µs: more than the target allows any implementation that does the floor's work on
 * this machine."
 */
export const costsNote = (c: SweepCosts): string => {
  const us = (x: number): string => `${x.toFixed(2)} µs`;
  const floor =
    c.floorUs === undefined
      ? ''
      : `, its floor alone ${us(c.floorUs)}${c.floorUs > c.budgetUs ? ": more than the target allows any implementation that does the floor's work on this machine" : ''}`;
  return `per event: ${us(c.baseUs)} at ${c.base}; within ${c.tolerance * 100}% lets ${c.far} add at most ${us(c.budgetUs)}; the engine adds ${us(c.engineUs)} there${floor}.`;
};
