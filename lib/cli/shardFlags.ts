/**
 * `--shard INDEX/COUNT` (or the `DEEP_FAKER_SHARD` environment variable) and `--workers N|auto`
 * of `deep-faker run`, and which shards a process runs: with `--shard i/M --workers N` it runs
 * shards i·N … i·N+N−1 of M·N (machines × worker threads), so M processes of N workers each
 * make the world of one M·N-shard run.
 *
 * @example
 * shardFlag('1/4', {});                        // { index: 1, count: 4 }
 * shardFlag(undefined, { DEEP_FAKER_SHARD: '2/8' }); // { index: 2, count: 8 }
 * workerShards({ index: 1, count: 2 }, 3);     // shards 3/6, 4/6, 5/6
 */
import * as os from 'node:os';
import { MAX_SHARDS, parseShard, type Shard, ShardError, shardLabel, WHOLE } from '../engine/shard';
import { UsageError } from './parseOutput';

/** The environment variable a process's shard is read from when `--shard` is absent. */
export const SHARD_VARIABLE = 'DEEP_FAKER_SHARD';

const parsed = (text: string, where: string): Shard => {
  try {
    return parseShard(text, where);
  } catch (e) {
    // A shard a person typed is a usage mistake (exit 2, with the usage), named by where it came from.
    if (e instanceof ShardError) throw new UsageError(e.message);
    throw e;
  }
};

/** `--shard`, else `DEEP_FAKER_SHARD` (an empty value is none), else the whole world. */
export const shardFlag = (value: string | undefined, env: NodeJS.ProcessEnv): Shard => {
  if (value !== undefined) return parsed(value, '--shard');
  const fromEnv = env[SHARD_VARIABLE];
  return fromEnv === undefined || fromEnv.trim() === '' ? WHOLE : parsed(fromEnv, SHARD_VARIABLE);
};

/** `--workers`: an integer from 1 to MAX_SHARDS, or `auto` (the cores Node may use); default 1. */
export const workersFlag = (value: string | undefined): number => {
  if (value === undefined) return 1;
  if (value.trim() === 'auto') return os.availableParallelism();
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < 1 || n > MAX_SHARDS) {
    throw new UsageError(`--workers: expected an integer from 1 to ${MAX_SHARDS}, or "auto" (one per core), got "${value}"`);
  }
  return n;
};

/** The shards a process of shard `process` runs in `workers` threads: i·N … i·N+N−1 of M·N. */
export const workerShards = (process: Shard, workers: number): Shard[] =>
  Array.from({ length: workers }, (_, k) => ({ index: process.index * workers + k, count: process.count * workers }));

/**
 * The summary's line on the shards a run ran (undefined for the whole world in one thread), with
 * each shard's events when there are several.
 *
 * @example
 * describeShards([{ index: 0, count: 2 }, { index: 1, count: 2 }], [512, 488]);
 * // 'shards: 2 of 2 in 2 worker threads: 0/2 512 events, 1/2 488 events'
 */
export const describeShards = (shards: ReadonlyArray<Shard>, events: ReadonlyArray<number>): string | undefined => {
  if (shards.length === 1) return shards[0].count === 1 ? undefined : `shard: ${shardLabel(shards[0])}`;
  const each = shards.map((s, i) => `${shardLabel(s)} ${(events[i] ?? 0).toLocaleString('en-US')} events`).join(', ');
  return `shards: ${shards.length} of ${shards[0].count} in ${shards.length} worker threads: ${each}`;
};
