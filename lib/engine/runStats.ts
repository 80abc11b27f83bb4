/**
 * Counters the engine keeps while it runs; the run summary is built from them.
 *
 * @example
 * const stats = createRunStats();
 * simulateOn(model, { scheduler, stats }).subscribe();
 * stats.sessions.dropped; // sessions ended by AddDecay
 * stats.entities.User; // { created: 1204, retired: 310 }: 894 live
 */
import { setOwn } from '../expr/values';

/** How sessions ended. */
export interface SessionCounts {
  started: number;
  /** Ran to the end of their flow. */
  completed: number;
  /** Ended by an `addDecay` drop-off. */
  dropped: number;
  /** Ended because a `select` found no available entity. */
  unmatched: number;
  /** Still running when the simulation ended (duration or totalEvents). */
  truncated: number;
  /** Ended the run with an error (a flow that threw or misused an action). */
  failed: number;
}

/** Entities of one type: created (initial ones included) and retired (by flows or churn); live = created - retired. */
export interface EntityCounts {
  created: number;
  retired: number;
}

/** Counters of one run. */
export interface RunStats {
  events: number;
  eventsByType: Record<string, number>;
  sessions: SessionCounts;
  /** Per entity type (by name, own properties), once it has had an entity. */
  entities: Record<string, EntityCounts>;
  /** Virtual start and end of the run (epoch ms); end is the last event's time or the duration bound. */
  startTime: number;
  endTime: number;
  /** The seed the run used. */
  seed: number;
}

/** Fresh counters. */
export const createRunStats = (): RunStats => ({
  events: 0,
  eventsByType: {},
  sessions: { started: 0, completed: 0, dropped: 0, unmatched: 0, truncated: 0, failed: 0 },
  entities: {},
  startTime: 0,
  endTime: 0,
  seed: 0,
});

/** Counts one event of type `name` (own properties only: an event type may be named constructor or __proto__). */
export const countEvent = (stats: RunStats, name: string): void => {
  const byType = stats.eventsByType;
  setOwn(byType, name, (Object.hasOwn(byType, name) ? byType[name]! : 0) + 1);
};
