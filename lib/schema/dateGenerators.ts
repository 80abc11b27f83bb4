/**
 * Date and time hints, relative to simulation time `g.now` (never the wall clock).
 *
 * Instants are drawn in whole seconds, like Python Faker's (`2025-01-15T14:30:00.000Z` on a datetime
 * field); dates are UTC days (`2025-01-15` on a string field). "Some time in the past" (`date_time`,
 * `date`, `unix_time`, …) means the 30 years before `now`. Periods (`date_time_this_year`, …) follow
 * Python Faker's `before_now` / `after_now` flags; ranges (`date_time_between`) take Python Faker's
 * specs: `"now"`, `"today"`, offsets such as `"-30y"`, `"+1w"`, `"-1y-6M"`, ISO date-times, or epoch
 * seconds. Offsets are resolved per value against `g.now`.
 *
 * @example
 * compileGenerator('date_time_this_year', {}, { where: 'User.registered_at', name: 'registered_at', type: 'datetime' });
 * compileGenerator('date_time_between', { start_date: '-1y', end_date: 'now' }, site);
 */
import type { Rng } from '../core/rng';
import type { GenContext, Generate } from './generator';
import type { BuiltinGenerator, Compiled, GeneratorParams } from './generatorParams';
import { isoInstant } from '../core/isoInstant';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Python Faker's year and month in relative specs. */
const YEAR = 365.25 * DAY;
const MONTH = 30.42 * DAY;
/** How far back "some time in the past" goes. */
const PAST = 30 * YEAR;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A whole second in [lo, hi] (ms); `lo` when the range holds no whole second. */
const secondIn = (rng: Rng, lo: number, hi: number): number => {
  const a = Math.ceil(lo / SECOND);
  const b = Math.floor(hi / SECOND);
  return b < a ? lo : (a + Math.floor(rng.next53() * (b - a + 1))) * SECOND;
};

/** Midnight UTC of a day in [lo, hi] (ms). */
const dayIn = (rng: Rng, lo: number, hi: number): number => {
  const a = Math.floor(lo / DAY);
  const b = Math.floor(hi / DAY);
  return (b < a ? a : a + Math.floor(rng.next() * (b - a + 1))) * DAY;
};

// ---------------------------------------------------------------------------------------------
// date specs
// ---------------------------------------------------------------------------------------------

/** A point in time: an offset from `now`, or absolute epoch ms. */
interface DateSpec {
  readonly relative: boolean;
  readonly ms: number;
}

const at = (spec: DateSpec, now: number): number => (spec.relative ? now + spec.ms : spec.ms);

const OFFSET = /^(?:[+-]?\d+[yMwdhms])+$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: YEAR, M: MONTH, w: 7 * DAY, d: DAY, h: HOUR, m: MINUTE, s: SECOND };

/** Reads a Python-Faker date spec parameter. */
const dateSpec = (p: GeneratorParams, name: string, fallback: string): DateSpec => {
  const v = p.raw(name) ?? fallback;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return { relative: false, ms: v.getTime() };
  if (typeof v === 'number' && Number.isFinite(v)) return { relative: false, ms: v * SECOND };
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'now' || s === 'today') return { relative: true, ms: 0 };
    if (OFFSET.test(s)) {
      let ms = 0;
      for (const m of s.matchAll(/([+-]?)(\d+)([yMwdhms])/g)) ms += (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3]];
      return { relative: true, ms };
    }
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return { relative: false, ms: t };
  }
  return p.fail(`${name} must be "now", "today", an offset like "-30d" or "+1y", a date-time or epoch seconds; got ${JSON.stringify(v)}`);
};

/** A range of two specs; rejected at compile time when it is empty whatever `now` is. */
const dateRange = (p: GeneratorParams, startName: string, startDefault: string, endName: string, endDefault: string) => {
  const start = dateSpec(p, startName, startDefault);
  const end = dateSpec(p, endName, endDefault);
  if (start.relative === end.relative && start.ms > end.ms) p.fail(`${startName} is after ${endName}`);
  return (now: number): [number, number] => {
    const a = at(start, now);
    const b = at(end, now);
    return a <= b ? [a, b] : [b, a];
  };
};

// ---------------------------------------------------------------------------------------------
// periods
// ---------------------------------------------------------------------------------------------

type Unit = 'century' | 'decade' | 'year' | 'month';

/** [start, end) of the period containing the last `now` seen; recomputed only when `now` leaves it. */
class Period {
  lo = Number.NaN;
  hi = Number.NaN;

  constructor(private readonly unit: Unit) {}

  update(now: number): void {
    if (now >= this.lo && now < this.hi) return;
    const d = new Date(now);
    const y = d.getUTCFullYear();
    switch (this.unit) {
      case 'month':
        this.lo = Date.UTC(y, d.getUTCMonth(), 1);
        this.hi = Date.UTC(y, d.getUTCMonth() + 1, 1);
        return;
      case 'year':
        this.lo = Date.UTC(y, 0, 1);
        this.hi = Date.UTC(y + 1, 0, 1);
        return;
      case 'decade':
        this.lo = Date.UTC(y - (y % 10), 0, 1);
        this.hi = Date.UTC(y - (y % 10) + 10, 0, 1);
        return;
      case 'century':
        this.lo = Date.UTC(y - (y % 100), 0, 1);
        this.hi = Date.UTC(y - (y % 100) + 100, 0, 1);
        return;
      default: {
        const never: never = this.unit;
        return never;
      }
    }
  }
}

/** `date_time_this_<unit>(before_now=True, after_now=False)` and `date_this_<unit>(before_today, after_today)`. */
const thisPeriod = (unit: Unit, days: boolean): BuiltinGenerator => {
  const [beforeName, afterName] = days ? ['before_today', 'after_today'] : ['before_now', 'after_now'];
  return {
    positional: [beforeName, afterName],
    make: (p) => {
      const before = p.boolean(beforeName, true);
      const after = p.boolean(afterName, false);
      const period = new Period(unit);
      const draw = days ? dayIn : secondIn;
      if (!before && !after) return { yields: days ? 'day' : 'instant', generate: (g) => (days ? Math.floor(g.now / DAY) * DAY : g.now) };
      return {
        yields: days ? 'day' : 'instant',
        generate: (g) => {
          period.update(g.now);
          return draw(g.rng, before ? period.lo : g.now, after ? period.hi - 1 : g.now);
        },
      };
    },
  };
};

// ---------------------------------------------------------------------------------------------
// hints
// ---------------------------------------------------------------------------------------------

const instant = (generate: Generate<number>): Compiled => ({ yields: 'instant', generate });
const day = (generate: Generate<number>): Compiled => ({ yields: 'day', generate });

/** A whole second in the 30 years up to `end_datetime` (default now). */
const pastSecond = (p: GeneratorParams): ((g: GenContext) => number) => {
  const end = dateSpec(p, 'end_datetime', 'now');
  return (g) => {
    const hi = at(end, g.now);
    return secondIn(g.rng, hi - PAST, hi);
  };
};

/** A string from a random past instant. */
const pastText = (format: (ms: number) => string): BuiltinGenerator => ({
  positional: ['end_datetime'],
  make: (p) => {
    const past = pastSecond(p);
    return { yields: 'string', generate: (g) => format(past(g)) };
  },
});

/**
 * The date and time built-ins by hint name.
 *
 * @example
 * Object.keys(dateGenerators).includes('date_time_this_decade'); // true
 */
export const dateGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  now: { make: () => instant((g) => g.now) },
  current_timestamp: { make: () => instant((g) => g.now) },
  date_time: { positional: ['end_datetime'], make: (p) => instant(pastSecond(p)) },
  iso8601: { positional: ['end_datetime'], make: (p) => instant(pastSecond(p)) },
  date: {
    positional: ['end_datetime'],
    make: (p) => {
      const past = pastSecond(p);
      return day((g) => Math.floor(past(g) / DAY) * DAY);
    },
  },
  unix_time: {
    positional: ['end_datetime'],
    make: (p) => {
      const past = pastSecond(p);
      return { yields: 'int', generate: (g) => past(g) / SECOND };
    },
  },
  time: pastText((ms) => isoInstant(ms).slice(11, 19)),
  year: pastText((ms) => isoInstant(ms).slice(0, 4)),
  month: pastText((ms) => isoInstant(ms).slice(5, 7)),
  day_of_month: pastText((ms) => isoInstant(ms).slice(8, 10)),
  month_name: pastText((ms) => MONTHS[Number(isoInstant(ms).slice(5, 7)) - 1]),
  day_of_week: pastText((ms) => WEEKDAYS[(Math.floor(ms / DAY) + 4) % 7]),
  date_time_this_century: thisPeriod('century', false),
  date_time_this_decade: thisPeriod('decade', false),
  date_time_this_year: thisPeriod('year', false),
  date_time_this_month: thisPeriod('month', false),
  date_this_century: thisPeriod('century', true),
  date_this_decade: thisPeriod('decade', true),
  date_this_year: thisPeriod('year', true),
  date_this_month: thisPeriod('month', true),
  date_time_between: {
    positional: ['start_date', 'end_date'],
    make: (p) => {
      const range = dateRange(p, 'start_date', '-30y', 'end_date', 'now');
      return instant((g) => {
        const [lo, hi] = range(g.now);
        return secondIn(g.rng, lo, hi);
      });
    },
  },
  date_between: {
    positional: ['start_date', 'end_date'],
    make: (p) => {
      const range = dateRange(p, 'start_date', '-30y', 'end_date', 'today');
      return day((g) => {
        const [lo, hi] = range(g.now);
        return dayIn(g.rng, lo, hi);
      });
    },
  },
  past_datetime: {
    positional: ['start_date'],
    make: (p) => {
      const start = dateSpec(p, 'start_date', '-30d');
      return instant((g) => secondIn(g.rng, Math.min(at(start, g.now), g.now - SECOND), g.now - SECOND));
    },
  },
  future_datetime: {
    positional: ['end_date'],
    make: (p) => {
      const end = dateSpec(p, 'end_date', '+30d');
      return instant((g) => secondIn(g.rng, g.now + SECOND, Math.max(at(end, g.now), g.now + SECOND)));
    },
  },
  past_date: {
    positional: ['start_date'],
    make: (p) => {
      const start = dateSpec(p, 'start_date', '-30d');
      return day((g) => dayIn(g.rng, Math.min(at(start, g.now), g.now - DAY), g.now - DAY));
    },
  },
  future_date: {
    positional: ['end_date'],
    make: (p) => {
      const end = dateSpec(p, 'end_date', '+30d');
      return day((g) => dayIn(g.rng, g.now + DAY, Math.max(at(end, g.now), g.now + DAY)));
    },
  },
  date_of_birth: {
    positional: ['minimum_age', 'maximum_age'],
    make: (p) => {
      const min = p.intIn('minimum_age', 0, 0, 1000);
      const max = p.intIn('maximum_age', 115, 0, 1000);
      if (min > max) p.fail(`minimum_age (${min}) must not be greater than maximum_age (${max})`);
      return day((g) => {
        const d = new Date(Math.floor(g.now / DAY) * DAY);
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth();
        const dd = d.getUTCDate();
        // born after this day (max + 1) years ago, and on or before this day min years ago
        return dayIn(g.rng, Date.UTC(y - max - 1, m, dd + 1), Date.UTC(y - min, m, dd));
      });
    },
  },
};
