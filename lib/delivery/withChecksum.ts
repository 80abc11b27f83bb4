/**
 * `withChecksum`: a hash of each event's payload, so a consumer can check it arrived intact.
 *
 * checksum = lowercase hex of `algorithm` (default SHA-256) over the UTF-8 bytes of
 * `canonicalJson(payload)`, where the payload of an event is:
 * - its `payload` field, when that is a JSON object (the order simulator's envelope);
 * - otherwise (deep-faker's flat events) the object of all its fields except the envelope:
 *   the system fields (`event_id`, `event_type`, `timestamp`, `session_id`, `flow`), the fields the
 *   delivery operators add (`ingest_time`, `schema_version`) and the checksum field itself —
 *   `exclude` replaces the last two when they were renamed.
 *
 * The checksum field is added last. Because the payload excludes the envelope, a duplicate or a
 * re-ingested event has the same checksum, and it can be added before or after `withIngestTime`.
 * A consumer recomputes it from the serialized line: `checksumOf(payloadOf(JSON.parse(line)))`.
 *
 * @example
 * events$.pipe(withChecksum()); // {…,"checksum":"9f86d08…"}
 */
import { createHash } from 'node:crypto';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { map } from '../core/rx';
import { SYSTEM_FIELDS, SimEvent } from '../core/simEvent';
import { canonicalJson } from './canonicalJson';
import { setField } from './deliveryMeta';

/** Options of `withChecksum`. */
export interface WithChecksumOptions {
  /** Field receiving the checksum. Default "checksum". */
  readonly field?: string;
  /** A `node:crypto` hash name. Default "sha256". */
  readonly algorithm?: string;
  /** Delivery fields left out of a flat event's payload besides the system fields and `field`. Default ["ingest_time", "schema_version"]. */
  readonly exclude?: ReadonlyArray<string>;
}

/** Delivery fields that are envelope, not payload, by default. */
export const DELIVERY_FIELDS: ReadonlyArray<string> = ['ingest_time', 'schema_version'];

/**
 * The part of an event the checksum covers (see the module doc).
 *
 * @example
 * payloadOf({ event_id: 'x', event_type: 'A', timestamp: 't', session_id: 's', flow: 'f', user_id: 'u' }); // { user_id: 'u' }
 */
export const payloadOf = (e: Readonly<Record<string, unknown>>, options: Pick<WithChecksumOptions, 'field' | 'exclude'> = {}): Record<string, unknown> => {
  const nested = e.payload;
  if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) return nested as Record<string, unknown>;
  const skip = new Set<string>([...SYSTEM_FIELDS, ...(options.exclude ?? DELIVERY_FIELDS), options.field ?? 'checksum']);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(e)) if (!skip.has(k)) out[k] = e[k];
  return out;
};

/**
 * Hex digest of the canonical JSON of a payload.
 *
 * @example
 * checksumOf({ a: 1 }); // sha256('{"a":1}') = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862'
 */
export const checksumOf = (payload: unknown, algorithm = 'sha256'): string => createHash(algorithm).update(canonicalJson(payload), 'utf8').digest('hex');

/**
 * Adds a checksum of the payload to every event, as the last field.
 *
 * @example
 * events$.pipe(withChecksum({ field: 'checksum', algorithm: 'sha256' }));
 */
export const withChecksum = (options: WithChecksumOptions = {}): MonoTypeOperatorFunction<SimEvent> => {
  const field = options.field ?? 'checksum';
  const algorithm = options.algorithm ?? 'sha256';
  createHash(algorithm); // an unknown algorithm fails here, when the pipeline is built
  return map((e) => setField(e, field, checksumOf(payloadOf(e, options), algorithm)));
};
