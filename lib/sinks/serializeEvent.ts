/**
 * How an event becomes text: one JSON object per event, JSONL for batches. The symbol-keyed
 * metadata (`EVENT_META`) is not part of the JSON: `JSON.stringify` skips symbol keys.
 *
 * @example
 * serializeEvent(e, 'json');          // '{"event_id":"…","event_type":"AccountCreated",…}'
 * serializeBatch([e1, e2], 'json');   // '{…}\n{…}\n'
 * new BatchEncoder('json').encode([e1, e2]); // the same text as UTF-8 bytes, in a reused Buffer
 */
import type { SimEvent } from '../core/simEvent';
import { CompactJsonEncoder } from './compactJsonEncoder';

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
export const serializeEvent = (e: SimEvent, format: EventFormat): string => (format === 'json' ? JSON.stringify(e) : JSON.stringify(e, null, 2));

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

/** Bytes a `BatchEncoder` starts with (grown on demand, then kept). */
const INITIAL_ENCODER_BYTES = 1 << 20;

/**
 * Encodes batches as JSONL (the same bytes as `serializeBatch`, UTF-8) into one Buffer that is
 * reused from batch to batch. Compact JSON is written straight into the Buffer by a
 * `CompactJsonEncoder` (no string per event); `json_pretty` goes through `JSON.stringify`. No
 * batch-sized string is joined and no Buffer is allocated per batch (a batch is large enough to
 * land in V8's large-object space, and every such allocation brings the next full garbage
 * collection closer).
 *
 * The returned Buffer is a view of the encoder's memory: valid until the next `encode` call, so
 * write it out before encoding the next batch (a sink writer has one write in flight at most).
 *
 * @example
 * const encoder = new BatchEncoder('json');
 * const bytes = encoder.encode([e1, e2]); // '{…}\n{…}\n' as UTF-8
 * await handle.write(bytes);
 */
export class BatchEncoder {
  private readonly json: CompactJsonEncoder;

  constructor(
    readonly format: EventFormat,
    initialBytes = INITIAL_ENCODER_BYTES,
  ) {
    this.json = new CompactJsonEncoder(initialBytes);
  }

  /** The batch as JSONL bytes (each event followed by a newline); empty for an empty batch. */
  encode(batch: ReadonlyArray<SimEvent>): Buffer {
    const json = this.json;
    let end = 0;
    if (this.format === 'json') {
      for (let i = 0; i < batch.length; i++) end = json.byte(10, json.write(batch[i], end));
    } else {
      for (let i = 0; i < batch.length; i++) end = json.byte(10, json.text(JSON.stringify(batch[i], null, 2), end));
    }
    return json.buffer.subarray(0, end);
  }
}
