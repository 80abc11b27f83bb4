import { expect } from 'chai';
import { edit, errorsOf } from '../../helpers/libraryEdits';
import { accepts, yamlTypeName } from '../../../lib/config/yaml/fieldTypes';

/** The library model with two more Member attributes, an integer and a number. */
const WITH_ATTRIBUTES = edit(
  '      has_loan: { type: boolean, default: false }\n',
  '      has_loan: { type: boolean, default: false }\n      last_days: { type: integer, default: 0 }\n      last_fine: { type: number, default: 0 }\n',
);
const setting = (attributes: string): string =>
  edit('        set_attributes: { has_loan: false }', `        set_attributes: { has_loan: false, ${attributes} }`, WITH_ATTRIBUTES);

describe('config/yaml: values copied between fields of different types are validation errors, not failed runs', () => {
  it('field types: which accepts which, and their names', () => {
    expect(accepts('float', 'int')).to.equal(true);
    expect(accepts('int', 'float')).to.equal(false);
    expect(accepts('string', 'datetime')).to.equal(true);
    expect(accepts('json', 'boolean')).to.equal(true);
    expect(yamlTypeName('datetime')).to.equal('string (iso8601)');
  });

  it('from_entity reading a field of another type', () => {
    const text = edit(
      '      pages: { type: integer, generator: random_int',
      '      pages: { type: integer, from_entity: Member, field: email, generator: random_int',
    );
    expect(errorsOf(text)).to.have.length(1);
    expect(errorsOf(text)[0]).to.match(/^t\.yaml:35:\d+ schemas\.BookAcquired\.properties\.pages\.field: Member\.email is string, but this field is integer$/);
  });

  it('from_field copying a payload field of another type', () => {
    const text = edit(
      '      has_loan: { type: boolean, default: false }\n',
      '      has_loan: { type: boolean, default: false }\n      plan_copy: { type: integer, from_field: plan }\n',
    );
    expect(errorsOf(text)).to.deep.equal([
      't.yaml:94:47 entities.Member.state_attributes.plan_copy.from_field: MemberJoined.plan is string, but plan_copy is integer',
    ]);
  });

  it('set_attributes and increment_attributes from a payload field of another type, or nullable', () => {
    expect(errorsOf(setting('last_days: { from_payload_field: condition }'))).to.deep.equal([
      "t.yaml:132:77 event_types.LoanReturned.updates_entity_state[0].set_attributes.last_days.from_payload_field: the payload's condition is string, but Member.last_days needs integer",
    ]);
    expect(errorsOf(setting('last_days: { from_payload_field: fine }'))).to.deep.equal([
      "t.yaml:132:77 event_types.LoanReturned.updates_entity_state[0].set_attributes.last_days.from_payload_field: the payload's fine is number, but Member.last_days needs integer",
    ]);
    const nullable = edit(
      '      note:\n',
      '      tip: { type: number, generator: random_float, params: { min: 0, max: 1 }, nullable_probability: 0.5 }\n      note:\n',
      setting('last_fine: { from_payload_field: tip }'),
    );
    expect(errorsOf(nullable)[0]).to.match(
      /set_attributes\.last_fine\.from_payload_field: the payload's tip can be null \(nullable_probability\), but Member\.last_fine is not nullable$/,
    );
    const increment = edit('          fines_due: { from_payload_field: fine }', '          fines_due: { from_payload_field: condition }');
    expect(errorsOf(increment)[0]).to.match(
      /increment_attributes\.fines_due\.from_payload_field: the payload's condition is string, but Member\.fines_due needs a number$/,
    );
    expect(errorsOf(edit('          open_loans: -1', '          open_loans: 2.5'))).to.deep.equal([
      't.yaml:132:23 event_types.LoanReturned.updates_entity_state[0].increment_attributes.open_loans: expected an integer, got 2.5',
    ]);
  });

  it('static_hashed: on a non-string field, and without raw_value_source', () => {
    const hashed = (type: string, params: string): string =>
      edit('      note:\n', `      pin: { type: ${type}, generator: static_hashed, params: ${params} }\n      note:\n`);
    expect(errorsOf(hashed('integer', '{ raw_value_source: "1234" }'))[0]).to.match(
      /pin\.generator: generator static_hashed yields strings, but the field is integer$/,
    );
    expect(errorsOf(hashed('string', '{ raw_valu_source: "1234" }'))).to.deep.equal([
      't.yaml:79:62 schemas.LoanReturned.properties.pin.params: missing required key "raw_value_source"',
      't.yaml:79:64 schemas.LoanReturned.properties.pin.params.raw_valu_source: unknown key "raw_valu_source"; did you mean "raw_value_source"?',
    ]);
  });
});
