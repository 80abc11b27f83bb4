import { expect } from 'chai';
import sim, {
  AccountClosed,
  AccountCreated,
  CartExpired,
  MAX_LIVE_USERS,
  OrderCompleted,
  Product,
  ProductAdded,
  ProductCreated,
  ProductRestocked,
  ProductViewed,
  QuickStart,
  User,
  UserLoggedIn,
  UserLoggedOut,
} from '../../scenarios/ecommerce';
import type { EventSchema } from '../../lib/schema/event';
import type { SimEvent } from '../../lib/core/simEvent';
import { eventTime } from '../../lib/core/simEvent';
import { runToEnd } from '../helpers/runToEnd';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { createRunStats } from '../../lib/engine/runStats';
import { CHURN_FLOW, simulateOn } from '../../lib/engine/simulateOn';
import type { EntityStore } from '../../lib/entities/entityStore';
import type { FinishedRun } from '../helpers/runToEnd';
import { expectRate } from '../helpers/expectRate';

const START = '2025-06-01T08:00:00.000Z';
const T0 = Date.parse(START);
const HOURS = 6;
const END = T0 + HOURS * 3_600_000;

const SCHEMAS: ReadonlyArray<EventSchema<any>> = [
  AccountCreated,
  AccountClosed,
  ProductCreated,
  UserLoggedIn,
  UserLoggedOut,
  ProductViewed,
  ProductAdded,
  OrderCompleted,
  CartExpired,
  ProductRestocked,
];

const byType = (events: ReadonlyArray<SimEvent>, type: string) => events.filter((e) => e.event_type === type);
const cents = (x: number) => Math.round(x * 100);

describe('e2e: scenarios/ecommerce.ts', () => {
  let run: FinishedRun;
  before(() => {
    // Full history: the specs below query the store over the whole run (the scenario keeps a 1h window).
    run = runToEnd(sim, { seed: 42, startTime: START, duration: `${HOURS}h`, settings: { history: 'full' } });
  });

  it('runs to the end without error and produces every kind of event', () => {
    expect(run.error).to.equal(undefined);
    for (const s of SCHEMAS) expect(byType(run.events, s.name).length, s.name).to.be.greaterThan(0);
    expect(run.stats.events).to.equal(run.events.length);
    expect(run.events.length).to.be.greaterThan(5000);
  });

  it('every event decodes with its schema codec and has the envelope', () => {
    const schemas = new Map(SCHEMAS.map((s) => [s.name, s]));
    for (const e of run.events) {
      const s = schemas.get(e.event_type);
      expect(s, e.event_type).not.to.equal(undefined);
      expect(s!.codec.is(e), JSON.stringify(e)).to.equal(true);
      expect(e.event_id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(run.events.map((e) => e.event_id)).size, 'event ids are unique').to.equal(run.events.length);
  });

  it('timestamps are non-decreasing and inside [start, start + duration)', () => {
    let last = T0;
    for (const e of run.events) {
      const t = Date.parse(e.timestamp);
      expect(t).to.equal(eventTime(e));
      expect(t).to.be.at.least(last);
      expect(t).to.be.below(END);
      last = t;
    }
  });

  it('every user and product reference points to one created earlier', () => {
    const users = new Set<string>();
    const products = new Set<string>();
    for (const e of run.events) {
      if (e.event_type === 'AccountClosed') {
        expect(users.delete(e.user_id as string), 'closes an open account').to.equal(true);
      } else if (e.event_type === 'AccountCreated') {
        expect(users.has(e.user_id as string)).to.equal(false);
        users.add(e.user_id as string);
      } else if (e.event_type === 'ProductCreated') {
        products.add(e.product_id as string);
      } else {
        if ('user_id' in e) expect(users.has(e.user_id as string), `${e.event_type} user`).to.equal(true);
        if ('product_id' in e) expect(products.has(e.product_id as string), `${e.event_type} product`).to.equal(true);
      }
    }
    expect(products.size).to.equal(50);
    expect(users.size, 'open accounts').to.equal(run.store.count(User));
  });

  it('accounts close on request: a logged-out user with no open cart, and its order count goes with it', () => {
    const orders = new Map<string, number>();
    const loggedIn = new Map<string, boolean>();
    const cart = new Map<string, boolean>();
    const closed = byType(run.events, 'AccountClosed');
    for (const e of run.events) {
      const u = e.user_id as string;
      if (e.event_type === 'UserLoggedIn') loggedIn.set(u, true);
      if (e.event_type === 'UserLoggedOut') loggedIn.set(u, false);
      if (e.event_type === 'ProductAdded') cart.set(u, true);
      if (e.event_type === 'CartExpired') cart.set(u, false);
      if (e.event_type === 'OrderCompleted') {
        orders.set(u, (orders.get(u) ?? 0) + 1);
        cart.set(u, false);
      }
      if (e.event_type !== 'AccountClosed') continue;
      expect([e.flow, e.reason]).to.deep.equal(['account_closure', 'customer_request']); // 30 days of inactivity take longer
      expect(loggedIn.get(u) ?? false, 'logged out').to.equal(false);
      expect(cart.get(u) ?? false, 'no open cart').to.equal(false);
      expect(e.total_orders).to.equal(orders.get(u) ?? 0);
    }
    expect(closed.length).to.be.greaterThan(20);
    expect(run.stats.entities.User.retired).to.equal(closed.length);
  });

  it('ProductAdded and OrderCompleted only by users logged in at that instant (temporal store)', () => {
    let checked = 0;
    for (const e of run.events) {
      if (e.event_type !== 'ProductAdded' && e.event_type !== 'OrderCompleted') continue;
      const at = run.store.query(
        User,
        [
          ['user_id', 'is', e.user_id],
          ['is_logged_in', 'is', true],
        ],
        eventTime(e),
      );
      expect(at, `${e.event_type} ${e.event_id}`).to.have.length(1);
      checked++;
    }
    expect(checked).to.be.greaterThan(500);
  });

  it('entity state equals what the events imply; stock never goes below zero', () => {
    const orders = new Map<string, number>();
    const spent = new Map<string, number>();
    const loggedIn = new Map<string, boolean>();
    const stock = new Map<string, number>();
    for (const e of run.events) {
      const u = e.user_id as string;
      const p = e.product_id as string;
      switch (e.event_type) {
        case 'ProductCreated':
          stock.set(p, e.initial_stock as number);
          break;
        case 'UserLoggedIn':
          loggedIn.set(u, true);
          break;
        case 'UserLoggedOut':
          loggedIn.set(u, false);
          break;
        case 'ProductAdded':
          expect(e.quantity as number).to.be.at.most(stock.get(p)!);
          break;
        case 'OrderCompleted':
          orders.set(u, (orders.get(u) ?? 0) + 1);
          spent.set(u, (spent.get(u) ?? 0) + cents(e.total_amount as number));
          stock.set(p, stock.get(p)! - (e.quantity as number));
          expect(stock.get(p)!, `stock of ${p}`).to.be.at.least(0);
          break;
        case 'ProductRestocked':
          stock.set(p, stock.get(p)! + (e.quantity as number));
          break;
      }
    }
    for (const r of run.store.all(User)) {
      expect(r.state.total_orders, `orders of ${r.key}`).to.equal(orders.get(r.key) ?? 0);
      expect(cents(r.state.total_spent as number), `spent by ${r.key}`).to.equal(spent.get(r.key) ?? 0);
      expect(r.state.is_logged_in, `login state of ${r.key}`).to.equal(loggedIn.get(r.key) ?? false);
    }
    for (const r of run.store.all(Product)) expect(r.state.inventory, `stock of ${r.key}`).to.equal(stock.get(r.key));
  });

  it('an order total is quantity × the unit price of its cart line', () => {
    const lines = new Map<string, SimEvent>();
    for (const e of byType(run.events, 'ProductAdded')) lines.set(e.cart_id as string, e);
    for (const o of byType(run.events, 'OrderCompleted')) {
      const line = lines.get(o.cart_id as string)!;
      expect(o.product_id).to.equal(line.product_id);
      expect(o.user_id).to.equal(line.user_id);
      expect(cents(o.total_amount as number)).to.equal(cents((o.quantity as number) * (line.unit_price as number)));
    }
  });

  it('no entity is ever held by two sessions at once', () => {
    for (const type of [User, Product]) {
      for (const r of run.store.all(type)) {
        let prevEnd = -Infinity;
        let prevHolder: string | null = null;
        for (const v of r.versions) {
          if (v.flowName === null) continue;
          if (v.flowName !== prevHolder) expect(v.validFrom, `${type.name} ${r.key}`).to.be.at.least(prevEnd);
          prevHolder = v.flowName;
          prevEnd = v.validTo ?? Infinity;
        }
      }
    }
    // A session's events that name a user all name the same one.
    const userOf = new Map<string, string>();
    for (const e of run.events) {
      if (e.flow === 'initial_entities' || !('user_id' in e)) continue;
      const seen = userOf.get(e.session_id);
      if (seen === undefined) userOf.set(e.session_id, e.user_id as string);
      else expect(e.user_id).to.equal(seen);
    }
  });

  it('drop-off rates are within 3 sigma of the configured ones', () => {
    const sessions = new Map<string, string[]>();
    const firstTime = new Map<string, number>();
    for (const e of run.events) {
      const list = sessions.get(e.session_id) ?? [];
      list.push(e.event_type);
      sessions.set(e.session_id, list);
      if (!firstTime.has(e.session_id)) firstTime.set(e.session_id, eventTime(e));
    }
    // registration: 25% drop between AccountCreated and UserLoggedIn (decay up to 120s).
    let reg = 0;
    let regDropped = 0;
    // shopping: 40% abandon between ProductAdded and OrderCompleted (decay up to 300s).
    let carts = 0;
    let abandoned = 0;
    for (const [id, types] of sessions) {
      const t = firstTime.get(id)!;
      if (types[0] === 'AccountCreated' && types.length <= 2 && t < END - 120_000 && run.events.find((e) => e.session_id === id)!.flow === 'registration') {
        reg++;
        if (types.length === 1) regDropped++;
      }
      if (types[0] === 'ProductAdded' && t < END - 300_000) {
        carts++;
        if (types.length === 1) abandoned++;
      }
    }
    expect(reg).to.be.greaterThan(300);
    expect(carts).to.be.greaterThan(300);
    expectRate(regDropped, reg, 0.25, 'registration drop-off');
    expectRate(abandoned, carts, 0.4, 'cart abandonment');
  });

  it('is deterministic: same seed byte-identical, another seed different', () => {
    const text = (r: FinishedRun) => r.events.map((e) => JSON.stringify(e)).join('\n');
    const again = runToEnd(sim, { seed: 42, startTime: START, duration: `${HOURS}h`, settings: { history: 'full' } });
    expect(text(again)).to.equal(text(run));
    const other = runToEnd(sim, { seed: 43, startTime: START, duration: `${HOURS}h`, settings: { history: 'full' } });
    expect(text(other)).not.to.equal(text(run));
  });

  it("with history 'none' (states updated in place) emits byte-identical events", () => {
    const text = (r: FinishedRun) => r.events.map((e) => JSON.stringify(e)).join('\n');
    const none = runToEnd(sim, { seed: 42, startTime: START, duration: `${HOURS}h`, settings: { history: 'none' } });
    expect(none.store?.history).to.equal('none');
    expect(none.events.length).to.equal(run.events.length);
    expect(text(none)).to.equal(text(run));
  });

  it('with history windows (history: { keep }) emits byte-identical events, and answers queries inside the window as full history does', () => {
    const text = (r: FinishedRun) => r.events.map((e) => JSON.stringify(e)).join('\n');
    for (const keep of [1_000, '1m', '30m']) {
      const windowed = runToEnd(sim, { seed: 42, startTime: START, duration: `${HOURS}h`, settings: { history: { keep } } });
      expect(windowed.events.length, String(keep)).to.equal(run.events.length);
      expect(text(windowed), String(keep)).to.equal(text(run));
      // What it holds: the past versions that ended inside the window, and at most two chunks more.
      const start = windowed.store.historyStart();
      const inside = [User, Product].flatMap((t) => run.store.all(t).flatMap((r) => r.versions.filter((v) => v.validTo !== null && v.validTo >= start)));
      expect(windowed.store.pastVersions(), String(keep)).to.be.within(inside.length, inside.length + 2 * 4_096);
      expect(windowed.store.pastVersions(), String(keep)).to.be.below(run.store.pastVersions() / 2);
      if (keep !== '30m') continue;
      expect(start).to.be.within(END - 31 * 60_000, END - 30 * 60_000);
      const filters = [
        [User, [['is_logged_in', 'is', true]]],
        [User, [['flow_name', 'is_not', null]]],
        [User, [['total_orders', 'greater_than', 0]]],
        [Product, [['inventory', 'less_than', 50]]],
      ] as const;
      for (let k = 0; k <= 120; k++) {
        const at = start + k * 15_000 + (k % 7);
        for (const [type, where] of filters) {
          const said = JSON.stringify(windowed.store.query(type, where as never, at));
          expect(said, `${type.name} ${JSON.stringify(where)} at ${new Date(at).toISOString()}`).to.equal(
            JSON.stringify(run.store.query(type, where as never, at)),
          );
        }
      }
      expect(() => windowed.store.query(User, [], start - 1)).to.throw('history keeps 30m: ');
    }
  });

  describe('a long run (1 200 000 events, about 28 virtual days)', function () {
    this.timeout(600_000);
    const EVENTS = 1_200_000;
    // Streamed, not kept: what the checks need of each event, as it comes.
    const retired = new Set<string>();
    const created = new Set<string>();
    const flowsLate = new Map<string, number>();
    const closedBy = new Map<string, number>();
    let references = 0;
    const violations: string[] = [];
    let liveMost = 0;
    let store: EntityStore | undefined;
    const stats = createRunStats();
    before(() => {
      const scheduler = new HeapScheduler();
      const settings = { ...sim.settings, startTime: START, duration: '1000d', totalEvents: EVENTS, history: 'none' as const };
      let n = 0;
      simulateOn({ ...sim, settings }, { scheduler, stats, seed: 42, onStore: (s) => (store = s) }).subscribe((e) => {
        n++;
        const u = e.user_id as string | undefined;
        if (e.event_type === 'AccountCreated') created.add(u!);
        else if (u !== undefined) {
          if (retired.has(u)) violations.push(`${e.event_type} at ${e.timestamp} names user ${u}, retired before`);
          references++;
        }
        if (e.event_type === 'AccountClosed') {
          retired.add(u!);
          closedBy.set(`${e.flow} ${e.reason as string}`, (closedBy.get(`${e.flow} ${e.reason as string}`) ?? 0) + 1);
        }
        liveMost = Math.max(liveMost, created.size - retired.size);
        if (n > EVENTS - 100_000) flowsLate.set(e.flow, (flowsLate.get(e.flow) ?? 0) + 1);
      });
      scheduler.flush();
    });

    it('no event names a user after its account closed (never referenced, selected or changed again)', () => {
      expect(stats.events).to.equal(EVENTS);
      expect(violations).to.deep.equal([]);
      expect(references).to.be.greaterThan(EVENTS / 2);
      expect(retired.size).to.be.greaterThan(5_000);
      for (const k of retired) expect(store!.get(User, k)).to.equal(undefined);
    });

    it(`the open accounts level off at ${MAX_LIVE_USERS.toLocaleString('en-US')}: the longest-idle one closes to make room`, () => {
      expect(created.size, 'more accounts were opened than may stay open').to.be.greaterThan(MAX_LIVE_USERS + 5_000);
      expect(liveMost).to.equal(MAX_LIVE_USERS);
      expect(store!.count(User))
        .to.equal(created.size - retired.size)
        .and.to.equal(MAX_LIVE_USERS);
      expect(stats.entities.User).to.deep.equal({ created: created.size, retired: retired.size });
      expect(closedBy.get(`${CHURN_FLOW} inactivity`)).to.be.greaterThan(5_000);
      expect(closedBy.get('account_closure customer_request')).to.be.greaterThan(1_000);
      expect([...closedBy.keys()].sort()).to.deep.equal(['account_closure customer_request', `${CHURN_FLOW} inactivity`]);
    });

    it('no flow starves: every flow still runs in the last 100 000 events', () => {
      for (const f of sim.flows) expect(flowsLate.get(f.name) ?? 0, f.name).to.be.greaterThan(100);
    });
  });

  describe('the README quick start', () => {
    it('runs as written: registrations, carts of PROD_001, orders of 99.99 counted on the user', () => {
      const q = runToEnd(QuickStart.sim, { seed: 1, startTime: START });
      expect(q.error).to.equal(undefined);
      const types = new Set(q.events.map((e) => e.event_type));
      expect([...types].sort()).to.deep.equal(['AccountCreated', 'OrderCompleted', 'ProductAdded']);
      expect(byType(q.events, 'AccountCreated').filter((e) => e.flow === 'initial_entities')).to.have.length(10);
      expect(q.store.count(QuickStart.Product)).to.equal(5);
      for (const e of byType(q.events, 'ProductAdded').filter((x) => x.flow === 'shopping_flow')) expect(e.product_id).to.equal('PROD_001');
      const orders = byType(q.events, 'OrderCompleted');
      expect(orders.length).to.be.greaterThan(0);
      for (const o of orders) expect(o.total_amount).to.equal(99.99);
      const perUser = new Map<string, number>();
      for (const o of orders) perUser.set(o.user_id as string, (perUser.get(o.user_id as string) ?? 0) + 1);
      for (const r of q.store.all(QuickStart.User)) expect(r.state.total_orders).to.equal(perUser.get(r.key) ?? 0);
      for (const e of q.events) expect(Date.parse(e.timestamp)).to.be.below(T0 + 120_000);
    });
  });
});
