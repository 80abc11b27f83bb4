import { expect } from 'chai';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { formatConfigError } from '../../lib/config/configError';
import type { Simulation } from '../../lib/simulation';
import { runToEnd, type FinishedRun } from '../helpers/runToEnd';

type Ev = Record<string, any>;

/** The YAML model format's example (scenarios/shop.yaml), run to its end (10 virtual minutes) once. */
describe('e2e: the YAML model example (scenarios/shop.yaml)', () => {
  let sim: Simulation;
  let run: FinishedRun;
  let events: Ev[];
  const byType = (t: string): Ev[] => events.filter((e) => e.event_type === t);
  const entityType = (name: string) => sim.entities.find((e) => e.name === name)!;

  before(() => {
    const r = loadConfig('scenarios/shop.yaml');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    sim = r.simulation;
    run = runToEnd(sim);
    events = run.events as unknown as Ev[];
  });

  it('runs to the end of its 10 minutes with every event type and scenario', () => {
    expect(run.completed).to.equal(true);
    expect(run.stats.sessions.failed).to.equal(0);
    const t0 = Date.parse('2025-05-06T10:00:00Z');
    for (const e of events) expect(Date.parse(e.timestamp)).to.be.within(t0, t0 + 600_000 - 1);
    for (const t of ['UserRegistered', 'UserLoggedIn', 'ProductCreatedOrUpdated', 'UserPurchasedProducts']) expect(byType(t).length, t).to.be.greaterThan(50);
    const flows = new Set(events.map((e) => e.flow));
    for (const f of ['initial_entities', 'NewUserOnboardingAndFirstPurchase', 'Product BrowseSpree', 'UserLoggedIn']) expect(flows.has(f), f).to.equal(true);
    expect(byType('UserRegistered').filter((e) => e.flow === 'initial_entities')).to.have.length(10);
    expect(byType('ProductCreatedOrUpdated').filter((e) => e.flow === 'initial_entities')).to.have.length(50);
  });

  it('derived totals are exact to their precision', () => {
    for (const e of byType('UserPurchasedProducts')) {
      const exact = e.items.reduce((s: number, i: Ev) => s + i.quantity * i.unit_price, 0);
      expect(Math.abs(e.total_amount - exact)).to.be.at.most(0.005 + 1e-9);
      expect(Number(e.total_amount.toFixed(2))).to.equal(e.total_amount);
      expect(e.items.length).to.be.within(1, 5);
      for (const i of e.items) expect(i.quantity).to.be.within(1, 3);
    }
  });

  it('conditional_choice follows its cases', () => {
    const purchases = byType('UserPurchasedProducts');
    const over = purchases.filter((e) => e.total_amount > 50);
    const under = purchases.filter((e) => !(e.total_amount > 50));
    for (const e of over) expect(['Free Standard Shipping', 'Express Shipping']).to.include(e.shipping_method);
    for (const e of under) expect(['Standard Shipping', 'Express Shipping']).to.include(e.shipping_method);
    const express = over.filter((e) => e.shipping_method === 'Express Shipping').length / over.length;
    const sigma = Math.sqrt((0.2 * 0.8) / over.length);
    expect(Math.abs(express - 0.2)).to.be.at.most(3 * sigma);
  });

  it('nullable_probability 0.7: the null rate is within 3 sigma, other values are 8 alphanumerics', () => {
    const regs = byType('UserRegistered');
    const nulls = regs.filter((e) => e.referral_code === null).length;
    const sigma = Math.sqrt((0.7 * 0.3) / regs.length);
    expect(Math.abs(nulls / regs.length - 0.7)).to.be.at.most(3 * sigma);
    for (const e of regs) if (e.referral_code !== null) expect(e.referral_code).to.match(/^[A-Za-z0-9]{8}$/);
    for (const e of regs) expect(e.password_hash).to.match(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
  });

  it('from_entity values reference entities that existed and were in the required state at that instant', () => {
    const User = entityType('User');
    const Product = entityType('Product');
    for (const e of byType('UserLoggedIn')) {
      const at = Date.parse(e.timestamp);
      const loggedOut = run.store.query(User, [['is_logged_in', 'is', false]], at).map((s) => s.key);
      expect(loggedOut, e.user_id).to.include(e.user_id);
    }
    // Product prices and statuses replayed from the stream (several changes can share a millisecond).
    const products = new Map<string, Ev>();
    for (const e of events) {
      if (e.event_type === 'ProductCreatedOrUpdated') products.set(e.product_id, e);
      if (e.event_type !== 'UserPurchasedProducts') continue;
      const at = Date.parse(e.timestamp);
      expect(run.store.query(User, [['is_logged_in', 'is', true]], at).map((s) => s.key)).to.include(e.user_id);
      const available = new Set(run.store.query(Product, [['current_status', 'is', 'available']], at).map((s) => s.key));
      const ids = e.items.map((i: Ev) => i.product_id);
      expect(new Set(ids).size, 'each item draws its own product').to.equal(ids.length);
      for (const i of e.items) {
        expect(available.has(i.product_id), i.product_id).to.equal(true);
        expect(products.get(i.product_id)!.status).to.equal('available');
        expect(products.get(i.product_id)!.price).to.equal(i.unit_price);
      }
    }
  });

  it('scenario steps happen in order per session, on the same user', () => {
    const sessions = new Map<string, Ev[]>();
    for (const e of events) if (e.flow === 'NewUserOnboardingAndFirstPurchase') sessions.set(e.session_id, [...(sessions.get(e.session_id) ?? []), e]);
    expect(sessions.size).to.be.greaterThan(50);
    const order = ['UserRegistered', 'UserLoggedIn', 'UserPurchasedProducts'];
    for (const list of sessions.values()) {
      expect(list.map((e) => e.event_type)).to.deep.equal(order.slice(0, list.length));
      expect(new Set(list.map((e) => e.user_id)).size).to.equal(1);
    }
  });

  it('increments equal the sum of the payload fields they come from', () => {
    const User = entityType('User');
    const sums = new Map<string, number>();
    for (const e of byType('UserPurchasedProducts')) sums.set(e.user_id, (sums.get(e.user_id) ?? 0) + e.total_amount);
    for (const r of run.store.all(User)) {
      const expected = sums.get(r.key) ?? 0;
      expect(Math.abs((r.state.total_purchase_value as number) - expected)).to.be.below(1e-6);
      expect(Number((r.state.total_purchase_value as number).toFixed(2))).to.equal(r.state.total_purchase_value);
    }
  });

  it('produces_or_updates_entity updates an existing product about 10% of the time', () => {
    const live = byType('ProductCreatedOrUpdated').filter((e) => e.flow !== 'initial_entities');
    const seen = new Set(
      byType('ProductCreatedOrUpdated')
        .filter((e) => e.flow === 'initial_entities')
        .map((e) => e.product_id),
    );
    let updates = 0;
    for (const e of live) {
      if (seen.has(e.product_id)) updates++;
      seen.add(e.product_id);
    }
    const sigma = Math.sqrt((0.1 * 0.9) / live.length);
    expect(Math.abs(updates / live.length - 0.1)).to.be.at.most(3 * sigma);
  });
});
