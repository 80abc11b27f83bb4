/**
 * stats.json of the order-lifecycle simulator: counted from the events as written, so it
 * describes the files a user reads, whatever delivery did to them.
 */
import type { SimEvent } from '../index';
import { ORDER_EVENT_TYPES, OrderAmountCorrected, OrderCancelled, OrderCreated, OrderShipped } from './ordersSimulation';

/** Counts of one partitioning: files and events per file. */
export interface PartitionCounts {
  files: number;
  events: Record<string, number>;
}

/** What `stats.json` holds (all counted from the delivered events). */
export interface OrderStats {
  total_events: number;
  events_by_type: Record<string, number>;
  events_by_type_and_version: Record<string, Record<string, number>>;
  orders: number;
  cancellations: number;
  shipments: number;
  corrections: number;
  /** Cancelled orders / orders; shipped (corrected) orders / orders not cancelled. */
  cancel_rate: number;
  ship_rate: number;
  correction_rate: number;
  v2_rate: number;
  /** Events whose ingest date (UTC) is after their event date. */
  late_events: number;
  late_rate: number;
  /** Events delivered after an event with a later ingest_time. */
  out_of_order_events: number;
  out_of_order_rate: number;
  first_event_time: string | null;
  last_event_time: string | null;
  partitions: { events_by_ingest_date: PartitionCounts; events_by_event_date: PartitionCounts };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 1e6) / 1e6);

/**
 * Counts delivered order events (feed it every event in delivery order) into the numbers of
 * `stats.json`. The definitions are the ones a consumer can recount from events.ndjson alone:
 * late = ingest date after event date; out of order = ingest_time before the latest ingest_time
 * delivered earlier.
 *
 * @example
 * const counter = new OrderStatsCounter('.ndjson');
 * for (const e of events) counter.add(e);
 * counter.stats().late_rate;
 */
export class OrderStatsCounter {
  private total = 0;
  private readonly byType: Record<string, number> = {};
  private readonly byVersion: Record<string, Record<string, number>> = {};
  private late = 0;
  private outOfOrder = 0;
  private maxIngest = '';
  private firstEvent: string | null = null;
  private lastEvent: string | null = null;
  private readonly ingestFiles: Record<string, number> = {};
  private readonly eventFiles: Record<string, number> = {};

  constructor(private readonly extension = '.ndjson') {}

  add(e: SimEvent): void {
    const r = e as Record<string, unknown>;
    const type = e.event_type;
    const eventTime = String(r.event_time);
    const ingestTime = String(r.ingest_time);
    this.total++;
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    const versions = (this.byVersion[type] ??= {});
    const v = String(r.schema_version);
    versions[v] = (versions[v] ?? 0) + 1;
    if (ingestTime.slice(0, 10) > eventTime.slice(0, 10)) this.late++;
    if (ingestTime < this.maxIngest) this.outOfOrder++;
    else this.maxIngest = ingestTime;
    if (this.firstEvent === null || eventTime < this.firstEvent) this.firstEvent = eventTime;
    if (this.lastEvent === null || eventTime > this.lastEvent) this.lastEvent = eventTime;
    const ingestFile = `${ingestTime.slice(0, 10)}${this.extension}`;
    const eventFile = `${eventTime.slice(0, 10)}${this.extension}`;
    this.ingestFiles[ingestFile] = (this.ingestFiles[ingestFile] ?? 0) + 1;
    this.eventFiles[eventFile] = (this.eventFiles[eventFile] ?? 0) + 1;
  }

  stats(): OrderStats {
    const count = (t: string): number => this.byType[t] ?? 0;
    const orders = count(OrderCreated.name);
    const cancellations = count(OrderCancelled.name);
    const open = orders - cancellations;
    const sorted = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
    const partition = (m: Record<string, number>): PartitionCounts => ({ files: Object.keys(m).length, events: sorted(m) });
    return {
      total_events: this.total,
      events_by_type: Object.fromEntries(ORDER_EVENT_TYPES.filter((t) => count(t) > 0).map((t) => [t, count(t)])),
      events_by_type_and_version: Object.fromEntries(
        ORDER_EVENT_TYPES.filter((t) => this.byVersion[t] !== undefined).map((t) => [t, sorted(this.byVersion[t])]),
      ),
      orders,
      cancellations,
      shipments: count(OrderShipped.name),
      corrections: count(OrderAmountCorrected.name),
      cancel_rate: ratio(cancellations, orders),
      ship_rate: ratio(count(OrderShipped.name), open),
      correction_rate: ratio(count(OrderAmountCorrected.name), open),
      v2_rate: ratio(this.byVersion[OrderCreated.name]?.['2'] ?? 0, orders),
      late_events: this.late,
      late_rate: ratio(this.late, this.total),
      out_of_order_events: this.outOfOrder,
      out_of_order_rate: ratio(this.outOfOrder, this.total),
      first_event_time: this.firstEvent,
      last_event_time: this.lastEvent,
      partitions: { events_by_ingest_date: partition(this.ingestFiles), events_by_event_date: partition(this.eventFiles) },
    };
  }
}
