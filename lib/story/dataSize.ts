/**
 * How large an event's data is, about its JSON length in characters, measured with a bound. A
 * story's data can grow with every event through `prev` — `str(prev)`, or `[prev.a, prev.a]`,
 * which doubles the written size each time while sharing its parts in memory — until writing one
 * event takes minutes and gigabytes. The story player measures each field as it is made and
 * stops at the story's `max_event_size`; the walk gives up as soon as it passes the bound, so it
 * costs at most that many steps whatever the value.
 *
 * @example
 * dataSize({ plan: 'pro', amount: 99 }, 1000); // 26, its JSON length
 * dataSize('x'.repeat(2000), 1000);            // Infinity
 */

/** The default `max_event_size`: ten million characters (Kafka's default message limit is one million bytes). */
export const DEFAULT_MAX_EVENT_SIZE = 10_000_000;

/**
 * The size of `value` — each string's and key's length (with quotes), one per other value and
 * separator, shared parts counted as often as JSON writes them — or Infinity once it passes `limit`.
 */
export const dataSize = (value: unknown, limit: number): number => {
  if (typeof value === 'string') return value.length + 2 > limit ? Infinity : value.length + 2;
  if (typeof value !== 'object' || value === null || value instanceof Date) return 1 > limit ? Infinity : 1;
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (Array.isArray(v)) {
      // Count each item's separator before queueing it, so the queue never outgrows the bound.
      size += 2 + v.length;
      if (size > limit) return Infinity;
      for (const x of v) pending.push(x);
    } else if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      const keys = Object.keys(v);
      size += 2 + keys.length;
      if (size > limit) return Infinity;
      for (const k of keys) {
        size += k.length + 3;
        pending.push((v as Record<string, unknown>)[k]);
      }
    } else size += 1;
    if (size > limit) return Infinity;
  }
  return size;
};
