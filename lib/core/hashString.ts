/**
 * A cheap, stable hash of a string: FNV-1a over its UTF-16 code units, then murmur3's finaliser,
 * so that strings differing only in their last characters (`u1`, `u2`, …) differ in every bit.
 * The same on every platform and Node version (entity key tables, shard ownership of keys).
 *
 * @example
 * hashString('user-42') >>> 0; // an unsigned 32-bit hash
 */
export const hashString = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};
