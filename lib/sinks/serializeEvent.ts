/**
 * How an event becomes text: one JSON object per event, JSONL for batches. The symbol-keyed
 * metadata (`EVENT_META`) is not part of the JSON: `JSON.stringify` skips symbol keys.
 *
 * @example
 * serializeEvent(e, 'json');          // '{"event_id":"…","event_type":"AccountCreated",…}'
 * serializeBatch([e1, e2], 'json');   // '{…}\n{…}\n'
 */
import type { SimEvent } from '../core/simEvent';

/**
 * Text formats of the text sinks: compact JSON, or JSON indented by 2 spaces.
 *
 * @example
 * const format: EventFormat = 'json_pretty';
 */
export type EventFormat = 'json' | 'json_pretty';

/**
 * One event as JSON text, without a trailing newline.
 *
 * @example
 * serializeEvent(e, 'json_pretty'); // '{\n  "event_id": "…",\n  …\n}'
 */
export const serializeEvent = (e: SimEvent, format: EventFormat): string =>
  format === 'json' ? JSON.stringify(e) : JSON.stringify(e, null, 2);

/**
 * A batch as JSONL: each event followed by `'\n'` (with `json_pretty`, each object spans several
 * lines). Built with one `join` per batch; an empty batch gives `''`.
 *
 * @example
 * serializeBatch([e1, e2], 'json'); // '{…}\n{…}\n'
 */
export const serializeBatch = (batch: ReadonlyArray<SimEvent>, format: EventFormat): string => {
  const n = batch.length;
  if (n === 0) return '';
  const lines = new Array<string>(n + 1);
  if (format === 'json') for (let i = 0; i < n; i++) lines[i] = JSON.stringify(batch[i]);
  else for (let i = 0; i < n; i++) lines[i] = JSON.stringify(batch[i], null, 2);
  lines[n] = ''; // gives the trailing newline
  return lines.join('\n');
};
