/**
 * How much state history an entity store keeps: every version (`'full'`), only current state
 * (`'none'`), or a window (`{ keep: '1h' }`): versions that ended more than `keep` before the
 * store's latest change may be dropped, and `query` answers every instant from `keep` before that
 * change on, exactly as with full history.
 *
 * @example
 * historyKeep('full');           // Infinity
 * historyKeep({ keep: '1h' });   // 3_600_000
 * historyKeep({ keep: 0 });      // throws: history.keep: must be more than 0 …
 */
import type { DurationInput } from '../core/duration';
import { formatDuration, parseDuration } from '../core/duration';
import { DeepFakerError, ModelError } from '../core/errors';
import { isoInstant } from '../core/isoInstant';

/**
 * A history window: keep the versions that ended less than `keep` (a duration: `"1h"`, `"30m"`,
 * or milliseconds) before the store's latest change.
 *
 * @example
 * const sim = simulation({ duration: '30d', history: { keep: '1h' } });
 */
export interface HistoryWindow {
  readonly keep: DurationInput;
}

/** How much state history is kept. */
export type HistoryMode = 'full' | 'none' | HistoryWindow;

const EXPECTED = 'must be "full", "none" or { keep: <duration> } (e.g. { keep: "1h" })';

/**
 * How long a version is kept after it ended (ms), after checking `mode`: Infinity for 'full', 0
 * for 'none' (nothing is logged). A mistake is a `ModelError` whose message names `history`.
 */
export const historyKeep = (mode: HistoryMode): number => {
  if (mode === 'full') return Infinity;
  if (mode === 'none') return 0;
  if (typeof mode !== 'object' || mode === null || Array.isArray(mode)) throw new ModelError(`history: ${EXPECTED}, got ${describe(mode)}`);
  const extra = Object.keys(mode).filter((k) => k !== 'keep');
  if (extra.length > 0 || !('keep' in mode)) throw new ModelError(`history: ${EXPECTED}, got ${describe(mode)}`);
  const keep = mode.keep as unknown;
  if (typeof keep !== 'string' && typeof keep !== 'number') throw new ModelError(`history.keep: expected a duration such as "1h", got ${describe(keep)}`);
  let ms: number;
  try {
    ms = parseDuration(keep);
  } catch (e) {
    throw new ModelError(`history.keep: ${(e as Error).message}`);
  }
  if (ms <= 0) throw new ModelError(`history.keep: must be more than 0, got ${describe(keep)} (to keep only current state, use history "none")`);
  return ms;
};

const describe = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

/** An instant as ISO-8601 where a Date can hold it, else as epoch ms. */
const instant = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? isoInstant(ms) : String(ms));

/**
 * `query` asked about an instant before the oldest one a history window keeps.
 *
 * @example
 * try {
 *   store.query(User, [], Date.parse('2025-01-01T00:10:00Z'));
 * } catch (e) {
 *   if (e instanceof HistoryWindowError) console.log(e.oldest); // the oldest instant it answers
 * }
 */
export class HistoryWindowError extends DeepFakerError {
  override readonly name = 'HistoryWindowError';

  constructor(
    /** The instant asked about (epoch ms). */
    readonly at: number,
    /** The oldest instant the store answers (epoch ms): `keep` before its latest change. */
    readonly oldest: number,
    /** The window (ms). */
    readonly keep: number,
  ) {
    super(`history keeps ${formatDuration(keep)}: ${instant(at)} is before the oldest instant kept, ${instant(oldest)}`);
  }
}
