/**
 * Where each event goes in Kafka, shared by both Kafka clients: its topic (`topicMapping`, else
 * `topic`), its message key (`keys`, else the session's main entity) and its headers
 * (`event_type` unless turned off, plus the extra ones). Topics and headers depend only on the
 * event type, so they are worked out once per type rather than once per event.
 *
 * @example
 * const routing = new KafkaRouting({ brokers: 'b:9092', topicMapping: { OrderPlaced: 'orders' } });
 * routing.topicOf('OrderPlaced'); // 'orders'
 */
import { eventKey, type SimEvent } from '../core/simEvent';
import type { KafkaKeys } from './kafkaOptions';

/** The options routing reads (a subset of `ToKafkaOptions`). */
export interface KafkaRoutingOptions {
  readonly topicMapping?: Readonly<Record<string, string>>;
  readonly topic?: string;
  readonly keys?: KafkaKeys;
  readonly headers?: Readonly<Record<string, string>>;
  readonly eventTypeHeader?: boolean;
}

/** Topic of event types not in `topicMapping` when no `topic` is given. */
export const DEFAULT_TOPIC = 'deep-faker-events';

/** Every topic the options name: `topic` (or the default) and the values of `topicMapping`. */
export const topicsOf = (options: KafkaRoutingOptions): string[] => [
  ...new Set<string>([options.topic ?? DEFAULT_TOPIC, ...Object.values(options.topicMapping ?? {})]),
];

/** Topic, key and headers of events, by event type. */
export class KafkaRouting {
  private readonly topics = new Map<string, string>();
  private readonly headerSets = new Map<string, Readonly<Record<string, string>> | undefined>();

  constructor(private readonly options: KafkaRoutingOptions) {}

  topicOf(eventType: string): string {
    let topic = this.topics.get(eventType);
    if (topic === undefined) {
      const mapping = this.options.topicMapping;
      // Own properties only: an event type may be named constructor or toString.
      const mapped = mapping !== undefined && Object.hasOwn(mapping, eventType) ? mapping[eventType] : undefined;
      topic = mapped ?? this.options.topic ?? DEFAULT_TOPIC;
      this.topics.set(eventType, topic);
    }
    return topic;
  }

  keyOf(e: SimEvent): string | undefined {
    const rule = this.options.keys?.[e.event_type];
    if (rule === undefined) return eventKey(e);
    if (typeof rule === 'function') return rule(e);
    const v = (e as Record<string, unknown>)[rule];
    return v === undefined || v === null ? undefined : String(v);
  }

  /** The headers of an event type's messages, or undefined for none. Shared: do not change. */
  headersOf(eventType: string): Readonly<Record<string, string>> | undefined {
    if (this.headerSets.has(eventType)) return this.headerSets.get(eventType);
    const extra = this.options.headers;
    const withType = this.options.eventTypeHeader !== false;
    const headers = withType ? { ...extra, event_type: eventType } : extra !== undefined && Object.keys(extra).length > 0 ? { ...extra } : undefined;
    this.headerSets.set(eventType, headers);
    return headers;
  }
}
