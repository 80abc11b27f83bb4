import { expect } from 'chai';
import { edit, errorsOf } from '../../helpers/libraryEdits';
import { DEFAULT_LIMITS } from '../../../lib/config/yaml/limits';
import { loadConfig } from '../../../lib/config/yaml/loadConfig';
import { formatConfigError } from '../../../lib/config/configError';
import { runToEnd } from '../../helpers/runToEnd';

/** `t.yaml:LINE:` of the first line containing `needle`. */
const at = (text: string, needle: string): string => `t.yaml:${text.split('\n').findIndex((l) => l.includes(needle)) + 1}:`;

describe('config/yaml: limits on sizes, counts and spans', () => {
  it('an array larger than max_items is a located error naming the setting that raises it', () => {
    const text = edit('        max_items: 3\n', '        max_items: 100000000\n');
    expect(errorsOf(text)).to.deep.equal([
      `${at(text, 'max_items: 100000000')}20 schemas.LoanOpened.properties.books.max_items: expected an integer <= ${DEFAULT_LIMITS.max_items}, got 100000000 (the limit; raise it with simulation_settings.limits.max_items)`,
    ]);
    const raised = edit('  concurrent_sessions: 8\n', '  concurrent_sessions: 8\n  limits: { max_items: 100000000 }\n', text);
    expect(errorsOf(raised)).to.deep.equal([]);
    expect(errorsOf(edit('  concurrent_sessions: 8\n', '  concurrent_sessions: 8\n  limits: { max_itemz: 5, max_loop_count: 0 }\n'))).to.deep.equal([
      't.yaml:14:13 simulation_settings.limits.max_itemz: unknown key "max_itemz"; did you mean "max_items"?',
      't.yaml:14:43 simulation_settings.limits.max_loop_count: expected an integer >= 1, got 0',
    ]);
  });

  it('counts: loops, initial entities, session slots, delivery windows', () => {
    const loop = edit('      - event_type: LoanReturned\n', '      - event_type: LoanReturned\n        loop: { min_count: 1, max_count: 1000000000 }\n');
    expect(errorsOf(loop)).to.deep.equal([
      `${at(loop, 'max_count: 1000000000')}42 scenarios.BorrowAndReturn.steps[1].loop.max_count: expected an integer <= ${DEFAULT_LIMITS.max_loop_count}, got 1000000000 (the limit; raise it with simulation_settings.limits.max_loop_count)`,
    ]);
    const counts = edit('    Book: 40\n', '    Book: 100000000\n', edit('  concurrent_sessions: 8\n', '  concurrent_sessions: 100000000\n'));
    const errors = errorsOf(counts);
    expect(errors).to.have.length(2);
    expect(errors[0]).to.match(
      /^t\.yaml:8:11 simulation_settings\.initial_entity_counts\.Book: expected an integer <= 1000000, got 100000000 \(.*max_initial_entities\)$/,
    );
    expect(errors[1]).to.match(
      /^t\.yaml:13:24 simulation_settings\.concurrent_sessions: expected an integer <= 100000, got 100000000 \(.*max_concurrent_sessions\)$/,
    );
    const window = edit('window: 5 }', 'window: 1e12 }');
    expect(errorsOf(window)).to.have.length(1);
    expect(errorsOf(window)[0]).to.match(/delivery\.out_of_order\.window: expected an integer <= 1000000, got 1000000000000 \(.*max_delivery_window\)$/);
  });

  it('durations and delays stay within what a JavaScript date can hold', () => {
    expect(errorsOf(edit('  duration: "2h"', '  duration: "5000000d"'))).to.deep.equal([
      't.yaml:6:13 simulation_settings.duration: expected at most 10000 years, got "5000000d"',
    ]);
    const late = edit('    start_time: "2025-03-03T09:00:00Z"', '    start_time: "+275760-09-01T00:00:00Z"', edit('  duration: "2h"', '  duration: "30d"'));
    expect(errorsOf(late)).to.deep.equal([
      't.yaml:6:13 simulation_settings.duration: the run would end after +275760-09-13T00:00:00.000Z, the last date JavaScript can represent',
    ]);
    const delay = edit('{ min_seconds: 600, max_seconds: 3600 }', '{ min_seconds: 600, max_seconds: 1e15 }');
    expect(errorsOf(delay)).to.have.length(1);
    expect(errorsOf(delay)[0]).to.match(
      /steps\[1\]\.delay_after_previous_step\.max_seconds: expected at most 315576000000 \(10000 years\), got 1000000000000000$/,
    );
  });

  it('numbers that make no sense: non-finite values, huge integers, precisions, weights, bcrypt costs', () => {
    const inf = edit('{ min: 80, max: 900 }', '{ min: .nan, max: .inf }');
    expect(errorsOf(inf)).to.deep.equal([`${at(inf, '.nan')}69 expected a finite number, got .nan`, `${at(inf, '.nan')}80 expected a finite number, got .inf`]);
    const seed = edit('  random_seed: 7', '  random_seed: 1e300');
    expect(errorsOf(seed)).to.deep.equal([
      't.yaml:12:16 simulation_settings.random_seed: expected an integer between -9007199254740991 and 9007199254740991, got 1e+300',
    ]);
    const precision = edit('"sum(b.daily_fine for b in books)", precision: 2', '"sum(b.daily_fine for b in books)", precision: 400');
    expect(errorsOf(precision)[0]).to.match(/schemas\.LoanOpened\.properties\.daily_fine_total\.params\.precision: expected an integer <= 20, got 400$/);
    const weight = edit('    produces_entity: Book\n    frequency_weight: 1', '    produces_entity: Book\n    frequency_weight: 1e300');
    expect(errorsOf(weight)[0]).to.match(/event_types\.BookAcquired\.frequency_weight: expected a number <= 1000000000000, got 1e\+300$/);
    const weights = edit('weights: [0.6, 0.4]', 'weights: [1e300, 1e300]');
    expect(errorsOf(weights)[0]).to.match(/params\.cases\[0\]\.weights: weights must be <= 1000000000000$/);
    const bcrypt = edit(
      '      note:\n',
      '      pin: { type: string, generator: static_hashed, params: { algorithm: bcrypt, rounds: 31, raw_value_source: "1234" } }\n      note:\n',
    );
    expect(errorsOf(bcrypt)[0]).to.match(/schemas\.LoanReturned\.properties\.pin\.params\.rounds: expected an integer <= 12, got 31$/);
  });
});

describe('config/yaml: limits of expressions and faker-js arguments, raised by simulation_settings.limits', () => {
  const settings = (limits: string) => edit('  concurrent_sessions: 8\n', `  concurrent_sessions: 8\n  limits: { ${limits} }\n`);

  it('a faker-js argument over max_faker_size names the setting; the setting raises it', () => {
    const field = '      pin: { type: string, generator: faker.lorem.words, params: { args: [20000] } }\n      note:\n';
    const text = edit('      note:\n', field);
    expect(errorsOf(text)).to.have.length(1);
    expect(errorsOf(text)[0]).to.match(
      /schemas\.LoanReturned\.properties\.pin\.generator: faker method "lorem\.words" \(hint "faker\.lorem\.words"\) argument 1 is 20000, more than the limit of 10000 \(MAX_FAKER_SIZE; raise it with simulation_settings\.limits\.max_faker_size\)$/,
    );
    expect(errorsOf(edit('      note:\n', field, settings('max_faker_size: 20000')))).to.deep.equal([]);
    expect(errorsOf(edit('      note:\n', field, settings('max_faker_size: 19999')))[0]).to.match(/more than the limit of 19999 \(MAX_FAKER_SIZE; raise it/);
  });

  it('a helpers.fake template over max_fake_placeholders, raised by the setting', () => {
    const template = '{{person.firstName}}'.repeat(1_500);
    const field = `      pin: { type: string, generator: faker.helpers.fake, params: { args: ["${template}"] } }\n      note:\n`;
    expect(errorsOf(edit('      note:\n', field, settings('max_faker_size: 100000')))[0]).to.match(
      /expands more than 1000 placeholders \(MAX_FAKE_PLACEHOLDERS; raise it with simulation_settings\.limits\.max_fake_placeholders\)$/,
    );
    expect(errorsOf(edit('      note:\n', field, settings('max_faker_size: 100000, max_fake_placeholders: 2000')))).to.deep.equal([]);
  });

  it('a constant expression over max_expression_size is a located error naming the setting; the setting raises it', () => {
    const big = (text?: string) => edit('"sum(b.daily_fine for b in books)", precision: 2', `"len('x' * 2000000)", precision: 2`, text);
    const errors = errorsOf(big());
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(
      /^t\.yaml:\d+:\d+ schemas\.LoanOpened\.properties\.daily_fine_total\.params\.expression: .*result is larger than the limit of 1000000 characters or items \(maxValueSize; raise it with simulation_settings\.limits\.max_expression_size\)$/,
    );
    expect(errorsOf(big(settings('max_expression_size: 3000000')))).to.deep.equal([]);
    expect(errorsOf(big(settings('max_expression_steps: 0')))[0]).to.match(
      /simulation_settings\.limits\.max_expression_steps: expected an integer >= 1, got 0$/,
    );
  });

  it('at run time, an expression over the limit stops the run naming the setting; a raised limit lets it run', () => {
    const grow = (text?: string) => edit('"sum(b.daily_fine for b in books)", precision: 2', `"len(str(books) * 20000)", precision: 2`, text);
    const run = (text: string) => {
      const loaded = loadConfig(text);
      if (!loaded.ok) throw new Error(loaded.errors.map(formatConfigError).join('\n'));
      return runToEnd(loaded.simulation, { duration: '30m' });
    };
    const failed = run(grow());
    expect(String((failed.error as Error).message)).to.match(/\(maxValueSize; raise it with simulation_settings\.limits\.max_expression_size\)/);
    const raised = run(grow(settings('max_expression_size: 100000000')));
    expect(raised.error).to.equal(undefined);
    expect(raised.events.filter((e) => e.event_type === 'LoanOpened').length).to.be.greaterThan(0);
  });
});

describe('config/yaml: primary keys and the fields holding them', () => {
  const intKey = edit(
    '  MemberID: { type: string, generator: uuid_v4 }',
    '  MemberID: { type: integer, generator: random_int, params: { min: 1, max: 100000000 } }',
  );

  it('an integer field named like an entity primary key (which the engine fills with keys, strings) is a located error', () => {
    const errors = errorsOf(intKey);
    expect(errors).to.deep.equal([
      `${at(intKey, '      member_id: { $ref: "#/schemas/MemberID", from_entity: Member, field: member_id }')}18 schemas.LoanOpened.properties.member_id: references Member keys, which are strings, but the field is integer; a payload field named like an entity's primary key holds its keys: make it type string, or rename it`,
      errors[1],
    ]);
    expect(errors[1]).to.match(/schemas\.LoanReturned\.properties\.member_id: references Member keys/);
  });

  it('an integer primary key read by an integer field of another name gets numbers back', () => {
    let text = intKey;
    for (const schema of ['LoanOpened', 'LoanReturned']) {
      const start = text.indexOf(`  ${schema}:\n`);
      const i = text.indexOf('      member_id: { $ref', start);
      text = `${text.slice(0, i)}      borrower: { $ref${text.slice(i + '      member_id: { $ref'.length)}`;
    }
    const loaded = loadConfig(text);
    if (!loaded.ok) throw new Error(loaded.errors.map(formatConfigError).join('\n'));
    const run = runToEnd(loaded.simulation, { duration: '30m' });
    expect(run.completed).to.equal(true);
    const loans = run.events.filter((e) => e.event_type === 'LoanOpened') as unknown as Array<{ borrower: unknown }>;
    expect(loans.length).to.be.greaterThan(0);
    for (const l of loans) expect(l.borrower).to.be.a('number');
  });

  it('a primary key that is a boolean, an object or a list is a located error', () => {
    const text = edit('  BookID: { type: string, generator: random_alphanumeric, params: { length: 10 } }', '  BookID: { type: boolean }');
    expect(errorsOf(text)).to.deep.equal([
      `${at(text, 'primary_key: book_id')}18 entities.Book.primary_key: "book_id" is a boolean field; a primary key is a string or a number`,
    ]);
  });
});
