/**
 * Trading platform: traders register and pass KYC, fund their accounts, buy and sell listed
 * instruments with market and limit orders, and withdraw; a market-data feed moves prices as a
 * bounded random walk.
 *
 * The model:
 * - **Trader** (created by `TraderRegistered`): `kyc_status` pending → approved / rejected, the
 *   cash balance (a float of whole cents, changed only by `add` / `subtract`), and the positions
 *   held, as a JSON map `{ symbol: quantity }` with no zero or negative entries.
 * - **Instrument** (created by `InstrumentListed`, 20 at start): its current `price`.
 * - **Order** (created by `OrderPlaced`): status open → partially_filled → filled / cancelled; a
 *   filled or cancelled order is done with and retires (`retireEntity`), so live orders are only
 *   those being worked.
 * - Traders leave too (`TraderAccountClosed`): a rejected applicant is offboarded, an approved one
 *   with nothing left may close the account, and the platform closes accounts dormant for 90 days
 *   (or the longest-idle one once 50 000 are open), so the live population levels off.
 *
 * Why the numbers always add up: a session holds (locks) what it selects, so while a trader's
 * session works an order nobody else can touch that trader's cash or positions, and while it
 * looks at an instrument's price no tick can move it. A buy never costs more than the cash, a sell
 * never exceeds the position, a withdrawal never exceeds the balance.
 *
 * Fill rules: market orders fill at the instrument's current price; a limit buy fills at its
 * limit price only when the current price is at or below it, a limit sell only when the price is
 * at or above it. Every order expires (`expires_at`: a minute for market orders, 5 to 15 minutes
 * for limit orders) and is filled or cancelled by then, unless the simulation ends first.
 *
 * Run it: `npx deep-faker run scenarios/trading.ts --output stdout`
 */
import { addDecay, entity, event, field, newEvent, release, select, setState, simulation, wait } from '../lib';
import type { Action, EntityView, FlowContext, Rng, StateOf } from '../lib';

// =============================================================================================
// Events
// =============================================================================================

export const ASSET_CLASSES = ['equity', 'etf', 'crypto'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

export const InstrumentListed = event('InstrumentListed', {
  symbol: field.string({ primaryKey: true, faker: 'lexify', text: '????', letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' }),
  name: field.string({ faker: 'company' }),
  asset_class: field.enum(ASSET_CLASSES),
  venue: field.enum(['NYSE', 'NASDAQ', 'LSE', 'XETRA']),
  initial_price: field.float({ faker: 'pyfloat', min_value: 5, max_value: 500, right_digits: 2 }),
});

export const TraderRegistered = event('TraderRegistered', {
  trader_id: field.string({ primaryKey: true, faker: 'uuid4' }),
  full_name: field.string({ faker: 'name' }),
  email: field.string({ faker: 'email' }),
  country: field.string({ faker: 'country_code' }),
  risk_profile: field.enum(['conservative', 'balanced', 'aggressive']),
});

export const KycSubmitted = event('KycSubmitted', {
  trader_id: field.string(),
  document_type: field.enum(['passport', 'id_card', 'drivers_license']),
});

export const KycApproved = event('KycApproved', {
  trader_id: field.string(),
  risk_score: field.int({ faker: 'random_int', min: 1, max: 60 }),
});

export const KycRejected = event('KycRejected', {
  trader_id: field.string(),
  reason: field.enum(['document_expired', 'address_mismatch', 'sanctions_hit', 'unreadable_document']),
});

export const FundsDeposited = event('FundsDeposited', {
  transfer_id: field.string({ faker: 'uuid4' }),
  trader_id: field.string(),
  amount: field.float(),
  method: field.enum(['bank_transfer', 'card', 'wire']),
});

export const FundsWithdrawn = event('FundsWithdrawn', {
  transfer_id: field.string({ faker: 'uuid4' }),
  trader_id: field.string(),
  amount: field.float(),
  method: field.enum(['bank_transfer', 'wire']),
});

export const PriceTicked = event('PriceTicked', {
  symbol: field.string(),
  previous_price: field.float(),
  price: field.float(),
  change_pct: field.float(),
});

export const OrderPlaced = event('OrderPlaced', {
  order_id: field.string({ primaryKey: true, faker: 'uuid4' }),
  trader_id: field.string(),
  symbol: field.string(),
  side: field.enum(['buy', 'sell']),
  order_type: field.enum(['market', 'limit']),
  quantity: field.int(),
  limit_price: field.float({ nullable: true }),
  expires_at: field.datetime(),
});

const fillFields = {
  order_id: field.string(),
  trader_id: field.string(),
  symbol: field.string(),
  side: field.enum(['buy', 'sell']),
  /** This fill's quantity. */
  quantity: field.int(),
  price: field.float(),
  /** quantity × price, in whole cents. */
  notional: field.float(),
  /** Filled so far, this fill included. */
  filled_quantity: field.int(),
  remaining_quantity: field.int(),
};

/** A fill that completes the order. */
export const OrderFilled = event('OrderFilled', fillFields);

/** A fill that leaves some of the order open. */
export const OrderPartiallyFilled = event('OrderPartiallyFilled', fillFields);

export const OrderCancelled = event('OrderCancelled', {
  order_id: field.string(),
  trader_id: field.string(),
  symbol: field.string(),
  reason: field.enum(['trader_cancelled', 'expired', 'insufficient_funds']),
  /** The quantity that will never be filled. */
  remaining_quantity: field.int(),
});

export const TraderAccountClosed = event('TraderAccountClosed', {
  trader_id: field.string(),
  reason: field.enum(['kyc_rejected', 'customer_request', 'dormant']),
  /** Cash still on the account when it closed (paid out by the platform). */
  cash_balance: field.float(),
});

/** Every event type of the scenario. */
export const TRADING_EVENTS = [
  InstrumentListed,
  TraderRegistered,
  KycSubmitted,
  KycApproved,
  KycRejected,
  FundsDeposited,
  FundsWithdrawn,
  PriceTicked,
  OrderPlaced,
  OrderFilled,
  OrderPartiallyFilled,
  OrderCancelled,
  TraderAccountClosed,
] as const;

// =============================================================================================
// Entities
// =============================================================================================

/** Quantities held, by symbol; symbols with nothing held are absent. */
export type Positions = Readonly<Record<string, number>>;

/** The platform closes accounts nobody used for this long. */
export const TRADER_DORMANCY = '90d';
/** At most this many open accounts: the longest-idle one closes to make room for a new one. */
export const MAX_LIVE_TRADERS = 50_000;

export const Trader = entity('Trader', {
  source: TraderRegistered,
  primaryKey: 'trader_id',
  state: {
    kyc_status: field.enum(['pending', 'approved', 'rejected'], { default: 'pending' }),
    documents_submitted: field.boolean({ default: false }),
    risk_profile: field.string({ fromField: 'risk_profile' }),
    cash_balance: field.float({ default: 0 }),
    positions: field.json<Positions>({ default: {} }),
    /** Number of symbols in `positions`, so flows can filter on it. */
    open_positions: field.int({ default: 0 }),
  },
  churn: {
    inactiveFor: TRADER_DORMANCY,
    maxLive: MAX_LIVE_TRADERS,
    event: TraderAccountClosed,
    overrides: (t) => ({ reason: 'dormant', cash_balance: t.state.cash_balance }),
  },
});

export const Instrument = entity('Instrument', {
  source: InstrumentListed,
  primaryKey: 'symbol',
  shared: true, // listed once: every shard of a sharded run trades the same instruments
  state: {
    asset_class: field.string({ fromField: 'asset_class' }),
    price: field.float({ fromField: 'initial_price' }),
    tick_count: field.int({ default: 0 }),
  },
});

export const Order = entity('Order', {
  source: OrderPlaced,
  primaryKey: 'order_id',
  state: {
    status: field.enum(['open', 'partially_filled', 'filled', 'cancelled'], { default: 'open' }),
    filled_quantity: field.int({ default: 0 }),
  },
});

type TraderState = StateOf<typeof Trader>;
type InstrumentState = StateOf<typeof Instrument>;

// =============================================================================================
// Market rules
// =============================================================================================

/** Probability that a new trader leaves after registering, before submitting KYC documents. */
export const ONBOARDING_DROP_OFF = 0.3;
/** Probability that a KYC review approves the trader. */
export const KYC_APPROVAL_RATE = 0.85;
/** A market order is filled or cancelled within this time (ms). */
export const MARKET_ORDER_WINDOW_MS = 60_000;
/** Largest price move of one tick (fraction of the price). */
export const MAX_TICK_MOVE = 0.03;
/** Standard deviation of one tick's move, by asset class. */
const TICK_VOLATILITY: Record<AssetClass, number> = { equity: 0.002, etf: 0.001, crypto: 0.006 };
/** What each risk profile buys. */
const BUYS: Record<string, ReadonlyArray<AssetClass>> = {
  conservative: ['etf', 'equity'],
  balanced: ['etf', 'equity', 'crypto'],
  aggressive: ['equity', 'crypto'],
};

const toCents = (x: number): number => Math.round(x * 100);
const fromCents = (c: number): number => c / 100;

/** The next price of a random walk: a gaussian move, bounded, rounded to cents, never below a cent. */
export const nextPrice = (rng: Rng, price: number, assetClass: AssetClass): number => {
  const move = Math.max(-MAX_TICK_MOVE, Math.min(MAX_TICK_MOVE, rng.gaussian(0, TICK_VOLATILITY[assetClass])));
  return fromCents(Math.max(1, toCents(price * (1 + move))));
};

/** How many units `cash` buys at `price` (whole cents throughout). */
const affordable = (cash: number, price: number): number => Math.floor(toCents(cash) / toCents(price));

// =============================================================================================
// Working an order
// =============================================================================================

/** What a trader decided to trade; the session holds the trader and the instrument. */
interface Ticket {
  readonly side: 'buy' | 'sell';
  readonly symbol: string;
  readonly quantity: number;
  /** null for a market order. */
  readonly limit: number | null;
}

const instrumentOf = (ctx: FlowContext): EntityView<InstrumentState> => ctx.getEntity(Instrument);
const traderOf = (ctx: FlowContext): EntityView<TraderState> => ctx.getEntity(Trader);

/** Emits one fill and books it: cash, positions, the order's progress. */
function* fill(ctx: FlowContext, t: Ticket, quantity: number, price: number, filledBefore: number): Generator<Action, void, unknown> {
  const notional = fromCents(quantity * toCents(price));
  const filled = filledBefore + quantity;
  const remaining = t.quantity - filled;
  const held = traderOf(ctx).state.positions;
  const left = (held[t.symbol] ?? 0) + (t.side === 'buy' ? quantity : -quantity);
  const positions: Record<string, number> = { ...held };
  if (left > 0) positions[t.symbol] = left;
  else delete positions[t.symbol];
  const overrides = { symbol: t.symbol, side: t.side, quantity, price, notional, filled_quantity: filled, remaining_quantity: remaining };
  const mutate = [
    setState(Trader, [
      ['cash_balance', t.side === 'buy' ? 'subtract' : 'add', notional],
      ['positions', 'is', positions],
      ['open_positions', 'is', Object.keys(positions).length],
    ]),
    setState(Order, [
      ['status', 'is', remaining === 0 ? 'filled' : 'partially_filled'],
      ['filled_quantity', 'add', quantity],
    ]),
  ];
  // A filled order is done with: it retires.
  if (remaining === 0) yield newEvent(OrderFilled, { overrides, mutate, retireEntity: Order });
  else yield newEvent(OrderPartiallyFilled, { overrides, mutate });
}

/**
 * Places an order and works it until it is filled, cancelled or expired. Market orders fill at
 * once (sometimes partly, the rest a few seconds later at the then-current price); limit orders
 * rest, and between checks the instrument is released so the market can move.
 */
function* workOrder(ctx: FlowContext, t: Ticket): Generator<Action, void, unknown> {
  const expiresAt = ctx.now() + (t.limit === null ? MARKET_ORDER_WINDOW_MS : ctx.rng.int(5, 15) * 60_000);
  yield newEvent(OrderPlaced, {
    overrides: {
      symbol: t.symbol,
      side: t.side,
      order_type: t.limit === null ? 'market' : 'limit',
      quantity: t.quantity,
      limit_price: t.limit,
      expires_at: new Date(expiresAt).toISOString(),
    },
    saveEntity: Order,
  });
  yield wait({ ms: { min: 20, max: 800 } }); // exchange latency
  let filled = 0;
  let holding = true;
  let reason: 'trader_cancelled' | 'expired' | 'insufficient_funds' = 'expired';
  for (let check = 0; filled < t.quantity; check++) {
    if (check > 0) {
      // Let the market move, then look again (unless the order expires first).
      if (holding) yield release(Instrument);
      const pause = t.limit === null ? ctx.rng.int(2_000, 20_000) : ctx.rng.int(20_000, 180_000);
      if (ctx.now() + pause >= expiresAt) {
        yield wait({ ms: expiresAt - ctx.now() });
        break;
      }
      yield wait({ ms: pause });
      holding = (yield select(Instrument, [['symbol', 'is', t.symbol]], { optional: true })) !== undefined;
      if (!holding) continue;
    }
    const price = instrumentOf(ctx).state.price;
    if (t.limit !== null) {
      if (check > 0 && ctx.rng.chance(0.08)) {
        reason = 'trader_cancelled';
        break;
      }
      const crossed = t.side === 'buy' ? price <= t.limit : price >= t.limit;
      if (!crossed) continue;
    }
    const at = t.limit ?? price;
    const remaining = t.quantity - filled;
    // Risk check: the cash must cover the rest of a buy at this price (the market may have moved).
    if (t.side === 'buy' && affordable(traderOf(ctx).state.cash_balance, at) < remaining) {
      reason = 'insufficient_funds';
      break;
    }
    const quantity = remaining > 1 && ctx.rng.chance(t.limit === null ? 0.25 : 0.3) ? ctx.rng.int(1, remaining - 1) : remaining;
    yield* fill(ctx, t, quantity, at, filled);
    filled += quantity;
  }
  if (filled < t.quantity) {
    yield newEvent(OrderCancelled, {
      overrides: { symbol: t.symbol, reason, remaining_quantity: t.quantity - filled },
      mutate: setState(Order, [['status', 'is', 'cancelled']]),
      retireEntity: Order,
    });
  }
}

/** A limit price a little away from the market: below it for buys, above it for sells. */
const limitPrice = (rng: Rng, side: 'buy' | 'sell', price: number): number => {
  const offset = rng.float(0, 0.01);
  return fromCents(Math.max(1, toCents(price * (side === 'buy' ? 1 - offset : 1 + offset))));
};

// =============================================================================================
// The simulation
// =============================================================================================

const sim = simulation({
  duration: '8h',
  startTime: 'now',
  timeStep: '1s',
  nFlows: 40,
  entities: [Trader, Instrument, Order],
  // The versions of the last hour answer store.query; older ones are released, so long runs stay flat.
  history: { keep: '1h' },
  // Traders registered before the window started, KYC not done yet.
  initialEntities: [
    [Instrument, 20],
    [Trader, 100],
  ],
});

/** A new trader registers; most send their KYC documents a few minutes later. */
sim.flow({ name: 'onboarding', weight: 3 }, function* () {
  yield newEvent(TraderRegistered, { saveEntity: Trader });
  yield addDecay({ rate: ONBOARDING_DROP_OFF, minutes: { min: 1, max: 10 } });
  yield newEvent(KycSubmitted, { mutate: setState(Trader, [['documents_submitted', 'is', true]]) });
});

/** A trader who registered but never sent documents comes back to do it. */
sim.flow(
  {
    name: 'kyc_follow_up',
    weight: 1,
    filter: select(Trader, [
      ['kyc_status', 'is', 'pending'],
      ['documents_submitted', 'is', false],
    ]),
  },
  function* () {
    yield newEvent(KycSubmitted, { mutate: setState(Trader, [['documents_submitted', 'is', true]]) });
  },
);

/** Compliance reviews submitted documents and decides. */
sim.flow(
  {
    name: 'kyc_review',
    weight: 2,
    filter: select(Trader, [
      ['kyc_status', 'is', 'pending'],
      ['documents_submitted', 'is', true],
    ]),
  },
  function* (ctx: FlowContext) {
    yield wait({ minutes: { min: 1, max: 10 } });
    if (ctx.rng.chance(KYC_APPROVAL_RATE)) {
      yield newEvent(KycApproved, { mutate: setState(Trader, [['kyc_status', 'is', 'approved']]) });
    } else {
      yield newEvent(KycRejected, { mutate: setState(Trader, [['kyc_status', 'is', 'rejected']]) });
    }
  },
);

/** An approved trader with a modest balance tops it up, sometimes twice. */
sim.flow(
  {
    name: 'deposit',
    weight: 3,
    filter: select(Trader, [
      ['kyc_status', 'is', 'approved'],
      ['cash_balance', 'less_than', 25_000],
    ]),
  },
  function* (ctx: FlowContext) {
    for (;;) {
      const amount = fromCents(ctx.rng.int(50, 5_000) * 100 + ctx.rng.int(0, 99));
      yield newEvent(FundsDeposited, { overrides: { amount }, mutate: setState(Trader, [['cash_balance', 'add', amount]]) });
      yield addDecay({ rate: 0.7, minutes: { min: 1, max: 5 } }); // most deposit once
    }
  },
);

/** An approved trader takes part of the cash out (never more than the balance). */
sim.flow(
  {
    name: 'withdrawal',
    weight: 1,
    filter: select(Trader, [
      ['kyc_status', 'is', 'approved'],
      ['cash_balance', 'greater_than', 100],
    ]),
  },
  function* (ctx: FlowContext) {
    const cash = toCents(traderOf(ctx).state.cash_balance);
    const amount = fromCents(Math.max(1, Math.floor(cash * ctx.rng.float(0.1, 1))));
    yield newEvent(FundsWithdrawn, { overrides: { amount }, mutate: setState(Trader, [['cash_balance', 'subtract', amount]]) });
  },
);

/** A rejected applicant is offboarded a while after the decision. */
sim.flow({ name: 'offboarding', weight: 1, filter: select(Trader, [['kyc_status', 'is', 'rejected']]) }, function* (ctx: FlowContext) {
  yield wait({ minutes: { min: 5, max: 60 } });
  yield newEvent(TraderAccountClosed, { overrides: { reason: 'kyc_rejected', cash_balance: traderOf(ctx).state.cash_balance }, retireEntity: Trader });
});

/** An approved trader with no cash and no positions left sometimes closes the account. */
sim.flow(
  {
    name: 'account_closure',
    weight: 0.5,
    filter: select(Trader, [
      ['kyc_status', 'is', 'approved'],
      ['cash_balance', 'less_than', 1],
      ['open_positions', 'is', 0],
    ]),
  },
  function* (ctx: FlowContext) {
    yield addDecay({ rate: 0.7, minutes: { min: 1, max: 5 } }); // most come back later
    yield newEvent(TraderAccountClosed, { overrides: { reason: 'customer_request', cash_balance: traderOf(ctx).state.cash_balance }, retireEntity: Trader });
  },
);

/**
 * The market-data feed: ticks one instrument after another, holding each only for its tick, so
 * that prices keep moving while traders' orders rest.
 */
sim.flow({ name: 'market_data', weight: 2 }, function* (ctx: FlowContext) {
  const ticks = ctx.rng.int(20, 60);
  for (let i = 0; i < ticks; i++) {
    const picked = yield select(Instrument, [], { optional: true });
    if (picked !== undefined) {
      const { key, state } = instrumentOf(ctx);
      const price = nextPrice(ctx.rng, state.price, state.asset_class as AssetClass);
      const change_pct = Math.round(((price - state.price) / state.price) * 1e6) / 1e4;
      yield newEvent(PriceTicked, {
        overrides: { symbol: key, previous_price: state.price, price, change_pct },
        mutate: setState(Instrument, [
          ['price', 'is', price],
          ['tick_count', 'add', 1],
        ]),
      });
      yield release(Instrument);
    }
    yield wait({ seconds: { min: 1, max: 5 } });
  }
});

/** An approved trader with cash picks an instrument that fits their risk profile and buys. */
sim.flow(
  {
    name: 'buy',
    weight: 5,
    filter: select(Trader, [
      ['kyc_status', 'is', 'approved'],
      ['cash_balance', 'greater_than', 50],
    ]),
  },
  function* (ctx: FlowContext) {
    const trader = traderOf(ctx);
    const picked = yield select(Instrument, [['asset_class', 'in', BUYS[trader.state.risk_profile]]], { optional: true });
    if (picked === undefined) return; // everything is busy: come back later
    yield addDecay({ rate: 0.35, seconds: { min: 5, max: 120 } }); // looks at the chart and leaves
    const { key: symbol, state } = instrumentOf(ctx);
    const limit = ctx.rng.chance(0.4) ? limitPrice(ctx.rng, 'buy', state.price) : null;
    const at = limit ?? state.price;
    const cash = traderOf(ctx).state.cash_balance;
    const most = affordable(cash, at);
    // One in five goes all in; the others spend a part of their cash.
    const quantity = ctx.rng.chance(0.2) ? most : Math.min(most, Math.max(1, Math.floor(most * ctx.rng.float(0.05, 0.6))));
    if (quantity === 0) return; // cannot afford a single unit
    yield* workOrder(ctx, { side: 'buy', symbol, quantity, limit });
  },
);

/** A trader with positions sells some or all of one. */
sim.flow(
  {
    name: 'sell',
    weight: 3,
    filter: select(Trader, [
      ['kyc_status', 'is', 'approved'],
      ['open_positions', 'greater_than', 0],
    ]),
  },
  function* (ctx: FlowContext) {
    const positions = traderOf(ctx).state.positions;
    const symbol = ctx.rng.pick(Object.keys(positions));
    const picked = yield select(Instrument, [['symbol', 'is', symbol]], { optional: true });
    if (picked === undefined) return;
    yield addDecay({ rate: 0.2, seconds: { min: 5, max: 60 } });
    const held = positions[symbol];
    const quantity = ctx.rng.chance(0.4) ? held : ctx.rng.int(1, held);
    const limit = ctx.rng.chance(0.4) ? limitPrice(ctx.rng, 'sell', instrumentOf(ctx).state.price) : null;
    yield* workOrder(ctx, { side: 'sell', symbol, quantity, limit });
  },
);

export { sim };
export default sim;
