/**
 * `setState(..., { key })` updates one of several held entities of a type; `ctx.count(type,
 * where)` counts entities in a state, held or not, and stays exact as they change.
 */
import { expect } from 'chai';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import type { SimEvent } from '../../lib/core/simEvent';
import { entity } from '../../lib/entities/entity';
import type { EntityStore } from '../../lib/entities/entityStore';
import type { SimulationModel } from '../../lib/engine/model';
import { FlowError, simulateOn } from '../../lib/engine/simulateOn';
import { newEvent, select, setState, wait } from '../../lib/flows/actions';
import type { EntityView, FlowBody, FlowOptions } from '../../lib/flows/flow';
import { defineFlow } from '../../lib/flows/flow';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';

const Account = entity('Account', {
  primaryKey: 'account_id',
  state: { balance: field.int({ default: 100 }), online: field.boolean({ default: false }) },
});
const Transferred = event('Transferred', { from_id: field.string(), to_id: field.string(), amount: field.int() });
const WentOnline = event('WentOnline', { account_id: field.string(), online_now: field.int() });

const run = (flows: ReadonlyArray<readonly [FlowOptions, FlowBody]>, accounts: number, duration = '1h') => {
  const m: SimulationModel = {
    settings: { startTime: '2025-01-01T00:00:00Z', seed: 5, duration, nFlows: 3, initialEntities: { Account: accounts } },
    entities: [Account],
    flows: flows.map(([o, b]) => defineFlow(o, b)),
  };
  const scheduler = new HeapScheduler();
  const events: SimEvent[] = [];
  let store: EntityStore | undefined;
  let error: unknown;
  simulateOn(m, { scheduler, onStore: (s) => (store = s) }).subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
  scheduler.flush();
  return { events, store: store!, error };
};

describe('engine: setState by key, and ctx.count', () => {
  it('setState with a key updates that entity, not the latest acquired: transfers conserve money', () => {
    const { events, store, error } = run(
      [
        [
          { name: 'transfer' },
          function* () {
            const from = (yield select(Account, [['balance', 'greater_or_equal', 10]])) as EntityView | undefined;
            const to = (yield select(Account)) as EntityView | undefined;
            if (from === undefined || to === undefined) return;
            const amount = 10;
            yield newEvent(Transferred, {
              overrides: { from_id: from.key, to_id: to.key, amount },
              mutate: [
                setState(Account, [['balance', 'subtract', amount]], { key: from.key }),
                setState(Account, [['balance', 'add', amount]], { key: to.key }),
              ],
            });
            yield wait({ seconds: 30 });
          },
        ],
      ],
      6,
    );
    expect(error).to.equal(undefined);
    const transfers = events.filter((e) => e.event_type === 'Transferred');
    expect(transfers.length).to.be.greaterThan(50);
    const balances = store.all(Account).map((r) => r.state.balance as number);
    expect(balances.reduce((a, b) => a + b, 0)).to.equal(600);
    // Replaying the transfers gives the same balances: each side moved the right account.
    const replay = new Map(store.all(Account).map((r) => [r.key, 100]));
    for (const t of transfers) {
      replay.set(t.from_id as string, replay.get(t.from_id as string)! - 10);
      replay.set(t.to_id as string, replay.get(t.to_id as string)! + 10);
    }
    expect(store.all(Account).map((r) => r.state.balance)).to.deep.equal(store.all(Account).map((r) => replay.get(r.key)));
  });

  it('setState with a key the session does not hold fails the flow, naming the entity and key', () => {
    const { error } = run(
      [
        [
          { name: 'bad' },
          function* () {
            yield select(Account);
            yield setState(Account, [['balance', 'add', 1]], { key: 'nope' });
          },
        ],
      ],
      2,
    );
    expect(error).to.be.instanceOf(FlowError);
    expect((error as Error).message).to.contain('the session holds no Account with key "nope"');
  });

  it('ctx.count follows changes exactly (held or not) and can cap how many are in a state', () => {
    const MAX = 4;
    const { events, store, error } = run(
      [
        [
          { name: 'login', weight: 3 },
          function* (ctx) {
            if (ctx.count(Account, [['online', 'is', true]]) >= MAX) return;
            const a = (yield select(Account, [['online', 'is', false]])) as EntityView | undefined;
            if (a === undefined) return;
            yield newEvent(WentOnline, {
              overrides: { account_id: a.key, online_now: ctx.count(Account, [['online', 'is', true]]) + 1 },
              mutate: [setState(Account, [['online', 'is', true]])],
            });
            yield wait({ seconds: 45 }); // still held, and counted, while it waits
          },
        ],
        [
          { name: 'logout' },
          function* () {
            const a = (yield select(Account, [['online', 'is', true]])) as EntityView | undefined;
            if (a === undefined) return;
            yield setState(Account, [['online', 'is', false]]);
            yield wait({ seconds: 20 });
          },
        ],
      ],
      10,
      '3h',
    );
    expect(error).to.equal(undefined);
    const logins = events.filter((e) => e.event_type === 'WentOnline');
    expect(logins.length).to.be.greaterThan(20);
    // Never more than MAX online at once: the count each login saw, including itself.
    expect(Math.max(...logins.map((e) => e.online_now as number))).to.equal(MAX);
    // The count equals a scan of the store at the end.
    const online = store.all(Account).filter((r) => r.state.online === true).length;
    expect(store.countWhere(Account, [['online', 'is', true]])).to.equal(online);
  });
});
