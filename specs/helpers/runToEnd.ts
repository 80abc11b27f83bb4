/**
 * Runs a simulation model to completion on the project's own `HeapScheduler` (outside
 * `TestScheduler.run`) and hands back everything a spec wants to look at: the events in emission
 * order, the entity store (with its temporal versions), the run's counters, and how it ended.
 *
 * Options override the model's settings (`seed`, `startTime`, `duration`, or any other setting
 * through `settings`), so a scenario written with `startTime: 'now'` runs at a fixed instant.
 * `changes: true` also records every entity change the store reports (retirements included: the
 * versions of entities that retired are no longer in the store).
 *
 * @example
 * const run = runToEnd(sim, { seed: 42, startTime: '2025-03-03T09:00:00Z', duration: '3h' });
 * run.events.length; run.store.all(Trader); run.stats.sessions.dropped;
 */
import { HeapScheduler } from '../../lib/core/heapScheduler';
import type { DurationInput } from '../../lib/core/duration';
import type { SimEvent } from '../../lib/core/simEvent';
import type { EntityStore } from '../../lib/entities/entityStore';
import type { EntityChange } from '../../lib/entities/entityChange';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import type { RunStats } from '../../lib/engine/runStats';
import { createRunStats } from '../../lib/engine/runStats';
import { simulateOn } from '../../lib/engine/simulateOn';
import type { Shard } from '../../lib/engine/shard';

/** What to change for this run. */
export interface RunToEndOptions {
  readonly seed?: number;
  /** ISO-8601 or epoch ms; replaces the model's start time (also `"now"`). */
  readonly startTime?: string | number;
  readonly duration?: DurationInput;
  /** Any other settings to override. */
  readonly settings?: Partial<SimulationSettings>;
  /** Record every entity change (`FinishedRun.changes`). */
  readonly changes?: boolean;
  /** Run this shard of the model's world. */
  readonly shard?: Shard;
}

/** What one run to completion produced. */
export interface FinishedRun {
  readonly events: SimEvent[];
  readonly store: EntityStore;
  readonly stats: RunStats;
  /** The stream completed (false when it errored). */
  readonly completed: boolean;
  /** The error the stream ended with, undefined when it completed. */
  readonly error: unknown;
  /** Every entity change, in order, with `changes: true` (else empty). */
  readonly changes: EntityChange[];
}

/** Runs `model` until its stream ends. */
export const runToEnd = (model: SimulationModel, options: RunToEndOptions = {}): FinishedRun => {
  const settings: SimulationSettings = {
    ...model.settings,
    ...options.settings,
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.duration === undefined ? {} : { duration: options.duration }),
  };
  const scheduler = new HeapScheduler();
  const stats = createRunStats();
  const events: SimEvent[] = [];
  let store: EntityStore | undefined;
  const changes: EntityChange[] = [];
  const onStore = (s: EntityStore): void => {
    store = s;
    if (options.changes === true) s.watch((c) => changes.push(c));
  };
  let completed = false;
  let error: unknown;
  simulateOn({ settings, entities: model.entities, flows: model.flows }, { scheduler, stats, seed: options.seed, onStore, shard: options.shard }).subscribe({
    next: (e) => events.push(e),
    error: (e) => (error = e),
    complete: () => (completed = true),
  });
  scheduler.flush();
  if (store === undefined) throw error ?? new Error('runToEnd: the engine never handed out its entity store');
  if (!completed && error === undefined) throw new Error('runToEnd: the scheduler ran dry but the stream did not end');
  return { events, store, stats, completed, error, changes };
};
