import { expect } from 'chai';
import { edit, errorsOf, withMemberLeft } from '../../helpers/libraryEdits';
import { loadConfig } from '../../../lib/config/yaml/loadConfig';
import { runToEnd } from '../../helpers/runToEnd';

/** MemberLeft as a flow of its own: it consumes a member without a loan and retires it. */
const LEAVING = [
  '    payload_schema: "#/schemas/MemberLeft"',
  '    consumes_entities:',
  '      - name: Member',
  '        alias: borrower',
  '        selection_filter: [{ field: "state.has_loan", operator: equals, value: false }]',
  '    retires_entity: borrower',
  '    frequency_weight: 0.5',
].join('\n');

describe('config/yaml: retires_entity on an event type', () => {
  it('retires the consumed instance once the event is emitted: no later event names it', () => {
    const loaded = loadConfig(withMemberLeft(LEAVING), { file: 't.yaml' });
    expect(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors)).to.equal(true);
    const sim = loaded.ok ? loaded.simulation : undefined!;
    const run = runToEnd(sim, { settings: { duration: '1d' } });
    expect(run.error).to.equal(undefined);
    const gone = new Set<string>();
    const open = new Map<string, number>();
    for (const e of run.events) {
      const m = e.member_id as string | undefined;
      if (m !== undefined) expect(gone.has(m), `${e.event_type} at ${e.timestamp} names a member that left`).to.equal(false);
      if (e.event_type === 'LoanOpened') open.set(m!, (open.get(m!) ?? 0) + 1);
      if (e.event_type === 'LoanReturned') open.set(m!, open.get(m!)! - 1);
      if (e.event_type !== 'MemberLeft') continue;
      expect([e.flow, open.get(m!) ?? 0, e.loans]).to.deep.equal(['MemberLeft', 0, 0]);
      gone.add(m!);
    }
    expect(gone.size).to.be.greaterThan(20);
    const Member = sim.entities.find((e) => e.name === 'Member')!;
    expect(run.stats.entities.Member.retired).to.equal(gone.size);
    for (const k of gone) expect(run.store.get(Member, k)).to.equal(undefined);
  });

  it('in a scenario: later steps that consume the type select another instance', () => {
    const text = edit(
      '      - event_type: LoanReturned\n        delay_after_previous_step: { min_seconds: 600, max_seconds: 1800 }\n        payload_overrides: { note: "first loan" }\n',
      '      - event_type: LoanReturned\n        delay_after_previous_step: { min_seconds: 600, max_seconds: 1800 }\n        payload_overrides: { note: "first loan" }\n      - event_type: MemberLeft\n      - event_type: LoanOpened\n',
      withMemberLeft(LEAVING.replace('    frequency_weight: 0.5', '    frequency_weight: 0')),
    );
    const loaded = loadConfig(text, { file: 't.yaml' });
    expect(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors)).to.equal(true);
    const run = runToEnd(loaded.ok ? loaded.simulation : undefined!, { settings: { duration: '1d' } });
    expect(run.error).to.equal(undefined);
    let followed = 0;
    const bySession = new Map<string, string[]>();
    for (const e of run.events) bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), `${e.event_type} ${e.member_id as string}`]);
    for (const steps of bySession.values()) {
      const i = steps.findIndex((s) => s.startsWith('MemberLeft'));
      if (i < 0 || i + 1 >= steps.length) continue;
      expect(steps[i + 1].split(' ')[1], 'another member').not.to.equal(steps[i].split(' ')[1]);
      followed++;
    }
    expect(followed).to.be.greaterThan(5);
  });

  it('reports what retires_entity cannot retire, located', () => {
    const errors = (value: string, eventType = LEAVING) =>
      errorsOf(withMemberLeft(eventType.replace('    retires_entity: borrower', `    retires_entity: ${value}`)));
    expect(errors('Book')).to.deep.equal([
      't.yaml:112:21 event_types.MemberLeft.retires_entity: the event does not consume Book: add it to consumes_entities (it retires the instance it consumes)',
    ]);
    expect(errors('borower')).to.deep.equal([
      't.yaml:112:21 event_types.MemberLeft.retires_entity: "borower" is not an entity or an alias of this event; did you mean "borrower"?',
    ]);
    expect(errors('Member'), 'the entity name of a consumed alias').to.deep.equal([]);
    expect(errors('[Member]')).to.deep.equal(['t.yaml:112:21 event_types.MemberLeft.retires_entity: expected a string, got a list']);
    const producing = edit(
      '  MemberJoined:\n    payload_schema: "#/schemas/MemberJoined"\n',
      '  MemberJoined:\n    payload_schema: "#/schemas/MemberJoined"\n    retires_entity: Member\n',
      withMemberLeft(LEAVING),
    );
    expect(errorsOf(producing)).to.deep.equal([
      't.yaml:116:21 event_types.MemberJoined.retires_entity: the event produces Member; it can retire only an entity it consumes (consumes_entities)',
    ]);
  });
});
