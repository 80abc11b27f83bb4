/**
 * A one-line progress display on a terminal (events, virtual time, events/s), redrawn at most
 * every 250 ms. Silent when the stream is not a TTY, so logs and pipes stay clean.
 *
 * @example
 * const progress = progressReporter(process.stderr);
 * await runSimulation(model, { onProgress: progress?.update });
 * progress?.done();
 */
import type { RunStats } from '../engine/runStats';

/** Progress callbacks. */
export interface ProgressReporter {
  readonly update: (stats: RunStats) => void;
  readonly done: () => void;
}

/** A reporter for `stream`, or undefined when it is not a terminal. */
export const progressReporter = (stream: NodeJS.WritableStream): ProgressReporter | undefined => {
  if ((stream as NodeJS.WriteStream).isTTY !== true) return undefined;
  const started = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update: (stats) => {
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      const rate = Math.round(stats.events / ((now - started) / 1000));
      stream.write(
        `\r\x1b[2K${stats.events.toLocaleString('en-US')} events · ${new Date(stats.endTime).toISOString()} · ${rate.toLocaleString('en-US')} events/s`,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
};
