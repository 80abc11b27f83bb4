/**
 * What a story event looks like: a `SimEvent` (system fields, then `org_id`, `source` and the
 * evaluated `data`) with `EVENT_META`, so every output (stdout, file, Kafka, MySQL) takes it as it
 * is. `event_type` is the definition's `event`, `flow` its `source/event` key, `session_id` the run.
 *
 * @example
 * const e = storyEvent(def, { eventId, timestamp, time, runId, orgId: 'acme', data: { plan: 'pro' }, shape: storyShape(def) });
 * e.flow; // 'stripe/invoice.paid'
 */
import type { EventMeta, EventShape, SimEvent } from '../core/simEvent';
import { EVENT_META } from '../core/simEvent';
import type { EventDef } from './story';

/** The payload of a story event: who, where from, and the evaluated data. */
export type StoryPayload = {
  readonly org_id: string;
  readonly source: string;
  readonly data: Record<string, unknown>;
};

/**
 * An event of a story: `event_type` is the story's `event`, `flow` the definition's `source/event`.
 * (Also a `SimEvent<Record<string, unknown>>`, so every output takes it.)
 */
export type StoryEvent = SimEvent<Record<string, unknown> & StoryPayload>;

const DATA_SHAPE = { type: 'json', primaryKey: false, nullable: false, ref: undefined } as const;
const TEXT_SHAPE = { type: 'string', primaryKey: false, nullable: false, ref: undefined } as const;

/**
 * The schema every event of `def` carries: `org_id` and `source` (text), `data` (JSON).
 *
 * @example
 * storyShape(def).fieldNames; // ['org_id', 'source', 'data']
 */
export const storyShape = (def: EventDef): EventShape => ({
  name: def.event,
  fieldNames: ['org_id', 'source', 'data'],
  fields: { org_id: TEXT_SHAPE, source: TEXT_SHAPE, data: DATA_SHAPE },
});

/** One occurrence's part of a story event. */
export interface StoryEventParts {
  readonly eventId: string;
  /** ISO-8601 in the story's zone. */
  readonly timestamp: string;
  /** Virtual time, epoch ms. */
  readonly time: number;
  /** The run's id (every event's `session_id`). */
  readonly runId: string;
  readonly orgId: string;
  readonly data: Record<string, unknown>;
  readonly shape: EventShape;
}

/**
 * The event of one occurrence of `def`, with its `EVENT_META` (time, key `org_id`, schema).
 *
 * @example
 * storyEvent(def, parts).event_type; // def.event
 */
export const storyEvent = (def: EventDef, p: StoryEventParts): StoryEvent => {
  const e: Record<string | symbol, unknown> = {
    event_id: p.eventId,
    event_type: def.event,
    timestamp: p.timestamp,
    session_id: p.runId,
    flow: def.key,
    org_id: p.orgId,
    source: def.source,
    data: p.data,
  };
  const meta: EventMeta = { time: p.time, key: p.orgId, schema: p.shape };
  e[EVENT_META] = meta;
  return e as unknown as StoryEvent;
};
