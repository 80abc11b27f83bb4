/**
 * A batch of events as Kafka messages, encoded once: the JSON values back to back in one byte
 * array, each message's event type (its topic and headers follow from it) and key. The KafkaJS
 * and librdkafka writers produce from it, on the simulation's thread or, handed over without a
 * copy, on a producer thread of their own (kafkaThread.ts).
 *
 * @example
 * const encoded = new KafkaEncoder(new KafkaRouting(options)).encode(batch);
 * valueOf(encoded, 0); // the first event's JSON, as bytes
 */
import type { SimEvent } from '../core/simEvent';
import { CompactJsonEncoder } from './compactJsonEncoder';
import type { KafkaRouting } from './kafkaRouting';

/** Messages of one batch: message i's value is `bytes[ends[i - 1] .. ends[i])` (from 0 for i = 0). */
export interface EncodedMessages {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
  /** The event types of the batch, each once; `typeOf[i]` is message i's index into it. */
  readonly types: ReadonlyArray<string>;
  readonly typeOf: Uint32Array;
  readonly keys: ReadonlyArray<string | null>;
}

/** Message i's value bytes (a view, not a copy). */
export const valueOf = (m: EncodedMessages, i: number): Uint8Array => m.bytes.subarray(i === 0 ? 0 : m.ends[i - 1], m.ends[i]);

/** Encodes batches for one writer: event JSON exactly as `JSON.stringify` (and a JSONL line) has it. */
export class KafkaEncoder {
  private readonly json = new CompactJsonEncoder();

  constructor(private readonly routing: KafkaRouting) {}

  /** The batch's messages, in a fresh byte array of their exact size (so it can be handed to another thread). */
  encode(batch: ReadonlyArray<SimEvent>): EncodedMessages {
    const json = this.json;
    const ends = new Uint32Array(batch.length);
    const typeOf = new Uint32Array(batch.length);
    const types: string[] = [];
    const typeIndex = new Map<string, number>();
    const keys: Array<string | null> = new Array(batch.length);
    let end = 0;
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      end = json.write(e, end);
      ends[i] = end;
      let t = typeIndex.get(e.event_type);
      if (t === undefined) typeIndex.set(e.event_type, (t = types.push(e.event_type) - 1));
      typeOf[i] = t;
      keys[i] = this.routing.keyOf(e) ?? null;
    }
    const bytes = new Uint8Array(end);
    bytes.set(json.buffer.subarray(0, end));
    return { count: batch.length, bytes, ends, types, typeOf, keys };
  }
}
