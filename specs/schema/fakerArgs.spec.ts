import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { GeneratorError } from '../../lib/schema/generator';
import type { FieldSite } from '../../lib/schema/generator';
import { compileGenerator } from '../../lib/schema/generatorRegistry';
import { MAX_FAKER_OUTPUT, MAX_FAKER_SIZE, fakerArgsProblem } from '../../lib/schema/fakerArgs';
import { SeededFaker } from '../../lib/schema/seededFaker';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { loadStory } from '../../lib/config/story/loadStory';
import { formatConfigError } from '../../lib/config/configError';
import type { ConfigError } from '../../lib/config/configError';
import { messageThrown } from '../helpers/thrown';

const site: FieldSite = { where: 'Order.body', name: 'body', type: 'json' };

/** The GeneratorError message of compiling `hint` with `params`. */
const refusal = (hint: string, params: Record<string, unknown>): string => messageThrown(() => compileGenerator(hint, params, site), GeneratorError, hint);

/** The formatted errors of a front end's result (which must have failed). */
const located = (r: { readonly ok: true } | { readonly ok: false; readonly errors: ReadonlyArray<ConfigError> }): string[] => {
  if (r.ok) throw new Error('the document loaded');
  return r.errors.map(formatConfigError);
};

const sample = (hint: string, params: Record<string, unknown>): unknown =>
  compileGenerator(hint, params, site)({ rng: new Rng(1), faker: new SeededFaker().use(new Rng(1), 0), now: 0 });

const limit = (where: string, n: number): string => `${where} is ${n}, more than the limit of ${MAX_FAKER_SIZE} (MAX_FAKER_SIZE)`;

describe('schema/fakerArgs: faker-js arguments are bounded before faker is called', () => {
  it('the limits', () => {
    expect(MAX_FAKER_SIZE).to.equal(10_000);
    expect(MAX_FAKER_OUTPUT).to.equal(1_000_000);
  });

  it('a huge count or length is refused, naming the argument and the limit (validation used to hang)', () => {
    expect(refusal('faker.lorem.paragraphs', { args: [10_000_000] })).to.equal(
      `Order.body: faker method "lorem.paragraphs" (hint "faker.lorem.paragraphs") ${limit('argument 1', 10_000_000)}`,
    );
    expect(refusal('string.alpha', { args: [100_000_000] })).to.equal(`Order.body: faker method "string.alpha" ${limit('argument 1', 100_000_000)}`);
    expect(refusal('string.alpha', { length: { min: 1, max: 1e9 } })).to.equal(
      `Order.body: faker method "string.alpha" ${limit('argument 1.length.max', 1e9)}`,
    );
    expect(refusal('lorem.words', { args: [{ min: 1, max: 1e7 }] })).to.contain(limit('argument 1.max', 1e7));
    expect(refusal('date.betweens', { from: 0, to: 1e12, count: 1e6 })).to.contain(limit('argument 1.count', 1e6));
    expect(refusal('system.fileName', { extensionCount: 1e5 })).to.contain(limit('argument 1.extensionCount', 1e5));
    expect(refusal('helpers.arrayElements', { args: [[1, 2], 1e6] })).to.contain(limit('argument 2', 1e6));
  });

  it('NaN and ±Infinity are refused anywhere in the arguments', () => {
    expect(refusal('number.float', { max: Infinity })).to.equal('Order.body: faker method "number.float" argument 1.max must be a finite number, got Infinity');
    expect(refusal('number.int', { args: [NaN] })).to.contain('argument 1 must be a finite number, got NaN');
    expect(refusal('helpers.arrayElement', { args: [[1, -Infinity]] })).to.contain('argument 1[1] must be a finite number, got -Infinity');
  });

  it('texts are bounded: templates, patterns, separators', () => {
    expect(refusal('lorem.paragraphs', { args: [2, 'x'.repeat(20_000)] })).to.contain(
      `argument 2 is 20000 characters long, more than the limit of ${MAX_FAKER_SIZE} (MAX_FAKER_SIZE)`,
    );
  });

  it('values are not sizes: number.*, date.*, prices and amounts keep their range', () => {
    expect(sample('number.int', { min: 1, max: 1e12 })).to.be.a('number');
    expect(sample('number.int', { args: [1e9] })).to.be.a('number');
    expect(sample('commerce.price', { min: 100_000, max: 200_000 })).to.be.a('string');
    expect(fakerArgsProblem('finance.amount', [{ min: 0, max: 1e9 }])).to.equal(undefined);
    expect(fakerArgsProblem('date.anytime', [{ refDate: 1.7e12 }])).to.equal(undefined);
    expect(fakerArgsProblem('lorem.words', [MAX_FAKER_SIZE])).to.equal(undefined);
  });

  it('helpers.fromRegExp: quantifiers bounded, braces only in quantifiers', () => {
    expect(refusal('helpers.fromRegExp', { args: ['[a-z]{100000}'] })).to.contain(`argument 1: ${limit('the quantifier {100000}', 100_000)}`);
    // 'a{1{9}}' becomes 'a{111111111}' inside faker: refused
    expect(refusal('helpers.fromRegExp', { args: ['a{1{9}}'] })).to.contain('the pattern has a "{" at 2 that does not start a {n} or {n,m} quantifier');
    expect(sample('helpers.fromRegExp', { args: ['[A-Z]{3}-[0-9]{4}'] })).to.match(/^[A-Z]{3}-\d{4}$/);
  });

  it('helpers.mustache: keys are plain names (they become regular expressions), values hold no placeholders', () => {
    expect(refusal('helpers.mustache', { args: ['{{a}}', { '(a+)+$': 'x' }] })).to.contain('argument 2: the key "(a+)+$" must be letters, digits');
    expect(refusal('helpers.mustache', { args: ['{{a}}', { a: '{{a}}' }] })).to.contain('argument 2: the value of "a" must not contain "{{"');
    expect(sample('helpers.mustache', { args: ['Hi {{name}}', { name: 'Ada' }] })).to.equal('Hi Ada');
  });

  it('faker paths resolve own methods only', () => {
    for (const path of ['person.constructor', 'person.__proto__', 'helpers.hasOwnProperty', 'helpers.toString', 'person.valueOf', 'helpers.fake.call']) {
      expect(refusal(path, {}), path).to.match(/unknown faker (method|hint)/);
    }
  });

  it("the built-in generators' own params are bounded too", () => {
    expect(refusal('pystr', { max_chars: 100_000_000 })).to.contain('max_chars must be between 0 and 10000');
    expect(refusal('password', { length: 1e9 })).to.contain('length must be between 1 and 10000');
    expect(refusal('words', { nb: 1e9 })).to.contain('nb must be between 1 and 10000');
    expect(refusal('paragraph', { nb_sentences: 1e9 })).to.contain('nb_sentences must be between 1 and 10000');
    expect(refusal('text', { max_nb_chars: 1e9 })).to.contain('max_nb_chars must be between 5 and 1000000');
  });
});

describe('schema/fakerArgs through the front ends: located errors at validation', () => {
  it('the YAML model format', () => {
    const text = [
      'version: "1.0"',
      'simulation_settings:',
      '  duration: "1h"',
      '  initial_entity_counts: { A: 1 }',
      '  time_progression: { start_time: "2025-01-01T00:00:00Z" }',
      'schemas:',
      '  S:',
      '    type: object',
      '    properties:',
      '      id: { type: string, generator: uuid_v4 }',
      '      bio: { type: string, generator: faker.lorem.paragraphs, params: { args: [10000000] } }',
      'entities:',
      '  A: { schema: "#/schemas/S", primary_key: id }',
      'event_types:',
      '  Made: { payload_schema: "#/schemas/S", produces_entity: A, frequency_weight: 1 }',
      '',
    ].join('\n');
    expect(located(loadConfig(text, { file: 't.yaml' }))).to.deep.equal([
      `t.yaml:11:39 schemas.S.properties.bio.generator: faker method "lorem.paragraphs" (hint "faker.lorem.paragraphs") ${limit('argument 1', 10_000_000).replace('(MAX_FAKER_SIZE)', '(MAX_FAKER_SIZE; raise it with simulation_settings.limits.max_faker_size)')}`,
    ]);
  });

  it('the story format', () => {
    const text = [
      'org_id: acme',
      'start_date: 2025-01-01',
      'events:',
      '  - source: s',
      '    event: e',
      '    data:',
      '      bio: faker.string.alpha(100000000)',
      '',
    ].join('\n');
    expect(located(loadStory(text, { file: 's.yaml' }))).to.deep.equal([
      `s.yaml:7:12 events[0].data.bio: faker.string.alpha(): faker method "string.alpha" ${limit('argument 1', 100_000_000).replace('(MAX_FAKER_SIZE)', '(MAX_FAKER_SIZE; raise it with limits.max_faker_size)')}`,
    ]);
  });

  it('an option named like a member every object has (constructor, toString) is refused before faker reads it', () => {
    for (const key of ['constructor', 'toString', 'valueOf']) {
      expect(() => compileGenerator('faker.lorem.sentence', { [key]: 10 }, site)).to.throw(
        GeneratorError,
        `Order.body: faker method "lorem.sentence" (hint "faker.lorem.sentence") has no option "${key}" (a name every JavaScript object has)`,
      );
    }
  });
});
