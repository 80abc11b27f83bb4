/**
 * The time a story can take place in: the years 0000 to 9999 in the story's zone — what
 * ISO-8601's four-digit years can write, and well inside the ±8.64e15 ms a JavaScript `Date`
 * holds. `compileStory` checks every schedule against it (dates, `offset_days`, `repeat` ×
 * `frequency`), and the player checks each occurrence (a start moved with `--start` can push one
 * out). It is a fixed limit: timestamps past it cannot be written as the story format's ISO-8601.
 *
 * @example
 * inStoryTime(zone('UTC'), Date.parse('2025-01-01')); // true
 * describeInstant(zone('UTC'), NaN);                  // 'after 9999-12-31'
 */
import type { Zone } from './zonedTime';

const MS_PER_DAY = 86_400_000;

/** 0000-01-01T00:00:00.000Z. */
export const FIRST_STORY_TIME = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z. */
export const LAST_STORY_TIME = 253_402_300_799_999;
/** 10 000 Gregorian years in days: no offset or frequency can usefully be longer. */
export const STORY_SPAN_DAYS = 3_652_425;
/** The same span in milliseconds. */
export const STORY_SPAN_MS = STORY_SPAN_DAYS * MS_PER_DAY;
/** The limit in words, for messages. */
export const STORY_TIME_LIMIT = 'story times must lie within the years 0000 to 9999 (ISO-8601 four-digit years)';

/**
 * Whether `ms` is a story time in `z`: finite, and its local year between 0000 and 9999.
 *
 * @example
 * inStoryTime(zone('UTC'), LAST_STORY_TIME + 1); // false
 */
export const inStoryTime = (z: Zone, ms: number): boolean => {
  // A zone's offset is under a day, so outside these bounds the local year is out too.
  if (!(ms >= FIRST_STORY_TIME - MS_PER_DAY && ms <= LAST_STORY_TIME + MS_PER_DAY)) return false;
  if (z.isUtc) return ms >= FIRST_STORY_TIME && ms <= LAST_STORY_TIME;
  const year = z.wall(ms).year;
  return year >= 0 && year <= 9999;
};

/**
 * An instant for a message: ISO-8601 in the zone, or which end of story time it falls past (NaN
 * is what date arithmetic gives past a `Date`'s range, always forward in a story).
 *
 * @example
 * describeInstant(zone('UTC'), 0); // '1970-01-01T00:00:00.000Z'
 */
export const describeInstant = (z: Zone, ms: number): string => {
  if (inStoryTime(z, ms)) return z.iso(ms);
  return ms < FIRST_STORY_TIME ? 'before 0000-01-01' : 'after 9999-12-31';
};
