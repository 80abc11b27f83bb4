/**
 * The partition Kafka's Java producer picks for a keyed message: `toPositive(murmur2(key)) %
 * partitions` (org.apache.kafka.common.utils.Utils.murmur2), written out here so the specs check
 * both clients against Java's rule rather than against each other.
 *
 * @example
 * javaPartition('user-1', 3); // 0, 1 or 2, as Java would choose
 */

/** Kafka's murmur2 of some bytes, as a signed 32-bit integer. */
export const murmur2 = (data: Uint8Array): number => {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole], m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
};

/** The partition of a UTF-8 key among `partitions`, by Java's default partitioner. */
export const javaPartition = (key: string, partitions: number): number => (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
