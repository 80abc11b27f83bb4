/**
 * Built-in number hints (Python Faker's names and parameters): `random_int`, `pyint`,
 * `random_digit`, `random_digit_not_null`, `random_number`, `pyfloat`, `random_float`, `boolean`,
 * `pybool`, `latitude`, `longitude`. Each is a few arithmetic operations on `g.rng`; decimals are
 * drawn uniformly on their grid of `10^-digits`, so every printed value is equally likely.
 *
 * @example
 * compileGenerator('pyfloat', { min_value: 1, max_value: 5, right_digits: 1 }, site)(g); // e.g. 3.7
 */
import type { BuiltinGenerator, Compiled, GeneratorParams } from './generatorParams';
import { compiled, simple } from './generatorParams';
import { intIn } from './randomDraws';

/** `random_int(min=0, max=9999, step=1)` and `pyint(min_value, max_value, step)`: both ends included. */
const integerGenerator = (minName: string, maxName: string): BuiltinGenerator => ({
  positional: [minName, maxName, 'step'],
  make: (p) => {
    const min = p.int(minName, 0);
    const max = p.int(maxName, 9999);
    const step = p.int('step', 1);
    if (min > max) p.fail(`${minName} (${min}) must not be greater than ${maxName} (${max})`);
    if (step < 1) p.fail(`step must be at least 1, got ${step}`);
    const span = Math.floor((max - min) / step) + 1;
    if (span > 2 ** 53) p.fail(`the range ${minName}..${maxName} is too wide`);
    if (step === 1) {
      return compiled('int', span <= 4294967296 ? (g) => min + Math.floor(g.rng.next() * span) : (g) => min + Math.floor(g.rng.next53() * span));
    }
    return compiled('int', (g) => min + step * intIn(g.rng, 0, span));
  },
});

/** Decimal values on a grid of `10^-digits` between `lo` and `hi` (inclusive), uniformly. */
const decimalGrid = (p: GeneratorParams, lo: number, hi: number, digits: number, positive: boolean, what: string): Compiled => {
  const scale = 10 ** digits;
  let kLo = Math.ceil(lo * scale - 1e-7);
  const kHi = Math.floor(hi * scale + 1e-7);
  if (positive && kLo < 1) kLo = 1;
  if (kLo > kHi) p.fail(`no ${positive ? 'positive ' : ''}value with ${digits} decimal digits in ${what}`);
  const span = kHi - kLo + 1;
  if (!(span <= 2 ** 53)) p.fail(`the range ${what} is too wide for ${digits} decimal digits`);
  return compiled('float', (g) => intIn(g.rng, kLo, span) / scale);
};

/**
 * `pyfloat(left_digits, right_digits=2, positive=False, min_value, max_value)`. Without bounds the
 * values lie strictly within ±10^left_digits (left_digits defaults to 3); `positive` means > 0.
 */
const pyfloat: BuiltinGenerator = {
  positional: ['left_digits', 'right_digits', 'positive', 'min_value', 'max_value'],
  make: (p) => {
    const left = p.optionalInt('left_digits');
    if (left !== undefined && (left < 0 || left > 15)) p.fail(`left_digits must be between 0 and 15, got ${left}`);
    const right = p.intIn('right_digits', 2, 0, 15);
    const positive = p.boolean('positive', false);
    const min = p.optionalNumber('min_value');
    const max = p.optionalNumber('max_value');
    if (min !== undefined && max !== undefined && min > max) {
      p.fail(`min_value (${min}) must not be greater than max_value (${max})`);
    }
    if (positive && max !== undefined && max <= 0) p.fail(`positive is true but max_value (${max}) is not positive`);
    const bound = 10 ** (left ?? 3) - 10 ** -right;
    const lo = min ?? (max !== undefined && max < -bound ? max - bound : positive ? 0 : -bound);
    const hi = max ?? (min !== undefined && min > bound ? min + bound : bound);
    return decimalGrid(p, lo, hi, right, positive, `[${lo}, ${hi}]`);
  },
};

/** `random_float(min=0, max=1, precision=2)`, a built-in of the YAML model format. */
const randomFloat: BuiltinGenerator = {
  positional: ['min', 'max', 'precision'],
  make: (p) => {
    const min = p.number('min', 0);
    const max = p.number('max', 1);
    const precision = p.intIn('precision', 2, 0, 15);
    if (min > max) p.fail(`min (${min}) must not be greater than max (${max})`);
    return decimalGrid(p, min, max, precision, false, `[${min}, ${max}]`);
  },
};

/** `random_number(digits=None, fix_len=False)`: up to `digits` digits (1..9 drawn when not given). */
const randomNumber: BuiltinGenerator = {
  positional: ['digits', 'fix_len'],
  make: (p) => {
    const digits = p.optionalInt('digits');
    const fixLen = p.boolean('fix_len', false);
    if (digits !== undefined && (digits < (fixLen ? 1 : 0) || digits > 15)) {
      p.fail(`digits must be between ${fixLen ? 1 : 0} and 15, got ${digits}`);
    }
    return compiled('int', (g) => {
      const d = digits ?? 1 + ((g.rng.next() * 9) | 0);
      const lo = fixLen ? 10 ** (d - 1) : 0;
      return intIn(g.rng, lo, 10 ** d - lo);
    });
  },
};

/** `boolean(chance_of_getting_true=50)` and `pybool(truth_probability=50)`, in percent. */
const booleanGenerator = (name: string): BuiltinGenerator => ({
  positional: [name],
  make: (p) => {
    const chance = p.number(name, 50);
    if (chance < 0 || chance > 100) p.fail(`${name} must be between 0 and 100, got ${chance}`);
    const q = chance / 100;
    return compiled('boolean', (g) => g.rng.next() < q);
  },
});

/** A coordinate with 6 decimals in [-limit, limit]. */
const coordinate = (limit: number): BuiltinGenerator => simple('float', (g) => intIn(g.rng, -limit * 1e6, 2 * limit * 1e6 + 1) / 1e6);

/**
 * The number hints, by hint name.
 *
 * @example
 * numberGenerators['random_int'].positional; // ['min', 'max', 'step']
 */
export const numberGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  random_int: integerGenerator('min', 'max'),
  pyint: integerGenerator('min_value', 'max_value'),
  random_digit: simple('int', (g) => (g.rng.next() * 10) | 0),
  random_digit_not_null: simple('int', (g) => 1 + ((g.rng.next() * 9) | 0)),
  random_number: randomNumber,
  pyfloat,
  random_float: randomFloat,
  boolean: booleanGenerator('chance_of_getting_true'),
  pybool: booleanGenerator('truth_probability'),
  latitude: coordinate(90),
  longitude: coordinate(180),
};
