/**
 * What every CLI run does around the run itself: SIGINT/SIGTERM handling, progress, the summary on
 * stderr, exit codes. Shared by `run` (models, YAML, stories) and `orders`.
 *
 * @example
 * return runReporting(io, say, { quiet: false, debug: false }, (stop, onProgress) => runSimulation(sim, { stop, onProgress }),
 *   (cause) => ({ message: String(cause), code: 1 }));
 */
import type { Observable } from 'rxjs';
import { Subject } from '../core/rx';
import type { RunStats } from '../engine/runStats';
import type { RunSummary } from '../runtime/runSimulation';
import { RunError } from '../runtime/runSimulation';
import { isBrokenPipe } from '../sinks/toStdout';
import { formatSummary } from './formatSummary';
import { progressReporter } from './progressReporter';
import type { CliIO } from './cliIO';

/**
 * Runs something into outputs with what every `run` does around it: SIGINT/SIGTERM stop
 * generation (outputs flush; a second signal exits at once), a progress line, the summary on
 * stderr, exit codes 0 / 1 (or what `failure` says) / 130, and a quiet exit when the reader of
 * stdout went away.
 */
export const runReporting = async (
  io: CliIO,
  say: (t: string) => void,
  flags: { readonly quiet: boolean; readonly debug: boolean },
  run: (stop: Observable<void>, onProgress: ((stats: RunStats) => void) | undefined) => Promise<RunSummary>,
  failure: (cause: unknown) => { readonly message: string; readonly code: number },
): Promise<number> => {
  const stop = new Subject<void>();
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) {
      // A second Ctrl-C: the user does not want to wait for the flush.
      say('deep-faker: interrupted again; exiting without waiting for the outputs to flush');
      if (io.signals === process) process.exit(130);
      return;
    }
    interrupted = true;
    stop.next();
  };
  io.signals?.on('SIGINT', onSignal);
  io.signals?.on('SIGTERM', onSignal);
  const progress = flags.quiet ? undefined : progressReporter(io.stderr);
  try {
    const summary = await run(stop, progress?.update);
    progress?.done();
    if (!flags.quiet) say(formatSummary(summary, interrupted ? 'interrupted' : 'done'));
    return interrupted ? 130 : 0;
  } catch (e) {
    progress?.done();
    if (!(e instanceof RunError)) throw e;
    if (isBrokenPipe(e.cause)) return 0; // `deep-faker run … | head`: the reader went away
    const { message, code } = failure(e.cause);
    say(`deep-faker: ${message}`);
    if (flags.debug && e.cause instanceof Error) say(e.cause.stack ?? '');
    if (!flags.quiet) say(formatSummary(e.summary as RunSummary, 'failed'));
    return code;
  } finally {
    io.signals?.off('SIGINT', onSignal);
    io.signals?.off('SIGTERM', onSignal);
  }
};
