/**
 * The text of the CLI's progress line, as pure functions of what a run has done so far: events,
 * events per second over the last few seconds (`RecentRate`), virtual time, the process's
 * resident memory and the live entities per type, cut to fit the terminal's width.
 *
 * @example
 * formatProgressLine({ events: 1_204, perSecond: 5_733, virtualTime: Date.UTC(2025, 0, 1), rssBytes: 96 * 2 ** 20, entities: [['User', 310]] }, 80);
 * // '1,204 events · 5,733 events/s · 2025-01-01T00:00:00.000Z · rss 96 MB · User 310'
 */

/** What the progress line shows. */
export interface ProgressSample {
  readonly events: number;
  /** Events per second lately; undefined before it can be measured. */
  readonly perSecond: number | undefined;
  /** Virtual time of the last event (epoch ms). */
  readonly virtualTime: number;
  /** Resident set size of the process, bytes. */
  readonly rssBytes: number;
  /** Live entities per type, in the model's order. */
  readonly entities: ReadonlyArray<readonly [string, number]>;
}

/** The rate is measured over this much wall time, so a long run shows its current rate. */
export const RATE_WINDOW_MS = 5_000;

const SEPARATOR = ' · ';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * Events per second over the last `RATE_WINDOW_MS` of wall time, from samples of the events
 * count taken now and then (each redraw).
 *
 * @example
 * const rate = new RecentRate(0, 0);
 * rate.add(1_000, 500);
 * rate.perSecond(); // 500
 */
export class RecentRate {
  private readonly samples: Array<{ readonly at: number; readonly events: number }>;

  /** @param at wall-clock ms when counting started @param events the count then */
  constructor(at: number, events: number) {
    this.samples = [{ at, events }];
  }

  /** Records the count at wall-clock ms `at` (not before the last sample). */
  add(at: number, events: number): void {
    this.samples.push({ at, events });
    // Keep one sample at or before the window's start, so the window is covered in full.
    while (this.samples.length > 2 && this.samples[1].at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Events per second between the oldest kept sample and the newest; undefined if no time passed. */
  perSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const ms = last.at - first.at;
    return ms > 0 ? ((last.events - first.events) * 1000) / ms : undefined;
  }
}

/**
 * One line of at most `columns - 1` characters (the last column would wrap on some terminals):
 * the entities that do not fit are counted (`+3 more`), and a line too long even without them
 * is cut with `…`.
 */
export const formatProgressLine = (s: ProgressSample, columns: number): string => {
  const width = Math.max(10, columns - 1);
  const parts = [
    `${n(s.events)} events`,
    ...(s.perSecond === undefined ? [] : [`${n(s.perSecond)} events/s`]),
    new Date(s.virtualTime).toISOString(),
    `rss ${n(s.rssBytes / 2 ** 20)} MB`,
  ];
  let line = parts.join(SEPARATOR);
  if (line.length > width) return `${line.slice(0, width - 1)}…`;
  const types = s.entities.map(([type, count]) => `${type} ${n(count)}`);
  const full = [line, ...types].join(SEPARATOR);
  if (full.length <= width) return full;
  // Some type is left out: keep room for saying how many.
  let shown = 0;
  while (`${line}${SEPARATOR}${types[shown]}${SEPARATOR}+${types.length - shown - 1} more`.length <= width) line += SEPARATOR + types[shown++];
  const more = `${SEPARATOR}+${types.length - shown} more`;
  return (line + more).length <= width ? line + more : line;
};
