/**
 * The values of `run`'s (and `orders`') numeric and time flags, checked at the edge so that a
 * mistake is a usage error (exit 2) before anything is loaded, whatever the kind of model:
 *
 * - `--seed N`: digits with an optional minus, |N| ≤ 2^53 − 1 (every such seed is exact in a
 *   JavaScript number and gives its own random streams); `1e3`, `0x10` and `99999999999999999999`
 *   are refused.
 * - `--total-events N`: digits only, 1 ≤ N ≤ 2^53 − 1.
 * - `--time-multiplier X`: a number > 0, or `max` (as fast as possible).
 * - `--rate R`: events per wall-clock second, minute or hour (`5000/s`, `300/m`, `10/h`; a plain
 *   number is per second), more than 0.
 * - `--start ISO|now`: an ISO-8601 date (YYYY-MM-DD…) with a four-digit year, a real calendar day.
 * - `--duration D`: a duration of more than 0, or `forever`.
 *
 * `node:util`'s `parseArgs` reads `--seed -1` as a flag without its value ("argument is
 * ambiguous"); `joinNegativeValues` rewrites it to `--seed=-1` first, so the value gets the plain
 * message of its flag.
 *
 * @example
 * seedFlag('seed', '-42'); // -42
 * joinNegativeValues(['--seed', '-1'], { seed: { type: 'string' } }); // ['--seed=-1']
 */
import { parseDuration } from '../core/duration';
import { FOREVER } from '../engine/model';
import { UsageError } from './parseOutput';

/** The largest seed and count a flag takes: every integer up to it is exact in a JavaScript number. */
export const MAX_FLAG_INTEGER = Number.MAX_SAFE_INTEGER;

/** `parseArgs` option declarations, as far as this file needs them. */
type OptionTypes = Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;

/**
 * `--name -5` → `--name=-5` for string-valued long options followed by something that looks like a
 * negative number (`-5`, `-1m`, `-.5`), so `parseArgs` takes it as the value. Stops at `--`.
 */
export const joinNegativeValues = (args: ReadonlyArray<string>, options: OptionTypes): string[] => {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
};

/** An integer written in digits, `min` ≤ n ≤ 2^53 − 1; else a usage error naming `--name`. */
export const integerFlag = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > MAX_FLAG_INTEGER) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${MAX_FLAG_INTEGER} (digits only), got "${v}"`);
  }
  return n;
};

/** `--seed`: an integer in digits with an optional minus, −(2^53 − 1) … 2^53 − 1 (each gives its own streams). */
export const seedFlag = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || Math.abs(n) > MAX_FLAG_INTEGER) {
    throw new UsageError(`--${name}: expected an integer from -${MAX_FLAG_INTEGER} to ${MAX_FLAG_INTEGER} (digits, optionally a minus), got "${v}"`);
  }
  return n;
};

/** `--total-events`: 1 … 2^53 − 1. */
export const countFlag = (name: string, v: string | undefined): number | undefined => (v === undefined ? undefined : integerFlag(name, v, 1));

/** `--time-multiplier`: a number > 0, or `max` for as fast as possible (Infinity). */
export const multiplierFlag = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (v.trim() === 'max') return Infinity;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: expected a number > 0, or "max" for as fast as possible, got "${v}"`);
  return n;
};

const DATE_PART = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/** `--start`: "now", or an ISO-8601 date-time with a four-digit year on a real calendar day. */
export const startFlag = (name: string, v: string | undefined): string | undefined => {
  if (v === undefined || v === 'now') return v;
  const m = DATE_PART.exec(v);
  const [year, month, day] = m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
  const realDay = m !== null && month >= 1 && month <= 12 && day >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  if (!realDay || Number.isNaN(Date.parse(v))) {
    throw new UsageError(`--${name}: expected an ISO-8601 date-time from year 0000 to 9999 (e.g. 2025-01-01T00:00:00Z) or "now", got "${v}"`);
  }
  return v;
};

/** `v` when it is a duration ("3d", "90s"), else a usage error naming `--name`; with `positive`, 0 is refused too. */
export const durationFlag = (name: string, v: string, positive = false): string => {
  let ms: number;
  try {
    ms = parseDuration(v);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
  if (positive && ms <= 0) throw new UsageError(`--${name}: must be more than 0, got "${v}"`);
  return v;
};

/** `--duration`: a duration of more than 0, or `forever` (no end: until stopped, or --total-events). */
export const runDurationFlag = (name: string, v: string | undefined): string | undefined => {
  if (v === undefined || v === FOREVER) return v;
  try {
    return durationFlag(name, v, true);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; or "forever" for no end`);
  }
};

const PER: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600 };

/** `--rate`: `5000/s`, `300/m`, `10/h` or `5000` (per second) → events per second, more than 0. */
export const rateFlag = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([smh]))?\s*$/.exec(v);
  const perSecond = m === null ? NaN : Number(m[1]) / PER[m[2] ?? 's'];
  if (!(perSecond > 0 && Number.isFinite(perSecond))) {
    throw new UsageError(
      `--${name}: expected events per second, minute or hour, more than 0, such as 5000/s, 300/m or 10/h (a plain number is per second), got "${v}"`,
    );
  }
  return perSecond;
};
