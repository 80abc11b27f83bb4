import { expect } from 'chai';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { formatConfigError } from '../../lib/config/configError';
import { runToEnd } from '../helpers/runToEnd';

type Ev = Record<string, any>;

/** The second YAML domain (scenarios/library.yaml): loans of books by members. */
describe('e2e: the library YAML simulation (scenarios/library.yaml)', () => {
  const r = loadConfig('scenarios/library.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  const sim = r.simulation;
  const run = runToEnd(sim, { duration: '12h' });
  const events = run.events as unknown as Ev[];
  const Member = sim.entities.find((e) => e.name === 'Member')!;

  it('runs with every event type', () => {
    expect(run.completed).to.equal(true);
    for (const t of ['MemberJoined', 'BookAcquired', 'LoanOpened', 'LoanReturned'])
      expect(
        events.some((e) => e.event_type === t),
        t,
      ).to.equal(true);
  });

  it('each loan draws distinct books and its derived total is exact to precision', () => {
    const loans = events.filter((e) => e.event_type === 'LoanOpened');
    expect(loans.length).to.be.greaterThan(30);
    for (const l of loans) {
      const ids = l.books.map((b: Ev) => b.book_id);
      expect(new Set(ids).size).to.equal(ids.length);
      const exact = l.books.reduce((s: number, b: Ev) => s + b.daily_fine, 0);
      expect(Math.abs(l.daily_fine_total - exact)).to.be.at.most(0.005 + 1e-9);
    }
  });

  it('conditional condition and fines follow days_late; returns are by members holding a loan at that instant', () => {
    // The member's loan state just before each return, replayed from the stream, and the store's
    // version that the return closed (valid until the return's instant).
    const hasLoan = new Map<string, boolean>();
    for (const e of events) {
      if (e.event_type === 'LoanOpened') hasLoan.set(e.member_id, true);
      if (e.event_type !== 'LoanReturned') continue;
      expect(e.days_late > 7 ? ['worn', 'damaged'] : ['good', 'worn']).to.include(e.condition);
      expect(e.fine).to.equal(Math.round(e.days_late * 25) / 100);
      expect(hasLoan.get(e.member_id), e.member_id).to.equal(true);
      hasLoan.set(e.member_id, false);
      const at = Date.parse(e.timestamp);
      const before = run.store.query(Member, [], at - 1).find((v) => v.key === e.member_id);
      const opened = events.find((x) => x.event_type === 'LoanOpened' && x.session_id === e.session_id)!;
      if (Date.parse(opened.timestamp) < at) expect(before?.state.has_loan).to.equal(true);
    }
  });

  it('open_loans and fines_due add up from the events', () => {
    const open = new Map<string, number>();
    const fines = new Map<string, number>();
    for (const e of events) {
      if (e.event_type === 'LoanOpened') open.set(e.member_id, (open.get(e.member_id) ?? 0) + 1);
      if (e.event_type === 'LoanReturned') {
        open.set(e.member_id, (open.get(e.member_id) ?? 0) - 1);
        fines.set(e.member_id, (fines.get(e.member_id) ?? 0) + e.fine);
      }
    }
    for (const m of run.store.all(Member)) {
      expect(m.state.open_loans).to.equal(open.get(m.key) ?? 0);
      expect(m.state.open_loans).to.be.within(0, 1);
      expect(Math.abs((m.state.fines_due as number) - (fines.get(m.key) ?? 0))).to.be.below(1e-6);
    }
  });

  it('scenario sessions keep their member from step to step, in order', () => {
    const sessions = new Map<string, Ev[]>();
    for (const e of events) if (e.flow === 'NewMemberFirstLoan') sessions.set(e.session_id, [...(sessions.get(e.session_id) ?? []), e]);
    expect(sessions.size).to.be.greaterThan(5);
    for (const list of sessions.values()) {
      expect(list.map((e) => e.event_type)).to.deep.equal(['MemberJoined', 'LoanOpened', 'LoanReturned'].slice(0, list.length));
      expect(new Set(list.map((e) => e.member_id)).size).to.equal(1);
      if (list.length === 3) expect(list[2].note).to.equal('first loan');
    }
  });
});
