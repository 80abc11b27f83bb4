import { expect } from 'chai';
import sim, {
  Instrument,
  KYC_APPROVAL_RATE,
  MARKET_ORDER_WINDOW_MS,
  MAX_TICK_MOVE,
  ONBOARDING_DROP_OFF,
  Order,
  TRADING_EVENTS,
  Trader,
} from '../../scenarios/trading';
import type { Positions } from '../../scenarios/trading';
import type { EventSchema } from '../../lib/schema/event';
import type { SimEvent } from '../../lib/core/simEvent';
import { SYSTEM_FIELDS, eventTime } from '../../lib/core/simEvent';
import type { EntityType } from '../../lib/entities/entity';
import type { EntityStore } from '../../lib/entities/entityStore';
import type { EntityChange } from '../../lib/entities/entityChange';
import { CHURN_FLOW, INITIAL_FLOW } from '../../lib/engine/simulateOn';
import { runToEnd } from '../helpers/runToEnd';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { createRunStats } from '../../lib/engine/runStats';
import { simulateOn } from '../../lib/engine/simulateOn';
import type { FinishedRun } from '../helpers/runToEnd';
import { expectRate } from '../helpers/expectRate';

const START = '2025-03-03T09:00:00.000Z';
const T0 = Date.parse(START);
const HOURS = 4;
const END = T0 + HOURS * 3_600_000;
const SEED = 20250303;

// Full history: the specs query the store over the whole run (the scenario keeps a 1h window).
const run = (seed: number): FinishedRun => runToEnd(sim, { seed, startTime: START, duration: `${HOURS}h`, changes: true, settings: { history: 'full' } });

// --- reading events ------------------------------------------------------------------------------

const str = (e: SimEvent, k: string): string => e[k] as string;
const num = (e: SimEvent, k: string): number => e[k] as number;
const cents = (x: number): number => Math.round(x * 100);
const isWholeCents = (x: number): boolean => Math.abs(x * 100 - cents(x)) < 1e-6;
const at = (e: SimEvent): string => `${e.event_type} #${e.event_id.slice(0, 8)} at ${e.timestamp}`;

// The loops below look at every event (~10⁵ checks): fail through chai, but build messages only then.
const check = (ok: boolean, what: () => string): void => {
  if (!ok) expect.fail(what());
};
const same = (actual: unknown, expected: unknown, what: () => string): void => {
  if (actual !== expected) expect(actual, what()).to.equal(expected);
};

const FILLS = new Set(['OrderFilled', 'OrderPartiallyFilled']);
const ORDER_EVENTS = new Set(['OrderFilled', 'OrderPartiallyFilled', 'OrderCancelled']);
/** Events that end an order (it retires). */
const ORDER_ENDS = new Set(['OrderFilled', 'OrderCancelled']);
/** Events that need an approved trader. */
const NEEDS_KYC = new Set(['FundsDeposited', 'FundsWithdrawn', 'OrderPlaced', 'OrderFilled', 'OrderPartiallyFilled', 'OrderCancelled']);
/** Events a session emits while it holds the instrument (fills are decided on the current price). */
const HOLDS_INSTRUMENT = new Set(['PriceTicked', 'OrderPlaced', 'OrderFilled', 'OrderPartiallyFilled']);

// --- holding intervals from the entity changes the store reported -----------------------------

interface Hold {
  readonly key: string;
  readonly session: string;
  readonly from: number;
  /** Exclusive; Infinity while still held at the end. */
  readonly to: number;
}

/**
 * Per entity, the intervals during which a session held it (consecutive versions of one holder
 * merged), from the changes the store reported (retired entities are no longer in the store; a
 * retirement ends the last version). For the entities still live, the store's own versions say
 * the same.
 */
const holdsOf = (changes: ReadonlyArray<EntityChange>, store: EntityStore, type: EntityType<any>): Map<string, Hold[]> => {
  const out = new Map<string, Hold[]>();
  const open = new Map<string, { readonly session: string | null; readonly from: number }>();
  const versions = new Map<string, Array<readonly [number, string | null]>>();
  const end = (key: string, to: number): void => {
    const v = open.get(key);
    if (v === undefined || v.session === null) return;
    const holds = out.get(key)!;
    const last = holds[holds.length - 1];
    if (last !== undefined && last.session === v.session && last.to === v.from) holds[holds.length - 1] = { ...last, to };
    else holds.push({ key, session: v.session, from: v.from, to });
  };
  for (const c of changes) {
    if (c.type !== type) continue;
    const v = open.get(c.key);
    check(v !== undefined || c.retired !== true, () => `${type.name} ${c.key} retired before it was created`);
    if (v === undefined) {
      out.set(c.key, []);
      versions.set(c.key, []);
    } else check(v.from <= c.at, () => `${type.name} ${c.key}: a version ends before it starts`);
    end(c.key, c.at);
    if (c.retired === true) {
      open.delete(c.key);
      versions.delete(c.key);
      continue;
    }
    open.set(c.key, { session: c.heldBy, from: c.at });
    versions.get(c.key)!.push([c.at, c.heldBy]);
  }
  for (const key of open.keys()) end(key, Infinity);
  const live = store.all(type);
  expect(live.map((r) => r.key).sort(), `the live ${type.name}s`).to.deep.equal([...versions.keys()].sort());
  for (const r of live) {
    const vs = r.versions;
    const seen = vs.map((v) => [v.validFrom, v.flowName] as const);
    expect(seen, `${type.name} ${r.key}`).to.deep.equal(versions.get(r.key));
    // The versions form one contiguous timeline, the last one open.
    for (let i = 0; i + 1 < vs.length; i++) same(vs[i].validTo, vs[i + 1].validFrom, () => `${type.name} ${r.key} version ${i} is closed where the next opens`);
    same(vs[vs.length - 1].validTo, null, () => `${type.name} ${r.key}: the last version is open`);
  }
  return out;
};

/** The holds of one entity around instant `t` (from <= t <= to); holds are sorted and disjoint. */
const holdsAt = (hs: ReadonlyArray<Hold>, t: number): Hold[] => {
  let lo = 0;
  let hi = hs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hs[mid].to < t) lo = mid + 1;
    else hi = mid;
  }
  const out: Hold[] = [];
  for (let i = lo; i < hs.length && hs[i].from <= t; i++) out.push(hs[i]);
  return out;
};

// =================================================================================================

describe('e2e: scenarios/trading.ts', function () {
  this.timeout(120_000);

  let r: FinishedRun;
  let events: SimEvent[];
  before(() => {
    r = run(SEED);
    events = r.events;
  });

  const ofType = (type: string): SimEvent[] => events.filter((e) => e.event_type === type);

  it('runs to the end and produces enough of every kind of event to mean something', () => {
    expect(r.error).to.equal(undefined);
    expect(r.completed).to.equal(true);
    expect(r.stats.events).to.equal(events.length);
    for (const s of TRADING_EVENTS) expect(ofType(s.name).length, s.name).to.be.greaterThan(0);
    expect(ofType('InstrumentListed')).to.have.length(20);
    const fills = events.filter((e) => FILLS.has(e.event_type));
    expect(fills.filter((e) => e.side === 'sell').length, 'sell fills').to.be.greaterThan(100);
    expect(fills.filter((e) => e.side === 'buy').length, 'buy fills').to.be.greaterThan(200);
    const limitOrders = new Set(
      ofType('OrderPlaced')
        .filter((e) => e.order_type === 'limit')
        .map((e) => e.order_id),
    );
    expect(fills.filter((e) => limitOrders.has(e.order_id as string)).length, 'limit fills').to.be.greaterThan(50);
    expect(ofType('OrderPartiallyFilled').length, 'partial fills').to.be.greaterThan(30);
    // (insufficient_funds is rare: a market buy's remainder after the price went up.)
    const reasons = new Set(ofType('OrderCancelled').map((e) => e.reason));
    expect([...reasons]).to.include.members(['expired', 'trader_cancelled']);
  });

  it('every event decodes with its schema codec and has exactly the envelope and the schema fields, in order', () => {
    const schemas = new Map<string, EventSchema<any>>(TRADING_EVENTS.map((s) => [s.name, s]));
    for (const e of events) {
      const s = schemas.get(e.event_type);
      check(s !== undefined, () => `unknown event type ${e.event_type}`);
      check(s!.codec.is(e), () => `does not decode: ${JSON.stringify(e)}`);
      same(Object.keys(e).join(), [...SYSTEM_FIELDS, ...s!.fieldNames].join(), () => `${at(e)}: fields`);
    }
    expect(new Set(events.map((e) => e.event_id)).size, 'event ids are unique').to.equal(events.length);
  });

  it('timestamps are non-decreasing and inside [start, start + duration)', () => {
    let last = T0;
    for (const e of events) {
      const t = Date.parse(e.timestamp);
      same(t, eventTime(e), () => `${at(e)}: timestamp is the virtual time`);
      check(t >= last, () => `${at(e)}: earlier than the event before`);
      check(t < END, () => `${at(e)}: at or after the end`);
      last = t;
    }
    expect(last, 'the run covers the whole window').to.be.above(END - 60_000);
  });

  it('every trader, instrument and order reference points to one created earlier in the stream, and not yet retired', () => {
    const traders = new Set<string>();
    const instruments = new Set<string>();
    const orders = new Map<string, SimEvent>();
    const closed = new Set<string>();
    const ended = new Set<string>();
    for (const e of events) {
      if ('trader_id' in e) check(!closed.has(str(e, 'trader_id')), () => `${at(e)}: trader ${e.trader_id} closed the account before`);
      if ('order_id' in e) check(!ended.has(str(e, 'order_id')), () => `${at(e)}: order ${e.order_id} was done with before`);
      if (e.event_type === 'TraderAccountClosed') closed.add(str(e, 'trader_id'));
      if (ORDER_ENDS.has(e.event_type)) ended.add(str(e, 'order_id'));
      switch (e.event_type) {
        case 'TraderRegistered':
          check(!traders.has(str(e, 'trader_id')), () => `${at(e)}: trader registered twice`);
          traders.add(str(e, 'trader_id'));
          continue;
        case 'InstrumentListed':
          check(!instruments.has(str(e, 'symbol')), () => `${at(e)}: symbol listed twice`);
          instruments.add(str(e, 'symbol'));
          continue;
        case 'OrderPlaced':
          check(!orders.has(str(e, 'order_id')), () => `${at(e)}: order placed twice`);
          orders.set(str(e, 'order_id'), e);
          break;
        default:
          break;
      }
      if ('trader_id' in e) check(traders.has(str(e, 'trader_id')), () => `${at(e)}: unknown trader ${e.trader_id}`);
      if ('symbol' in e) check(instruments.has(str(e, 'symbol')), () => `${at(e)}: unknown instrument ${e.symbol}`);
      if (ORDER_EVENTS.has(e.event_type)) {
        const placed = orders.get(str(e, 'order_id'));
        check(placed !== undefined, () => `${at(e)}: unknown order ${e.order_id}`);
        same(e.trader_id, placed!.trader_id, () => `${at(e)}: not the order's trader`);
        same(e.symbol, placed!.symbol, () => `${at(e)}: not the order's symbol`);
        same(e.session_id, placed!.session_id, () => `${at(e)}: not worked by the session that placed it`);
        if (FILLS.has(e.event_type)) same(e.side, placed!.side, () => `${at(e)}: not the order's side`);
      }
    }
    expect(instruments.size).to.equal(r.store.count(Instrument));
    expect(closed.size).to.be.greaterThan(20);
    expect(traders.size - closed.size, 'live traders').to.equal(r.store.count(Trader));
    expect(orders.size - ended.size, 'orders being worked')
      .to.equal(r.store.count(Order))
      .and.to.be.at.most(40);
    for (const k of closed) expect(r.store.get(Trader, k), k).to.equal(undefined);
    for (const k of ended) expect(r.store.get(Order, k), k).to.equal(undefined);
    expect(r.stats.entities.Order).to.deep.equal({ created: orders.size, retired: ended.size });
    expect(r.stats.entities.Trader).to.deep.equal({ created: traders.size, retired: closed.size });
  });

  it('traders leave as the flows say: rejected applicants offboarded, approved ones with nothing left closing', () => {
    const decided = new Map<string, string>();
    const cash = new Map<string, number>();
    const reasons = new Map<string, number>();
    for (const e of events) {
      const trader = str(e, 'trader_id');
      if (e.event_type === 'KycApproved' || e.event_type === 'KycRejected') decided.set(trader, e.event_type);
      if (e.event_type === 'FundsDeposited') cash.set(trader, (cash.get(trader) ?? 0) + cents(num(e, 'amount')));
      if (e.event_type === 'FundsWithdrawn') cash.set(trader, (cash.get(trader) ?? 0) - cents(num(e, 'amount')));
      if (FILLS.has(e.event_type)) cash.set(trader, (cash.get(trader) ?? 0) + (e.side === 'buy' ? -1 : 1) * cents(num(e, 'notional')));
      if (e.event_type !== 'TraderAccountClosed') continue;
      reasons.set(str(e, 'reason'), (reasons.get(str(e, 'reason')) ?? 0) + 1);
      same(cents(num(e, 'cash_balance')), cash.get(trader) ?? 0, () => `${at(e)}: the cash it closed with`);
      if (e.reason === 'kyc_rejected') same(decided.get(trader), 'KycRejected', () => `${at(e)}: offboarded but not rejected`);
      if (e.reason === 'customer_request') {
        same(decided.get(trader), 'KycApproved', () => `${at(e)}: closed but never approved`);
        check((cash.get(trader) ?? 0) < 100, () => `${at(e)}: closed with cash`);
      }
    }
    expect(reasons.get('kyc_rejected')).to.be.greaterThan(10);
    expect(reasons.get('customer_request')).to.be.greaterThan(5);
    expect(reasons.has('dormant'), 'nobody is dormant for 90 days in a 4h window').to.equal(false);
  });

  it('KYC: decisions follow a submission, one per trader; no money moves or orders before KycApproved', () => {
    const submitted = new Set<string>();
    const decided = new Map<string, string>();
    for (const e of events) {
      const trader = str(e, 'trader_id');
      if (e.event_type === 'KycSubmitted') {
        check(!decided.has(trader), () => `${at(e)}: submitted after a decision`);
        submitted.add(trader);
      } else if (e.event_type === 'KycApproved' || e.event_type === 'KycRejected') {
        check(submitted.has(trader), () => `${at(e)}: decided without documents`);
        check(!decided.has(trader), () => `${at(e)}: decided twice`);
        decided.set(trader, e.event_type);
      } else if (NEEDS_KYC.has(e.event_type)) {
        same(decided.get(trader), 'KycApproved', () => `${at(e)}: trader ${trader} is not approved`);
      }
    }
    for (const t of r.store.all(Trader)) {
      const expected = decided.get(t.key) === 'KycApproved' ? 'approved' : decided.get(t.key) === 'KycRejected' ? 'rejected' : 'pending';
      expect(t.state.kyc_status, `trader ${t.key}`).to.equal(expected);
      expect(t.state.documents_submitted, `trader ${t.key}`).to.equal(submitted.has(t.key));
    }
    const approved = [...decided.values()].filter((d) => d === 'KycApproved').length;
    expectRate(approved, decided.size, KYC_APPROVAL_RATE, 'KYC approval rate');
  });

  it('the temporal store agrees with the stream: approved traders at any instant = KycApproved events up to then, less closed ones', () => {
    const approvals = ofType('KycApproved').map(eventTime);
    const approved = new Set(ofType('KycApproved').map((e) => e.trader_id));
    // Retired traders are still found at instants before they left.
    const closures = ofType('TraderAccountClosed')
      .filter((e) => approved.has(e.trader_id))
      .map(eventTime);
    expect(closures.length).to.be.greaterThan(5);
    for (let h = 0.5; h < HOURS; h += 0.5) {
      const t = T0 + h * 3_600_000;
      const inStore = r.store.query(Trader, [['kyc_status', 'is', 'approved']], t).length;
      expect(inStore, `at +${h}h`).to.equal(approvals.filter((a) => a <= t).length - closures.filter((c) => c <= t).length);
    }
  });

  it('the ledger balances: cash never negative, deposits - withdrawals - buys + sells = final cash, to the cent', () => {
    const cash = new Map<string, number>();
    let moves = 0;
    for (const e of events) {
      let delta: number;
      if (e.event_type === 'FundsDeposited') {
        check(num(e, 'amount') > 0 && isWholeCents(num(e, 'amount')), () => `${at(e)}: amount ${e.amount}`);
        delta = cents(num(e, 'amount'));
      } else if (e.event_type === 'FundsWithdrawn') {
        check(num(e, 'amount') > 0 && isWholeCents(num(e, 'amount')), () => `${at(e)}: amount ${e.amount}`);
        delta = -cents(num(e, 'amount'));
      } else if (FILLS.has(e.event_type)) {
        check(isWholeCents(num(e, 'price')), () => `${at(e)}: price ${e.price} is not in cents`);
        same(cents(num(e, 'notional')), num(e, 'quantity') * cents(num(e, 'price')), () => `${at(e)}: notional is not quantity × price`);
        delta = (e.side === 'buy' ? -1 : 1) * cents(num(e, 'notional'));
      } else continue;
      moves++;
      const trader = str(e, 'trader_id');
      const next = (cash.get(trader) ?? 0) + delta;
      check(next >= 0, () => `${at(e)}: cash of ${trader} goes negative (${next / 100})`);
      cash.set(trader, next);
    }
    expect(moves).to.be.greaterThan(1000);
    for (const t of r.store.all(Trader)) {
      const balance = t.state.cash_balance as number;
      expect(isWholeCents(balance), `trader ${t.key} balance ${balance} in cents`).to.equal(true);
      expect(cents(balance), `trader ${t.key} final cash`).to.equal(cash.get(t.key) ?? 0);
    }
  });

  it('positions never go negative and end equal to the store', () => {
    const positions = new Map<string, Map<string, number>>();
    for (const e of events) {
      if (!FILLS.has(e.event_type)) continue;
      const trader = str(e, 'trader_id');
      const mine = positions.get(trader) ?? new Map<string, number>();
      positions.set(trader, mine);
      const next = (mine.get(str(e, 'symbol')) ?? 0) + (e.side === 'buy' ? 1 : -1) * num(e, 'quantity');
      check(next >= 0, () => `${at(e)}: position of ${trader} in ${e.symbol} goes negative (${next})`);
      if (next === 0) mine.delete(str(e, 'symbol'));
      else mine.set(str(e, 'symbol'), next);
    }
    for (const t of r.store.all(Trader)) {
      const expected = Object.fromEntries(positions.get(t.key) ?? []);
      expect(t.state.positions as Positions, `trader ${t.key}`).to.deep.equal(expected);
      expect(t.state.open_positions, `trader ${t.key}`).to.equal(Object.keys(expected).length);
    }
  });

  it('prices stay positive whole cents; each tick starts from the last known price and moves a bounded step', () => {
    const price = new Map<string, number>();
    const ticks = new Map<string, number>();
    for (const e of events) {
      if (e.event_type === 'InstrumentListed') {
        check(num(e, 'initial_price') > 0, () => `${at(e)}: initial price ${e.initial_price}`);
        price.set(str(e, 'symbol'), num(e, 'initial_price'));
      } else if (e.event_type === 'PriceTicked') {
        const prev = num(e, 'previous_price');
        const next = num(e, 'price');
        same(prev, price.get(str(e, 'symbol')), () => `${at(e)}: previous_price is not the last known price`);
        check(next > 0 && isWholeCents(next), () => `${at(e)}: price ${next}`);
        check(Math.abs(next - prev) <= prev * MAX_TICK_MOVE + 0.005 + 1e-9, () => `${at(e)}: step from ${prev} to ${next}`);
        check(Math.abs(num(e, 'change_pct') - ((next - prev) / prev) * 100) <= 1e-4, () => `${at(e)}: change_pct ${e.change_pct}`);
        price.set(str(e, 'symbol'), next);
        ticks.set(str(e, 'symbol'), (ticks.get(str(e, 'symbol')) ?? 0) + 1);
      }
    }
    for (const i of r.store.all(Instrument)) {
      expect(i.state.price, `instrument ${i.key}`).to.equal(price.get(i.key));
      expect(i.state.tick_count, `instrument ${i.key}`).to.equal(ticks.get(i.key) ?? 0);
    }
  });

  it('order lifecycle: fills at the right price, never more than ordered, nothing after the end of an order, resolved by expires_at', () => {
    interface Book {
      readonly placed: SimEvent;
      filled: number;
      done: string | undefined;
    }
    const book = new Map<string, Book>();
    const price = new Map<string, number>();
    for (const e of events) {
      if (e.event_type === 'InstrumentListed') price.set(str(e, 'symbol'), num(e, 'initial_price'));
      if (e.event_type === 'PriceTicked') price.set(str(e, 'symbol'), num(e, 'price'));
      if (e.event_type === 'OrderPlaced') {
        const quantity = num(e, 'quantity');
        check(quantity >= 1, () => `${at(e)}: quantity ${quantity}`);
        const life = Date.parse(str(e, 'expires_at')) - eventTime(e);
        if (e.order_type === 'market') {
          same(e.limit_price, null, () => `${at(e)}: a market order has no limit`);
          same(life, MARKET_ORDER_WINDOW_MS, () => `${at(e)}: market order window`);
        } else {
          check(num(e, 'limit_price') > 0 && isWholeCents(num(e, 'limit_price')), () => `${at(e)}: limit ${e.limit_price}`);
          check(life >= 5 * 60_000 && life <= 15 * 60_000, () => `${at(e)}: limit order lives ${life} ms`);
        }
        book.set(str(e, 'order_id'), { placed: e, filled: 0, done: undefined });
        continue;
      }
      if (!ORDER_EVENTS.has(e.event_type)) continue;
      const o = book.get(str(e, 'order_id'))!;
      check(o.done === undefined, () => `${at(e)} after the order was ${o.done}`);
      check(eventTime(e) <= Date.parse(str(o.placed, 'expires_at')), () => `${at(e)}: after the order's expires_at`);
      const quantity = num(o.placed, 'quantity');
      if (e.event_type === 'OrderCancelled') {
        same(num(e, 'remaining_quantity'), quantity - o.filled, () => `${at(e)}: remaining_quantity`);
        o.done = 'cancelled';
        continue;
      }
      const q = num(e, 'quantity');
      const p = num(e, 'price');
      const market = price.get(str(e, 'symbol'))!;
      check(q >= 1, () => `${at(e)}: fill of ${q}`);
      o.filled += q;
      check(o.filled <= quantity, () => `${at(e)}: filled ${o.filled} of ${quantity}`);
      same(num(e, 'filled_quantity'), o.filled, () => `${at(e)}: filled_quantity`);
      same(num(e, 'remaining_quantity'), quantity - o.filled, () => `${at(e)}: remaining_quantity`);
      same(e.event_type, o.filled === quantity ? 'OrderFilled' : 'OrderPartiallyFilled', () => `${at(e)}: filled ${o.filled} of ${quantity}`);
      if (o.placed.order_type === 'market') {
        same(p, market, () => `${at(e)}: a market order fills at the current price`);
      } else {
        const limit = num(o.placed, 'limit_price');
        same(p, limit, () => `${at(e)}: a limit order fills at its limit`);
        if (e.side === 'buy') check(market <= limit, () => `${at(e)}: limit buy at ${limit} filled with the price at ${market}`);
        else check(market >= limit, () => `${at(e)}: limit sell at ${limit} filled with the price at ${market}`);
      }
      if (o.filled === quantity) o.done = 'filled';
    }
    // Orders that expire inside the window are resolved; only those that outlive it may still be open.
    for (const [id, o] of book) {
      if (o.done === undefined) expect(Date.parse(str(o.placed, 'expires_at')), `order ${id} is still open`).to.be.at.least(END);
    }
    // Filled and cancelled orders retired; the live ones are those still being worked.
    for (const rec of r.store.all(Order)) {
      const o = book.get(rec.key)!;
      expect(o.done, `order ${rec.key} is live`).to.equal(undefined);
      expect(rec.state.filled_quantity, `order ${rec.key}`).to.equal(o.filled);
      expect(rec.state.status, `order ${rec.key}`).to.equal(o.filled > 0 ? 'partially_filled' : 'open');
    }
    for (const [id, o] of book) if (o.done !== undefined) expect(r.store.get(Order, id), `order ${id} is ${o.done}`).to.equal(undefined);
  });

  it('no entity is held by two sessions at once (store versions), and a session sticks to one trader', () => {
    const traderHolds = holdsOf(r.changes, r.store, Trader);
    const instrumentHolds = holdsOf(r.changes, r.store, Instrument);
    const orderHolds = holdsOf(r.changes, r.store, Order);
    // Intervals of one entity never overlap.
    for (const holds of [traderHolds, instrumentHolds, orderHolds]) {
      for (const [key, hs] of holds) {
        for (let i = 1; i < hs.length; i++) check(hs[i].from >= hs[i - 1].to, () => `${key}: hold ${i} overlaps the previous one`);
      }
    }
    // A flow session holds at most one trader in its whole life (the pseudo-session that creates the
    // initial traders holds each for an instant).
    const initial = new Set(events.filter((e) => e.flow === INITIAL_FLOW).map((e) => e.session_id));
    const traderOfSession = new Map<string, string>();
    for (const [key, hs] of traderHolds) {
      for (const h of hs) {
        if (initial.has(h.session)) continue;
        const other = traderOfSession.get(h.session);
        check(other === undefined || other === key, () => `session ${h.session} held traders ${other} and ${key}`);
        traderOfSession.set(h.session, key);
      }
    }
    // An order is held only by the session that placed it.
    const placedBy = new Map(ofType('OrderPlaced').map((e) => [str(e, 'order_id'), e.session_id]));
    for (const [key, hs] of orderHolds) {
      expect(hs.length, `order ${key}`).to.be.at.most(1);
      for (const h of hs) expect(h.session, `order ${key}`).to.equal(placedBy.get(key));
    }
    // Events of one session name one trader; the session held the trader (the instrument it decided
    // on, the order it works) when it emitted the event, and no other session held it then.
    const traderNamed = new Map<string, string>();
    const expectHeld = (holds: Map<string, Hold[]>, what: string, key: string, e: SimEvent): void => {
      const t = eventTime(e);
      const around = holdsAt(holds.get(key) ?? [], t);
      check(
        around.some((h) => h.session === e.session_id),
        () => `${at(e)}: ${what} ${key} is not held by the session`,
      );
      const other = around.find((h) => h.session !== e.session_id && h.from < t && t < h.to);
      check(other === undefined, () => `${at(e)}: ${what} ${key} is held by session ${other!.session} too`);
    };
    let checked = 0;
    for (const e of events) {
      if (e.flow === INITIAL_FLOW || e.flow === CHURN_FLOW) continue;
      if ('trader_id' in e) {
        const trader = str(e, 'trader_id');
        const named = traderNamed.get(e.session_id);
        check(named === undefined || named === trader, () => `${at(e)}: session ${e.session_id} names traders ${named} and ${trader}`);
        traderNamed.set(e.session_id, trader);
        expectHeld(traderHolds, 'trader', trader, e);
        checked++;
      }
      if (HOLDS_INSTRUMENT.has(e.event_type)) {
        expectHeld(instrumentHolds, 'instrument', str(e, 'symbol'), e);
        checked++;
      }
      if (e.event_type === 'OrderPlaced' || ORDER_EVENTS.has(e.event_type)) {
        expectHeld(orderHolds, 'order', str(e, 'order_id'), e);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(15_000);
  });

  it(`onboarding drop-off after registration is within 3 sigma of ${ONBOARDING_DROP_OFF}`, () => {
    const sessions = new Map<string, { registered: number; submitted: boolean }>();
    for (const e of events) {
      if (e.flow !== 'onboarding') continue;
      if (e.event_type === 'TraderRegistered') sessions.set(e.session_id, { registered: eventTime(e), submitted: false });
      if (e.event_type === 'KycSubmitted') sessions.get(e.session_id)!.submitted = true;
    }
    // Sessions whose decay (at most 10 minutes) could have run past the end are not counted.
    const counted = [...sessions.values()].filter((s) => s.registered < END - 10 * 60_000);
    expect(counted.length).to.be.greaterThan(400);
    const dropped = counted.filter((s) => !s.submitted).length;
    expectRate(dropped, counted.length, ONBOARDING_DROP_OFF, 'onboarding drop-off');
  });

  it('is deterministic: the same seed gives byte-identical JSONL, another seed a different one', () => {
    const jsonl = (x: FinishedRun): string => x.events.map((e) => JSON.stringify(e)).join('\n');
    const first = jsonl(r);
    expect(jsonl(run(SEED))).to.equal(first);
    expect(jsonl(run(SEED + 1))).not.to.equal(first);
  });

  it("with history 'none' (states updated in place) emits byte-identical JSONL", () => {
    const jsonl = (x: FinishedRun): string => x.events.map((e) => JSON.stringify(e)).join('\n');
    const none = runToEnd(sim, { seed: SEED, startTime: START, duration: `${HOURS}h`, settings: { history: 'none' } });
    expect(none.store.history).to.equal('none');
    expect(jsonl(none)).to.equal(jsonl(r));
  });

  it('over a long run (600 000 events, about 6 virtual days) the live orders stay at most one per session, traders leave', () => {
    const scheduler = new HeapScheduler();
    const stats = createRunStats();
    const settings = { ...sim.settings, startTime: START, duration: '1000d', totalEvents: 600_000, history: 'none' as const };
    let store: EntityStore | undefined;
    let open = 0;
    let most = 0;
    simulateOn({ ...sim, settings }, { scheduler, stats, seed: SEED, onStore: (x) => (store = x) }).subscribe((e) => {
      if (e.event_type === 'OrderPlaced') open++;
      if (ORDER_ENDS.has(e.event_type)) open--;
      most = Math.max(most, open);
    });
    scheduler.flush();
    const { created, retired } = stats.entities.Order;
    expect(created).to.be.greaterThan(25_000);
    expect(most, 'orders being worked at once').to.be.at.most(sim.settings.nFlows!);
    expect(store!.count(Order))
      .to.equal(created - retired)
      .and.to.equal(open);
    expect(stats.entities.Trader.retired).to.be.greaterThan(1_000);
    expect(store!.count(Trader)).to.equal(stats.entities.Trader.created - stats.entities.Trader.retired);
  });
});
