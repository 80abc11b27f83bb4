/**
 * A one-line progress display on a terminal (progressLine.ts: events, events/s over the last few
 * seconds, virtual time, RSS, live entities per type), redrawn at most every 250 ms as events
 * are written, and every second while none are (so a stalled run shows its rate falling). Silent
 * when the stream is not a TTY, so logs and pipes stay clean.
 *
 * @example
 * const progress = progressReporter(process.stderr);
 * await runSimulation(model, { onProgress: progress?.update, onStore: (s) => progress?.watchEntities(() => counts(s)) });
 * progress?.done();
 */
import { performance } from 'node:perf_hooks';
import type { RunStats } from '../engine/runStats';
import { RecentRate, formatProgressLine } from './progressLine';

/** Progress callbacks. */
export interface ProgressReporter {
  /** The run's counters, after an event was written (the same object each time; read when redrawing). */
  readonly update: (stats: RunStats) => void;
  /** Where the live entities per type come from, once the run has its entity store. */
  readonly watchEntities: (entities: () => ReadonlyArray<readonly [string, number]>) => void;
  /** Clears the line and stops redrawing (idempotent). */
  readonly done: () => void;
}

/** What the reporter reads from the world (the defaults; fakes in specs). */
export interface ProgressClock {
  /** Wall-clock ms. */
  readonly now?: () => number;
  /** Resident set size, bytes. */
  readonly rss?: () => number;
  /** Redraw while no event arrives (default true; false in specs that drive the clock). */
  readonly timer?: boolean;
}

/** Shortest time between two redraws, ms. */
const REDRAW_MS = 250;

/** Redraw interval while no event arrives, ms. */
const IDLE_REDRAW_MS = 1_000;

/** A reporter for `stream`, or undefined when it is not a terminal. */
export const progressReporter = (stream: NodeJS.WritableStream, clock: ProgressClock = {}): ProgressReporter | undefined => {
  const tty = stream as NodeJS.WriteStream;
  if (tty.isTTY !== true) return undefined;
  const now = clock.now ?? (() => performance.now());
  const rss = clock.rss ?? (() => process.memoryUsage.rss());
  const started = now();
  const rate = new RecentRate(started, 0);
  let stats: RunStats | undefined;
  let entities: () => ReadonlyArray<readonly [string, number]> = () => [];
  let last = started; // the first line after REDRAW_MS: a rate over less would mean little
  let drawn = false;
  let finished = false;
  const redraw = (): void => {
    const at = now();
    if (finished || stats === undefined || at - last < REDRAW_MS) return;
    last = at;
    rate.add(at, stats.events);
    const line = formatProgressLine(
      { events: stats.events, perSecond: rate.perSecond(), virtualTime: stats.endTime, rssBytes: rss(), entities: entities() },
      tty.columns ?? 80,
    );
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  const timer = clock.timer === false ? undefined : setInterval(redraw, IDLE_REDRAW_MS);
  timer?.unref();
  return {
    update: (s) => {
      stats = s;
      redraw();
    },
    watchEntities: (source) => {
      entities = source;
    },
    done: () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
};
