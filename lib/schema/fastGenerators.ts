/**
 * The hot built-in hints, compiled to direct code that draws from `g.rng`.
 *
 * Every event of a simulation runs several of these, so they avoid faker's per-call pattern
 * machinery: names, e-mails and product names index faker's locale arrays through
 * `localeTables` (same data, same probabilities as faker), numbers and choices are a few
 * arithmetic operations on `g.rng`, and patterns (`lexify`, `numerify`, `bothify`) are split
 * into literal runs and placeholders once, at compile time. Parameter names and defaults follow
 * Python Faker, so the seed's examples port unchanged.
 *
 * @example
 * const gen = compileHint('random_int', { min: 1, max: 3 }, { where: 'Order.qty', name: 'qty', type: 'int' });
 * gen(g); // 1, 2 or 3
 */
import type { Rng } from '../core/rng';
import type { FieldSite, GenContext, Generate } from './generator';
import type { BuiltinHint, Compiled, HintParams, Yields } from './hintParams';
import { conversion, yieldsOf } from './hintCoercion';
import { isoInstant } from '../core/isoInstant';
import { tablesOf, type LocaleTables } from './localeTables';

// ---------------------------------------------------------------------------------------------
// building blocks
// ---------------------------------------------------------------------------------------------

const DIGITS = '0123456789';
const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = ASCII_LETTERS + DIGITS;
/** Python shortuuid's alphabet: digits and letters without 0, 1, I, O, l. */
const BASE57 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Python Faker's password special characters. */
const SPECIAL = '!@#$%^&*()_+';

const compiled = (yields: Yields, generate: Generate): Compiled => ({ generate, yields });

/** A built-in without parameters. */
const simple = (yields: Yields, generate: Generate): BuiltinHint => ({ make: () => compiled(yields, generate) });

/** A built-in that reads `localeTables` of the faker in use. */
const fromTables = (pick: (t: LocaleTables, g: GenContext) => string): BuiltinHint => ({
  make: () => {
    const tables = tablesOf();
    return compiled('string', (g) => pick(tables(g.faker), g));
  },
});

/** `length` random characters from `alphabet`. */
const randomChars = (rng: Rng, alphabet: string, length: number): string => {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[(rng.next() * alphabet.length) | 0];
  return s;
};

/** `bytes` random bytes as lower-case hex. */
const randomHex = (rng: Rng, bytes: number): string => {
  let s = '';
  for (let i = 0; i < bytes; i += 4) {
    const v = rng.nextU32();
    s += HEX2[v >>> 24] + HEX2[(v >>> 16) & 255] + HEX2[(v >>> 8) & 255] + HEX2[v & 255];
  }
  return s.length === bytes * 2 ? s : s.slice(0, bytes * 2);
};

/** An integer in [lo, lo + span), span ≤ 2^53. */
const intIn = (rng: Rng, lo: number, span: number): number =>
  lo + Math.floor((span <= 4294967296 ? rng.next() : rng.next53()) * span);

/** `n` random decimal digits, uniformly (9 digits per 53-bit draw). */
const randomDigits = (rng: Rng, n: number): string => {
  let s = '';
  while (n > 0) {
    const k = n > 9 ? 9 : n;
    s += String(Math.floor(rng.next53() * 10 ** k)).padStart(k, '0');
    n -= k;
  }
  return s;
};

// ---------------------------------------------------------------------------------------------
// numbers
// ---------------------------------------------------------------------------------------------

/** `random_int(min=0, max=9999, step=1)` and `pyint(min_value, max_value, step)`: both ends included. */
const integerHint = (minName: string, maxName: string): BuiltinHint => ({
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
const decimalGrid = (p: HintParams, lo: number, hi: number, digits: number, positive: boolean, what: string): Compiled => {
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
const pyfloat: BuiltinHint = {
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

/** `random_float(min=0, max=1, precision=2)`, the seed's YAML built-in. */
const randomFloat: BuiltinHint = {
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
const randomNumber: BuiltinHint = {
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
const booleanHint = (name: string): BuiltinHint => ({
  positional: [name],
  make: (p) => {
    const chance = p.number(name, 50);
    if (chance < 0 || chance > 100) p.fail(`${name} must be between 0 and 100, got ${chance}`);
    const q = chance / 100;
    return compiled('boolean', (g) => g.rng.next() < q);
  },
});

/** A coordinate with 6 decimals in [-limit, limit]. */
const coordinate = (limit: number): BuiltinHint =>
  simple('float', (g) => intIn(g.rng, -limit * 1e6, 2 * limit * 1e6 + 1) / 1e6);

// ---------------------------------------------------------------------------------------------
// choices
// ---------------------------------------------------------------------------------------------

/** Converts choice values to the field's type once, at compile time. */
const fitChoices = (p: HintParams, name: string, values: ReadonlyArray<unknown>, site: FieldSite): unknown[] =>
  values.map((v) => {
    if (site.type === 'datetime' && typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isNaN(t)) p.fail(`${name} must be date-times for a datetime field, got ${JSON.stringify(v)}`);
      return isoInstant(t);
    }
    const convert = conversion(yieldsOf(v), site.type);
    const value = v instanceof Date ? v.getTime() : v;
    if (convert === 'identity') return value;
    if (convert === 'incompatible') p.fail(`${name} has ${JSON.stringify(v)}, which is not a valid ${site.type}`);
    return convert(value);
  });

/**
 * `random_element(elements, weights)` (and the YAML `choice(choices, weights)`): one of the
 * elements, uniformly or by weight. `elements` may also be an object `{ value: weight }`, like
 * Python Faker's `OrderedDict` form.
 */
const choiceHint = (name: string): BuiltinHint => ({
  positional: [name, 'weights'],
  make: (p, site) => {
    const raw = p.raw(name);
    let weights = p.optionalArray('weights');
    let values: ReadonlyArray<unknown>;
    if (Array.isArray(raw)) {
      values = raw;
    } else if (typeof raw === 'object' && raw !== null && weights === undefined) {
      values = Object.keys(raw);
      weights = Object.values(raw);
    } else {
      return p.fail(`${name} must be a non-empty array${raw === undefined ? '' : `, got ${JSON.stringify(raw)}`}`);
    }
    if (values.length === 0) p.fail(`${name} must be a non-empty array`);
    const items = fitChoices(p, name, values, site);
    const n = items.length;
    if (weights === undefined) return exact(site, (g) => items[(g.rng.next() * n) | 0]);
    if (weights.length !== n) p.fail(`weights has ${weights.length} entries but ${name} has ${n}`);
    const cumulative: number[] = [];
    let total = 0;
    for (const w of weights) {
      const weight = typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : p.fail(`weights must be numbers >= 0, got ${JSON.stringify(w)}`);
      cumulative.push((total += weight));
    }
    if (!(total > 0)) p.fail('weights must not all be 0');
    const last = n - 1;
    return exact(site, (g) => {
      const r = g.rng.next() * total;
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (r < cumulative[mid]) hi = mid;
        else lo = mid + 1;
      }
      while (lo > 0 && cumulative[lo] === cumulative[lo - 1]) lo--; // never pick a zero weight
      return items[lo];
    });
  },
});

/** Choices were converted to the field's type already: the adapter must pass them through. */
const exact = (site: FieldSite, generate: Generate): Compiled => compiled(SITE_YIELDS[site.type], generate);

const SITE_YIELDS: Readonly<Record<FieldSite['type'], Yields>> = {
  string: 'string',
  int: 'int',
  float: 'float',
  boolean: 'boolean',
  datetime: 'datetime',
  json: 'json',
};

// ---------------------------------------------------------------------------------------------
// patterns and strings
// ---------------------------------------------------------------------------------------------

/** One step of a compiled pattern: a literal, or a character from an alphabet (maybe omitted). */
type Step = string | { readonly alphabet: string; readonly optional: boolean };

const compilePattern = (text: string, symbols: Readonly<Record<string, Step>>): Step[] => {
  const steps: Step[] = [];
  let literal = '';
  for (const ch of text) {
    const step = symbols[ch];
    if (step === undefined) {
      literal += ch;
      continue;
    }
    if (literal !== '') steps.push(literal);
    literal = '';
    steps.push(step);
  }
  if (literal !== '') steps.push(literal);
  return steps;
};

const runPattern = (steps: ReadonlyArray<Step>): Generate<string> => (g) => {
  const rng = g.rng;
  let s = '';
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step === 'string') s += step;
    else if (!step.optional || rng.next() < 0.5) s += step.alphabet[(rng.next() * step.alphabet.length) | 0];
  }
  return s;
};

/** Python Faker's numerify symbols: `#` digit, `%` non-zero digit, `!` digit or nothing, `@` non-zero digit or nothing. */
const NUMERIFY: Record<string, Step> = {
  '#': { alphabet: DIGITS, optional: false },
  '%': { alphabet: '123456789', optional: false },
  '!': { alphabet: DIGITS, optional: true },
  '@': { alphabet: '123456789', optional: true },
};

/** `lexify(text='????', letters)`, `numerify(text='###')`, `bothify(text='## ??', letters)`, `hexify(text='^^^^', upper)`. */
const patternHint = (kind: 'lexify' | 'numerify' | 'bothify' | 'hexify', fallback: string): BuiltinHint => ({
  positional: kind === 'numerify' ? ['text'] : kind === 'hexify' ? ['text', 'upper'] : ['text', 'letters'],
  make: (p) => {
    const text = p.string('text', fallback);
    const symbols: Record<string, Step> = {};
    if (kind === 'hexify') {
      symbols['^'] = { alphabet: p.boolean('upper', false) ? '0123456789ABCDEF' : '0123456789abcdef', optional: false };
    } else {
      if (kind !== 'lexify') Object.assign(symbols, NUMERIFY);
      if (kind !== 'numerify') {
        const letters = p.string('letters', ASCII_LETTERS);
        if (letters === '') p.fail('letters must not be empty');
        symbols['?'] = { alphabet: letters, optional: false };
      }
    }
    return compiled('string', runPattern(compilePattern(text, symbols)));
  },
});

/** A string of `length` characters from `alphabet`; `length` within [min, max]. */
const charsHint = (alphabet: string, fallback: number, positional: string = 'length'): BuiltinHint => ({
  positional: [positional],
  make: (p) => {
    const length = p.intIn(positional, fallback, 1, 10_000);
    return compiled('string', (g) => randomChars(g.rng, alphabet, length));
  },
});

/** `pystr(min_chars=None, max_chars=20, prefix='', suffix='')`: letters; exactly max_chars when min_chars is not given. */
const pystr: BuiltinHint = {
  positional: ['min_chars', 'max_chars', 'prefix', 'suffix'],
  make: (p) => {
    const minChars = p.optionalInt('min_chars');
    const maxChars = p.intIn('max_chars', 20, 0, 10_000);
    const prefix = p.string('prefix', '');
    const suffix = p.string('suffix', '');
    if (minChars !== undefined && (minChars < 0 || minChars > maxChars)) {
      p.fail(`min_chars must be between 0 and max_chars (${maxChars}), got ${minChars}`);
    }
    return compiled('string', (g) => {
      const n = minChars === undefined ? maxChars : intIn(g.rng, minChars, maxChars - minChars + 1);
      return prefix + randomChars(g.rng, ASCII_LETTERS, n) + suffix;
    });
  },
};

/** `ean(length=13, prefixes=())`: an EAN-13 or EAN-8 with a valid check digit. */
const ean = (fixedLength?: 8 | 13): BuiltinHint => ({
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

/** `password(length=10, special_chars, digits, upper_case, lower_case)`: each enabled class appears at least once. */
const password: BuiltinHint = {
  positional: ['length', 'special_chars', 'digits', 'upper_case', 'lower_case'],
  make: (p) => {
    const length = p.intIn('length', 10, 1, 10_000);
    const classes = [
      p.boolean('special_chars', true) ? SPECIAL : '',
      p.boolean('digits', true) ? DIGITS : '',
      p.boolean('upper_case', true) ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : '',
      p.boolean('lower_case', true) ? 'abcdefghijklmnopqrstuvwxyz' : '',
    ].filter((c) => c !== '');
    if (classes.length === 0) p.fail('at least one of special_chars, digits, upper_case, lower_case must be true');
    if (classes.length > length) p.fail(`length (${length}) is too short for ${classes.length} required character classes`);
    const all = classes.join('');
    return compiled('string', (g) => {
      const rng = g.rng;
      const chars: string[] = [];
      for (let i = 0; i < length; i++) chars.push(all[(rng.next() * all.length) | 0]);
      // put one character of each class at distinct random positions
      const taken: number[] = [];
      for (const cls of classes) {
        let at: number;
        do at = (rng.next() * length) | 0;
        while (taken.includes(at));
        taken.push(at);
        chars[at] = cls[(rng.next() * cls.length) | 0];
      }
      return chars.join('');
    });
  },
};

// ---------------------------------------------------------------------------------------------
// network and identifiers
// ---------------------------------------------------------------------------------------------

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

const uuid: BuiltinHint = simple('string', (g) => g.rng.uuid());

/**
 * The hot built-ins by hint name.
 *
 * @example
 * fastGenerators['random_int'].positional; // ['min', 'max', 'step']
 */
export const fastGenerators: Readonly<Record<string, BuiltinHint>> = {
  // identifiers
  uuid4: uuid,
  uuid,
  uuid_v4: uuid,
  shortuuid: charsHint(BASE57, 22),
  random_alphanumeric: charsHint(ALPHANUMERIC, 8),
  pystr,
  md5: simple('string', (g) => randomHex(g.rng, 16)),
  sha1: simple('string', (g) => randomHex(g.rng, 20)),
  sha256: simple('string', (g) => randomHex(g.rng, 32)),
  ean: ean(),
  ean13: ean(13),
  ean8: ean(8),
  password,
  // people and products
  name: fromTables((t, g) => t.fullName(g)),
  first_name: fromTables((t, g) => t.firstName(g)),
  last_name: fromTables((t, g) => t.lastName(g)),
  email: fromTables((t, g) => t.email(g)),
  free_email: fromTables((t, g) => t.email(g)),
  user_name: fromTables((t, g) => t.userName(g)),
  city: fromTables((t, g) => t.city(g)),
  'ecommerce.product_name': fromTables((t, g) => t.productName(g)),
  product_name: fromTables((t, g) => t.productName(g)),
  // numbers and choices
  random_int: integerHint('min', 'max'),
  pyint: integerHint('min_value', 'max_value'),
  random_digit: simple('int', (g) => (g.rng.next() * 10) | 0),
  random_digit_not_null: simple('int', (g) => 1 + ((g.rng.next() * 9) | 0)),
  random_number: randomNumber,
  pyfloat,
  random_float: randomFloat,
  boolean: booleanHint('chance_of_getting_true'),
  pybool: booleanHint('truth_probability'),
  random_element: choiceHint('elements'),
  choice: choiceHint('choices'),
  latitude: coordinate(90),
  longitude: coordinate(180),
  // patterns and text
  lexify: patternHint('lexify', '????'),
  numerify: patternHint('numerify', '###'),
  bothify: patternHint('bothify', '## ??'),
  hexify: patternHint('hexify', '^^^^'),
  random_letter: simple('string', (g) => ASCII_LETTERS[(g.rng.next() * 52) | 0]),
  random_lowercase_letter: simple('string', (g) => ASCII_LETTERS[(g.rng.next() * 26) | 0]),
  random_uppercase_letter: simple('string', (g) => ASCII_LETTERS[26 + ((g.rng.next() * 26) | 0)]),
  // network
  ipv4: simple('string', ipv4),
  ipv6: simple('string', ipv6),
};
