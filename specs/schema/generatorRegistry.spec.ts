import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../lib/core/rng';
import type { FieldSite, FieldType, GenContext, Generate } from '../../lib/schema/generator';
import { GeneratorError } from '../../lib/schema/generator';
import { compileGenerator, defaultGenerator, knownGenerators, registerGenerator } from '../../lib/schema/generatorRegistry';
import { isoInstant } from '../../lib/core/isoInstant';
import { SeededFaker } from '../../lib/schema/seededFaker';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const NOW = Date.parse('2025-01-15T14:30:00.123Z');
const NOW_ISO = '2025-01-15T14:30:00.123Z';

/** A fresh context: its own faker instance, so contexts never share a random stream. */
const ctx = (seed = 1, now = NOW): GenContext => {
  const rng = new Rng(seed);
  return { rng, faker: new SeededFaker().use(rng, now), now };
};

const site = (type: FieldType, name = 'field', where = `Ev.${name}`): FieldSite => ({ where, name, type });

const compile = (hint: string, params: Record<string, unknown> = {}, type: FieldType = 'string'): Generate => compileGenerator(hint, params, site(type));

const draw = <T = unknown>(gen: Generate, n: number, g: GenContext = ctx()): T[] => Array.from({ length: n }, () => gen(g) as T);

const count = <T>(xs: ReadonlyArray<T>, x: T): number => xs.filter((y) => y === x).length;

/** Asserts `hits` of `n` Bernoulli(p) trials lie within 3 standard deviations of n·p. */
const within3Sigma = (hits: number, n: number, p: number): void => {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(hits - n * p), `${hits} of ${n}, expected ≈ ${n * p} ± ${3 * sigma}`).to.be.at.most(3 * sigma);
};

const throwsGeneratorError = (f: () => unknown, message: string): void => {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a GeneratorError').to.be.instanceOf(GeneratorError);
  expect((error as GeneratorError).message).to.equal(message);
};

const raw = new SeededFaker().faker.rawDefinitions;
const FIRST_NAMES = new Set([...raw.person!.first_name!.generic!, ...raw.person!.first_name!.female!, ...raw.person!.first_name!.male!]);
const LAST_NAMES = new Set(raw.person!.last_name!.generic!);
const LOREM = new Set(raw.lorem!.word!);

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EMAIL = /^[A-Za-z0-9._+-]+@(gmail\.com|yahoo\.com|hotmail\.com)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const eanValid = (code: string): boolean => {
  const digits = [...code].map(Number);
  const check = digits.pop() as number;
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += digits[i] * w;
  return (10 - (sum % 10)) % 10 === check;
};

const luhnValid = (code: string): boolean => {
  let sum = 0;
  [...code].reverse().forEach((c, i) => {
    let d = Number(c);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  });
  return sum % 10 === 0;
};

/** Parameters a hint needs to compile at all. */
const REQUIRED: Readonly<Record<string, Record<string, unknown>>> = {
  random_element: { elements: ['a', 'b', 'c'] },
  choice: { choices: ['a', 'b', 'c'] },
};

// ---------------------------------------------------------------------------------------------
// seed hints
// ---------------------------------------------------------------------------------------------

describe('generatorRegistry', () => {
  describe('identifiers', () => {
    for (const hint of ['uuid4', 'uuid', 'uuid_v4']) {
      it(`${hint} gives distinct RFC 4122 v4 UUIDs`, () => {
        const values = draw<string>(compile(hint), 2000);
        for (const v of values) expect(v).to.match(UUID4);
        expect(new Set(values).size).to.equal(2000);
      });
    }

    it('shortuuid gives 22 characters of the base57 alphabet by default, all of it used', () => {
      const values = draw<string>(compile('shortuuid'), 500);
      for (const v of values) expect(v).to.match(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$/);
      expect(new Set(values.join('')).size).to.equal(57);
    });

    it('shortuuid honours length', () => {
      for (const v of draw<string>(compile('shortuuid', { length: 8 }), 200)) expect(v).to.have.length(8);
    });

    it('ean gives EAN-13 codes with a valid check digit', () => {
      const values = draw<string>(compile('ean'), 2000);
      for (const v of values) {
        expect(v).to.match(/^\d{13}$/);
        expect(eanValid(v), v).to.equal(true);
      }
      // the check digit is not constant
      expect(new Set(values.map((v) => v[12])).size).to.equal(10);
    });

    it('ean8 and ean with prefixes', () => {
      for (const v of draw<string>(compile('ean8'), 500)) {
        expect(v).to.match(/^\d{8}$/);
        expect(eanValid(v), v).to.equal(true);
      }
      for (const v of draw<string>(compile('ean', { prefixes: ['40', '41'] }), 500)) {
        expect(v).to.match(/^4[01]\d{11}$/);
        expect(eanValid(v), v).to.equal(true);
      }
      for (const v of draw<string>(compile('ean', { length: 8 }), 100)) expect(v).to.have.length(8);
    });

    it('md5, sha1 and sha256 give lower-case hex of the right length', () => {
      expect(compile('md5')(ctx())).to.match(/^[0-9a-f]{32}$/);
      expect(compile('sha1')(ctx())).to.match(/^[0-9a-f]{40}$/);
      expect(compile('sha256')(ctx())).to.match(/^[0-9a-f]{64}$/);
    });

    it('random_alphanumeric honours length', () => {
      for (const v of draw<string>(compile('random_alphanumeric', { length: 12 }), 100)) expect(v).to.match(/^[A-Za-z0-9]{12}$/);
    });
  });

  describe('people and products', () => {
    it('name is a full name from faker data, sometimes with a prefix or suffix', () => {
      const values = draw<string>(compile('name'), 4000);
      const prefixes = /^(Mr\.|Mrs\.|Ms\.|Miss|Dr\.) /;
      const suffixes = / (Jr\.|Sr\.|I|II|III|IV|V|MD|DDS|PhD|DVM)$/;
      let withPrefix = 0;
      let withSuffix = 0;
      for (const v of values) {
        const core = v.replace(prefixes, '').replace(suffixes, '');
        if (core !== v.replace(suffixes, '')) withPrefix++;
        if (core !== v.replace(prefixes, '')) withSuffix++;
        const [first, last, ...rest] = core.split(' ');
        expect(rest, v).to.deep.equal([]);
        expect(FIRST_NAMES.has(first), v).to.equal(true);
        for (const part of last.split('-')) expect(LAST_NAMES.has(part), v).to.equal(true);
      }
      // faker's en patterns: 8 of 64 with a prefix, 8 of 64 with a suffix
      within3Sigma(withPrefix, 4000, 8 / 64);
      within3Sigma(withSuffix, 4000, 8 / 64);
    });

    it('first_name and last_name come from faker data; 5% of last names are hyphenated', () => {
      for (const v of draw<string>(compile('first_name'), 1000)) expect(FIRST_NAMES.has(v), v).to.equal(true);
      const last = draw<string>(compile('last_name'), 4000);
      for (const v of last) for (const part of v.split('-')) expect(LAST_NAMES.has(part), v).to.equal(true);
      within3Sigma(last.filter((v) => v.includes('-')).length, 4000, 0.05);
    });

    it("email looks like faker's: First.Last12@gmail.com, First_Last@…, First12@…", () => {
      const values = draw<string>(compile('email'), 3000);
      for (const v of values) expect(v).to.match(EMAIL);
      const locals = values.map((v) => v.split('@')[0]);
      const twoPart = locals.filter((l) => /^[A-Za-z-]+[._][A-Za-z-]+\d*$/.test(l)).length;
      const onePart = locals.filter((l) => /^[A-Za-z-]+\d+$/.test(l)).length;
      expect(twoPart + onePart).to.equal(3000);
      within3Sigma(onePart, 3000, 1 / 3);
      expect(new Set(values.map((v) => v.split('@')[1]))).to.deep.equal(new Set(['gmail.com', 'yahoo.com', 'hotmail.com']));
      expect(locals.every((l) => FIRST_NAMES.has(l.split(/[._\d]/)[0]) || /'/.test(l))).to.equal(true);
    });

    it('ecommerce.product_name is adjective, material, product', () => {
      const pn = raw.commerce!.product_name!;
      for (const v of draw<string>(compile('ecommerce.product_name'), 500)) {
        const [adjective, material, product] = v.split(' ');
        expect(pn.adjective).to.include(adjective);
        expect(pn.material).to.include(material);
        expect(pn.product).to.include(product);
      }
    });

    it('word, words, sentence and paragraph use lorem words', () => {
      for (const v of draw<string>(compile('word'), 200)) expect(LOREM.has(v)).to.equal(true);
      const words = compile('words', { nb: 4 })(ctx()) as string;
      expect(words.split(' ')).to.have.length(4);
      const list = compile('words', { nb: 5 }, 'json')(ctx()) as string[];
      expect(list).to.be.an('array').with.length(5);
      for (const v of draw<string>(compile('sentence', { nb_words: 10 }), 200)) {
        expect(v).to.match(/^[A-Z][a-z]*( [a-z]+)*\.$/);
        const n = v.split(' ').length;
        expect(n).to.be.within(6, 14); // Python Faker: 60%..140% of nb_words
      }
      const fixed = compile('sentence', { nb_words: 3, variable_nb_words: false })(ctx()) as string;
      expect(fixed.split(' ')).to.have.length(3);
      expect(compile('word', { ext_word_list: ['x', 'y'] })(ctx())).to.be.oneOf(['x', 'y']);
      for (const v of draw<string>(compile('text', { max_nb_chars: 80 }), 100)) expect(v.length).to.be.within(1, 80);
      for (const v of draw<string>(compile('text', { max_nb_chars: 20 }), 100)) expect(v.length).to.be.within(2, 20);
    });
  });

  // -------------------------------------------------------------------------------------------
  // numbers and choices
  // -------------------------------------------------------------------------------------------

  describe('numbers and choices', () => {
    it('random_int stays within [min, max] and hits both ends', () => {
      const values = draw<number>(compile('random_int', { min: 1, max: 3 }, 'int'), 3000);
      for (const v of values) expect(Number.isInteger(v) && v >= 1 && v <= 3, String(v)).to.equal(true);
      expect(count(values, 1)).to.be.greaterThan(0);
      expect(count(values, 3)).to.be.greaterThan(0);
    });

    it('random_int defaults to 0..9999 like Python Faker, and takes step and positional args', () => {
      const values = draw<number>(compile('random_int', {}, 'int'), 20_000);
      expect(Math.min(...values)).to.be.at.least(0);
      expect(Math.max(...values)).to.be.at.most(9999);
      expect(Math.max(...values)).to.be.greaterThan(9900);
      const stepped = draw<number>(compile('random_int', { min: 10, max: 20, step: 5 }, 'int'), 600);
      expect(new Set(stepped)).to.deep.equal(new Set([10, 15, 20]));
      const positional = draw<number>(compile('random_int', { args: [-2, 2] }, 'int'), 600);
      expect(new Set(positional)).to.deep.equal(new Set([-2, -1, 0, 1, 2]));
    });

    it('random_int on a string field gives the number as a string, on a float field a number', () => {
      expect(compile('random_int', { min: 7, max: 7 })(ctx())).to.equal('7');
      expect(compile('random_int', { min: 7, max: 7 }, 'float')(ctx())).to.equal(7);
    });

    it('random_element only yields its elements, each about 1/3 of the time', () => {
      const values = draw<string>(compile('random_element', { elements: ['free', 'premium', 'enterprise'] }), 30_000);
      expect(new Set(values)).to.deep.equal(new Set(['free', 'premium', 'enterprise']));
      for (const e of ['free', 'premium', 'enterprise']) within3Sigma(count(values, e), 30_000, 1 / 3);
    });

    it('random_element with weights (array or {value: weight}) never picks a zero weight', () => {
      const values = draw<string>(compile('random_element', { elements: ['a', 'b', 'c'], weights: [1, 0, 3] }), 20_000);
      expect(count(values, 'b')).to.equal(0);
      within3Sigma(count(values, 'a'), 20_000, 0.25);
      const mapped = draw<string>(compile('random_element', { elements: { x: 0.9, y: 0.1 } }), 20_000);
      within3Sigma(count(mapped, 'y'), 20_000, 0.1);
      const choice = draw<string>(compile('choice', { choices: ['p', 'q'], weights: [0.8, 0.2] }), 20_000);
      within3Sigma(count(choice, 'q'), 20_000, 0.2);
    });

    it('random_element converts elements to the field type at compile time', () => {
      expect(draw(compile('random_element', { elements: [1, 2] }, 'int'), 50).every((v) => v === 1 || v === 2)).to.equal(true);
      expect(draw(compile('random_element', { elements: [1, 2] }), 50).every((v) => v === '1' || v === '2')).to.equal(true);
      expect(compile('random_element', { elements: ['2025-01-15 14:30:00Z'] }, 'datetime')(ctx())).to.equal('2025-01-15T14:30:00.000Z');
      throwsGeneratorError(
        () => compileGenerator('random_element', { elements: ['a', 2] }, site('int', 'qty', 'Order.qty')),
        'Order.qty: faker hint "random_element": elements has "a", which is not a valid int',
      );
    });

    it('pyfloat respects min_value, max_value, positive and right_digits', () => {
      const values = draw<number>(compile('pyfloat', { min_value: 0, max_value: 1000, positive: true }, 'float'), 5000);
      for (const v of values) {
        expect(v).to.be.greaterThan(0).and.at.most(1000);
        expect(Math.abs(Math.round(v * 100) - v * 100)).to.be.below(1e-6);
      }
      const three = draw<number>(compile('pyfloat', { min_value: -1, max_value: 1, right_digits: 3 }, 'float'), 2000);
      for (const v of three) {
        expect(v).to.be.within(-1, 1);
        expect((String(v).split('.')[1] ?? '').length).to.be.at.most(3);
      }
      expect(three.some((v) => (String(v).split('.')[1] ?? '').length === 3)).to.equal(true);
      expect(three.some((v) => v < 0)).to.equal(true);
      for (const v of draw<number>(compile('pyfloat', { right_digits: 0, min_value: 5, max_value: 6 }, 'float'), 100)) {
        expect(v === 5 || v === 6).to.equal(true);
      }
    });

    it('pyfloat without bounds stays within ±10^left_digits', () => {
      const values = draw<number>(compile('pyfloat', {}, 'float'), 2000);
      for (const v of values) expect(Math.abs(v)).to.be.below(1000);
      expect(values.some((v) => v < 0) && values.some((v) => v > 0)).to.equal(true);
      for (const v of draw<number>(compile('pyfloat', { left_digits: 1, positive: true }, 'float'), 500)) {
        expect(v).to.be.greaterThan(0).and.below(10);
      }
    });

    it('random_float (seed YAML) honours min, max and precision', () => {
      for (const v of draw<number>(compile('random_float', { min: 0.99, max: 999.99, precision: 2 }, 'float'), 2000)) {
        expect(v).to.be.within(0.99, 999.99);
        expect(Math.abs(Math.round(v * 100) - v * 100)).to.be.below(1e-6);
      }
    });

    it('boolean honours chance_of_getting_true (percent)', () => {
      expect(draw(compile('boolean', { chance_of_getting_true: 0 }, 'boolean'), 500).every((v) => v === false)).to.equal(true);
      expect(draw(compile('boolean', { chance_of_getting_true: 100 }, 'boolean'), 500).every((v) => v === true)).to.equal(true);
      const values = draw(compile('boolean', { chance_of_getting_true: 25 }, 'boolean'), 20_000);
      within3Sigma(count(values, true), 20_000, 0.25);
      within3Sigma(count(draw(compile('boolean', {}, 'boolean'), 20_000), true), 20_000, 0.5);
    });

    it('latitude and longitude are in range with at most 6 decimals', () => {
      for (const v of draw<number>(compile('latitude', {}, 'float'), 1000)) expect(v).to.be.within(-90, 90);
      for (const v of draw<number>(compile('longitude', {}, 'float'), 1000)) {
        expect(v).to.be.within(-180, 180);
        expect(Math.abs(Math.round(v * 1e6) - v * 1e6)).to.be.below(1e-3);
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  // patterns, passwords, network
  // -------------------------------------------------------------------------------------------

  describe('patterns, passwords, network', () => {
    it('lexify replaces ? with letters, numerify # and % with digits, bothify both', () => {
      for (const v of draw<string>(compile('lexify', { text: 'PROD_????' }), 300)) expect(v).to.match(/^PROD_[A-Za-z]{4}$/);
      for (const v of draw<string>(compile('lexify', { text: '??', letters: 'AB' }), 100)) expect(v).to.match(/^[AB]{2}$/);
      const numbers = draw<string>(compile('numerify', { text: 'N-###-%%' }), 1000);
      for (const v of numbers) expect(v).to.match(/^N-\d{3}-[1-9]{2}$/);
      expect(numbers.some((v) => v.includes('0'))).to.equal(true);
      for (const v of draw<string>(compile('bothify', { text: '??-## #?' }), 300)) expect(v).to.match(/^[A-Za-z]{2}-\d{2} \d[A-Za-z]$/);
      for (const v of draw<string>(compile('numerify', { text: '!!' }), 300)) expect(v).to.match(/^\d{0,2}$/);
      for (const v of draw<string>(compile('hexify', { text: '0x^^', upper: true }), 100)) expect(v).to.match(/^0x[0-9A-F]{2}$/);
    });

    it('password has every enabled class at least once and none of the disabled ones', () => {
      for (const v of draw<string>(compile('password', { length: 12 }), 500)) {
        expect(v).to.have.length(12);
        expect(v)
          .to.match(/[!@#$%^&*()_+]/)
          .and.match(/\d/)
          .and.match(/[A-Z]/)
          .and.match(/[a-z]/);
      }
      for (const v of draw<string>(compile('password', { length: 4 }), 500)) {
        expect(v)
          .to.match(/[!@#$%^&*()_+]/)
          .and.match(/\d/)
          .and.match(/[A-Z]/)
          .and.match(/[a-z]/);
      }
      for (const v of draw<string>(compile('password', { length: 8, special_chars: false, upper_case: false }), 500)) {
        expect(v)
          .to.match(/^[a-z0-9]{8}$/)
          .and.match(/\d/)
          .and.match(/[a-z]/);
      }
      for (const v of draw<string>(compile('password', { digits: true, special_chars: false, upper_case: false, lower_case: false }), 100)) {
        expect(v).to.match(/^\d{10}$/);
      }
    });

    it('ipv4 and ipv6 are well formed', () => {
      for (const v of draw<string>(compile('ipv4'), 2000)) expect(v).to.match(IPV4);
      for (const v of draw<string>(compile('ipv6'), 500)) expect(v).to.match(/^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/);
    });

    it('everyday hints produce values of the expected shape', () => {
      const one = (hint: string, type: FieldType = 'string'): unknown => compile(hint, {}, type)(ctx());
      expect(one('phone_number')).to.match(/\d{3}.*\d{4}/);
      expect(one('country_code')).to.match(/^[A-Z]{2}$/);
      expect(one('currency_code')).to.match(/^[A-Z]{3}$/);
      expect(one('hex_color')).to.match(/^#[0-9a-f]{6}$/);
      expect(one('url')).to.match(/^https?:\/\/[a-z-]+\.[a-z]+\/?$/);
      expect(one('domain_name')).to.match(/^[a-z-]+\.[a-z]+$/);
      expect(one('iban')).to.match(/^[A-Z]{2}\d{2}[A-Z0-9]+$/);
      expect(one('postcode')).to.match(/^\d{5}(-\d{4})?$/);
      expect(one('user_agent')).to.match(/^Mozilla\/5\.0 /);
      expect(one('port_number', 'int')).to.be.a('number');
      expect(raw.location!.country).to.include(one('country'));
      for (const v of draw<string>(compile('credit_card_number'), 200)) {
        expect(v).to.match(/^\d{12,19}$/);
        expect(luhnValid(v), v).to.equal(true);
      }
    });

    it('every known hint compiles on a string field and gives a non-empty string', () => {
      for (const hint of knownGenerators()) {
        const gen = compileGenerator(hint, REQUIRED[hint] ?? {}, site('string', 'f', `Ev.${hint}`));
        const g = ctx();
        for (let i = 0; i < 5; i++) {
          const v = gen(g);
          expect(v, hint).to.be.a('string');
          expect((v as string).length, hint).to.be.greaterThan(0);
        }
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  // time
  // -------------------------------------------------------------------------------------------

  describe('time', () => {
    it('now is simulation time: ISO-8601 for datetime and string fields, epoch ms for int', () => {
      expect(compile('now', {}, 'datetime')(ctx())).to.equal(NOW_ISO);
      expect(compile('now')(ctx())).to.equal(NOW_ISO);
      expect(compile('now', {}, 'int')(ctx())).to.equal(NOW);
      expect(compile('current_timestamp', {}, 'datetime')(ctx(1, 0))).to.equal('1970-01-01T00:00:00.000Z');
    });

    it('date_time is a whole second within the 30 years before now', () => {
      const values = draw<string>(compile('date_time', {}, 'datetime'), 2000);
      for (const v of values) {
        expect(v).to.match(ISO_SECONDS);
        const t = Date.parse(v);
        expect(t)
          .to.be.at.most(NOW)
          .and.at.least(NOW - 30 * 365.25 * 86_400_000);
      }
      expect(values.some((v) => v < '2000')).to.equal(true);
    });

    it('date_time_this_decade / _this_year / _this_month lie in the period and not after now', () => {
      const cases: Array<[string, string]> = [
        ['date_time_this_decade', '2020-01-01T00:00:00.000Z'],
        ['date_time_this_year', '2025-01-01T00:00:00.000Z'],
        ['date_time_this_month', '2025-01-01T00:00:00.000Z'],
        ['date_time_this_century', '2000-01-01T00:00:00.000Z'],
      ];
      for (const [hint, start] of cases) {
        const values = draw<string>(compile(hint, {}, 'datetime'), 1000);
        for (const v of values) {
          expect(v, hint).to.match(ISO_SECONDS);
          expect(v >= start && v <= NOW_ISO, `${hint}: ${v}`).to.equal(true);
        }
      }
    });

    it('date_time_this_year with after_now only lies after now, within the year', () => {
      for (const v of draw<string>(compile('date_time_this_year', { before_now: false, after_now: true }, 'datetime'), 1000)) {
        expect(v >= NOW_ISO.slice(0, 19) && v < '2026-01-01T00:00:00.000Z', v).to.equal(true);
      }
    });

    it('date_this_year gives a day: YYYY-MM-DD on a string field, midnight on a datetime field', () => {
      const days = draw<string>(compile('date_this_year'), 500);
      for (const v of days) expect(v >= '2025-01-01' && v <= '2025-01-15' && DAY.test(v), v).to.equal(true);
      expect(new Set(days).size).to.equal(15);
      for (const v of draw<string>(compile('date_this_year', {}, 'datetime'), 100)) expect(v).to.match(/^2025-01-\d{2}T00:00:00\.000Z$/);
    });

    it('date_time_between takes Python-Faker specs', () => {
      for (const v of draw<string>(compile('date_time_between', { start_date: '-1d', end_date: 'now' }, 'datetime'), 500)) {
        expect(Date.parse(v)).to.be.within(NOW - 86_400_000, NOW);
      }
      const fixed = draw<string>(compile('date_time_between', { start_date: '2020-01-01T00:00:00Z', end_date: '2020-01-02T00:00:00Z' }, 'datetime'), 200);
      for (const v of fixed) expect(v >= '2020-01-01T00:00:00.000Z' && v <= '2020-01-02T00:00:00.000Z', v).to.equal(true);
      throwsGeneratorError(
        () => compileGenerator('date_time_between', { start_date: 'yesterday' }, site('datetime', 'at', 'Ev.at')),
        'Ev.at: faker hint "date_time_between": start_date must be "now", "today", an offset like "-30d" or "+1y", a date-time or epoch seconds; got "yesterday"',
      );
      throwsGeneratorError(
        () => compileGenerator('date_time_between', { start_date: '+1d', end_date: '-1d' }, site('datetime', 'at', 'Ev.at')),
        'Ev.at: faker hint "date_time_between": start_date is after end_date',
      );
    });

    it('date_of_birth respects minimum_age and maximum_age', () => {
      for (const v of draw<string>(compile('date_of_birth', { minimum_age: 18, maximum_age: 20 }), 500)) {
        expect(v > '2004-01-15' && v <= '2007-01-15', v).to.equal(true);
      }
    });

    it('isoInstant matches Date#toISOString', () => {
      const rng = new Rng(3);
      for (let i = 0; i < 20_000; i++) {
        const ms = Math.floor(rng.float(-2e13, 2.6e14));
        expect(isoInstant(ms)).to.equal(new Date(ms).toISOString());
      }
      expect(isoInstant(951_782_400_000)).to.equal('2000-02-29T00:00:00.000Z');
      expect(() => isoInstant(Number.NaN)).to.throw(RangeError);
    });
  });

  // -------------------------------------------------------------------------------------------
  // determinism
  // -------------------------------------------------------------------------------------------

  describe('determinism', () => {
    const CONSTANT = new Set(['now', 'current_timestamp']);

    it('every known hint: same seed, same sequence; different seed, different sequence', () => {
      for (const hint of knownGenerators()) {
        const gen = compileGenerator(hint, REQUIRED[hint] ?? {}, site('string', 'f', `Ev.${hint}`));
        const a = draw(gen, 20, ctx(7));
        const b = draw(gen, 20, ctx(7));
        expect(b, hint).to.deep.equal(a);
        if (!CONSTANT.has(hint)) expect(draw(gen, 20, ctx(8)), hint).to.not.deep.equal(a);
      }
    });

    it('a compiled generator is not bound to a faker instance', () => {
      const gen = compile('person.fullName');
      const a = draw(gen, 10, ctx(3));
      expect(draw(gen, 10, ctx(3))).to.deep.equal(a);
      const sf = new SeededFaker();
      const rng = new Rng(3);
      expect(draw(gen, 10, { rng, faker: sf.use(rng, NOW), now: NOW })).to.deep.equal(a);
    });

    it('fast hints draw from g.rng only (they follow the context, not a faker instance)', () => {
      const gen = compile('name');
      const faker = new SeededFaker().use(new Rng(99), NOW);
      const a = draw(gen, 10, { rng: new Rng(5), faker, now: NOW });
      expect(draw(gen, 10, { rng: new Rng(5), faker, now: NOW })).to.deep.equal(a);
    });
  });

  // -------------------------------------------------------------------------------------------
  // faker-js paths
  // -------------------------------------------------------------------------------------------

  describe('faker-js method paths', () => {
    it('call the method without arguments', () => {
      for (const v of draw<string>(compile('person.fullName'), 50)) expect(v).to.match(/^\S+( \S+)+$/);
      expect(compile('faker.location.city')(ctx())).to.be.a('string').with.length.greaterThan(0);
    });

    it('pass params as one options object', () => {
      const values = draw<number>(compile('number.int', { min: 1, max: 6 }, 'int'), 2000);
      expect(new Set(values)).to.deep.equal(new Set([1, 2, 3, 4, 5, 6]));
      for (const v of draw<string>(compile('string.alpha', { length: 5, casing: 'upper' }), 100)) expect(v).to.match(/^[A-Z]{5}$/);
    });

    it('pass args positionally', () => {
      const female = new Set([...raw.person!.first_name!.female!, ...raw.person!.first_name!.generic!]);
      for (const v of draw<string>(compile('person.firstName', { args: ['female'] }), 200)) expect(female.has(v), v).to.equal(true);
      for (const v of draw<string>(compile('string.numeric', { args: [4] }), 100)) expect(v).to.match(/^\d{4}$/);
    });

    it('accept snake_case method names and convert values to the field type', () => {
      expect(String(compile('commerce.product_name')(ctx())).split(' ')).to.have.length(3);
      const past = draw<string>(compile('date.past', {}, 'datetime'), 200);
      for (const v of past)
        expect(v)
          .to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
          .and.satisfy((s: string) => s <= NOW_ISO);
      expect(compile('number.int', { min: 5, max: 5 })(ctx())).to.equal('5');
      expect(compile('number.float', { min: 1, max: 2 }, 'int')(ctx())).to.be.oneOf([1, 2]);
    });

    it('seed spellings: faker.<name>, and provider.method with Python params', () => {
      expect(compile('faker.email')(ctx())).to.match(EMAIL);
      expect(compile('faker.ecommerce.product_name')(ctx())).to.match(/^\S+ \S+ \S+$/);
      // the YAML model format: faker.lorem.sentence with nb_words is Python Faker's sentence(nb_words=10)
      for (const v of draw<string>(compile('faker.lorem.sentence', { nb_words: 10 }), 200)) {
        expect(v.split(' ').length).to.be.within(6, 14);
        for (const w of v.slice(0, -1).toLowerCase().split(' ')) expect(LOREM.has(w), w).to.equal(true);
      }
      // with faker-js arguments it is faker-js's lorem.sentence(wordCount)
      for (const v of draw<string>(compile('lorem.sentence', { args: [3] }), 50)) expect(v.split(' ')).to.have.length(3);
      // a Python provider that is not a faker-js module
      expect(compile('faker.address.street_address')(ctx())).to.match(/^\d+ \S+/);
    });

    it('report an unknown method of a known module with a did-you-mean', () => {
      throwsGeneratorError(
        () => compileGenerator('person.fulName', {}, site('string', 'name', 'User.name')),
        'User.name: unknown faker method "person.fulName"; did you mean "person.fullName"?',
      );
    });

    it('report arguments faker rejects, and values that cannot fill the field', () => {
      throwsGeneratorError(
        () => compileGenerator('number.int', { min: 7, max: 6 }, site('int', 'n', 'Ev.n')),
        'Ev.n: faker method "number.int" rejected its arguments: Max 6 should be greater than min 7.',
      );
      throwsGeneratorError(
        () => compileGenerator('datatype.boolean', {}, site('int', 'n', 'Ev.n')),
        'Ev.n: faker method "datatype.boolean" yields boolean values, but the field is int',
      );
      throwsGeneratorError(
        () => compileGenerator('string.numeric', { args: [4], length: 3 }, site('string', 's', 'Ev.s')),
        'Ev.s: faker method "string.numeric" takes either args or named params, not both (got args and length)',
      );
    });
  });

  // -------------------------------------------------------------------------------------------
  // errors
  // -------------------------------------------------------------------------------------------

  describe('errors', () => {
    it('unknown hint, with and without a suggestion', () => {
      throwsGeneratorError(
        () => compileGenerator('emial', {}, site('string', 'email', 'AccountCreated.email')),
        'AccountCreated.email: unknown faker hint "emial"; did you mean "email"?',
      );
      throwsGeneratorError(
        () => compileGenerator('random_itn', {}, site('int', 'q', 'Order.q')),
        'Order.q: unknown faker hint "random_itn"; did you mean "random_int"?',
      );
      throwsGeneratorError(
        () => compileGenerator('faker.emial', {}, site('string', 'e', 'Ev.e')),
        'Ev.e: unknown faker hint "faker.emial"; did you mean "faker.email"?',
      );
      throwsGeneratorError(
        () => compileGenerator('persn.fullName', {}, site('string', 'n', 'Ev.n')),
        'Ev.n: unknown faker hint "persn.fullName"; did you mean "person.fullName"?',
      );
      throwsGeneratorError(() => compileGenerator('qwertyuiop', {}, site('string', 'x', 'Ev.x')), 'Ev.x: unknown faker hint "qwertyuiop"');
    });

    it('bad params name the site, the hint and the param', () => {
      const q = site('int', 'quantity', 'Order.quantity');
      throwsGeneratorError(
        () => compileGenerator('random_int', { min: 5, max: 1 }, q),
        'Order.quantity: faker hint "random_int": min (5) must not be greater than max (1)',
      );
      throwsGeneratorError(() => compileGenerator('random_int', { min: 'one' }, q), 'Order.quantity: faker hint "random_int": min must be a number, got "one"');
      throwsGeneratorError(() => compileGenerator('random_int', { max: 2.5 }, q), 'Order.quantity: faker hint "random_int": max must be an integer, got 2.5');
      throwsGeneratorError(
        () => compileGenerator('random_int', { min: 1, mx: 3 }, q),
        'Order.quantity: faker hint "random_int": unknown param "mx"; did you mean "max"? (accepted: min, max, step)',
      );
      throwsGeneratorError(
        () => compileGenerator('random_int', { args: [1, 2, 3, 4] }, q),
        'Order.quantity: faker hint "random_int": takes at most 3 positional args (min, max, step), got 4',
      );
      throwsGeneratorError(
        () => compileGenerator('uuid4', { version: 4 }, site('string', 'id', 'User.id')),
        'User.id: faker hint "uuid4": takes no params, got "version"',
      );
    });

    it('random_element without elements, with empty elements, with mismatched weights', () => {
      const s = site('string', 'status', 'Product.status');
      throwsGeneratorError(() => compileGenerator('random_element', {}, s), 'Product.status: faker hint "random_element": elements must be a non-empty array');
      throwsGeneratorError(
        () => compileGenerator('random_element', { elements: [] }, s),
        'Product.status: faker hint "random_element": elements must be a non-empty array',
      );
      throwsGeneratorError(
        () => compileGenerator('random_element', { elements: ['a', 'b'], weights: [1] }, s),
        'Product.status: faker hint "random_element": weights has 1 entries but elements has 2',
      );
      throwsGeneratorError(
        () => compileGenerator('random_element', { elements: ['a', 'b'], weights: [0, 0] }, s),
        'Product.status: faker hint "random_element": weights must not all be 0',
      );
    });

    it('other parameter checks', () => {
      const f = site('float', 'price', 'Product.price');
      throwsGeneratorError(
        () => compileGenerator('pyfloat', { min_value: 10, max_value: 1 }, f),
        'Product.price: faker hint "pyfloat": min_value (10) must not be greater than max_value (1)',
      );
      throwsGeneratorError(
        () => compileGenerator('pyfloat', { positive: true, max_value: -1 }, f),
        'Product.price: faker hint "pyfloat": positive is true but max_value (-1) is not positive',
      );
      throwsGeneratorError(
        () => compileGenerator('boolean', { chance_of_getting_true: 150 }, site('boolean', 'b', 'Ev.b')),
        'Ev.b: faker hint "boolean": chance_of_getting_true must be between 0 and 100, got 150',
      );
      throwsGeneratorError(
        () => compileGenerator('ean', { length: 12 }, site('string', 'sku', 'Ev.sku')),
        'Ev.sku: faker hint "ean": length must be 8 or 13, got 12',
      );
      throwsGeneratorError(
        () => compileGenerator('password', { length: 3 }, site('string', 'pw', 'Ev.pw')),
        'Ev.pw: faker hint "password": length (3) is too short for 4 required character classes',
      );
      throwsGeneratorError(
        () => compileGenerator('lexify', { text: 5 }, site('string', 'code', 'Ev.code')),
        'Ev.code: faker hint "lexify": text must be a string, got 5',
      );
    });

    it('hints whose values cannot fill the field type', () => {
      throwsGeneratorError(
        () => compileGenerator('boolean', {}, site('int', 'quantity', 'Order.quantity')),
        'Order.quantity: faker hint "boolean" yields boolean values, but the field is int',
      );
      throwsGeneratorError(
        () => compileGenerator('pyfloat', {}, site('int', 'qty', 'Order.qty')),
        'Order.qty: faker hint "pyfloat" yields float values, but the field is int',
      );
      throwsGeneratorError(
        () => compileGenerator('email', {}, site('datetime', 'at', 'Ev.at')),
        'Ev.at: faker hint "email" yields string values, but the field is datetime',
      );
      throwsGeneratorError(
        () => compileGenerator('date_time', {}, site('boolean', 'b', 'Ev.b')),
        'Ev.b: faker hint "date_time" yields datetime values, but the field is boolean',
      );
    });
  });

  // -------------------------------------------------------------------------------------------
  // registerGenerator
  // -------------------------------------------------------------------------------------------

  describe('registerGenerator', () => {
    it('adds a hint that receives its params and site, and is listed', () => {
      const seen: FieldSite[] = [];
      registerGenerator('test_dice', (params, s) => {
        seen.push(s);
        const sides = typeof params.sides === 'number' ? params.sides : 6;
        return (g) => g.rng.int(1, sides);
      });
      expect(knownGenerators()).to.include('test_dice');
      const values = draw<number>(compileGenerator('test_dice', { sides: 4 }, site('int', 'roll', 'Roll.value')), 1000);
      expect(new Set(values)).to.deep.equal(new Set([1, 2, 3, 4]));
      expect(seen).to.deep.equal([{ where: 'Roll.value', name: 'roll', type: 'int' }]);
    });

    it('replaces an existing registration of the same name', () => {
      registerGenerator('test_const', () => () => 'first');
      registerGenerator('test_const', () => () => 'second');
      expect(compile('test_const')(ctx())).to.equal('second');
    });

    it('converts its values to the field type where obvious', () => {
      registerGenerator('test_epoch', () => (g) => new Date(g.now));
      expect(compile('test_epoch', {}, 'datetime')(ctx())).to.equal(NOW_ISO);
      registerGenerator('test_number', () => () => 42);
      expect(compile('test_number')(ctx())).to.equal('42');
      expect(compile('faker.test_number', {}, 'int')(ctx())).to.equal(42);
    });

    it('rejects invalid names', () => {
      expect(() => registerGenerator('has space', () => () => 1)).to.throw(GeneratorError, 'invalid hint name "has space"');
    });
  });

  // -------------------------------------------------------------------------------------------
  // defaults
  // -------------------------------------------------------------------------------------------

  describe('defaultGenerator', () => {
    const dflt = (name: string, type: FieldType, g: GenContext = ctx()): unknown => defaultGenerator(site(type, name))(g);

    it('ids are UUIDs, e-mails e-mails, names names', () => {
      for (const name of ['id', 'user_id', 'orderId', 'session_uuid']) expect(dflt(name, 'string'), name).to.match(UUID4);
      for (const name of ['email', 'user_email', 'email_address']) expect(dflt(name, 'string'), name).to.match(EMAIL);
      for (const name of ['name', 'full_name', 'fullName']) expect(dflt(name, 'string'), name).to.match(/^\S+ \S+/);
      expect(FIRST_NAMES.has(dflt('first_name', 'string') as string)).to.equal(true);
      expect(LAST_NAMES.has((dflt('last_name', 'string') as string).split('-')[0])).to.equal(true);
    });

    it('places, contacts and network fields', () => {
      expect(dflt('phone', 'string')).to.match(/\d{3}.*\d{4}/);
      expect(dflt('city', 'string')).to.be.a('string').with.length.greaterThan(2);
      expect(raw.location!.country).to.include(dflt('country', 'string'));
      expect(dflt('ip', 'string')).to.match(IPV4);
      expect(dflt('ip_address', 'string')).to.match(IPV4);
      expect(dflt('url', 'string')).to.match(/^https:\/\//);
    });

    it('time-like names are simulation time', () => {
      for (const name of ['created_at', 'timestamp', 'login_time', 'date']) {
        expect(dflt(name, 'datetime'), name).to.equal(NOW_ISO);
        expect(dflt(name, 'string'), name).to.equal(NOW_ISO);
      }
      expect(dflt('createdAt', 'int')).to.equal(NOW);
      expect(dflt('anything', 'datetime')).to.equal(NOW_ISO);
    });

    it('by type: int 0..1000, float 0..1000 with 2 decimals, fair boolean, empty json object, lorem word', () => {
      const ints = draw<number>(defaultGenerator(site('int', 'quantity')), 20_000);
      expect(ints.every((v) => Number.isInteger(v) && v >= 0 && v <= 1000)).to.equal(true);
      expect(ints).to.include(0).and.include(1000);
      const floats = draw<number>(defaultGenerator(site('float', 'price')), 5000);
      expect(floats.every((v) => v >= 0 && v <= 1000 && Math.abs(Math.round(v * 100) - v * 100) < 1e-6)).to.equal(true);
      const bools = draw<boolean>(defaultGenerator(site('boolean', 'active')), 20_000);
      within3Sigma(count(bools, true), 20_000, 0.5);
      const json = defaultGenerator(site('json', 'meta'));
      const [a, b] = draw<object>(json, 2);
      expect(a).to.deep.equal({});
      expect(a).to.not.equal(b);
      expect(LOREM.has(dflt('foo', 'string') as string)).to.equal(true);
      // a name rule whose hint cannot fill the type falls back to the type default
      expect(dflt('user_id', 'int')).to.be.a('number');
      expect(dflt('email', 'boolean')).to.be.a('boolean');
    });

    it('is deterministic', () => {
      for (const [name, type] of [
        ['email', 'string'],
        ['price', 'float'],
        ['name', 'string'],
      ] as const) {
        const gen = defaultGenerator(site(type, name));
        expect(draw(gen, 10, ctx(11))).to.deep.equal(draw(gen, 10, ctx(11)));
      }
    });
  });

  describe('purity', () => {
    it('lib/schema never reads the wall clock or Math.random', () => {
      const dir = path.join(__dirname, '../../lib/schema');
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
        const code = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        expect(code, file).to.not.match(/Math\.random|Date\.now|new Date\(\s*\)/);
      }
    });
  });
});
