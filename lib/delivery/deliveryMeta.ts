/**
 * What the delivery operators add to an event besides its JSON: the ingest time in epoch ms, on a
 * symbol-keyed property (like `EVENT_META`, `JSON.stringify` ignores it), plus the one way these
 * operators copy an event (`setField`), which keeps both metadata slots.
 *
 * @example
 * const e2 = setField(e, 'ingest_time', '2025-01-01T00:00:01.000Z', 'timestamp');
 * ingestTimeOf(e2); // eventTime(e) unless withIngestTime stamped it
 */
import { EVENT_META, SimEvent, eventTime } from '../core/simEvent';

/** The hidden slot holding an event's ingest time (epoch ms), set by `withIngestTime`. */
export const INGEST_TIME: unique symbol = Symbol.for('deep-faker.ingestTime');

/** An event that may carry an ingest time. */
type WithIngest = SimEvent & { [INGEST_TIME]?: number };

/**
 * Ingest time of an event in epoch ms: the one `withIngestTime` stamped, else its event time.
 *
 * @example
 * ingestTimeOf(e) >= eventTime(e); // true after withIngestTime
 */
export const ingestTimeOf = (e: SimEvent): number => (e as WithIngest)[INGEST_TIME] ?? eventTime(e);

/** True when `withIngestTime` stamped the event. */
export const hasIngestTime = (e: SimEvent): boolean => (e as WithIngest)[INGEST_TIME] !== undefined;

/**
 * A copy of `e` with `name` set to `value`: an existing field keeps its place, a new one goes right
 * after the field `after` (or last when `after` is absent or missing). The metadata slots
 * (`EVENT_META`, `INGEST_TIME`) are copied; `e` is not changed.
 *
 * @example
 * setField(e, 'schema_version', 2, 'event_type'); // {event_id, event_type, schema_version: 2, …}
 */
export const setField = (e: SimEvent, name: string, value: unknown, after?: string): SimEvent => {
  const out: Record<string | symbol, unknown> = {};
  const placeAfter = after !== undefined && after !== name && !(name in e) && after in e ? after : undefined;
  for (const k of Object.keys(e)) {
    out[k] = k === name ? value : (e as Record<string, unknown>)[k];
    if (k === placeAfter) out[name] = value;
  }
  if (!(name in out)) out[name] = value;
  return withMetaOf(out as SimEvent, e);
};

/** `target` with the metadata slots of `source` (when `target` lacks them); mutates `target`. */
export const withMetaOf = (target: SimEvent, source: SimEvent): SimEvent => {
  const t = target as unknown as Record<symbol, unknown>;
  const s = source as unknown as Record<symbol, unknown>;
  if (t[EVENT_META] === undefined && s[EVENT_META] !== undefined) t[EVENT_META] = s[EVENT_META];
  if (t[INGEST_TIME] === undefined && s[INGEST_TIME] !== undefined) t[INGEST_TIME] = s[INGEST_TIME];
  return target;
};

/** `e` (a fresh copy) with its ingest time slot set; used by `withIngestTime`. */
export const withIngestSlot = (e: SimEvent, ms: number): SimEvent => {
  (e as unknown as Record<symbol, unknown>)[INGEST_TIME] = ms;
  return e;
};
