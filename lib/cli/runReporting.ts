/**
 * What every CLI run does around the run itself: SIGINT/SIGTERM handling, progress, the summary on
 * stderr, exit codes. Shared by `run` (models, YAML, stories) and `orders`.
 *
 * @example
 * return runReporting(io, say, { quiet: false, debug: false, entityTypes: sim.entities },
 *   (stop, onProgress, onStore) => runSimulation(sim, { stop, onProgress, onStore }),
 *   (cause) => ({ message: String(cause), code: 1 }));
 */
import type { Observable } from 'rxjs';
import { Subject } from '../core/rx';
import type { RunStats } from '../engine/runStats';
import type { EntityType } from '../entities/entity';
import type { EntityStore } from '../entities/entityStore';
import type { RunSummary } from '../runtime/runSimulation';
import { RunError } from '../runtime/runSimulation';
import type { SinkOperator } from '../sinks/sink';
import { isBrokenPipe } from '../sinks/toStdout';
import { formatSummary } from './formatSummary';
import { progressReporter } from './progressReporter';
import type { CliIO } from './cliIO';

/** How long an interrupted run may take to flush its outputs before the CLI exits anyway (ms). */
export const INTERRUPT_GRACE_MS = 2_000;

/** Exit codes of an interrupted run: 128 + the signal's number, as shells report it. */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type Interrupt = keyof typeof INTERRUPT_EXIT_CODES;

/** How a run is reported. */
export interface ReportingFlags {
  readonly quiet: boolean;
  readonly debug: boolean;
  /**
   * The run's outputs: named, with what they acknowledged, when they do not flush within the grace
   * period (a function for outputs that live in worker threads, whose counts arrive as messages).
   */
  readonly outputs?: ReadonlyArray<ReportedOutput> | (() => ReadonlyArray<ReportedOutput>);
  /** A line after the summary of a finished run (e.g. the duration ended it before --total-events), or undefined. */
  readonly note?: (summary: RunSummary) => string | undefined;
  /** The state history the run keeps (`describeHistory`), for the summary; undefined for runs without entities. */
  readonly history?: string;
  /** The model's entity types: the progress line counts the live entities of each. */
  readonly entityTypes?: ReadonlyArray<EntityType<any>>;
  /** Live entities per type from elsewhere (worker threads), for the progress line, instead of the run's store. */
  readonly entityCounts?: () => ReadonlyArray<readonly [string, number]>;
  /** The summary's line on the shards the run ran, or undefined (the whole world in one thread). */
  readonly shards?: () => string | undefined;
}

/** An output as the reporting names it: its name and what it acknowledged so far. */
export type ReportedOutput = Pick<SinkOperator, 'sinkName'> & { readonly stats: Pick<SinkOperator['stats'], 'accepted'> };

/** Live entities per type of the run's store, in the model's order. */
const entityCounts = (store: EntityStore, types: ReadonlyArray<EntityType<any>>) => (): ReadonlyArray<readonly [string, number]> =>
  types.filter((t) => store.has(t)).map((t) => [t.name, store.count(t)] as const);

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * Runs something into outputs with what every `run` does around it: SIGINT/SIGTERM stop
 * generation and the outputs flush what was generated; if they have not finished within
 * `INTERRUPT_GRACE_MS`, or on a second signal, it resolves at once, saying which outputs did not
 * finish (bin/deep-faker.js then exits even if one is stuck in the OS). A progress line, the
 * summary on stderr, exit codes 0 / 1 (or what `failure` says) / 130 (SIGINT) / 143 (SIGTERM), and
 * a quiet exit when the reader of stdout went away.
 */
export const runReporting = async (
  io: CliIO,
  say: (t: string) => void,
  flags: ReportingFlags,
  run: (
    stop: Observable<void>,
    onProgress: ((stats: RunStats) => void) | undefined,
    onStore: ((store: EntityStore) => void) | undefined,
  ) => Promise<RunSummary>,
  failure: (cause: unknown) => { readonly message: string; readonly code: number },
): Promise<number> => {
  const stop = new Subject<void>();
  let interrupt: Interrupt | undefined;
  let settled = false; // once the code is decided, a run still going says nothing more
  let graceTimer: NodeJS.Timeout | undefined;
  let abandon!: (code: number) => void;
  const abandoned = new Promise<number>((resolve) => (abandon = resolve));
  const outputsNow = (): ReadonlyArray<ReportedOutput> => (typeof flags.outputs === 'function' ? flags.outputs() : (flags.outputs ?? []));
  const outputsLine = (): string =>
    `  outputs: ${
      outputsNow()
        .map((o) => `${o.sinkName} ${n(o.stats.accepted)} acknowledged`)
        .join('; ') || 'none'
    }`;
  const giveUp = (why: string): void => {
    if (settled) return;
    settled = true;
    progress?.done(); // the message starts on a line of its own
    say(`deep-faker: ${why}; events the outputs had not written are lost\n${outputsLine()}`);
    abandon(INTERRUPT_EXIT_CODES[interrupt!]);
  };
  const onSignal = (signal: Interrupt): void => {
    if (interrupt !== undefined) {
      // A second signal: the user does not want to wait for the flush.
      giveUp(`interrupted again (${signal}); exiting without waiting for the outputs to flush`);
      return;
    }
    interrupt = signal;
    stop.next();
    graceTimer = setTimeout(
      () => giveUp(`interrupted (${signal}); the outputs did not finish flushing within ${INTERRUPT_GRACE_MS / 1000} s, exiting anyway`),
      INTERRUPT_GRACE_MS,
    );
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  io.signals?.on('SIGINT', onInt);
  io.signals?.on('SIGTERM', onTerm);
  const progress = flags.quiet ? undefined : progressReporter(io.stderr);
  const types = flags.entityTypes ?? [];
  const onStore = progress === undefined || types.length === 0 ? undefined : (store: EntityStore) => progress.watchEntities(entityCounts(store, types));
  if (flags.entityCounts !== undefined) progress?.watchEntities(flags.entityCounts);
  const outcome = (async (): Promise<number> => {
    try {
      const summary = await run(stop, progress?.update, onStore);
      if (settled) return 0;
      progress?.done();
      if (!flags.quiet) {
        say(formatSummary(summary, interrupt !== undefined ? 'interrupted' : 'done', flags.history, flags.shards?.()));
        const note = interrupt === undefined ? flags.note?.(summary) : undefined;
        if (note !== undefined) say(`deep-faker: note: ${note}`);
      }
      return interrupt !== undefined ? INTERRUPT_EXIT_CODES[interrupt] : 0;
    } catch (e) {
      if (settled) return 0;
      progress?.done();
      if (!(e instanceof RunError)) throw e;
      if (isBrokenPipe(e.cause)) return 0; // `deep-faker run … | head`: the reader went away
      const { message, code } = failure(e.cause);
      say(`deep-faker: ${message}`);
      if (flags.debug && e.cause instanceof Error) say(e.cause.stack ?? '');
      if (!flags.quiet) say(formatSummary(e.summary as RunSummary, 'failed', flags.history, flags.shards?.()));
      return code;
    }
  })();
  try {
    return await Promise.race([outcome, abandoned]);
  } finally {
    settled = true;
    progress?.done();
    clearTimeout(graceTimer);
    io.signals?.off('SIGINT', onInt);
    io.signals?.off('SIGTERM', onTerm);
  }
};
