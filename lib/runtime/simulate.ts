/**
 * A simulation as a stream: the engine's `simulateOn` on a scheduler of the caller's (e.g. a
 * `TestScheduler`), or on a fresh virtual-time scheduler driven by the Node event loop, as fast
 * as possible or paced by `timeMultiplier`. The seed and "now" are resolved here, at the edge.
 *
 * @example
 * simulate(sim).pipe(take(10)).subscribe(console.log);
 */
import { randomInt } from 'node:crypto';
import type { Observable } from 'rxjs';
import { tap } from '../core/rx';
import type { SimEvent } from '../core/simEvent';
import type { SimulationModel } from '../engine/model';
import type { Env } from '../engine/env';
import { simulateOn } from '../engine/simulateOn';
import type { Backpressure } from './backpressure';
import { onVirtualTime } from './onVirtualTime';

/** Options of `simulate` without a scheduler of one's own. */
export interface SimulateOptions extends Partial<Env> {
  /** Overrides the model's pacing: 1 = real time, undefined/Infinity = as fast as possible. */
  readonly timeMultiplier?: number;
  /** Bounds events emitted but not yet acknowledged (counted with `backpressure.acked`). */
  readonly backpressure?: Backpressure;
  /** @deprecated Renamed `backpressure`. */
  readonly flowControl?: Backpressure;
}

/** Resolves the seed at the edge: the model's, an override, or a random one (reported in the summary). */
export const seedOf = (model: SimulationModel, seed: number | undefined): number => seed ?? model.settings.seed ?? randomInt(0, 2 ** 31 - 1);

/**
 * The simulation as a cold Observable. With `env.scheduler` it runs on that scheduler (e.g. a
 * `TestScheduler`); without one, on a fresh virtual-time scheduler driven by the event loop.
 */
export const simulate = (model: SimulationModel, options: SimulateOptions = {}): Observable<SimEvent> => {
  const { timeMultiplier = model.settings.timeMultiplier, backpressure: given, flowControl, ...env } = options;
  const backpressure = given ?? flowControl;
  const base = { ...env, seed: seedOf(model, env.seed), now: env.now ?? Date.now() };
  if (env.scheduler !== undefined) return simulateOn(model, { ...base, scheduler: env.scheduler });
  return onVirtualTime(
    (scheduler) => {
      const events = simulateOn(model, { ...base, scheduler });
      return backpressure === undefined ? events : events.pipe(tap(() => backpressure.emitted()));
    },
    { timeMultiplier, backpressure },
  );
};
