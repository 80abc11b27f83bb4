/**
 * A simulation as a stream: the engine's `simulateOn` on a scheduler of the caller's (e.g. a
 * `TestScheduler`), or on a fresh virtual-time scheduler driven by the Node event loop, as fast
 * as possible, paced by `timeMultiplier` or by a `rate` of events per wall-clock second. The seed
 * and "now" are resolved here, at the edge.
 *
 * @example
 * simulate(sim).pipe(take(10)).subscribe(console.log);
 */
import { randomInt } from 'node:crypto';
import type { Observable } from 'rxjs';
import { defer, tap } from '../core/rx';
import type { SimEvent } from '../core/simEvent';
import type { SimulationModel } from '../engine/model';
import type { Env } from '../engine/env';
import { simulateOn } from '../engine/simulateOn';
import type { Backpressure } from './backpressure';
import { onVirtualTime } from './onVirtualTime';
import { checkRate } from './rateLimit';

/** Options of `simulate` without a scheduler of one's own. */
export interface SimulateOptions extends Partial<Env> {
  /** Overrides the model's pacing: 1 = real time, undefined/Infinity = as fast as possible. */
  readonly timeMultiplier?: number;
  /**
   * Paces by events instead: on average at most this many events per wall-clock second (a token
   * bucket; the same events and timestamps as an unpaced run). The model's `timeMultiplier` is
   * then ignored; giving both options is a `SettingsError`.
   */
  readonly rate?: number;
  /** Bounds events emitted but not yet acknowledged (counted with `backpressure.acked`). */
  readonly backpressure?: Backpressure;
  /** @deprecated Renamed `backpressure`. */
  readonly flowControl?: Backpressure;
}

/** Resolves the seed at the edge: the model's, an override, or a random one (reported in the summary). */
export const seedOf = (model: SimulationModel, seed: number | undefined): number => seed ?? model.settings.seed ?? randomInt(0, 2 ** 31 - 1);

/** How a driven run is paced: by `rate`, or by the multiplier of the options, else of the model. */
const pacingOf = (model: SimulationModel, timeMultiplier: number | undefined, rate: number | undefined): { timeMultiplier?: number; rate?: number } => {
  if (rate === undefined) return { timeMultiplier: timeMultiplier ?? model.settings.timeMultiplier };
  checkRate(rate, timeMultiplier);
  return { rate };
};

/**
 * The simulation as a cold Observable. With `env.scheduler` it runs on that scheduler (e.g. a
 * `TestScheduler`); without one, on a fresh virtual-time scheduler driven by the event loop
 * (paced as `timeMultiplier` or `rate` say; a bad pacing errors the stream with a `SettingsError`).
 */
export const simulate = (model: SimulationModel, options: SimulateOptions = {}): Observable<SimEvent> => {
  const { timeMultiplier, rate, backpressure: given, flowControl, ...env } = options;
  const backpressure = given ?? flowControl;
  const base = { ...env, seed: seedOf(model, env.seed), now: env.now ?? Date.now() };
  if (env.scheduler !== undefined) return simulateOn(model, { ...base, scheduler: env.scheduler });
  // Checked on subscribe, like the model's settings: a mistake errors the run.
  return defer(() =>
    onVirtualTime(
      (scheduler) => {
        const events = simulateOn(model, { ...base, scheduler });
        return backpressure === undefined ? events : events.pipe(tap(() => backpressure.emitted()));
      },
      { ...pacingOf(model, timeMultiplier, rate), backpressure },
    ),
  );
};
