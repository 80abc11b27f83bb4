/**
 * Sharded runs of the scenarios: shard i of N runs its part of the world. The N shards together
 * have what one run is asked for, their entity keys never collide, the shared types (the
 * e-commerce catalogue, the trading instruments) are the same in every shard and created once,
 * and what a flow references in any shard exists in the union.
 */
import { expect } from 'chai';
import type { SimEvent } from '../../lib/core/simEvent';
import { INITIAL_FLOW } from '../../lib/engine/initialEntities';
import type { SimulationModel } from '../../lib/engine/model';
import type { Shard } from '../../lib/engine/shard';
import { entity } from '../../lib/entities/entity';
import { newEvent } from '../../lib/flows/actions';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { simulation } from '../../lib/simulation';
import ecommerce, { Product } from '../../scenarios/ecommerce';
import trading, { Instrument } from '../../scenarios/trading';
import { type FinishedRun, runToEnd } from '../helpers/runToEnd';

const START = '2025-01-01T00:00:00.000Z';
const TOTAL = 6_000;

const run = (model: SimulationModel, shard: Shard | undefined): FinishedRun =>
  runToEnd(model, { seed: 7, startTime: START, duration: '3650d', settings: { totalEvents: TOTAL, history: 'full' }, shard });

const shards = (model: SimulationModel, count: number): FinishedRun[] => Array.from({ length: count }, (_, index) => run(model, { index, count }));

const ofType = (events: ReadonlyArray<SimEvent>, type: string): Array<Record<string, unknown>> =>
  events.filter((e) => e.event_type === type) as unknown as Array<Record<string, unknown>>;

const json = (events: ReadonlyArray<SimEvent>): string => events.map((e) => JSON.stringify(e)).join('\n');

describe('e2e: sharded runs', function () {
  this.timeout(120_000);

  it('shard 0/1 is the unsharded run, byte for byte', () => {
    expect(json(run(ecommerce, { index: 0, count: 1 }).events)).to.equal(json(run(ecommerce, undefined).events));
  });

  for (const count of [2, 3]) {
    describe(`e-commerce in ${count} shards`, () => {
      let parts: FinishedRun[];
      before(() => {
        parts = shards(ecommerce, count);
      });

      it('together have what one run is asked for: totalEvents and the initial users', () => {
        expect(parts.map((p) => p.events.length).reduce((a, b) => a + b)).to.equal(TOTAL);
        const initialUsers = parts.map((p) => ofType(p.events, 'AccountCreated').filter((e) => e.flow === INITIAL_FLOW).length);
        expect(initialUsers.reduce((a, b) => a + b)).to.equal(200);
        expect(Math.max(...initialUsers) - Math.min(...initialUsers)).to.be.at.most(1);
      });

      it('entity keys never collide across shards', () => {
        const users = parts.flatMap((p) => ofType(p.events, 'AccountCreated').map((e) => String(e.user_id)));
        expect(users.length).to.be.above(200);
        expect(new Set(users).size).to.equal(users.length);
        const sessions = parts.flatMap((p) => [...new Set(p.events.map((e) => e.session_id))]);
        expect(new Set(sessions).size).to.equal(sessions.length);
      });

      it('the catalogue is the same in every shard, and only shard 0 emits its events', () => {
        const created = parts.map((p) => ofType(p.events, 'ProductCreated').filter((e) => e.flow === INITIAL_FLOW));
        expect(created[0]).to.have.length(50);
        for (const c of created.slice(1)) expect(c).to.have.length(0);
        const T0 = Date.parse(START);
        const atStart = parts.map((p) =>
          p.store
            .query(Product, [], T0)
            .map((s) => JSON.stringify([s.key, s.state]))
            .sort(),
        );
        expect(atStart[0]).to.have.length(50);
        for (const a of atStart.slice(1)) expect(a).to.deep.equal(atStart[0]);
        expect(atStart[0].map((s) => JSON.parse(s)[0]).sort()).to.deep.equal(created[0].map((e) => String(e.product_id)).sort());
        // Counted once for the world, by the shard that emitted them.
        expect(parts.map((p) => p.stats.entities.Product?.created ?? 0)).to.deep.equal([50, ...Array(count - 1).fill(0)]);
      });

      it('what a shard refers to exists: its own users, and the shared catalogue', () => {
        const catalogue = new Set(parts.flatMap((p) => ofType(p.events, 'ProductCreated').map((e) => String(e.product_id))));
        for (const p of parts) {
          const mine = new Set(ofType(p.events, 'AccountCreated').map((e) => String(e.user_id)));
          const refs = p.events.filter((e) => e.event_type !== 'AccountCreated') as unknown as Array<Record<string, unknown>>;
          const users = refs.filter((e) => e.user_id !== undefined).map((e) => String(e.user_id));
          const products = refs.filter((e) => e.product_id !== undefined && e.event_type !== 'ProductCreated').map((e) => String(e.product_id));
          expect(users.length).to.be.above(100);
          expect(products.length).to.be.above(50);
          expect(users.filter((u) => !mine.has(u))).to.deep.equal([]);
          expect(products.filter((k) => !catalogue.has(k))).to.deep.equal([]);
        }
      });

      it("a shard's output is the same every time it runs", () => {
        expect(json(run(ecommerce, { index: count - 1, count }).events)).to.equal(json(parts[count - 1].events));
      });
    });
  }

  it('keys from a small key space never collide either: a shard draws again until the key is its own', () => {
    // 1 000 possible keys, 3 × 100 initial accounts and more from flows: independent shards would share dozens.
    const Opened = event('AccountOpened', { account_id: field.string({ primaryKey: true, faker: 'numerify', text: 'A-###' }) });
    const Account = entity('Account', { source: Opened, primaryKey: 'account_id' });
    const sim = simulation({ duration: '1h', startTime: START, nFlows: 3, seed: 1, initialEntities: { Account: 300 } });
    sim.entity(Account);
    sim.flow({ name: 'open' }, function* () {
      yield newEvent(Opened, { saveEntity: Account });
    });
    const parts = [0, 1, 2].map((index) => runToEnd(sim, { shard: { index, count: 3 }, settings: { totalEvents: 450 } }));
    expect(parts.map((p) => p.error)).to.deep.equal([undefined, undefined, undefined]);
    const keys = parts.flatMap((p) => p.events.map((e) => String((e as unknown as Record<string, unknown>).account_id)));
    expect(keys).to.have.length(450);
    expect(new Set(keys).size).to.equal(450);
  });

  it('trading in 3 shards: instruments listed once, the same everywhere; orders and traders never collide', () => {
    const parts = shards(trading, 3);
    const listed = parts.map((p) => ofType(p.events, 'InstrumentListed').filter((e) => e.flow === INITIAL_FLOW).length);
    expect(listed[0]).to.be.above(0);
    expect(listed.slice(1)).to.deep.equal([0, 0]);
    const symbols = parts.map((p) =>
      p.store
        .all(Instrument)
        .map((r) => r.key)
        .sort(),
    );
    expect(symbols[1]).to.deep.equal(symbols[0]);
    expect(symbols[2]).to.deep.equal(symbols[0]);
    for (const [type, key] of [
      ['TraderRegistered', 'trader_id'],
      ['OrderPlaced', 'order_id'],
    ] as const) {
      const keys = parts.flatMap((p) => ofType(p.events, type).map((e) => String(e[key])));
      expect(keys.length, type).to.be.above(10);
      expect(new Set(keys).size, type).to.equal(keys.length);
    }
    const known = new Set(symbols[0]);
    const traded = parts.flatMap((p) => ofType(p.events, 'OrderPlaced').map((e) => String(e.symbol)));
    expect(traded.filter((s) => !known.has(s))).to.deep.equal([]);
  });
});
