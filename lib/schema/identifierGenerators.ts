/**
 * Built-in identifier and code hints: UUIDs (`uuid4`, `uuid`, `uuid_v4`), short ids
 * (`shortuuid`, `random_alphanumeric`), hash-shaped hex (`md5`, `sha1`, `sha256`), EAN barcodes
 * with a valid check digit (`ean`, `ean13`, `ean8`) and IP addresses (`ipv4`, `ipv6`), all drawn
 * from `g.rng`.
 *
 * @example
 * compileGenerator('ean13', {}, site)(g); // e.g. '4006381333931'
 */
import type { Generate } from './generator';
import type { BuiltinGenerator } from './generatorParams';
import { compiled, simple } from './generatorParams';
import { DIGITS, ASCII_LETTERS, HEX2, randomChars, randomDigits, randomHex } from './randomDraws';

const ALPHANUMERIC = ASCII_LETTERS + DIGITS;
/** Python shortuuid's alphabet: digits and letters without 0, 1, I, O, l. */
const BASE57 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A string of `length` characters from `alphabet`; `length` within [min, max]. */
const charsGenerator = (alphabet: string, fallback: number, positional: string = 'length'): BuiltinGenerator => ({
  positional: [positional],
  make: (p) => {
    const length = p.intIn(positional, fallback, 1, 10_000);
    return compiled('string', (g) => randomChars(g.rng, alphabet, length));
  },
});

/** `ean(length=13, prefixes=())`: an EAN-13 or EAN-8 with a valid check digit. */
const ean = (fixedLength?: 8 | 13): BuiltinGenerator => ({
  positional: fixedLength === undefined ? ['length', 'prefixes'] : ['prefixes'],
  make: (p) => {
    const length = fixedLength ?? p.int('length', 13);
    if (length !== 8 && length !== 13) p.fail(`length must be 8 or 13, got ${length}`);
    const prefixes = (p.optionalArray('prefixes') ?? ['']).map((x) => (typeof x === 'number' ? String(x) : x));
    if (prefixes.length === 0) p.fail('prefixes must not be empty');
    for (const x of prefixes) {
      if (typeof x !== 'string' || !/^\d*$/.test(x) || x.length >= length) {
        p.fail(`prefixes must be strings of fewer than ${length} digits, got ${JSON.stringify(x)}`);
      }
    }
    const fixed = prefixes as string[];
    return compiled('string', (g) => {
      const prefix = fixed.length === 1 ? fixed[0] : fixed[(g.rng.next() * fixed.length) | 0];
      const body = prefix + randomDigits(g.rng, length - 1 - prefix.length);
      // weights 3, 1, 3, … from the rightmost data digit
      let sum = 0;
      for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w;
      return body + ((10 - (sum % 10)) % 10);
    });
  },
});

const ipv4: Generate<string> = (g) => {
  const v = g.rng.nextU32();
  return (v >>> 24) + '.' + ((v >>> 16) & 255) + '.' + ((v >>> 8) & 255) + '.' + (v & 255);
};

const ipv6: Generate<string> = (g) => {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const v = g.rng.nextU32();
    s += (i === 0 ? '' : ':') + HEX2[v >>> 24] + HEX2[(v >>> 16) & 255] + ':' + HEX2[(v >>> 8) & 255] + HEX2[v & 255];
  }
  return s;
};

const uuid: BuiltinGenerator = simple('string', (g) => g.rng.uuid());

/**
 * The identifier and code hints, by hint name.
 *
 * @example
 * identifierGenerators['ean'].positional; // ['length', 'prefixes']
 */
export const identifierGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  uuid4: uuid,
  uuid,
  uuid_v4: uuid,
  shortuuid: charsGenerator(BASE57, 22),
  random_alphanumeric: charsGenerator(ALPHANUMERIC, 8),
  md5: simple('string', (g) => randomHex(g.rng, 16)),
  sha1: simple('string', (g) => randomHex(g.rng, 20)),
  sha256: simple('string', (g) => randomHex(g.rng, 32)),
  ean: ean(),
  ean13: ean(13),
  ean8: ean(8),
  ipv4: simple('string', ipv4),
  ipv6: simple('string', ipv6),
};
