/**
 * Mutants of the YAML model format's second example, `scenarios/library.yaml`, for specs of
 * validation: the text with one part replaced, and the located errors of a text.
 *
 * @example
 * errorsOf(edit('        max_items: 3\n', '        max_items: 100000000\n')); // ['t.yaml:47:20 … expected an integer <= 10000 …']
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { formatConfigError } from '../../lib/config/configError';

/** The text of scenarios/library.yaml. */
export const LIBRARY = fs.readFileSync(path.resolve(__dirname, '../../scenarios/library.yaml'), 'utf8');

/** `text` (the library model by default) with `from` replaced by `to`; `from` must occur. */
export const edit = (from: string, to: string, text = LIBRARY): string => {
  expect(text).to.include(from);
  return text.replace(from, to);
};

/** Every located error of a document named t.yaml, formatted; [] when it loads. */
export const errorsOf = (text: string): string[] => {
  const r = loadConfig(text, { file: 't.yaml' });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

/**
 * The library model (or `text`) with a MemberLeft schema, whose payload reads the member it is
 * about (`member_id`, its `plan` through the alias `borrower`, its `open_loans`), and a MemberLeft
 * event type declared as `eventType` (the YAML of its value, indented by four spaces).
 */
export const withMemberLeft = (eventType: string, text = LIBRARY): string =>
  edit(
    '  LoanReturned:\n    type: object',
    [
      '  MemberLeft:',
      '    type: object',
      '    properties:',
      '      member_id: { $ref: "#/schemas/MemberID", from_entity: Member, field: member_id }',
      '      plan: { type: string, from_entity: borrower, field: plan }',
      '      loans: { type: integer, from_entity: Member, field: open_loans }',
      '      reason: { type: string, generator: choice, params: { choices: [moved, idle] } }',
      '  LoanReturned:',
      '    type: object',
    ].join('\n'),
    edit('event_types:\n', `event_types:\n  MemberLeft:\n${eventType}\n`, text),
  );
