/**
 * The `deep-faker` command line.
 *
 * ```
 * deep-faker validate <file.yaml>
 * deep-faker run <file.ts|file.js|file.yaml> [--output stdout|stdout:json_pretty|file:PATH|kafka:BROKERS|mysql://URI]… [--seed N]
 *                [--duration 10m|forever] [--total-events N] [--start ISO|now] [--time-multiplier X | --rate 5000/s]
 *                [--shard I/N] [--workers N|auto] [--quiet] [--debug]
 * ```
 *
 * Exit codes: 0 done, 1 the run failed (a flow or an output), 2 bad arguments or a model mistake,
 * 130 / 143 interrupted by SIGINT / SIGTERM (what was generated is flushed first, for at most 2 s).
 *
 * @example
 * const code = await main(['run', 'scenarios/ecommerce.ts', '--output', 'stdout', '--total-events', '10']);
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError } from './describeError';
import { loadConfig } from '../config/yaml/loadConfig';
import { formatConfigError } from '../config/configError';
import { ModelError } from './modelError';
import { UsageError } from './parseOutput';
import { runReporting } from './runReporting';
import type { CliIO } from './cliIO';
import { isStoryFile } from '../config/story/isStory';
import { DELIVERY_USAGE } from './deliveryFlags';
import { parseRunArgs } from './runArgs';
import { planRun, type RunPlan } from './runPlan';
import { describeShards, SHARD_VARIABLE, workerShards } from './shardFlags';
import { ShardFailure, type WorkerPool, workerPool } from './workers';
import type { MainThreadHost } from '../sinks/sinkContract';

export type { CliIO } from './cliIO';
export { CLI_HISTORY } from './runPlan';

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
      --shard <i/n>          run shard i of n of the model's world (n processes, e.g. on n machines,
                             with one --seed and --start, make the world of one run); default:
                             $${SHARD_VARIABLE}, else the whole world
      --workers <n|auto>     run n shards in worker threads of this process (auto: one per core);
                             with --shard i/m, shards i*n … i*n+n-1 of m*n; file outputs get one
                             file per shard (out/e.jsonl → out/e-<shard>.jsonl)
  -q, --quiet                no summary or progress on stderr
      --debug                stack traces for errors; for stories, also the scheduling and
                             expression debug lines (like DEBUG=deep-faker:*)
  -h, --help                 this help

${DELIVERY_USAGE}`;

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
  const parsed = parseRunArgs(args, io.cwd, io.env ?? process.env);
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const { file, flags } = parsed;
  const shards = workerShards(flags.shard, flags.workers);
  // Resolved once, so that every shard is part of one world.
  const now = Date.now();
  const spawn = (): WorkerPool => workerPool({ args, cwd: io.cwd, shards, now, say });
  // Several workers start at once: each loads the model while this thread checks it.
  const early = flags.workers > 1 ? spawn() : undefined;
  let plan: RunPlan;
  try {
    // Loaded and checked here, in the main thread, whatever runs it: a mistake is one located message.
    plan = await planRun(file, flags, io.cwd, say);
  } catch (e) {
    await early?.terminate();
    throw e;
  }
  const reporting = { quiet: flags.quiet, debug: flags.debug, history: plan.history, entityTypes: plan.entityTypes };
  // An output whose client runs on the main thread only (librdkafka) takes that thread's core: the
  // simulation then runs in a worker thread even alone, and writes through it.
  const hosted = plan.outputs.some((o) => o.mainThread !== undefined);
  if (flags.workers === 1 && !hosted) {
    return runReporting(
      io,
      say,
      { ...reporting, outputs: plan.outputs, note: plan.note(shards), shards: () => describeShards(shards, []) },
      (stop, onProgress, onStore) => plan.run({ outputs: plan.outputs, shard: flags.shard, stop, onProgress, onStore }),
      plan.failure,
    );
  }
  const pool = early ?? spawn();
  const hosts: Array<MainThreadHost | undefined> = [];
  try {
    const single = plan.outputs.find((o) => o.singleThread !== undefined && o.mainThread === undefined);
    if (single !== undefined)
      throw new UsageError(`--workers ${flags.workers}: the output ${single.sinkName} cannot run in worker threads: ${single.singleThread}`);
    const seed = plan.resolveSeed();
    hosts.push(...plan.outputs.map((o) => o.mainThread?.host()));
    const start = {
      seed,
      // A run of one worker thread (for a hosted output) writes the files a single run writes.
      outputNames: shards.map((s) => plan.outputs.map((o) => (shards.length > 1 ? (o.forShard?.(s.index) ?? o) : o).sinkName)),
      sharedInitial: plan.sharedInitial,
      hosts,
    };
    return await runReporting(
      io,
      say,
      { ...reporting, outputs: pool.outputs, entityCounts: pool.entities, note: plan.note(shards, seed), shards: pool.shardsLine },
      (stop, onProgress) => pool.run(start, stop, onProgress),
      (cause) => (cause instanceof ShardFailure ? { message: cause.message, code: cause.code } : plan.failure(cause)),
    );
  } finally {
    await pool.terminate();
    // Every batch was acknowledged before its worker finished: closing only disconnects.
    await Promise.all(hosts.map((h) => h?.close()));
  }
};
