/**
 * The simulation model: plain data that every front end (builder API, YAML, stories, the orders
 * preset) compiles to, and the only thing the engine reads.
 *
 * @example
 * const model: SimulationModel = {
 *   settings: { duration: '2m', startTime: '2025-01-01T00:00:00Z', nFlows: 3, seed: 42, initialEntities: { User: 10 } },
 *   entities: [User],
 *   flows: [defineFlow({ name: 'signup', weight: 3 }, signup)],
 * };
 */
import type { DurationInput } from '../core/duration';
import { parseDuration } from '../core/duration';
import type { EntityType } from '../entities/entity';
import type { HistoryMode } from '../entities/entityStore';
import { historyKeep } from '../entities/history';
import type { FlowDef } from '../flows/flow';
import { ModelError } from '../core/errors';
import { checkShard, type Shard, shardSeed, shareOf, WHOLE } from './shard';

/** Simulation settings (the arguments of `simulation(...)`). */
export interface SimulationSettings {
  /**
   * Virtual time span: "30s", "10m", "1h", "3d". No event is stamped at or after start + duration.
   * `"forever"`, like leaving it out, sets no bound: the run goes on until it is stopped, reaches
   * `totalEvents` or ends by itself (it ends at the last date a JavaScript Date holds at the latest).
   */
  readonly duration?: DurationInput | typeof FOREVER;
  /** ISO-8601, epoch ms, or "now" (resolved by the runtime at start). Default "now". */
  readonly startTime?: string | number;
  /** Time resolution: the least time a session slot takes, and the retry delay when no flow can start. Default "1s". */
  readonly timeStep?: DurationInput;
  /** Concurrent sessions (closed system). Default 10. Not with `arrivals`. */
  readonly nFlows?: number;
  /**
   * Open system: sessions arrive on their own clock, however many are already running, instead
   * of filling `nFlows` slots. `{ count, over }`: exactly `count` sessions, their start times
   * uniform over [start, start + over) (sorted; the run ends once all have arrived and ended, or
   * at `duration`). `{ rate, per }`: a Poisson process of `rate` sessions per `per`.
   */
  readonly arrivals?: ArrivalSettings;
  /** Random seed; same seed and model ⇒ byte-identical output. */
  readonly seed?: number;
  /** Entities created at start time, by entity name: `{ User: 100, Product: 20 }`. */
  readonly initialEntities?: Readonly<Record<string, number>>;
  /** Stop after this many events (with duration too, whichever comes first). */
  readonly totalEvents?: number;
  /** Pace virtual time against the wall clock (1 = real time, 60 = a virtual minute per second). Default: as fast as possible. */
  readonly timeMultiplier?: number;
  /**
   * State history: every version ("full", default; enables `store.query`), only current state
   * ("none"), or a window, `{ keep: '1h' }`: versions that ended more than `keep` before the
   * latest change are released, and `store.query` answers every instant from then on.
   */
  readonly history?: HistoryMode;
}

/**
 * How sessions arrive in an open system (see `SimulationSettings.arrivals`).
 *
 * @example
 * const orders: ArrivalSettings = { count: 5000, over: '14d' };
 * const visits: ArrivalSettings = { rate: 120, per: '1h' };
 */
export type ArrivalSettings = { readonly count: number; readonly over: DurationInput } | { readonly rate: number; readonly per: DurationInput };

/** Arrivals checked and resolved to numbers. */
export type ResolvedArrivals =
  { readonly kind: 'count'; readonly count: number; readonly overMs: number } | { readonly kind: 'rate'; readonly meanGapMs: number };

/** A whole simulation as data. */
export interface SimulationModel {
  readonly settings: SimulationSettings;
  readonly entities: ReadonlyArray<EntityType<any>>;
  readonly flows: ReadonlyArray<FlowDef>;
}

/** A setting that cannot be used; the message names it. */
export class SettingsError extends ModelError {
  override readonly name = 'SettingsError';
}

/** A shard's part of the arrivals: a share of the count, or of the rate (the gaps N times as long). */
const arrivalsShare = (a: ResolvedArrivals | undefined, shard: Shard): ResolvedArrivals | undefined => {
  if (a === undefined || shard.count === 1) return a;
  return a.kind === 'count' ? { ...a, count: shareOf(a.count, shard) } : { kind: 'rate', meanGapMs: a.meanGapMs * shard.count };
};

/** Settings checked and resolved to numbers. */
export interface ResolvedSettings {
  readonly start: number;
  /** Exclusive end (epoch ms): start + duration, or `MAX_TIME` for a run without a duration. */
  readonly end: number;
  /** No duration (left out or "forever"): `end` is where JavaScript's dates end, not a bound the model set. */
  readonly forever: boolean;
  readonly timeStep: number;
  /** This shard's concurrent sessions (all of them unsharded); may be 0 in a shard. */
  readonly nFlows: number;
  /** Open-system arrivals (this shard's part); undefined for the closed system of `nFlows` slots. */
  readonly arrivals: ResolvedArrivals | undefined;
  /** The seed this run draws from: the model's, or the shard's (see shard.ts). */
  readonly seed: number;
  /** The model's seed, whatever the shard: shared entity types start from it. */
  readonly baseSeed: number;
  readonly totalEvents: number;
  /** Initial entities by type, this shard's part (a shared type's all, in every shard). */
  readonly initialEntities: ReadonlyArray<readonly [EntityType<any>, number]>;
  readonly history: HistoryMode;
  /** Which part of the world this run is (`WHOLE` unsharded). */
  readonly shard: Shard;
}

/**
 * The last instant a JavaScript Date holds (epoch ms, +275760-09-13T00:00:00.000Z): an event's
 * timestamp must not pass it, so a run without a duration ends there.
 *
 * @example
 * new Date(MAX_TIME).toISOString(); // '+275760-09-13T00:00:00.000Z'
 */
export const MAX_TIME = 8.64e15;

/**
 * The `duration` of a run without an end: it goes on until stopped (the same as no duration).
 *
 * @example
 * simulation({ duration: FOREVER, startTime: 'now' });
 */
export const FOREVER = 'forever';

const duration = (name: string, v: DurationInput): number => {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new SettingsError(`${name}: ${(e as Error).message}`);
  }
};

/** `duration`: a duration of more than 0; a mistake says that "forever" is the way to set no end. */
const durationSetting = (v: DurationInput): number => {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new SettingsError(`duration: ${(e as Error).message}, or "forever" for no end`);
  }
};

/** Parses a start time: ISO-8601 text or epoch ms. */
export const parseStartTime = (v: string | number): number => {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new SettingsError(`startTime: "${v}" is not an ISO-8601 date-time (e.g. "2025-05-06T10:00:00Z") or "now"`);
  return ms;
};

const resolveArrivals = (a: ArrivalSettings | undefined): ResolvedArrivals | undefined => {
  if (a === undefined) return undefined;
  if (typeof a !== 'object' || a === null) throw new SettingsError(`arrivals: expected { count, over } or { rate, per }, got ${JSON.stringify(a)}`);
  if ('count' in a) {
    if (!Number.isInteger(a.count) || a.count < 0) throw new SettingsError(`arrivals.count: must be an integer >= 0, got ${a.count}`);
    const overMs = duration('arrivals.over', a.over);
    if (overMs <= 0) throw new SettingsError('arrivals.over: must be more than 0');
    return { kind: 'count', count: a.count, overMs };
  }
  if ('rate' in a) {
    if (!(typeof a.rate === 'number' && Number.isFinite(a.rate) && a.rate > 0)) throw new SettingsError(`arrivals.rate: must be a number > 0, got ${a.rate}`);
    const perMs = duration('arrivals.per', a.per);
    if (perMs <= 0) throw new SettingsError('arrivals.per: must be more than 0');
    return { kind: 'rate', meanGapMs: perMs / a.rate };
  }
  throw new SettingsError(`arrivals: expected { count, over } or { rate, per }, got ${JSON.stringify(a)}`);
};

/** Checks settings; `now` resolves `startTime: "now"` (the runtime passes the wall clock). */
export const resolveSettings = (model: SimulationModel, overrides: { seed?: number; now?: number; shard?: Shard } = {}): ResolvedSettings => {
  const s = model.settings;
  const startSetting = s.startTime ?? 'now';
  let start: number;
  if (startSetting === 'now') {
    if (overrides.now === undefined) throw new SettingsError('startTime: "now" needs the current time: run through the runtime, or pass env.now');
    start = overrides.now;
  } else start = parseStartTime(startSetting);
  if (!(Math.abs(start) <= MAX_TIME)) throw new SettingsError(`startTime: ${start} is outside the dates JavaScript can represent (±${MAX_TIME} ms)`);
  const span = s.duration === undefined || s.duration === FOREVER ? Infinity : durationSetting(s.duration);
  if (span === 0) throw new SettingsError('duration: must be more than 0');
  if (span !== Infinity && !(start + span <= MAX_TIME)) {
    throw new SettingsError(
      `duration: the run would end after ${new Date(MAX_TIME).toISOString()}, the last date JavaScript can represent; shorten it, start earlier, or leave it out (no end)`,
    );
  }
  const timeStep = duration('timeStep', s.timeStep ?? '1s');
  if (timeStep <= 0) throw new SettingsError('timeStep: must be more than 0');
  const nFlows = s.nFlows ?? 10;
  if (!Number.isInteger(nFlows) || nFlows < 1) throw new SettingsError(`nFlows: must be an integer >= 1, got ${nFlows}`);
  const arrivals = resolveArrivals(s.arrivals);
  if (arrivals !== undefined && s.nFlows !== undefined) {
    throw new SettingsError('arrivals: an open system (arrivals) has no nFlows slots; set one of nFlows and arrivals');
  }
  const totalEvents = s.totalEvents ?? Infinity;
  if (totalEvents !== Infinity && (!Number.isInteger(totalEvents) || totalEvents < 1)) {
    throw new SettingsError(`totalEvents: must be an integer >= 1, got ${totalEvents}`);
  }
  const seed = overrides.seed ?? s.seed ?? 0;
  if (!Number.isFinite(seed)) throw new SettingsError(`seed: must be a number, got ${seed}`);
  const byName = new Map(model.entities.map((e) => [e.name, e]));
  const initialEntities = Object.entries(s.initialEntities ?? {}).map(([name, count]) => {
    const type = byName.get(name);
    if (type === undefined) {
      throw new SettingsError(`initialEntities.${name}: no entity named "${name}" in the simulation (entities: ${[...byName.keys()].join(', ') || 'none'})`);
    }
    if (!Number.isInteger(count) || count < 0) throw new SettingsError(`initialEntities.${name}: must be an integer >= 0, got ${count}`);
    const cap = type.churn?.maxLive;
    if (cap !== undefined && count > cap) throw new SettingsError(`initialEntities.${name}: ${count} is more than ${name}'s churn maxLive (${cap})`);
    return [type, count] as const;
  });
  const history = s.history ?? 'full';
  try {
    historyKeep(history);
  } catch (e) {
    throw e instanceof ModelError ? new SettingsError(e.message) : e;
  }
  const forever = span === Infinity;
  const shard = checkShard(overrides.shard ?? WHOLE);
  return {
    start,
    end: forever ? MAX_TIME : start + span,
    forever,
    timeStep,
    nFlows: shareOf(nFlows, shard),
    arrivals: arrivalsShare(arrivals, shard),
    seed: shardSeed(seed, shard),
    baseSeed: seed,
    totalEvents: shareOf(totalEvents, shard),
    initialEntities: initialEntities.map(([type, count]) => [type, type.shared === true ? count : shareOf(count, shard)] as const),
    history,
    shard,
  };
};
