import { expect } from 'chai';
import { LIBRARY, errorsOf } from '../../helpers/libraryEdits';
import { loadConfig } from '../../../lib/config/yaml/loadConfig';
import { runToEnd } from '../../helpers/runToEnd';

/** Names every JavaScript object inherits, given to the library model's fields and attributes. */
const RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['days_late', 'toString'],
  ['has_loan', 'valueOf'],
  ['book_id', 'constructor'],
  ['plan', 'hasOwnProperty'],
];
const rename = (text: string): string => RENAMES.reduce((t, [from, to]) => t.replace(new RegExp(`\\b${from}\\b`, 'g'), to), text);

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('config/yaml: names that every JavaScript object inherits', () => {
  it('are ordinary field and attribute names: the output is the same as with other names', () => {
    const original = loadConfig(LIBRARY);
    const renamed = loadConfig(rename(LIBRARY));
    if (!original.ok || !renamed.ok) throw new Error('the library model does not load');
    const before = runToEnd(original.simulation, { duration: '20m' });
    const after = runToEnd(renamed.simulation, { duration: '20m' });
    expect(after.completed).to.equal(true);
    expect(after.events.length).to.be.greaterThan(20);
    expect(after.events.map((e) => JSON.stringify(e))).to.deep.equal(before.events.map((e) => rename(JSON.stringify(e))));
    const returned = after.events.find((e) => e.event_type === 'LoanReturned') as unknown as Record<string, unknown>;
    expect(Object.hasOwn(returned, 'toString')).to.equal(true);
    expect(returned.toString).to.be.a('number');
  });

  it('are not found as payload fields or state attributes when the model has none of that name', () => {
    const overrides = LIBRARY.replace(
      '      - event_type: LoanReturned\n',
      '      - event_type: LoanReturned\n        payload_overrides: { toString: 1, constructor: 2 }\n',
    );
    const line = lineOf(overrides, 'payload_overrides: { toString');
    const fields = '(fields: member_id, days_late, fine, condition, note, returned_at)';
    expect(errorsOf(overrides)).to.deep.equal([
      `t.yaml:${line}:30 scenarios.BorrowAndReturn.steps[1].payload_overrides.toString: "toString" is not a field of LoanReturned's payload ${fields}`,
      `t.yaml:${line}:43 scenarios.BorrowAndReturn.steps[1].payload_overrides.constructor: "constructor" is not a field of LoanReturned's payload ${fields}`,
    ]);
    const set = LIBRARY.replace('set_attributes: { has_loan: false }', 'set_attributes: { has_loan: false, valueOf: 1 }');
    expect(errorsOf(set)).to.deep.equal([
      `t.yaml:${lineOf(set, 'valueOf: 1')}:44 event_types.LoanReturned.updates_entity_state[0].set_attributes.valueOf: "valueOf" is not a state attribute of Member (state: name, email, plan, joined_at, open_loans, fines_due, has_loan)`,
    ]);
  });

  it('__proto__ as a key is a located error, never a field that silently vanishes', () => {
    const text = LIBRARY.replace('      note:\n', '      __proto__: { type: string, generator: uuid_v4 }\n      note:\n');
    expect(errorsOf(text)).to.deep.equal([
      `t.yaml:${lineOf(text, '__proto__')}:7 "__proto__" cannot be a key (JavaScript objects treat it as their prototype); rename it`,
    ]);
  });
});
