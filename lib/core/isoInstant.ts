/**
 * Fast ISO-8601 formatting of epoch milliseconds, for datetime fields.
 *
 * `isoInstant(ms)` returns exactly what `new Date(ms).toISOString()` returns, several times faster:
 * the calendar day is computed arithmetically (and the last one cached, since events of a run are
 * close in time), the digits are written into a scratch array of char codes that becomes one flat
 * string (a string concatenated from pieces is a tree of cons-strings that `JSON.stringify` has to
 * flatten later, at a higher cost), and the last result is remembered (every `now` field of an
 * event formats the same instant).
 *
 * @example
 * isoInstant(Date.UTC(2025, 0, 15, 14, 30)); // '2025-01-15T14:30:00.000Z'
 * isoDay(Date.UTC(2025, 0, 15, 14, 30));     // '2025-01-15'
 */

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00Z: past it, ISO needs a six-digit year; let `Date` handle that. */
const END_OF_4_DIGIT_YEARS = 253_402_300_800_000;
/** 1000-01-01T00:00:00Z: before it, years have fewer than four digits; let `Date` pad them. */
const MIN_FAST = -30_610_224_000_000;

let cachedDay = Number.NaN;
let lastMs = Number.NaN;
let lastIso = '';

/** Char codes of `YYYY-MM-DDTHH:MM:SS.mmmZ`: the day part is written when the day changes. */
const CODES: number[] = Array.from('0000-00-00T00:00:00.000Z', (c) => c.charCodeAt(0));
const ZERO = 48;

/** Writes `n` as `width` decimal digits into `CODES` at `at`. */
const putDigits = (at: number, n: number, width: number): void => {
  for (let i = at + width - 1; i >= at; i--) {
    const q = Math.floor(n / 10);
    CODES[i] = ZERO + (n - q * 10);
    n = q;
  }
};

/** Writes `YYYY-MM-DD` of a day since the epoch into `CODES` (Howard Hinnant's civil-from-days, no `Date`). */
const putDay = (day: number): void => {
  if (day === cachedDay) return;
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  cachedDay = day;
  putDigits(0, y, 4);
  putDigits(5, m, 2);
  putDigits(8, d, 2);
};

/**
 * Epoch milliseconds as ISO-8601 UTC with milliseconds; throws `RangeError` for NaN.
 *
 * @example
 * isoInstant(0); // '1970-01-01T00:00:00.000Z'
 */
export const isoInstant = (ms: number): string => {
  if (ms === lastMs) return lastIso;
  if (!(ms >= MIN_FAST && ms < END_OF_4_DIGIT_YEARS)) return new Date(ms).toISOString();
  const t = Math.trunc(ms);
  const day = Math.floor(t / MS_PER_DAY);
  let r = t - day * MS_PER_DAY;
  const milli = r % 1000;
  r = (r - milli) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  const min = r % 60;
  const hour = (r - min) / 60;
  putDay(day);
  putDigits(11, hour, 2);
  putDigits(14, min, 2);
  putDigits(17, sec, 2);
  putDigits(20, milli, 3);
  lastMs = ms;
  const c = CODES;
  // 24 arguments rather than `apply` with the array: about twice as fast.
  lastIso = String.fromCharCode(
    c[0],
    c[1],
    c[2],
    c[3],
    c[4],
    c[5],
    c[6],
    c[7],
    c[8],
    c[9],
    c[10],
    c[11],
    c[12],
    c[13],
    c[14],
    c[15],
    c[16],
    c[17],
    c[18],
    c[19],
    c[20],
    c[21],
    c[22],
    c[23],
  );
  return lastIso;
};

/**
 * The UTC calendar day of epoch milliseconds, `YYYY-MM-DD`.
 *
 * @example
 * isoDay(Date.UTC(1999, 11, 31, 23, 59)); // '1999-12-31'
 */
export const isoDay = (ms: number): string => isoInstant(ms).slice(0, 10);
