/**
 * The arguments of `deep-faker run`, parsed and checked: every flag's value is a usage error
 * (exit 2) before anything is loaded, whatever the kind of scenario file. The main thread and
 * every worker of a `--workers` run read the same arguments through this, so they agree on
 * what the run is.
 *
 * @example
 * const { flags, file } = parseRunArgs(['scenarios/shop.yaml', '--seed', '7'], process.cwd(), process.env);
 * flags.seed; // 7
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_SHARDS, type Shard } from '../engine/shard';
import type { SinkOperator } from '../sinks/sink';
import { DELIVERY_FLAG_OPTIONS, type DeliveryFlagValues, deliveryFromFlags } from './deliveryFlags';
import { outputOperator, parseOutput, UsageError } from './parseOutput';
import { countFlag, joinNegativeValues, multiplierFlag, rateFlag, runDurationFlag, seedFlag, startFlag } from './runFlags';
import { shardFlag, workersFlag } from './shardFlags';

/** `parseArgs` options of `run`. */
export const RUN_OPTIONS = {
  output: { type: 'string', short: 'o', multiple: true },
  seed: { type: 'string' },
  duration: { type: 'string' },
  'total-events': { type: 'string' },
  start: { type: 'string' },
  'time-multiplier': { type: 'string' },
  rate: { type: 'string' },
  shard: { type: 'string' },
  workers: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...DELIVERY_FLAG_OPTIONS,
} as const;

/** The checked flags of `run`. */
export interface RunFlags {
  /** The `--output` values as outputs (undefined: the model's, else stdout). */
  readonly outputs: SinkOperator[] | undefined;
  readonly seed: number | undefined;
  readonly totalEvents: number | undefined;
  readonly timeMultiplier: number | undefined;
  readonly rate: number | undefined;
  /** `--duration` as written (a duration or `forever`). */
  readonly duration: string | undefined;
  /** `--start` as written (ISO-8601 or `now`). */
  readonly start: string | undefined;
  /** This process's part of the world: `--shard`, else `DEEP_FAKER_SHARD`, else the whole. */
  readonly shard: Shard;
  /** Worker threads (`--workers`, default 1: no thread). */
  readonly workers: number;
  readonly quiet: boolean;
  readonly debug: boolean;
  /** The delivery flags as given (merged over the model's delivery once it is loaded). */
  readonly deliveryValues: DeliveryFlagValues;
}

/** What `run`'s arguments say. */
export type RunArgs = { readonly help: true } | { readonly help: false; readonly file: string; readonly flags: RunFlags };

/** Parses and checks `run`'s arguments (without the command); `cwd` resolves the file. */
export const parseRunArgs = (args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv): RunArgs => {
  let parsed;
  try {
    // `--seed -1` is a value, not a flag: it gets --seed's own message.
    parsed = parseArgs({ args: joinNegativeValues(args, RUN_OPTIONS), allowPositionals: true, strict: true, options: RUN_OPTIONS });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: true };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs a file' : `run takes one file, got ${positionals.join(' ')}`);
  const outputs = values.output?.map((o) => outputOperator(parseOutput(o)));
  const flags: RunFlags = {
    outputs,
    seed: seedFlag('seed', values.seed),
    totalEvents: countFlag('total-events', values['total-events']),
    timeMultiplier: multiplierFlag('time-multiplier', values['time-multiplier']),
    rate: rateFlag('rate', values.rate),
    // 0s is refused for every kind of model alike (a model's own duration is checked by its front end).
    duration: runDurationFlag('duration', values.duration),
    start: startFlag('start', values.start),
    shard: shardFlag(values.shard, env),
    workers: workersFlag(values.workers),
    quiet: values.quiet === true,
    debug: values.debug === true,
    deliveryValues: values,
  };
  if (flags.rate !== undefined && flags.timeMultiplier !== undefined) throw new UsageError('--rate and --time-multiplier: pace a run by one of them, not both');
  if (flags.shard.count * flags.workers > MAX_SHARDS) {
    throw new UsageError(`--workers ${flags.workers} × ${flags.shard.count} shards: more than ${MAX_SHARDS} shards in all`);
  }
  // Checked before anything is loaded: a bad flag is a usage error whatever the file.
  deliveryFromFlags(values, undefined);
  return { help: false, file: path.resolve(cwd, positionals[0]), flags };
};
