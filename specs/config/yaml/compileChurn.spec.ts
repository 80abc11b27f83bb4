import { expect } from 'chai';
import { edit, errorsOf, withMemberLeft } from '../../helpers/libraryEdits';
import { loadConfig } from '../../../lib/config/yaml/loadConfig';
import { CHURN_FLOW } from '../../../lib/engine/simulateOn';
import { runToEnd } from '../../helpers/runToEnd';

/** The library model with a MemberLeft event type (its payload reads the member) and `churn` on Member. */
const withChurn = (churn: string): string =>
  edit(
    '      has_loan: { type: boolean, default: false }\n',
    `      has_loan: { type: boolean, default: false }\n    churn: ${churn}\n`,
    withMemberLeft('    payload_schema: "#/schemas/MemberLeft"'),
  );

const CHURN = '{ inactive_for: 2h, max_live: 40, event: MemberLeft }';

describe('config/yaml: churn on an entity', () => {
  it('retires members idle for inactive_for and beyond max_live, emitting the event about each, read from the member', () => {
    const loaded = loadConfig(withChurn(CHURN), { file: 't.yaml' });
    expect(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors)).to.equal(true);
    const sim = loaded.ok ? loaded.simulation : undefined!;
    const Member = sim.entities.find((e) => e.name === 'Member')!;
    expect([Member.churn?.inactiveForMs, Member.churn?.maxLive]).to.deep.equal([7_200_000, 40]);
    const run = runToEnd(sim, { settings: { duration: '2d' } });
    expect(run.error).to.equal(undefined);
    const state = new Map<string, { plan: string; loans: number }>();
    let left = 0;
    for (const e of run.events) {
      const m = e.member_id as string;
      if (e.event_type === 'MemberJoined') state.set(m, { plan: e.plan as string, loans: 0 });
      if (e.event_type === 'LoanOpened') state.get(m)!.loans++;
      if (e.event_type === 'LoanReturned') state.get(m)!.loans--;
      if (e.event_type !== 'MemberLeft') continue;
      left++;
      expect(e.flow).to.equal(CHURN_FLOW);
      expect(state.has(m), 'a member that joined and has not left').to.equal(true);
      expect({ plan: e.plan, loans: e.loans }, 'read from the member (by name and by alias)').to.deep.equal(state.get(m));
      state.delete(m);
      expect(state.size).to.be.at.most(40);
    }
    expect(left).to.be.greaterThan(50);
    expect(run.stats.entities.Member.retired).to.equal(left);
    expect(run.store.count(Member)).to.equal(state.size);
  });

  it('reports mistakes in churn, located', () => {
    const errors = (churn: string) => errorsOf(withChurn(churn));
    expect(errors('{ inactive_fr: 2h, max_live: 0, event: MemberLefts }')).to.deep.equal([
      't.yaml:101:14 entities.Member.churn.inactive_fr: unknown key "inactive_fr"; did you mean "inactive_for"?',
      't.yaml:101:41 entities.Member.churn.max_live: expected an integer >= 1, got 0',
      't.yaml:101:51 entities.Member.churn.event: "MemberLefts" is not an event type; did you mean "MemberLeft"?',
    ]);
    expect(errors('{}')).to.deep.equal(['t.yaml:101:12 entities.Member.churn: give inactive_for (a duration such as "30d"), max_live (a count) or both']);
    expect(errors('{ inactive_for: soon }')[0]).to.match(/^t\.yaml:101:28 entities\.Member\.churn\.inactive_for: invalid duration "soon"/);
    expect(errors('{ inactive_for: 0s }')).to.deep.equal(['t.yaml:101:28 entities.Member.churn.inactive_for: must be more than 0']);
    expect(errors('{ inactive_for: [1h] }')).to.deep.equal([
      't.yaml:101:28 entities.Member.churn.inactive_for: expected a duration such as "30d" or "45m", got a list',
    ]);
    expect(errors('{ inactive_for: 5000000d }')).to.deep.equal([
      't.yaml:101:28 entities.Member.churn.inactive_for: expected at most 10000 years, got "5000000d"',
    ]);
    expect(errors('{ max_live: 5, event: BookAcquired }')).to.deep.equal([
      "t.yaml:101:34 entities.Member.churn.event: BookAcquired's payload does not name the Member that leaves: give it a field { from_entity: Member, field: member_id }",
    ]);
    expect(errors('oops')).to.deep.equal(['t.yaml:101:12 entities.Member.churn: expected a mapping, got "oops"']);
  });

  it('initial_entity_counts above max_live is a located error', () => {
    expect(errorsOf(withChurn('{ max_live: 10 }'))).to.deep.equal([
      't.yaml:9:13 simulation_settings.initial_entity_counts.Member: expected at most 10, the churn max_live of Member, got 15',
    ]);
  });
});
