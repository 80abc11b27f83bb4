/**
 * `withIngestTime`: stamps every event with the time a downstream system ingested it.
 *
 * What "late" means for a data pipeline (as in the order-lifecycle simulator): the ingest date (UTC day) is after the event date. So:
 * - with probability `lateRate` an event is **late**: its ingest time is uniform over
 *   [start of the next UTC day, event time + `maxLate`] (hence `maxLate` must be at least 1 day);
 * - otherwise it is **on time**: ingest = event time + a delay uniform in [`minDelay`, `maxDelay`]
 *   ms, capped at the last millisecond of the event's UTC day (so an on-time event is never late).
 *
 * Thus `ingest >= event time` always, and "late" ⇔ ingest day > event day, exactly. The draw for
 * an event depends only on `seed` and its `event_id` (`Rng.derive(seed, 'delivery.ingest',
 * event_id)`), not on its position: the same event gets the same ingest time whatever else is in
 * the stream, and a duplicate (same `event_id`) gets the same one. The value is written as
 * ISO-8601 UTC (ms) into `field` (placed right after `timestamp`) and kept as epoch ms on the
 * `INGEST_TIME` slot for the operators after it (`ingestTimeOf(e)`).
 *
 * @example
 * sim$.pipe(withIngestTime({ seed: 42, lateRate: 0.06, maxLate: '3d' }));
 * // {"event_id":…,"timestamp":"2025-01-01T10:00:00.000Z","ingest_time":"2025-01-01T10:00:01.234Z",…}
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { map } from '../core/rx';
import { DurationInput, parseDuration } from '../core/duration';
import { isoInstant } from '../core/isoInstant';
import { Rng } from '../core/rng';
import { SimEvent, eventTime } from '../core/simEvent';
import { setField, withIngestSlot } from './deliveryMeta';

const MS_PER_DAY = 86_400_000;

/** Options of `withIngestTime`. */
export interface WithIngestTimeOptions {
  /** Seed of the draws. */
  readonly seed: number;
  /** Probability that an event is late (ingested on a later UTC day). Default 0. */
  readonly lateRate?: number;
  /** Longest lateness after the event time ("3d" or ms); at least 1 day. Default "3d". */
  readonly maxLate?: DurationInput;
  /** Shortest delay of an on-time event ("0s" or ms). Default 0. */
  readonly minDelay?: DurationInput;
  /** Longest delay of an on-time event ("2s" or ms). Default 2000. */
  readonly maxDelay?: DurationInput;
  /** Field receiving the ISO-8601 ingest time. Default "ingest_time". */
  readonly field?: string;
}

/** Validated numbers of `WithIngestTimeOptions`. */
export interface IngestPlan {
  readonly seed: number;
  readonly lateRate: number;
  readonly maxLateMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

const checkRate = (name: string, rate: number): number => {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${rate}`);
  return rate;
};

/** Reads and checks the options (throws `RangeError` / `DurationError` with the option's name). */
export const ingestPlan = (o: WithIngestTimeOptions): IngestPlan => {
  const maxLateMs = parseDuration(o.maxLate ?? '3d');
  const minDelayMs = parseDuration(o.minDelay ?? 0);
  const maxDelayMs = parseDuration(o.maxDelay ?? 2000);
  const lateRate = checkRate('withIngestTime: lateRate', o.lateRate ?? 0);
  if (lateRate > 0 && maxLateMs < MS_PER_DAY) {
    throw new RangeError(`withIngestTime: maxLate must be at least 1d (a late event is ingested on a later UTC day), got ${maxLateMs} ms`);
  }
  if (maxDelayMs < minDelayMs) throw new RangeError(`withIngestTime: maxDelay (${maxDelayMs} ms) is below minDelay (${minDelayMs} ms)`);
  return { seed: o.seed, lateRate, maxLateMs, minDelayMs, maxDelayMs };
};

/**
 * The ingest time (epoch ms) of an event at `time` with id `eventId` under `plan`: a pure function.
 *
 * @example
 * ingestTimeFor(ingestPlan({ seed: 1 }), 'id-1', Date.UTC(2025, 0, 1)); // within 2 s after
 */
export const ingestTimeFor = (plan: IngestPlan, eventId: string, time: number): number => {
  const rng = Rng.derive(plan.seed, 'delivery.ingest', eventId);
  const late = rng.chance(plan.lateRate);
  const nextDay = (Math.floor(time / MS_PER_DAY) + 1) * MS_PER_DAY;
  if (late) return rng.int(nextDay, Math.max(nextDay, time + plan.maxLateMs));
  const delay = plan.maxDelayMs > plan.minDelayMs ? rng.int(plan.minDelayMs, plan.maxDelayMs) : plan.minDelayMs;
  return Math.min(time + delay, nextDay - 1);
};

/**
 * Adds an ingest time (≥ event time; with probability `lateRate` on a later UTC day) to every event.
 *
 * @example
 * events$.pipe(withIngestTime({ seed: 42, lateRate: 0.06, maxLate: '3d', maxDelay: '2s' }));
 */
export const withIngestTime = (options: WithIngestTimeOptions): MonoTypeOperatorFunction<SimEvent> => {
  const plan = ingestPlan(options);
  const field = options.field ?? 'ingest_time';
  return map((e) => {
    const ms = ingestTimeFor(plan, e.event_id, eventTime(e));
    return withIngestSlot(setField(e, field, isoInstant(ms), 'timestamp'), ms);
  });
};

/**
 * True when an ISO-8601 ingest time falls on a later UTC day than the event time (the order simulator's "late").
 *
 * @example
 * isLate('2025-01-01T23:59:59.000Z', '2025-01-02T00:00:00.000Z'); // true
 */
export const isLate = (eventTimeIso: string, ingestTimeIso: string): boolean => ingestTimeIso.slice(0, 10) > eventTimeIso.slice(0, 10);
