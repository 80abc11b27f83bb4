/**
 * The totals of a run split over worker threads: the shards' summaries (or their live entity
 * counts, for the progress line) added up. Events, events per type, sessions, entities and each
 * output's acknowledgements are summed (outputs of one name, such as one Kafka topic, into one
 * line); the virtual span runs from the earliest start to the latest end. An entity type declared
 * `shared` starts with the same initial entities in every shard: they are counted once.
 *
 * @example
 * sumSummaries([shard0, shard1], { wallMs: 1_200, sharedInitial: new Map([['Product', 50]]) });
 * // { events: shard0.events + shard1.events, entities: { Product: { created: 50 + …, … } }, … }
 */
import type { RunSummary } from '../runtime/runSimulation';

/** How to add summaries up. */
export interface SumOptions {
  /** The run's wall time, ms (the shards ran side by side). */
  readonly wallMs: number;
  /** Initial entities of each shared type, which every shard has. */
  readonly sharedInitial?: ReadonlyMap<string, number>;
}

/** `into[key] += by`; a Map, so an event type may be named `constructor` or `__proto__`. */
const add = (into: Map<string, number>, key: string, by: number): void => {
  into.set(key, (into.get(key) ?? 0) + by);
};

/** Each shared type's entities that all but one of `copies` shards hold twice over. */
const extraCopies = (sharedInitial: ReadonlyMap<string, number> | undefined, type: string, copies: number): number =>
  copies > 1 ? (sharedInitial?.get(type) ?? 0) * (copies - 1) : 0;

/** The summaries of the shards of one run, added up (`parts` in shard order, at least one). */
export const sumSummaries = (parts: ReadonlyArray<RunSummary>, options: SumOptions): RunSummary => {
  const byType = new Map<string, number>();
  const sessions = { started: 0, completed: 0, dropped: 0, unmatched: 0, truncated: 0, failed: 0 };
  const created = new Map<string, number>();
  const retired = new Map<string, number>();
  const copies = new Map<string, number>();
  const outputs = new Map<string, number>();
  let events = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const p of parts) {
    events += p.events;
    for (const [type, count] of Object.entries(p.eventsByType)) add(byType, type, count);
    for (const k of Object.keys(sessions) as Array<keyof typeof sessions>) sessions[k] += p.sessions[k];
    for (const [type, c] of Object.entries(p.entities)) {
      add(created, type, c.created);
      add(retired, type, c.retired);
      add(copies, type, 1);
    }
    for (const o of p.outputs) add(outputs, o.name, o.accepted);
    start = Math.min(start, Date.parse(p.virtualStart));
    end = Math.max(end, Date.parse(p.virtualEnd));
  }
  const entities = [...created].map(([type, made]) => {
    const c = made - extraCopies(options.sharedInitial, type, copies.get(type)!);
    const r = retired.get(type)!;
    return [type, { created: c, retired: r, live: c - r }] as const;
  });
  return {
    seed: parts[0].seed,
    events,
    // fromEntries defines own properties, so `__proto__` stays an event type's name.
    eventsByType: Object.fromEntries(byType),
    sessions,
    entities: Object.fromEntries(entities),
    virtualStart: new Date(start).toISOString(),
    virtualEnd: new Date(end).toISOString(),
    wallMs: options.wallMs,
    outputs: [...outputs].map(([name, accepted]) => ({ name, accepted })),
  };
};

/**
 * Live entities per type of several shards (each in the model's order), added up, shared types'
 * initial entities counted once.
 *
 * @example
 * sumEntityCounts([[['User', 10], ['Product', 50]], [['User', 12], ['Product', 50]]], new Map([['Product', 50]]));
 * // [['User', 22], ['Product', 50]]
 */
export const sumEntityCounts = (
  parts: ReadonlyArray<ReadonlyArray<readonly [string, number]>>,
  sharedInitial?: ReadonlyMap<string, number>,
): Array<readonly [string, number]> => {
  const live = new Map<string, number>();
  const copies = new Map<string, number>();
  for (const p of parts) {
    for (const [type, count] of p) {
      add(live, type, count);
      add(copies, type, 1);
    }
  }
  return [...live].map(([type, count]) => [type, count - extraCopies(sharedInitial, type, copies.get(type)!)] as const);
};
