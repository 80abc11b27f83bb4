/**
 * Shards: shard `index` of `count` runs one part of a model's world, so that N processes (threads,
 * machines) together generate what one run would, with nothing in common but what the model
 * declares shared.
 *
 * - The counts a model asks for — concurrent sessions (`nFlows`), arrivals (a count, or a rate),
 *   initial entities, `totalEvents`, churn's `maxLive` — are divided: shard i gets ⌊n / N⌋, plus one
 *   for the first n mod N shards.
 * - Each shard draws from its own seed (`deriveSeed(seed, 'shard', i)`; shard 0 of 1 keeps the
 *   model's seed, so an unsharded run is shard 0/1).
 * - Entity keys are the shard's own: a key a flow generates belongs to shard `hashString(key) mod N`,
 *   and a shard draws again until it has one of its own, so no two shards ever make the same key,
 *   whatever the key generator (UUIDs, patterns, numbers).
 * - Entity types declared `shared` (a catalogue, instruments) start identical in every shard: their
 *   initial entities come from the model's seed, and only shard 0 emits their source events.
 *
 * @example
 * const shard = parseShard('1/3');     // { index: 1, count: 3 }
 * shareOf(10, shard);                  // 3 (shards get 4, 3, 3)
 * ownsKey('user-42', shard);           // whether shard 1 may use this key
 */
import { ModelError } from '../core/errors';
import { hashString } from '../core/hashString';
import { deriveSeed } from '../core/rng';

/** One part of a sharded run: `index` in [0, count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The whole world: what a run is when no shard is given. */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Most shards of one run: enough for any fleet, small enough that every shard still gets work. */
export const MAX_SHARDS = 10_000;

/** A shard that is not `{ index, count }` with 0 ≤ index < count ≤ MAX_SHARDS. */
export class ShardError extends ModelError {
  override readonly name = 'ShardError';
}

/** Checks a shard (from the run options or a worker) and returns it. */
export const checkShard = (shard: Shard, where = 'shard'): Shard => {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS)
    throw new ShardError(`${where}: count must be an integer from 1 to ${MAX_SHARDS}, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new ShardError(`${where}: index must be an integer from 0 to ${count - 1}, got ${index}`);
  return shard;
};

/** `"i/N"` (as `--shard` and `DEEP_FAKER_SHARD` take it) → a shard. */
export const parseShard = (text: string, where = 'shard'): Shard => {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new ShardError(`${where}: expected INDEX/COUNT, e.g. 0/4, got ${JSON.stringify(text)}`);
  return checkShard({ index: Number(m[1]), count: Number(m[2]) }, where);
};

/** `"1/3"`. */
export const shardLabel = (shard: Shard): string => `${shard.index}/${shard.count}`;

/** Shard i's part of n: ⌊n / N⌋, plus one for the first n mod N shards (Infinity stays Infinity). */
export const shareOf = (n: number, shard: Shard): number => {
  if (shard.count === 1 || !Number.isFinite(n)) return n;
  const base = Math.floor(n / shard.count);
  return base + (shard.index < n % shard.count ? 1 : 0);
};

/** The seed a shard draws from: the model's own for an unsharded run. */
export const shardSeed = (seed: number, shard: Shard): number => (shard.count === 1 ? seed : deriveSeed(seed, 'shard', shard.index));

/** Whether `key` is one shard `shard` may generate (every key is, unsharded). */
export const ownsKey = (key: string, shard: Shard): boolean => shard.count === 1 || (hashString(key) >>> 0) % shard.count === shard.index;
