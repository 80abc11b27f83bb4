/**
 * UUIDs as four 32-bit words: the canonical text form (lowercase, 8-4-4-4-12 hex digits) made
 * from words and read back into them.
 *
 * A UUID string takes 56 bytes of heap in V8 (a 16-byte header and one byte per character,
 * rounded up), the words 16 bytes in a typed array the garbage collector never scans. The entity
 * store keeps UUID primary keys as words (see `KeyIndex`), which is most keys: `uuid4` is the
 * default hint of `*_id` fields.
 *
 * @example
 * const w = new Int32Array(4);
 * parseUuid('0e7a0f6c-5d1b-4c7e-9f5a-2b8d4c6e1a3f', w, 0); // true
 * formatUuid(w[0], w[1], w[2], w[3]); // '0e7a0f6c-5d1b-4c7e-9f5a-2b8d4c6e1a3f'
 */

const HEX_CODES: ReadonlyArray<number> = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const DASH = 45;

/** Char code of the hex digit of the low 4 bits of `n`. */
const hex = (n: number): number => HEX_CODES[n & 15];

/**
 * The canonical text form of the UUID whose 128 bits are `w0`…`w3` (most significant first).
 * Built from char codes in one go: a string concatenated from many pieces stays a tree of
 * cons-strings (hundreds of bytes) for as long as it is kept.
 */
export const formatUuid = (w0: number, w1: number, w2: number, w3: number): string =>
  // 36 arguments rather than `apply` with an array: about twice as fast.
  String.fromCharCode(
    hex(w0 >>> 28),
    hex(w0 >>> 24),
    hex(w0 >>> 20),
    hex(w0 >>> 16),
    hex(w0 >>> 12),
    hex(w0 >>> 8),
    hex(w0 >>> 4),
    hex(w0),
    DASH,
    hex(w1 >>> 28),
    hex(w1 >>> 24),
    hex(w1 >>> 20),
    hex(w1 >>> 16),
    DASH,
    hex(w1 >>> 12),
    hex(w1 >>> 8),
    hex(w1 >>> 4),
    hex(w1),
    DASH,
    hex(w2 >>> 28),
    hex(w2 >>> 24),
    hex(w2 >>> 20),
    hex(w2 >>> 16),
    DASH,
    hex(w2 >>> 12),
    hex(w2 >>> 8),
    hex(w2 >>> 4),
    hex(w2),
    hex(w3 >>> 28),
    hex(w3 >>> 24),
    hex(w3 >>> 20),
    hex(w3 >>> 16),
    hex(w3 >>> 12),
    hex(w3 >>> 8),
    hex(w3 >>> 4),
    hex(w3),
  );

/** Value of a lowercase hex digit's char code, or -1. */
const digit = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * Reads `s` into `out[at]`…`out[at + 3]` if it is a UUID in canonical form, so that
 * `formatUuid` gives `s` back exactly: 36 characters, dashes at 8, 13, 18 and 23, lowercase hex
 * digits elsewhere (any version and variant). Returns false, leaving `out` unspecified,
 * otherwise — and for ffffffff-ffff-ffff-ffff-ffffffffffff, whose words are all -1 (the value
 * the store uses for "no UUID").
 */
export const parseUuid = (s: string, out: Int32Array, at: number): boolean => {
  if (s.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let w = at;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== DASH) return false;
      continue;
    }
    const d = digit(c);
    if (d < 0) return false;
    word = (word << 4) | d;
    if (++nibbles === 8) {
      out[w++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return !(out[at] === -1 && out[at + 1] === -1 && out[at + 2] === -1 && out[at + 3] === -1);
};
