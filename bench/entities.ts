/**
 * Section "entities": does the engine slow down as the entity store grows?
 *
 * A bank-like model: one state-only entity (`Account`: `active`, `balance`; no source event, so
 * initial accounts are created without emitting anything) and four flows that each pick an
 * account through an indexed where-filter, change it and emit one event: deposits and
 * withdrawals (`balance`), deactivations and reactivations (`active`, which moves accounts between
 * indexes). The same number of events runs with 1 000, 100 000 and 1 000 000 initial accounts,
 * engine only.
 *
 * Steady-state events/s excludes the creation of the initial entities: it is timed from the first
 * event of a flow (`flow !== 'initial_entities'`). The engine creates initial entities in the
 * first scheduler action, before it starts any session, so everything before that event is setup
 * (reported separately). Peak RSS includes the entities, of course. The same sweep of the bare
 * loop of bench/floors.ts (random accounts, state replaced, nothing else) shows how much of the
 * slowdown is the machine's rather than the engine's.
 */
import { entity } from '../lib/entities/entity';
import type { SimulationModel } from '../lib/engine/model';
import type { FlowContext } from '../lib/flows/flow';
import { newEvent, select, setState } from '../lib/flows/actions';
import { event } from '../lib/schema/event';
import { field } from '../lib/schema/field';
import { simulation } from '../lib/simulation';
import { costsNote, entitiesFloor, floorCase, floorName, sweep } from './floors';
import type { BenchCase, CaseResult, Section } from './measure';
import { TIMING_HEADER, fixed, int, markdownTable, runEngine, sampleRss, scaled, timingCells } from './measure';

const Account = entity('Account', {
  source: null,
  primaryKey: 'account_id',
  state: {
    active: field.boolean(),
    balance: field.int({ faker: 'random_int', min: 0, max: 1000 }),
  },
});

const Deposited = event('Deposited', { account_id: field.string(), amount: field.int() });
const Withdrawn = event('Withdrawn', { account_id: field.string(), amount: field.int() });
const Deactivated = event('AccountDeactivated', { account_id: field.string(), reason: field.enum(['fraud', 'request', 'dormant']) });
const Reactivated = event('AccountReactivated', { account_id: field.string() });

/** Accounts model; `accounts` initial entities, stopped after `events` events. */
export const accountsModel = (accounts: number, events: number): SimulationModel => {
  const sim = simulation({
    nFlows: 100,
    totalEvents: events,
    duration: '3650d',
    startTime: '2025-01-01T00:00:00Z',
    seed: 11,
    initialEntities: [[Account, accounts]],
  });
  sim.flow({ name: 'deposit', weight: 6, filter: select(Account, [['active', 'is', true]]) }, function* (ctx: FlowContext) {
    const amount = ctx.rng.int(1, 500);
    yield newEvent(Deposited, { overrides: { amount }, mutate: setState(Account, [['balance', 'add', amount]]) });
  });
  sim.flow(
    {
      name: 'withdraw',
      weight: 3,
      filter: select(Account, [
        ['active', 'is', true],
        ['balance', 'greater_than', 100],
      ]),
    },
    function* (ctx: FlowContext) {
      const amount = ctx.rng.int(1, 100);
      yield newEvent(Withdrawn, { overrides: { amount }, mutate: setState(Account, [['balance', 'subtract', amount]]) });
    },
  );
  sim.flow({ name: 'deactivate', weight: 1, filter: select(Account, [['active', 'is', true]]) }, function* () {
    yield newEvent(Deactivated, { mutate: setState(Account, [['active', 'is', false]]) });
  });
  sim.flow({ name: 'reactivate', weight: 1, filter: select(Account, [['active', 'is', false]]) }, function* () {
    yield newEvent(Reactivated, { mutate: setState(Account, [['active', 'is', true]]) });
  });
  return sim;
};

const COUNTS = [1_000, 100_000, 1_000_000];
const TOLERANCE = 0.2;

const accountsCase = (accounts: number, events: number): BenchCase => {
  const name = `${int(accounts)} accounts`;
  return {
    name,
    run: async (): Promise<CaseResult> => {
      const rss = sampleRss(100);
      const r = await runEngine(accountsModel(accounts, events));
      const stored = r.store?.count(Account) ?? NaN;
      return { name, events: r.events, ...r.steady, ...rss.stop(), extra: { accounts, setupSeconds: r.setup.seconds, stored } };
    },
  };
};

export const entities: Section = {
  name: 'entities',
  title: 'Entity-count scaling: indexed where-filters on 1 000 … 1 000 000 state-only entities, engine only',
  optIn: false,
  cases: (scale) => [
    ...COUNTS.map((n) => accountsCase(n, scaled(500_000, scale))),
    ...COUNTS.map((n) => floorCase(floorName('accounts', n), () => entitiesFloor(n, scaled(5_000_000, scale)), { accounts: n })),
  ],
  report: (all) => {
    const { rows, worst, floorWorst, complete, costs } = sweep(
      all,
      (r) => r.extra.accounts === COUNTS[0],
      COUNTS.length,
      (r) => Number(r.extra.accounts),
      TOLERANCE,
    );
    const table = markdownTable(
      ['case', 'events', 'setup s', ...TIMING_HEADER, 'ratio', 'peak RSS MB'],
      rows.map(({ result: r, ratio }) => [
        r.name,
        int(r.events),
        r.extra.floor === undefined ? fixed(Number(r.extra.setupSeconds), 2) : '–',
        ...timingCells(r),
        fixed(ratio, 2),
        fixed(r.rssPeakMb, 0),
      ]),
    );
    const ran = rows.filter((row) => row.result.extra.floor === undefined).length;
    return {
      table,
      notes: [
        'setup s: creating the initial accounts (before the first flow event), not counted in seconds or events/s.',
        `ratio: steady-state events/s relative to ${int(COUNTS[0])} accounts (floors: to the floor at ${int(COUNTS[0])}).`,
        'floor: the same sweep of a bare loop (bench/floors.ts): a random account locked, its state replaced by a new object, an event object naming its key, nothing else; 10 times the events.',
        ...(costs === undefined ? [] : [costsNote(costs)]),
      ],
      verdicts: [
        {
          target: `entity sweep (${COUNTS.map(int).join(' / ')} accounts) within ${TOLERANCE * 100}% of ${int(COUNTS[0])}`,
          // A sweep with a failed case proves nothing.
          measured: complete
            ? `furthest ratio ${fixed(worst, 2)}${floorWorst === undefined ? '' : ` (its floor: ${fixed(floorWorst, 2)})`}`
            : `only ${ran} of ${COUNTS.length} cases ran`,
          met: complete && Math.abs(1 - worst) <= TOLERANCE,
        },
      ],
    };
  },
};
