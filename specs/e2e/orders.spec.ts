import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSimulation } from '../../lib/runtime/runSimulation';
import { checksumOf } from '../../lib/delivery/withChecksum';
import { ordersOutputs, PARTITIONS } from '../../lib/cli/orders';
import type { OrdersOptions } from '../../scenarios/orders';
import { ORDER_EVENT_TYPES, RECORD_SOURCE, SOURCE_SYSTEMS, ordersOptions, ordersSimulation, tenantId, tenantOf } from '../../scenarios/orders';
import { expectRate } from '../helpers/expectRate';
import { ORDER_ENVELOPE } from '../helpers/orderEnvelope';

const ENVELOPE = ORDER_ENVELOPE;
interface OrderEvent {
  event_id: string;
  event_type: string;
  schema_version: number;
  event_time: string;
  ingest_time: string;
  tenant_id: string;
  user_id: string;
  session_id: string;
  source_system: string;
  environment: string;
  record_source: string;
  payload: Record<string, unknown> & { order_id: string };
  checksum: string;
}

/** Runs the order simulator as `deep-faker orders` does, into `dir`. */
const runOrders = async (dir: string, options: OrdersOptions): Promise<void> => {
  const sim = ordersSimulation(options);
  await runSimulation(sim, { outputs: ordersOutputs(dir, options), delivery: sim.delivery });
};

const lines = (file: string): string[] => {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.endsWith('\n'), `${file} ends with a newline`).to.equal(true);
  return text.slice(0, -1).split('\n');
};

/** Every file under `dir`, relative path → bytes. */
const tree = (dir: string): Map<string, Buffer> => {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const f of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, f.name);
      if (f.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
};

describe('e2e: the order-lifecycle simulator', function () {
  this.timeout(180_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-orders-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('20 000 orders with the defaults', () => {
    const options = ordersOptions({ nOrders: 20_000, seed: 42, start: '2026-01-01T00:00:00Z' });
    let dir: string;
    let raw: string[];
    let events: OrderEvent[];
    const byOrder = new Map<string, OrderEvent[]>();
    before(async () => {
      dir = path.join(root, 'defaults');
      await runOrders(dir, options);
      raw = lines(path.join(dir, 'events.ndjson'));
      events = raw.map((l) => JSON.parse(l) as OrderEvent);
      for (const e of events) {
        const list = byOrder.get(e.payload.order_id) ?? [];
        list.push(e);
        byOrder.set(e.payload.order_id, list);
      }
    });

    it('writes every event in the envelope, fields in the documented order, with a recomputable checksum', () => {
      expect(events.length).to.be.greaterThan(50_000);
      const ids = new Set<string>();
      // Plain checks collected, one assertion at the end: 60k events × a dozen chai calls is slow.
      const bad: string[] = [];
      const envelope = ENVELOPE.join();
      for (const e of events) {
        const problems = [
          Object.keys(e).join() === envelope ? '' : 'field order',
          ORDER_EVENT_TYPES.includes(e.event_type as (typeof ORDER_EVENT_TYPES)[number]) ? '' : 'event_type',
          e.record_source === RECORD_SOURCE ? '' : 'record_source',
          (SOURCE_SYSTEMS as ReadonlyArray<string>).includes(e.source_system) ? '' : 'source_system',
          e.environment === 'prod' || e.environment === 'staging' ? '' : 'environment',
          /^T-\d{3}$/.test(e.tenant_id) ? '' : 'tenant_id',
          /^U-\d{5}$/.test(e.user_id) ? '' : 'user_id',
          /^S-\d{6}$/.test(e.session_id) ? '' : 'session_id',
          e.checksum === checksumOf(e.payload) ? '' : 'checksum',
        ].filter((x) => x !== '');
        if (problems.length > 0) bad.push(`${e.event_id}: ${problems.join(', ')}`);
        ids.add(e.event_id);
      }
      expect(bad.slice(0, 5)).to.deep.equal([]);
      expect(ids.size, 'event ids are unique').to.equal(events.length);
    });

    it('keeps a user in one tenant, and an order in one user session on one source system', () => {
      expect(events.filter((e) => e.tenant_id !== tenantId(tenantOf(Number(e.user_id.slice(2)), options.tenantCount)))).to.have.length(0);
      for (const list of byOrder.values()) {
        const first = list[0];
        for (const e of list)
          expect([e.user_id, e.session_id, e.source_system, e.environment]).to.deep.equal([
            first.user_id,
            first.session_id,
            first.source_system,
            first.environment,
          ]);
      }
      const tenants = new Set(events.map((e) => e.tenant_id));
      expect(tenants.size).to.equal(options.tenantCount);
    });

    it('follows the lifecycle: payment after creation, shipping after payment, cancelled never shipped, corrections only for live orders', () => {
      expect(byOrder.size).to.equal(options.nOrders);
      const gapMs = options.maxEventGapMinutes * 60_000;
      for (const [id, list] of byOrder) {
        const sorted = [...list].sort((a, b) => (a.event_time < b.event_time ? -1 : a.event_time > b.event_time ? 1 : 0));
        const types = sorted.map((e) => e.event_type);
        const at = (type: string): number => Date.parse(sorted.find((e) => e.event_type === type)!.event_time);
        expect(types[0], `${id} starts with its creation`).to.equal('order_created');
        expect(
          types.filter((t) => t === 'order_created'),
          id,
        ).to.have.length(1);
        for (const t of ['payment_authorized', 'order_shipped', 'order_cancelled']) expect(types.filter((x) => x === t).length, `${id} ${t}`).to.be.at.most(1);
        expect(types.filter((t) => t === 'order_amount_corrected').length, id).to.be.at.most(1);
        if (types.includes('payment_authorized')) expect(at('payment_authorized')).to.be.above(at('order_created'));
        if (types.includes('order_shipped')) {
          expect(types, `${id} shipped without payment`).to.include('payment_authorized');
          expect(at('order_shipped')).to.be.above(at('payment_authorized'));
        }
        if (types.includes('order_cancelled')) {
          expect(types, `${id} cancelled and shipped`).to.not.include('order_shipped');
          expect(types, `${id} cancelled and corrected`).to.not.include('order_amount_corrected');
          expect(types[types.length - 1]).to.equal('order_cancelled');
        } else {
          expect(types, `${id} neither cancelled nor paid`).to.include('payment_authorized');
        }
        if (types.includes('order_amount_corrected')) expect(at('order_amount_corrected')).to.be.above(at('payment_authorized'));
        // event_time strictly increases along the lifecycle, each step within the maximum gap.
        for (let i = 1; i < sorted.length; i++) {
          const d = Date.parse(sorted[i].event_time) - Date.parse(sorted[i - 1].event_time);
          expect(d, `${id} step ${i}`).to.be.within(60_000, gapMs);
        }
      }
    });

    it('carries amounts through: payment = created amount; a correction starts from the amount before it', () => {
      for (const list of byOrder.values()) {
        const created = list.find((e) => e.event_type === 'order_created')!;
        const paid = list.find((e) => e.event_type === 'payment_authorized');
        if (paid !== undefined) expect(paid.payload.amount).to.equal(created.payload.amount);
        const corr = list.find((e) => e.event_type === 'order_amount_corrected');
        if (corr !== undefined) {
          expect(corr.payload.previous_amount).to.equal(created.payload.amount);
          expect(corr.payload.corrected_amount).to.not.equal(corr.payload.previous_amount);
        }
      }
    });

    it('creates orders over the span: creation times in [start, start + span days)', () => {
      const start = Date.parse(options.start);
      const end = start + options.spanDays * 86_400_000;
      for (const e of events) if (e.event_type === 'order_created') expect(Date.parse(e.event_time)).to.be.within(start, end - 1);
    });

    it('has order_created v1 and v2, v2 adding promo_code and device_type; other types v1', () => {
      const bad = events.filter((e) => {
        if (e.event_type !== 'order_created') return e.schema_version !== 1;
        const v2Fields = 'promo_code' in e.payload && 'device_type' in e.payload;
        const v1Fields = !('promo_code' in e.payload) && !('device_type' in e.payload);
        return e.schema_version === 2 ? !v2Fields : e.schema_version === 1 ? !v1Fields : true;
      });
      expect(bad.slice(0, 3)).to.deep.equal([]);
      expect(events.some((e) => e.schema_version === 2)).to.equal(true);
    });

    it('ingests at or after the event time; late means a later UTC day, at most max-late-days after', () => {
      const bad = events.filter((e) => {
        const lag = Date.parse(e.ingest_time) - Date.parse(e.event_time);
        const late = e.ingest_time.slice(0, 10) > e.event_time.slice(0, 10);
        return !(lag >= 0 && lag <= (late ? options.maxLateDays * 86_400_000 : 2000));
      });
      expect(bad.slice(0, 3)).to.deep.equal([]);
    });

    it('meets every configured rate within 3 sigma', () => {
      const created = events.filter((e) => e.event_type === 'order_created');
      const count = (t: string): number => events.filter((e) => e.event_type === t).length;
      const cancelled = count('order_cancelled');
      const live = options.nOrders - cancelled;
      expectRate(created.filter((e) => e.schema_version === 2).length, created.length, options.v2Rate, 'v2');
      expectRate(cancelled, options.nOrders, options.cancelRate, 'cancel');
      expectRate(count('order_shipped'), live, options.shipRate, 'ship');
      expectRate(count('order_amount_corrected'), live, options.correctionRate, 'correction');
      expectRate(events.filter((e) => e.ingest_time.slice(0, 10) > e.event_time.slice(0, 10)).length, events.length, options.lateRate, 'late');
      let maxIngest = '';
      let outOfOrder = 0;
      for (const e of events) {
        if (e.ingest_time < maxIngest) outOfOrder++;
        else maxIngest = e.ingest_time;
      }
      expectRate(outOfOrder, events.length, options.outOfOrderRate, 'out of order');
    });

    it('puts each event in exactly the right partition files; together they hold exactly events.ndjson, in its order', () => {
      for (const [folder, field] of PARTITIONS) {
        // events.ndjson's lines by the UTC day of the field, in file order.
        const expected = new Map<string, string[]>();
        for (let i = 0; i < raw.length; i++) {
          const day = (events[i] as unknown as Record<string, string>)[field].slice(0, 10);
          const list = expected.get(`${day}.ndjson`) ?? [];
          list.push(raw[i]);
          expected.set(`${day}.ndjson`, list);
        }
        const files = fs.readdirSync(path.join(dir, folder)).sort();
        expect(files, folder).to.deep.equal([...expected.keys()].sort());
        for (const f of files) expect(lines(path.join(dir, folder, f)), `${folder}/${f}`).to.deep.equal(expected.get(f));
      }
    });

    it('writes a stats.json that agrees with a recount of events.ndjson', () => {
      const stats = JSON.parse(fs.readFileSync(path.join(dir, 'stats.json'), 'utf8')) as Record<string, any>;
      const count = (t: string): number => events.filter((e) => e.event_type === t).length;
      expect(stats.total_events).to.equal(events.length);
      for (const t of ORDER_EVENT_TYPES) expect(stats.events_by_type[t], t).to.equal(count(t));
      const versions: Record<string, Record<string, number>> = {};
      for (const e of events) {
        const v = (versions[e.event_type] ??= {});
        v[e.schema_version] = (v[e.schema_version] ?? 0) + 1;
      }
      expect(stats.events_by_type_and_version).to.deep.equal(versions);
      expect(stats).to.include({
        orders: count('order_created'),
        cancellations: count('order_cancelled'),
        shipments: count('order_shipped'),
        corrections: count('order_amount_corrected'),
      });
      const late = events.filter((e) => e.ingest_time.slice(0, 10) > e.event_time.slice(0, 10)).length;
      expect(stats.late_events).to.equal(late);
      expect(stats.late_rate).to.be.closeTo(late / events.length, 1e-6);
      let maxIngest = '';
      let outOfOrder = 0;
      for (const e of events) {
        if (e.ingest_time < maxIngest) outOfOrder++;
        else maxIngest = e.ingest_time;
      }
      expect(stats.out_of_order_events).to.equal(outOfOrder);
      expect(stats.out_of_order_rate).to.be.closeTo(outOfOrder / events.length, 1e-6);
      for (const [folder] of PARTITIONS) {
        const files = fs.readdirSync(path.join(dir, folder)).sort();
        expect(stats.partitions[folder].files).to.equal(files.length);
        expect(stats.partitions[folder].events).to.deep.equal(Object.fromEntries(files.map((f) => [f, lines(path.join(dir, folder, f)).length])));
      }
      expect(stats.options).to.include({ n_orders: 20_000, seed: 42, start: '2026-01-01T00:00:00Z', v2_rate: 0.35 });
    });
  });

  describe('determinism', () => {
    it('same options and seed: a byte-identical output directory; another seed: different events', async () => {
      const options = ordersOptions({ nOrders: 2000, seed: 7, start: '2026-02-01T00:00:00Z' });
      const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(root, `det-${n}`));
      await runOrders(a, options);
      await runOrders(b, options);
      await runOrders(c, { ...options, seed: 8 });
      const ta = tree(a);
      const tb = tree(b);
      expect([...ta.keys()]).to.deep.equal([...tb.keys()]);
      expect(ta.size).to.be.greaterThan(10);
      for (const [f, bytes] of ta) expect(bytes.equals(tb.get(f)!), f).to.equal(true);
      expect(fs.readFileSync(path.join(c, 'events.ndjson')).equals(ta.get('events.ndjson')!)).to.equal(false);
    });
  });

  describe('the rates are the knobs', () => {
    it('with every rate at 0: v1 only, nothing late, in order, no cancellation, shipment or correction', async () => {
      const dir = path.join(root, 'zero');
      await runOrders(
        dir,
        ordersOptions({
          nOrders: 500,
          start: '2026-01-01T00:00:00Z',
          v2Rate: 0,
          cancelRate: 0,
          shipRate: 0,
          correctionRate: 0,
          lateRate: 0,
          outOfOrderRate: 0,
        }),
      );
      const stats = JSON.parse(fs.readFileSync(path.join(dir, 'stats.json'), 'utf8')) as Record<string, any>;
      expect(stats).to.include({ total_events: 1000, cancellations: 0, shipments: 0, corrections: 0, late_events: 0, out_of_order_events: 0, v2_rate: 0 });
      expect(stats.events_by_type).to.deep.equal({ order_created: 500, payment_authorized: 500 });
    });

    it('with cancel and ship rates at 1: every order cancelled, none shipped', async () => {
      const dir = path.join(root, 'cancel-all');
      await runOrders(dir, ordersOptions({ nOrders: 300, start: '2026-01-01T00:00:00Z', cancelRate: 1, shipRate: 1, correctionRate: 1 }));
      const stats = JSON.parse(fs.readFileSync(path.join(dir, 'stats.json'), 'utf8')) as Record<string, any>;
      expect(stats).to.include({ orders: 300, cancellations: 300, shipments: 0, corrections: 0 });
    });
  });
});
