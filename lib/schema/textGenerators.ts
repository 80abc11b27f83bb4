/**
 * Built-in text hints (Python Faker's names and parameters): the patterns `lexify`, `numerify`,
 * `bothify`, `hexify` (split into literal runs and placeholders once, at compile time), `pystr`,
 * `password` (every enabled character class at least once) and single letters.
 *
 * @example
 * compileGenerator('bothify', { text: '??-###' }, site)(g); // e.g. 'kQ-502'
 */
import type { Generate } from './generator';
import type { BuiltinGenerator } from './generatorParams';
import { compiled, simple } from './generatorParams';
import { ASCII_LETTERS, DIGITS, intIn, randomChars } from './randomDraws';

/** Python Faker's password special characters. */
const SPECIAL = '!@#$%^&*()_+';

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

const runPattern =
  (steps: ReadonlyArray<Step>): Generate<string> =>
  (g) => {
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
const patternGenerator = (kind: 'lexify' | 'numerify' | 'bothify' | 'hexify', fallback: string): BuiltinGenerator => ({
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

/** `pystr(min_chars=None, max_chars=20, prefix='', suffix='')`: letters; exactly max_chars when min_chars is not given. */
const pystr: BuiltinGenerator = {
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

/** `password(length=10, special_chars, digits, upper_case, lower_case)`: each enabled class appears at least once. */
const password: BuiltinGenerator = {
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

/**
 * The text hints, by hint name.
 *
 * @example
 * textGenerators['lexify'].positional; // ['text', 'letters']
 */
export const textGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  pystr,
  password,
  lexify: patternGenerator('lexify', '????'),
  numerify: patternGenerator('numerify', '###'),
  bothify: patternGenerator('bothify', '## ??'),
  hexify: patternGenerator('hexify', '^^^^'),
  random_letter: simple('string', (g) => ASCII_LETTERS[(g.rng.next() * 52) | 0]),
  random_lowercase_letter: simple('string', (g) => ASCII_LETTERS[(g.rng.next() * 26) | 0]),
  random_uppercase_letter: simple('string', (g) => ASCII_LETTERS[26 + ((g.rng.next() * 26) | 0)]),
};
