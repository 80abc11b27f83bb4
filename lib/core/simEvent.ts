/**
 * The event the engine emits: one flat JSON object, system fields first, then the payload in
 * schema order. What sinks need besides the JSON (virtual time in ms, the message key) travels on a
 * symbol-keyed property, which `JSON.stringify` ignores.
 *
 * @example
 * const e: SimEvent = { event_id: '…', event_type: 'AccountCreated', timestamp: '2025-01-01T00:00:00.000Z',
 *   session_id: '…', flow: 'signup', user_id: '…' };
 * eventTime(e); // virtual ms (when the engine made it)
 */

/** The hidden metadata slot of an emitted event. */
export const EVENT_META: unique symbol = Symbol.for('deep-faker.meta');

/** What travels with an event but is not part of its JSON. */
export interface EventMeta {
  /** Virtual time in epoch milliseconds. */
  readonly time: number;
  /** Message key: the primary key of the session's main entity, or undefined. */
  readonly key: string | undefined;
  /** The event's schema (an `EventSchema`), so sinks can type columns; absent on events built by hand. */
  readonly schema?: EventShape;
}

/**
 * What a sink may know of an event's schema: structurally an `EventSchema` (kept minimal here so
 * `core` does not depend on `schema`).
 */
export interface EventShape {
  readonly name: string;
  readonly fieldNames: ReadonlyArray<string>;
  readonly fields: Readonly<Record<string, FieldShape>>;
}

/** One field of an `EventShape`: its value type (`string`, `int`, `float`, `boolean`, `datetime`, `json`) and flags. */
export interface FieldShape {
  readonly type: string;
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  readonly ref: string | undefined;
}

/** The schema of an event, when the engine made it. */
export const eventSchema = (e: SimEvent): EventShape | undefined => e[EVENT_META]?.schema;

/** The system fields every event starts with. */
export interface SystemFields {
  readonly event_id: string;
  readonly event_type: string;
  readonly timestamp: string;
  readonly session_id: string;
  readonly flow: string;
}

/** Names of the system fields, in envelope order. */
export const SYSTEM_FIELDS: ReadonlyArray<keyof SystemFields> = ['event_id', 'event_type', 'timestamp', 'session_id', 'flow'];

/** An emitted event: system fields then payload fields. */
export type SimEvent<P extends object = Record<string, unknown>> = SystemFields & P & { readonly [EVENT_META]?: EventMeta };

/** Virtual time (epoch ms) of an event; falls back to parsing `timestamp`. */
export const eventTime = (e: SimEvent): number => e[EVENT_META]?.time ?? Date.parse(e.timestamp);

/** Message key of an event (primary key of the session's main entity), if any. */
export const eventKey = (e: SimEvent): string | undefined => e[EVENT_META]?.key;
