/**
 * Wall-clock time in an IANA time zone, with `Intl.DateTimeFormat` only (no dependency): the
 * offset of a zone at an instant, the instant of a local wall time (DST gaps and overlaps
 * resolved like Temporal's "compatible"), calendar-day arithmetic, ISO-8601 with the zone's
 * offset, and `strftime`.
 *
 * @example
 * const ny = zone('America/New_York');
 * const t = ny.instantOf({ year: 2025, month: 3, day: 9, hour: 9, minute: 0, second: 0, ms: 0 });
 * ny.iso(t);                         // '2025-03-09T09:00:00.000-04:00'
 * ny.iso(ny.addDays(t, -1));         // '2025-03-08T09:00:00.000-05:00'
 * ny.format(t, '%Y-%m-%d %H:%M %Z'); // '2025-03-09 09:00 EDT'
 */
import { isoInstant } from '../core/isoInstant';

/** A local wall time (month 1-12). */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
}

const MS_PER_DAY = 86_400_000;
/** The largest |epoch ms| a JavaScript `Date` holds (±100 000 000 days around 1970). */
const DATE_LIMIT = 8.64e15;
/** 0100-01-01T00:00:00Z: before it, `Date.UTC` and `Intl` years mislead (see `utc` and `offset`). */
const YEAR_100 = -59_011_459_200_000;
/** One Gregorian cycle (400 years, 146 097 days): the calendar repeats after it. */
const GREGORIAN_CYCLE_MS = 146_097 * MS_PER_DAY;

/** `Date.UTC`, except that years 0–99 are those years (`Date.UTC` reads them as 1900–1999). */
const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number => {
  if (year >= 100) return Date.UTC(year, month, day, hour, minute, second, ms);
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.setUTCHours(hour, minute, second, ms);
};
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(Math.abs(Math.trunc(n))).padStart(width, '0');

/** The canonical name of an IANA zone, or undefined if `Intl` does not know it. */
export const canonicalZone = (name: string): string | undefined => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

/** Every zone name `Intl` knows (for suggestions). */
export const knownZones = (): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return ['UTC', ...(intl.supportedValuesOf?.('timeZone') ?? [])];
};

/** strftime directives `format` understands. */
export const STRFTIME_DIRECTIVES = 'aAbBdeFHIjmMpSsTuwyYzZfL%';

/** The first unknown `%x` directive of a strftime format, or undefined. */
export const badDirective = (format: string): string | undefined => {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    const d = format[i + 1];
    if (d === undefined || !STRFTIME_DIRECTIVES.includes(d)) return `%${d ?? ''}`;
    i++;
  }
  return undefined;
};

/** A time zone: offsets, local wall times and formatting. Build with `zone(name)`. */
export class Zone {
  readonly isUtc: boolean;
  private readonly parts: Intl.DateTimeFormat;
  private readonly names: Intl.DateTimeFormat;
  private lastMs = NaN;
  private lastOffset = 0;

  constructor(readonly name: string) {
    this.isUtc = name === 'UTC';
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.names = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  }

  /** The local wall time of an instant (epoch ms). */
  wall(ms: number): WallTime {
    const local = ms + this.offset(ms);
    const d = new Date(local);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
    };
  }

  /** The zone's offset from UTC at an instant, in ms (New York in winter: -18 000 000). */
  offset(ms: number): number {
    if (this.isUtc) return 0;
    if (ms === this.lastMs) return this.lastOffset;
    // Outside what a Date holds there is no offset (Intl would throw); callers get NaN instants.
    if (!(Math.abs(ms) <= DATE_LIMIT)) return NaN;
    // Intl writes 1 BC as "1" and Date.UTC reads years 0-99 as 1900-1999; zones kept local mean
    // time then, so the offset one Gregorian cycle later is the same.
    if (ms < YEAR_100) return this.offset(ms + Math.ceil((YEAR_100 - ms) / GREGORIAN_CYCLE_MS) * GREGORIAN_CYCLE_MS);
    const whole = Math.floor(ms / 1000) * 1000;
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of this.parts.formatToParts(whole)) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value);
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
        default:
          break;
      }
    }
    const asUtc = utc(y, mo - 1, d, h, mi, s);
    this.lastMs = ms;
    this.lastOffset = asUtc - whole;
    return this.lastOffset;
  }

  /**
   * The instant of a local wall time. A time that occurs twice (clocks set back) is the earlier
   * one; a time that does not exist (clocks set forward) is moved forward by the gap (02:30 on
   * the spring-forward night in New York is 03:30 EDT).
   */
  instantOf(w: WallTime): number {
    const asUtc = utc(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
    if (this.isUtc) return asUtc;
    const before = this.offset(asUtc - MS_PER_DAY);
    const after = this.offset(asUtc + MS_PER_DAY);
    const candidates = [asUtc - before, asUtc - after].filter((t) => t + this.offset(t) === asUtc).sort((a, b) => a - b);
    return candidates.length > 0 ? candidates[0] : asUtc - before;
  }

  /**
   * The same local wall time `days` calendar days later (DST-aware: 09:00 stays 09:00); NaN when
   * that is beyond what a JavaScript `Date` holds (±8.64e15 ms).
   */
  addDays(ms: number, days: number): number {
    if (this.isUtc) {
      const t = ms + days * MS_PER_DAY;
      return Math.abs(t) <= DATE_LIMIT ? t : NaN;
    }
    if (!(Math.abs(ms) <= DATE_LIMIT)) return NaN;
    const w = this.wall(ms);
    const shifted = new Date(utc(w.year, w.month - 1, w.day + days, w.hour, w.minute, w.second, w.ms));
    if (Number.isNaN(shifted.getTime())) return NaN;
    return this.instantOf({
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: w.hour,
      minute: w.minute,
      second: w.second,
      ms: w.ms,
    });
  }

  /** `+05:30`, `-04:00`; `sep` '' gives `-0400`. */
  offsetText(ms: number, sep = ':'): string {
    const o = Math.round(this.offset(ms) / 60_000);
    return `${o < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(o) / 60))}${sep}${pad(Math.abs(o) % 60)}`;
  }

  /** ISO-8601 with milliseconds and the zone's offset; `Z` for UTC. */
  iso(ms: number): string {
    if (this.isUtc) return isoInstant(ms);
    const w = this.wall(ms);
    return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(w.ms, 3)}${this.offsetText(ms)}`;
  }

  /** The zone's short name at an instant: `EST`, `EDT`, `UTC`, `GMT+1`. */
  abbreviation(ms: number): string {
    return this.names.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? this.name;
  }

  /**
   * strftime: `%Y %m %d %H %M %S` and `%a %A %b %B %e %F %I %j %p %s %T %u %w %y %z %Z`, `%f`
   * (microseconds, 6 digits), `%L` (milliseconds), `%%`. Throws `RangeError` on another directive.
   */
  format(ms: number, fmt: string): string {
    const w = this.wall(ms);
    const weekday = new Date(utc(w.year, w.month - 1, w.day)).getUTCDay();
    let out = '';
    for (let i = 0; i < fmt.length; i++) {
      const c = fmt[i];
      if (c !== '%') {
        out += c;
        continue;
      }
      const d = fmt[++i];
      switch (d) {
        case 'Y':
          out += pad(w.year, 4);
          break;
        case 'y':
          out += pad(w.year % 100);
          break;
        case 'm':
          out += pad(w.month);
          break;
        case 'd':
          out += pad(w.day);
          break;
        case 'e':
          out += String(w.day).padStart(2, ' ');
          break;
        case 'H':
          out += pad(w.hour);
          break;
        case 'I':
          out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12);
          break;
        case 'p':
          out += w.hour < 12 ? 'AM' : 'PM';
          break;
        case 'M':
          out += pad(w.minute);
          break;
        case 'S':
          out += pad(w.second);
          break;
        case 'f':
          out += pad(w.ms * 1000, 6);
          break;
        case 'L':
          out += pad(w.ms, 3);
          break;
        case 'a':
          out += DAYS[weekday].slice(0, 3);
          break;
        case 'A':
          out += DAYS[weekday];
          break;
        case 'b':
          out += MONTHS[w.month - 1].slice(0, 3);
          break;
        case 'B':
          out += MONTHS[w.month - 1];
          break;
        case 'j':
          out += pad(Math.round((utc(w.year, w.month - 1, w.day) - utc(w.year, 0, 1)) / MS_PER_DAY) + 1, 3);
          break;
        case 'u':
          out += String(weekday === 0 ? 7 : weekday);
          break;
        case 'w':
          out += String(weekday);
          break;
        case 's':
          out += String(Math.floor(ms / 1000));
          break;
        case 'F':
          out += `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
          break;
        case 'T':
          out += `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
          break;
        case 'z':
          out += this.offsetText(ms, '');
          break;
        case 'Z':
          out += this.abbreviation(ms);
          break;
        case '%':
          out += '%';
          break;
        default:
          throw new RangeError(
            `unknown strftime directive "%${d ?? ''}" (known: ${STRFTIME_DIRECTIVES.split('')
              .map((x) => `%${x}`)
              .join(' ')})`,
          );
      }
    }
    return out;
  }
}

const zones = new Map<string, Zone>();

/** The `Zone` of an IANA name (cached); throws `RangeError` for an unknown zone. */
export const zone = (name: string): Zone => {
  let z = zones.get(name);
  if (z === undefined) {
    const canonical = canonicalZone(name);
    if (canonical === undefined) throw new RangeError(`unknown time zone "${name}"`);
    z = new Zone(canonical);
    zones.set(name, z);
  }
  return z;
};

/**
 * A story date: `2025-01-01` (local midnight in `z`), `2025-01-01T09:30[:00[.000]]` (local wall
 * time), or with `Z` / `±hh:mm` (that instant). Undefined if it is none of these.
 */
export const parseStoryDate = (text: string, z: Zone): { readonly ms: number; readonly dateOnly: boolean } | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const w: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    ms: frac === undefined ? 0 : Number(frac.padEnd(3, '0')),
  };
  const check = new Date(utc(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  if (check.getUTCMonth() + 1 !== w.month || check.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59 || w.second > 59) return undefined;
  if (tz !== undefined) {
    const asUtc = utc(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
    if (tz === 'Z') return { ms: asUtc, dateOnly: false };
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    return { ms: asUtc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000, dateOnly: false };
  }
  return { ms: z.instantOf(w), dateOnly: h === undefined };
};
