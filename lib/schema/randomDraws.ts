/**
 * Random draws the built-in generators share, straight from an `Rng`: characters from an
 * alphabet, hex bytes, decimal digits, an integer in a range.
 *
 * @example
 * randomChars(rng, DIGITS, 4); // '0382'
 * randomHex(rng, 16);          // 32 hex digits, an md5's length
 */
import type { Rng } from '../core/rng';

/** The decimal digits. */
export const DIGITS = '0123456789';
/** Lower-case then upper-case ASCII letters (`random_letter` indexes them: 0..25 lower, 26..51 upper). */
export const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Every byte as two lower-case hex digits. */
export const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `length` random characters from `alphabet`. */
export const randomChars = (rng: Rng, alphabet: string, length: number): string => {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[(rng.next() * alphabet.length) | 0];
  return s;
};

/** `bytes` random bytes as lower-case hex. */
export const randomHex = (rng: Rng, bytes: number): string => {
  let s = '';
  for (let i = 0; i < bytes; i += 4) {
    const v = rng.nextU32();
    s += HEX2[v >>> 24] + HEX2[(v >>> 16) & 255] + HEX2[(v >>> 8) & 255] + HEX2[v & 255];
  }
  return s.length === bytes * 2 ? s : s.slice(0, bytes * 2);
};

/** An integer in [lo, lo + span), span ≤ 2^53. */
export const intIn = (rng: Rng, lo: number, span: number): number => lo + Math.floor((span <= 4294967296 ? rng.next() : rng.next53()) * span);

/** `n` random decimal digits, uniformly (9 digits per 53-bit draw). */
export const randomDigits = (rng: Rng, n: number): string => {
  let s = '';
  while (n > 0) {
    const k = n > 9 ? 9 : n;
    s += String(Math.floor(rng.next53() * 10 ** k)).padStart(k, '0');
    n -= k;
  }
  return s;
};
