/** Events built by hand for the delivery specs: no engine, exact times. */
import { Rng } from '../../lib/core/rng';
import { EVENT_META, SimEvent } from '../../lib/core/simEvent';
import { isoInstant } from '../../lib/core/isoInstant';
import { INGEST_TIME } from '../../lib/delivery/deliveryMeta';

export const T0 = Date.UTC(2026, 0, 15, 0, 0, 0);

/** One event with id `id` at virtual time `time` (ms), optionally with an ingest time already stamped. */
export const ev = (id: string, time: number, extra: Record<string, unknown> = {}, ingest?: number): SimEvent => {
  const e: Record<string | symbol, unknown> = {
    event_id: id,
    event_type: (extra.event_type as string | undefined) ?? 'thing_happened',
    timestamp: isoInstant(time),
    session_id: `s-${id}`,
    flow: 'synthetic',
    ...extra,
  };
  e[EVENT_META] = { time, key: undefined };
  if (ingest !== undefined) e[INGEST_TIME] = ingest;
  return e as unknown as SimEvent;
};

/**
 * `n` events with random UUIDs, spread over `days` days from T0 in time order (mean gap so that they
 * cover the span), two event types alternating at random, and a small payload.
 */
export const synthetic = (n: number, seed = 1, days = 14): SimEvent[] => {
  const rng = Rng.derive(seed, 'synthetic');
  const gap = (days * 86_400_000) / n;
  const out: SimEvent[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += rng.int(0, Math.round(2 * gap));
    out.push(ev(rng.uuid(), t, { event_type: rng.chance(0.4) ? 'order_created' : 'page_viewed', amount: rng.int(1, 500) / 4, n: i, tags: ['x', i % 3] }));
  }
  return out;
};

/** Three-sigma bounds of a binomial count. */
export const threeSigma = (n: number, p: number): [number, number] => {
  const s = 3 * Math.sqrt(n * p * (1 - p));
  return [n * p - s, n * p + s];
};
