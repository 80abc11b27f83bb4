/**
 * The engine: plays a simulation model out in virtual time on the scheduler it is given and emits
 * the events as a cold `Observable<SimEvent>`.
 *
 * - Time is `env.scheduler.now()`, offset so that the first instant is the model's start time;
 *   with `TestScheduler` every event time can be pinned with marbles.
 * - At most `nFlows` sessions run at once. A free slot starts a session of a flow chosen by weight
 *   among the flows whose filters can be satisfied now; if none can, it tries again `timeStep`
 *   later. A slot holds each session for at least `timeStep`.
 * - With `arrivals` (an open system) a session starts at each arrival instead, however many are
 *   running; an arrival for which no flow can start is counted `unmatched` and lost. With
 *   `{ count, over }` the stream also completes once every arrival has come and every session
 *   has ended.
 * - Each session has its own random stream, derived from the seed and the session's ordinal.
 * - The stream completes when the duration is over (no event at or after start + duration) or
 *   after `totalEvents` events, whichever comes first; it errors with a `FlowError` naming the
 *   flow and session when a flow throws or misuses an action.
 *
 * The run itself is in run.ts (`Run`); this module is the engine's entry point.
 *
 * @example
 * const scheduler = new HeapScheduler();
 * const events: SimEvent[] = [];
 * simulateOn(model, { scheduler }).subscribe((e) => events.push(e));
 * scheduler.flush();
 */
import { Observable } from '../core/rx';
import type { SimEvent } from '../core/simEvent';
import type { SimulationModel } from './model';
import { Run } from './run';
import type { Env } from './env';

export type { Env } from './env';

// What the stream errors with, and the pseudo-flows of initial entities' and churn's events: part of this
// module's contract, so importers of simulateOn find them here.
export { FlowError } from './flowError';
export { INITIAL_FLOW } from './initialEntities';
export { CHURN_FLOW } from './churn';

/** Plays `model` out on `env.scheduler`. Cold: each subscription is an independent run. */
export const simulateOn = (model: SimulationModel, env: Env): Observable<SimEvent> =>
  new Observable<SimEvent>((subscriber) => {
    const run = new Run(model, env, subscriber);
    run.start();
    return () => run.stop();
  });
