/**
 * The `deep-faker` command line.
 *
 * ```
 * deep-faker validate <file.yaml>
 * deep-faker run <file.ts|file.js|file.yaml> [--output stdout|stdout:json_pretty|file:PATH|kafka:BROKERS|mysql://URI]… [--seed N]
 *                [--duration 10m|forever] [--total-events N] [--start ISO|now] [--time-multiplier X | --rate 5000/s]
 *                [--quiet] [--debug]
 * ```
 *
 * Exit codes: 0 done, 1 the run failed (a flow or an output), 2 bad arguments or a model mistake,
 * 130 / 143 interrupted by SIGINT / SIGTERM (what was generated is flushed first, for at most 2 s).
 *
 * @example
 * const code = await main(['run', 'scenarios/ecommerce.ts', '--output', 'stdout', '--total-events', '10']);
 */
import { parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimulationModel, SimulationSettings } from '../engine/model';
import type { SinkOperator } from '../sinks/sink';
import type { RunSummary } from '../runtime/runSimulation';
import { RunError, runSimulation } from '../runtime/runSimulation';
import { FOREVER, MAX_TIME, resolveSettings } from '../engine/model';
import { describeError } from './describeError';
import { parseDuration } from '../core/duration';
import { loadModule } from './loadModule';
import { loadConfig } from '../config/yaml/loadConfig';
import { formatConfigError } from '../config/configError';
import { ModelError, locate } from './modelError';
import { UsageError, outputOperator, parseOutput } from './parseOutput';
import { runReporting } from './runReporting';
import { describeHistory } from './formatSummary';
import type { CliIO } from './cliIO';

export type { CliIO } from './cliIO';
import { isStoryFile } from '../config/story/isStory';
import type { DeliverySettings } from '../delivery/delivery';
import { DELIVERY_FLAG_OPTIONS, DELIVERY_USAGE, deliveryFromFlags } from './deliveryFlags';
import { countFlag, joinNegativeValues, multiplierFlag, rateFlag, runDurationFlag, seedFlag, startFlag } from './runFlags';

/** Usage text. */
export const USAGE = `Usage: deep-faker <command> [options]

Commands:
  run <file>        Run a simulation: a module (.ts .mts .cts .js .mjs .cjs exporting a Simulation
                    as default or "sim", or module.exports = sim), a YAML model (.yaml, .yml) or a
                    story (YAML with org_id, start_date and events; recognised from its content)
  validate <file>   Check a YAML configuration or story: prints "ok", or every error (exit code 2)
  orders --out <dir> Simulate order lifecycles into NDJSON files, partitions, stats.json
                    and optionally Kafka ("deep-faker orders --help" for its options)

Options of run:
  -o, --output <spec>        stdout | stdout:json_pretty | file:PATH | kafka:BROKERS[?topic=T]
                             | mysql://USER@HOST:PORT/DB (repeatable; default: the module's
                             outputs, else stdout)
      --seed <n>             random seed, an integer, |n| <= 2^53-1 (same seed, same model => identical output)
      --duration <d>         virtual duration, e.g. 30s, 10m, 1h, 3d (more than 0), or forever
                             (no end: until Ctrl-C / SIGTERM or --total-events)
      --total-events <n>     stop after n events (or at the duration, whichever comes first)
      --start <iso|now>      virtual start time (ISO-8601, year 0000 to 9999)
      --time-multiplier <x>  pace against the wall clock (1 = real time; max = as fast as possible);
                             default: the model's, else as fast as possible
      --rate <r>             pace by events instead: on average r events per wall-clock second,
                             e.g. 5000/s, 300/m, 10/h (a plain number is per second); the same
                             output, spread out; not with --time-multiplier
  -q, --quiet                no summary or progress on stderr
      --debug                stack traces for errors; for stories, also the scheduling and
                             expression debug lines (like DEBUG=deep-faker:*)
  -h, --help                 this help

${DELIVERY_USAGE}`;

/**
 * The state history of a CLI run whose model does not set one: a window, so that a long run's
 * memory stays bounded while `store.query` (an output's, through `onStore`) still answers the
 * last hour. The engine never queries history itself, so the output is the same whatever it keeps.
 */
export const CLI_HISTORY = { keep: '1h' } as const;

const defaultIO = (): CliIO => ({ stderr: process.stderr, cwd: process.cwd(), signals: process });

/** Runs the CLI; resolves with the exit code. */
export const main = async (argv: ReadonlyArray<string>, io: CliIO = defaultIO()): Promise<number> => {
  const debug = argv.includes('--debug');
  const say = (text: string): void => {
    io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const command = argv[0];
  try {
    const rest = argv.slice(1);
    if (command === undefined) throw new UsageError('no command given (try "run <file>")');
    if (command === '-h' || command === '--help' || command === 'help') {
      say(USAGE);
      return 0;
    }
    switch (command) {
      case 'run':
        return await runCommand(rest, io, say);
      case 'validate':
        return await validateCommand(rest, io, say);
      case 'orders':
        return await (await import('./orders')).ordersCommand(rest, io, say);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      say(`deep-faker: ${e.message}\n\n${command === 'orders' ? (await import('./orders')).ORDERS_USAGE : USAGE}`);
      return 2;
    }
    if (e instanceof ModelError) {
      say(`deep-faker: ${e.message}`);
      if (debug && e.cause instanceof Error) say(e.cause.stack ?? '');
      return 2;
    }
    say(`deep-faker: ${describeError(e)}`);
    if (debug && e instanceof Error) say(e.stack ?? '');
    return 1;
  }
};

const validateCommand = async (args: ReadonlyArray<string>, io: CliIO, say: (t: string) => void): Promise<number> => {
  const files = args.filter((a) => a !== '--debug');
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'validate needs a file' : `validate takes one file, got ${files.join(' ')}`);
  const file = path.resolve(io.cwd, files[0]);
  if (!/\.ya?ml$/i.test(file)) throw new UsageError(`validate checks YAML configurations (.yaml, .yml), got ${files[0]}`);
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${files[0]}`);
  const name = path.relative(io.cwd, file) || file;
  const loaded = isStoryFile(file) ? (await import('../config/story/loadStory')).loadStory(file, { file: name }) : loadConfig(file, { file: name });
  if (loaded.ok) {
    (io.stdout ?? process.stdout).write('ok\n');
    return 0;
  }
  say(loaded.errors.map(formatConfigError).join('\n'));
  return 2;
};

const runCommand = async (args: ReadonlyArray<string>, io: CliIO, say: (t: string) => void): Promise<number> => {
  const options = {
    output: { type: 'string', short: 'o', multiple: true },
    seed: { type: 'string' },
    duration: { type: 'string' },
    'total-events': { type: 'string' },
    start: { type: 'string' },
    'time-multiplier': { type: 'string' },
    rate: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...DELIVERY_FLAG_OPTIONS,
  } as const;
  let parsed;
  try {
    // `--seed -1` is a value, not a flag: it gets --seed's own message.
    parsed = parseArgs({ args: joinNegativeValues(args, options), allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    say(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs a file' : `run takes one file, got ${positionals.join(' ')}`);
  const file = path.resolve(io.cwd, positionals[0]);
  const outputs: SinkOperator[] | undefined = values.output?.map((o) => outputOperator(parseOutput(o)));
  const seed = seedFlag('seed', values.seed);
  const totalEvents = countFlag('total-events', values['total-events']);
  const timeMultiplier = multiplierFlag('time-multiplier', values['time-multiplier']);
  const rate = rateFlag('rate', values.rate);
  if (rate !== undefined && timeMultiplier !== undefined) throw new UsageError('--rate and --time-multiplier: pace a run by one of them, not both');
  // 0s is refused for every kind of model alike (a model's own duration is checked by its front end).
  runDurationFlag('duration', values.duration);
  startFlag('start', values.start);

  // Checked before anything is loaded: a bad flag is a usage error whatever the file.
  const deliveryFlags = deliveryFromFlags(values, undefined);
  if (isStoryFile(file)) {
    const run = {
      outputs,
      seed,
      totalEvents,
      timeMultiplier,
      rate,
      // A story ends with its schedule: forever only lifts the extra bound.
      duration: values.duration === FOREVER ? undefined : values.duration,
      start: values.start,
      quiet: values.quiet === true,
      debug: values.debug === true,
    };
    return runStoryFile(file, { ...run, delivery: deliveryFlags }, io, say);
  }
  const loaded = loadModule(file);
  const delivery = deliveryFromFlags(values, loaded.delivery);
  const overrides: Partial<Record<keyof SimulationSettings, unknown>> = {};
  if (seed !== undefined) overrides.seed = seed;
  if (values.duration !== undefined) overrides.duration = values.duration;
  if (totalEvents !== undefined) overrides.totalEvents = totalEvents;
  if (values.start !== undefined) overrides.startTime = values.start;
  if (timeMultiplier !== undefined) overrides.timeMultiplier = timeMultiplier;
  const historyByDefault = loaded.model.settings.history === undefined;
  if (historyByDefault) overrides.history = CLI_HISTORY;
  const model: SimulationModel = { ...loaded.model, settings: { ...loaded.model.settings, ...overrides } as SimulationSettings };
  checkSettings(model, seed, file);
  const sinks = outputs ?? (loaded.outputs.length > 0 ? [...loaded.outputs] : [outputOperator({ _tag: 'Stdout', format: 'json' })]);
  const duration = model.settings.duration;
  const forever = duration === undefined || duration === FOREVER;
  const endedBy = forever ? 'the model ended (every session finished)' : `the run reached its duration (${String(duration)} of virtual time)`;
  const hint = forever ? undefined : 'give a longer --duration for more';
  const eventsNote = totalEventsNote(totalEvents, endedBy, hint);
  const note = (summary: RunSummary): string | undefined => (forever ? endOfDatesNote(summary) : undefined) ?? eventsNote(summary);
  return runReporting(
    io,
    say,
    {
      quiet: values.quiet === true,
      debug: values.debug === true,
      outputs: sinks,
      note,
      entityTypes: model.entities,
      history: describeHistory(model.settings.history!, historyByDefault),
    },
    (stop, onProgress, onStore) =>
      runSimulation(model, { outputs: sinks, stop, onProgress, onStore, delivery, rate }).catch((e: unknown) => {
        throw e instanceof RunError ? e : toModelError(e, file);
      }),
    (cause) => ({ message: describeFailure(cause, file), code: isModelMistake(cause) ? 2 : 1 }),
  );
};

interface StoryRunFlags {
  readonly outputs: SinkOperator[] | undefined;
  readonly seed: number | undefined;
  readonly totalEvents: number | undefined;
  readonly timeMultiplier: number | undefined;
  readonly rate: number | undefined;
  readonly duration: string | undefined;
  readonly start: string | undefined;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly delivery: DeliverySettings | undefined;
}

/** `run story.yaml`: a story into the outputs (default stdout), with the same summary and exit codes. */
const runStoryFile = async (file: string, flags: StoryRunFlags, io: CliIO, say: (t: string) => void): Promise<number> => {
  // The story front end loads only for a story.
  const [{ loadStory }, { runStory }, { debugEnabled }] = await Promise.all([
    import('../config/story/loadStory'),
    import('../config/story/runStory'),
    import('../config/story/streamStory'),
  ]);
  const loaded = loadStory(file, { file: path.relative(io.cwd, file) || file });
  if (!loaded.ok) throw new ModelError(loaded.errors.map(formatConfigError).join('\n'));
  const sinks = flags.outputs ?? [outputOperator({ _tag: 'Stdout', format: 'json' })];
  const debug = flags.debug || debugEnabled(process.env.DEBUG) ? (line: string) => say(line) : false;
  return runReporting(
    io,
    say,
    { ...flags, outputs: sinks, note: totalEventsNote(flags.totalEvents, 'the story ended (its schedule has no more occurrences)', undefined) },
    (stop, onProgress) =>
      runStory(loaded.story, {
        outputs: sinks,
        seed: flags.seed,
        totalEvents: flags.totalEvents,
        timeMultiplier: flags.timeMultiplier,
        rate: flags.rate,
        duration: flags.duration === undefined ? undefined : parseDuration(flags.duration),
        // "now" is resolved here, at the edge.
        start: flags.start === 'now' ? Date.now() : flags.start,
        debug,
        stop,
        onProgress,
        delivery: flags.delivery,
      }),
    (cause) => ({ message: describeError(cause), code: 1 }),
  );
};

const isModelMistake = (e: unknown): boolean => e instanceof ModelError;

const describeFailure = (e: unknown, file: string): string => (isModelMistake(e) ? locate(e as ModelError, file) : describeError(e));

/**
 * The settings checked before the run (the engine checks them again when it starts): a mistake is
 * `file: setting: message`, exit 2, instead of a failed run with an empty summary.
 */
const checkSettings = (model: SimulationModel, seed: number | undefined, file: string): void => {
  try {
    resolveSettings(model, { seed, now: Date.now() });
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(`${path.relative(process.cwd(), file) || file}: ${e.message}`, { cause: e });
    throw e;
  }
};

/**
 * The note after a run that ended before `--total-events` was reached: the model's duration (or
 * its end) comes first, and saying so beats a silently short run.
 */
const totalEventsNote =
  (totalEvents: number | undefined, endedBy: string, hint: string | undefined) =>
  (summary: RunSummary): string | undefined =>
    totalEvents === undefined || summary.events >= totalEvents
      ? undefined
      : `${endedBy} after ${summary.events.toLocaleString('en-US')} of the ${totalEvents.toLocaleString('en-US')} events of --total-events${hint === undefined ? '' : `; ${hint}`}`;

/** The run without a duration that got to the last date a JavaScript Date holds: it ended there, not by a bug. */
const endOfDatesNote = (summary: RunSummary): string | undefined =>
  summary.virtualEnd === new Date(MAX_TIME).toISOString()
    ? `virtual time reached ${summary.virtualEnd}, the last date JavaScript can represent, so the run ended there (the sessions still going are counted as truncated)`
    : undefined;

const toModelError = (e: unknown, file: string): unknown => (isModelMistake(e) ? new ModelError(locate(e as ModelError, file), { cause: e }) : e);
