/**
 * The order-lifecycle simulator: order lifecycles with the untidiness of real pipelines, written as an ordinary
 * simulation plus delivery realism, so it runs like any other: `deep-faker orders --out ./out`,
 * `deep-faker run scenarios/orders.ts`, or from code.
 *
 * The world:
 * - `nOrders` orders arrive over `spanDays` (an open system: exactly `nOrders` sessions, start times
 *   uniform over the span). Each belongs to one of `userCount` users (`U-00001`…), and each user to
 *   one of `tenantCount` tenants (`T-001`…), always the same one. An order comes from one client
 *   session (`S-123456`) on one source system (web, ios, android, partner_api) in one environment.
 * - Its lifecycle, each step 1..`maxEventGapMinutes` minutes after the previous one:
 *   `order_created` → `payment_authorized` → `order_shipped` (a share `shipRate` of the orders not
 *   cancelled). A share `cancelRate` is cancelled (`order_cancelled`), half of them before payment,
 *   half after it, and then never shipped. A share `correctionRate` of the orders not cancelled
 *   gets an `order_amount_corrected` after payment (before or after shipping).
 * - The Order entity keeps `status` and `amount`, so a correction knows the amount it corrects.
 *
 * Delivery (see lib/delivery), applied in this order:
 * - the order events' envelope: `event_id, event_type, schema_version, event_time, ingest_time,
 *   tenant_id, user_id, session_id, source_system, environment, record_source, payload, checksum`;
 * - `order_created` in schema version 2 with probability `v2Rate`, adding `promo_code` (null for
 *   most orders) and `device_type` (consistent with the source system) to the payload;
 * - `checksum`: SHA-256 hex of the canonical JSON of `payload` (keys sorted, no spaces; see
 *   `canonicalJson`), so `checksumOf(JSON.parse(line).payload)` recomputes it;
 * - `ingest_time`: with probability `lateRate` on a later UTC day than `event_time` (up to
 *   `maxLateDays` later), otherwise within 2 s on the same day; events are delivered in ingest order;
 * - with probability `outOfOrderRate` an event is delivered after 1..5 events ingested after it.
 *
 * @example
 * const options = ordersOptions({ nOrders: 1000, seed: 7, start: '2026-01-01T00:00:00Z' });
 * await ordersSimulation(options).run([toFile('out/events.ndjson')]);
 */
import { field } from '../schema/field';
import { event } from '../schema/event';
import { entity } from '../entities/entity';
import { newEvent, setState, wait } from '../flows/actions';
import { withMetaOf } from '../delivery/deliveryMeta';
import { simulation } from '../simulation';
import type { Simulation } from '../simulation';
import type { DeliverySettings } from '../delivery/delivery';
import type { FlowContext } from '../flows/flow';
import type { Rng } from '../core/rng';
import type { SimEvent } from '../core/simEvent';

// =============================================================================================
// Options (the command line's table, same defaults)
// =============================================================================================

/** The simulator's knobs; every one has a default. */
export interface OrdersOptions {
  readonly nOrders: number;
  readonly seed: number;
  /** ISO-8601 start of the span (UTC). */
  readonly start: string;
  readonly spanDays: number;
  readonly tenantCount: number;
  readonly userCount: number;
  /** Share of `order_created` events in schema version 2. */
  readonly v2Rate: number;
  /** Share of orders cancelled. */
  readonly cancelRate: number;
  /** Share of non-cancelled orders shipped. */
  readonly shipRate: number;
  /** Share of non-cancelled orders with an amount correction. */
  readonly correctionRate: number;
  /** Probability that an event is ingested on a later UTC day. */
  readonly lateRate: number;
  /** Probability that an event is delivered after events ingested after it. */
  readonly outOfOrderRate: number;
  readonly maxLateDays: number;
  readonly maxEventGapMinutes: number;
}

/** The defaults (`start` has none: the CLI uses the span ending today). */
export const ORDERS_DEFAULTS: Omit<OrdersOptions, 'start'> = {
  nOrders: 5000,
  seed: 42,
  spanDays: 14,
  tenantCount: 25,
  userCount: 5000,
  v2Rate: 0.35,
  cancelRate: 0.08,
  shipRate: 0.85,
  correctionRate: 0.1,
  lateRate: 0.06,
  outOfOrderRate: 0.12,
  maxLateDays: 3,
  maxEventGapMinutes: 120,
};

/** A fixed start for runs without one (`deep-faker run scenarios/orders.ts` stays reproducible). */
export const DEFAULT_START = '2026-01-01T00:00:00Z';

/** Events an out-of-order event can be delivered behind (1..this). */
export const OUT_OF_ORDER_WINDOW = 5;

const RATES = ['v2Rate', 'cancelRate', 'shipRate', 'correctionRate', 'lateRate', 'outOfOrderRate'] as const;
const COUNTS = ['nOrders', 'tenantCount', 'userCount', 'spanDays', 'maxLateDays', 'maxEventGapMinutes'] as const;

/**
 * The defaults with `overrides`, checked: rates in [0, 1], counts positive integers (`nOrders` may
 * be 0), a parseable start. Throws a `RangeError` naming the option.
 *
 * @example
 * ordersOptions({ nOrders: 100 }).cancelRate; // 0.08
 */
export const ordersOptions = (overrides: Partial<OrdersOptions> = {}): OrdersOptions => {
  const o: OrdersOptions = { ...ORDERS_DEFAULTS, start: DEFAULT_START, ...overrides };
  for (const k of RATES) if (!(typeof o[k] === 'number' && o[k] >= 0 && o[k] <= 1)) throw new RangeError(`${k} must be between 0 and 1, got ${o[k]}`);
  for (const k of COUNTS) {
    const min = k === 'nOrders' ? 0 : 1;
    if (!(Number.isInteger(o[k]) && o[k] >= min)) throw new RangeError(`${k} must be an integer >= ${min}, got ${o[k]}`);
  }
  if (o.userCount > 99_999) throw new RangeError(`userCount must be at most 99999 (ids are U-00001…U-99999), got ${o.userCount}`);
  if (o.tenantCount > 999) throw new RangeError(`tenantCount must be at most 999 (ids are T-001…T-999), got ${o.tenantCount}`);
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  if (!Number.isFinite(Date.parse(o.start))) throw new RangeError(`start must be an ISO-8601 date-time such as 2026-01-01T00:00:00Z, got "${o.start}"`);
  return o;
};

// =============================================================================================
// Events and the Order entity
// =============================================================================================

export const SOURCE_SYSTEMS = ['web', 'ios', 'android', 'partner_api'] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

/** Who placed the order, from where: the envelope fields every event of an order shares. */
const origin = {
  tenant_id: field.string(),
  user_id: field.string(),
  /** The client's session (the envelope's `session_id`; the engine's own is the run's session). */
  client_session_id: field.string(),
  source_system: field.enum(SOURCE_SYSTEMS),
  environment: field.enum(['prod', 'staging']),
};

export const OrderCreated = event('order_created', {
  ...origin,
  order_id: field.string({ primaryKey: true, faker: 'lexify', text: 'O-??????????', letters: '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ' }),
  currency: field.enum(['USD', 'EUR', 'GBP']),
  item_count: field.int({ faker: 'random_int', min: 1, max: 6 }),
  amount: field.float({ faker: 'pyfloat', min_value: 5, max_value: 800, right_digits: 2 }),
});

export const PaymentAuthorized = event('payment_authorized', {
  ...origin,
  order_id: field.string(),
  payment_id: field.string({ faker: 'lexify', text: 'P-????????????', letters: '0123456789abcdef' }),
  amount: field.float(),
  currency: field.string(),
  payment_method: field.enum(['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer']),
});

export const OrderShipped = event('order_shipped', {
  ...origin,
  order_id: field.string(),
  carrier: field.enum(['UPS', 'FedEx', 'DHL', 'USPS']),
  tracking_number: field.string({ faker: 'lexify', text: '1Z??????????????', letters: '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ' }),
});

export const OrderCancelled = event('order_cancelled', {
  ...origin,
  order_id: field.string(),
  reason: field.enum(['customer_request', 'payment_failed', 'out_of_stock', 'fraud_suspected']),
  refunded: field.boolean(),
});

export const OrderAmountCorrected = event('order_amount_corrected', {
  ...origin,
  order_id: field.string(),
  previous_amount: field.float(),
  corrected_amount: field.float(),
  currency: field.string(),
  reason: field.enum(['price_adjustment', 'tax_recalculation', 'shipping_fee', 'discount_applied']),
});

export const Order = entity('Order', {
  source: OrderCreated,
  primaryKey: 'order_id',
  state: {
    status: field.enum(['created', 'paid', 'shipped', 'cancelled'], { default: 'created' }),
    amount: field.float({ fromField: 'amount' }),
    currency: field.string({ fromField: 'currency' }),
  },
});

/** Event types, in lifecycle order. */
export const ORDER_EVENT_TYPES = [OrderCreated.name, PaymentAuthorized.name, OrderShipped.name, OrderCancelled.name, OrderAmountCorrected.name] as const;

// =============================================================================================
// The lifecycle flow
// =============================================================================================

/** `U-00042` for user 42. */
export const userId = (n: number): string => `U-${String(n).padStart(5, '0')}`;
/** `T-007` for tenant 7. */
export const tenantId = (n: number): string => `T-${String(n).padStart(3, '0')}`;

/**
 * The tenant of user `n` (1-based): a fixed mixing of the user number, so a user always belongs to
 * the same tenant, whatever the seed, and tenants get about the same number of users.
 */
export const tenantOf = (n: number, tenantCount: number): number => {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (((h ^ (h >>> 16)) >>> 0) % tenantCount) + 1;
};

const sourceWeights: ReadonlyArray<readonly [SourceSystem, number]> = [
  ['web', 0.45],
  ['ios', 0.25],
  ['android', 0.2],
  ['partner_api', 0.1],
];

const pickWeighted = <T>(rng: Rng, options: ReadonlyArray<readonly [T, number]>): T => {
  let r = rng.next();
  for (const [value, w] of options) {
    r -= w;
    if (r < 0) return value;
  }
  return options[options.length - 1][0];
};

const orderFlow = (o: OrdersOptions) =>
  function* lifecycle(ctx: FlowContext) {
    const rng = ctx.rng;
    const user = rng.int(1, o.userCount);
    const who = {
      tenant_id: tenantId(tenantOf(user, o.tenantCount)),
      user_id: userId(user),
      client_session_id: `S-${rng.int(100_000, 999_999)}`,
      source_system: pickWeighted(rng, sourceWeights),
      environment: rng.chance(0.95) ? ('prod' as const) : ('staging' as const),
    };
    // The lifecycle is decided up front, so each rate applies to exactly the orders the random seed says.
    const cancelled = rng.chance(o.cancelRate);
    const cancelledBeforePayment = cancelled && rng.chance(0.5);
    const shipped = !cancelled && rng.chance(o.shipRate);
    const corrected = !cancelled && rng.chance(o.correctionRate);
    const correctedBeforeShipping = corrected && shipped && rng.chance(0.5);
    const gap = wait({ minutes: { min: 1, max: o.maxEventGapMinutes } });

    // Before payment there is nothing to refund; after it, `refunded` is generated.
    const cancel = (overrides: Partial<{ refunded: boolean }>) =>
      newEvent(OrderCancelled, { overrides: { ...who, ...overrides }, mutate: setState(Order, [['status', 'is', 'cancelled']]) });

    yield newEvent(OrderCreated, { saveEntity: Order, overrides: who });
    yield gap;
    if (cancelledBeforePayment) {
      yield cancel({ refunded: false });
      return;
    }
    const order = ctx.getEntity(Order).state;
    yield newEvent(PaymentAuthorized, {
      overrides: { ...who, amount: order.amount, currency: order.currency },
      mutate: setState(Order, [['status', 'is', 'paid']]),
    });
    if (cancelled) {
      yield gap;
      yield cancel({});
      return;
    }
    const correct = function* () {
      yield gap;
      const { amount, currency } = ctx.getEntity(Order).state;
      const factor = 1 + (rng.chance(0.5) ? -1 : 1) * (0.01 + rng.next() * 0.14);
      const corrected = Math.max(1, Math.round(amount * factor * 100) / 100);
      yield newEvent(OrderAmountCorrected, {
        overrides: { ...who, previous_amount: amount, corrected_amount: corrected, currency },
        mutate: setState(Order, [['amount', 'is', corrected]]),
      });
    };
    if (correctedBeforeShipping) yield* correct();
    if (shipped) {
      yield gap;
      yield newEvent(OrderShipped, { overrides: who, mutate: setState(Order, [['status', 'is', 'shipped']]) });
    }
    if (corrected && !correctedBeforeShipping) yield* correct();
  };

/**
 * The order world as a simulation (with its delivery settings set, so `sim.run()` and
 * `deep-faker run` write the order events' envelope). Stateful and deterministic under `options.seed`.
 *
 * @example
 * const sim = ordersSimulation(ordersOptions({ nOrders: 100 }));
 */
export const ordersSimulation = (options: OrdersOptions): Simulation => {
  const sim = simulation({
    startTime: options.start,
    seed: options.seed,
    arrivals: { count: options.nOrders, over: `${options.spanDays}d` },
    timeStep: '1s',
    history: 'none',
    entities: [Order],
  });
  sim.flow({ name: 'order_lifecycle' }, orderFlow(options));
  return sim.withDelivery(ordersDelivery(options));
};

// =============================================================================================
// Delivery: the order events' envelope, versions, checksum, late and out-of-order arrival
// =============================================================================================

/** Fields of an engine event that go to the envelope rather than the payload. */
const ENVELOPE_SOURCES = new Set([
  'event_id',
  'event_type',
  'timestamp',
  'session_id',
  'flow',
  'tenant_id',
  'user_id',
  'client_session_id',
  'source_system',
  'environment',
]);

/** What every order event's `record_source` says. */
export const RECORD_SOURCE = 'event_sim';

/**
 * An engine event in the order events' envelope: the origin fields at the top, everything else nested in
 * `payload`; `schema_version` and `ingest_time` are placeholders the delivery stages fill in.
 *
 * @example
 * orderEnvelope(e); // { event_id, event_type, schema_version: 1, event_time, ingest_time: null, tenant_id, …, payload: { order_id, … } }
 */
export const orderEnvelope = (e: SimEvent): SimEvent => {
  const src = e as Record<string, unknown>;
  const payload: Record<string, unknown> = {};
  for (const k of Object.keys(src)) if (!ENVELOPE_SOURCES.has(k)) payload[k] = src[k];
  const out = {
    event_id: e.event_id,
    event_type: e.event_type,
    schema_version: 1,
    event_time: e.timestamp,
    ingest_time: null,
    tenant_id: src.tenant_id,
    user_id: src.user_id,
    session_id: src.client_session_id,
    source_system: src.source_system,
    environment: src.environment,
    record_source: RECORD_SOURCE,
    payload,
  };
  return withMetaOf(out as unknown as SimEvent, e);
};

const PROMO_CODES = ['WELCOME10', 'SPRING15', 'FREESHIP', 'VIP20', 'BUNDLE5'] as const;

const deviceFor = (source: unknown, rng: Rng): string => {
  switch (source) {
    case 'ios':
      return rng.chance(0.8) ? 'iphone' : 'ipad';
    case 'android':
      return rng.chance(0.85) ? 'android_phone' : 'android_tablet';
    case 'partner_api':
      return 'server';
    default:
      return rng.chance(0.6) ? 'desktop' : 'mobile_web';
  }
};

/**
 * `order_created` v2: `promo_code` (null for about 70% of orders) and `device_type` added to the payload.
 *
 * @example
 * toOrderCreatedV2(e, rng).payload; // { …, promo_code: 'SPRING15', device_type: 'iphone' }
 */
export const toOrderCreatedV2 = (e: SimEvent, rng: Rng): SimEvent => {
  const src = e as Record<string, unknown>;
  const payload = {
    ...(src.payload as Record<string, unknown>),
    promo_code: rng.chance(0.3) ? rng.pick(PROMO_CODES) : null,
    device_type: deviceFor(src.source_system, rng),
  };
  return { ...e, payload } as SimEvent;
};

/**
 * The delivery stages of the order simulator for `options`.
 *
 * @example
 * simulate(sim).pipe(delivery({ ...ordersDelivery(options), seed: options.seed }));
 */
export const ordersDelivery = (options: OrdersOptions): DeliverySettings => ({
  envelope: orderEnvelope,
  versions: [{ version: 2, rate: options.v2Rate, eventTypes: [OrderCreated.name], transform: toOrderCreatedV2 }],
  checksum: true,
  ingest: { lateRate: options.lateRate, maxLate: `${options.maxLateDays}d`, maxDelay: '2s' },
  outOfOrder: { rate: options.outOfOrderRate, window: OUT_OF_ORDER_WINDOW },
});

/** `deep-faker run scenarios/orders.ts`: the defaults from a fixed start. */
export default ordersSimulation(ordersOptions());
