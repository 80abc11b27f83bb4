/**
 * Durations as users write them ("30s", "10m", "1h30m", "3d", "250ms") and as the engine uses
 * them (milliseconds).
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration(1500);    // 1500 (numbers are milliseconds)
 */
import { ModelError } from './errors';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)/y;

/** Text or milliseconds. */
export type DurationInput = string | number;

/** Why a duration could not be read. */
export class DurationError extends ModelError {
  override readonly name = 'DurationError';
}

/** Parses "30s", "10m", "1h30m", "3d", "250ms" (or a number of ms) to milliseconds. */
export const parseDuration = (input: DurationInput): number => {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationError(`invalid duration ${input}`);
    return input;
  }
  const text = input.trim();
  if (text === '') throw new DurationError('empty duration');
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) break;
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) {
      throw new DurationError(`invalid duration "${input}": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"`);
    }
    total += parseFloat(m[1]) * UNIT_MS[m[2]];
    pos = PART.lastIndex;
  }
  return Math.round(total);
};

/** Milliseconds as the shortest readable text: 5_400_000 → "1h30m". */
export const formatDuration = (ms: number): string => {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
};

/** Time amounts as flows write them: `{ minutes: 5 }`, `{ seconds: { min: 5, max: 30 } }`. */
export interface TimeSpan {
  readonly ms?: number | Range;
  readonly seconds?: number | Range;
  readonly minutes?: number | Range;
  readonly hours?: number | Range;
  readonly days?: number | Range;
}

/** An inclusive range of a unit. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

const SPAN_MS: ReadonlyArray<readonly [keyof TimeSpan, number]> = [
  ['ms', 1],
  ['seconds', 1000],
  ['minutes', 60_000],
  ['hours', 3_600_000],
  ['days', 86_400_000],
];

/** A uniform [0, 1) source, such as an `Rng`. */
export interface UniformSource {
  next(): number;
}

/** Throws a `DurationError` when a span has negative amounts or a range with min > max. */
export const checkSpan = (span: TimeSpan): void => {
  // Indexed, not `for (const [key] of …)`: this runs for every addDecay / wait a flow yields.
  for (let i = 0; i < SPAN_MS.length; i++) {
    const key = SPAN_MS[i][0];
    const v = span[key];
    if (v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) throw new DurationError(`${key} must be a number >= 0, got ${v}`);
    } else if (typeof v !== 'object' || v === null || !(v.min >= 0) || !(v.max >= v.min) || !Number.isFinite(v.max)) {
      throw new DurationError(`${key} range must have 0 <= min <= max, got ${JSON.stringify(v)}`);
    }
  }
};

/**
 * Draws a span's length in ms: fixed amounts draw nothing (they consume no randomness), each
 * range draws one uniform number. The span must have passed `checkSpan`.
 */
export const sampleSpan = (span: TimeSpan, source: UniformSource): number => {
  let total = 0;
  for (let i = 0; i < SPAN_MS.length; i++) {
    const v = span[SPAN_MS[i][0]];
    if (v === undefined) continue;
    const unit = SPAN_MS[i][1];
    total += typeof v === 'number' ? v * unit : (v.min + source.next() * (v.max - v.min)) * unit;
  }
  return Math.round(total);
};
