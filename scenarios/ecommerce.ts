/**
 * E-commerce: first the README's quick start, faithfully (`quickStart`), then a realistic store
 * grown from it (the default export): registration, login, browsing, carts that are abandoned or
 * bought, inventory that never goes below zero, restocking, logout, and accounts that close: on
 * request, after 30 days without a visit, or the longest-idle first once 50 000 are open, so the
 * live population levels off however long the store runs.
 *
 * Run it: `npx deep-faker run scenarios/ecommerce.ts --output stdout`
 */
import { acquire, addDecay, entity, event, field, newEvent, release, select, setState, simulation, wait } from '../lib';
import type { StateOf } from '../lib';
import type { FlowContext } from '../lib';

// =============================================================================================
// The quick start, as the README writes it
// =============================================================================================

export const QuickStart = (() => {
  const AccountCreated = event('AccountCreated', {
    user_id: field.string({ primaryKey: true, faker: 'uuid4' }),
    email: field.string({ faker: 'email' }),
    full_name: field.string({ faker: 'name' }),
  });
  const ProductAdded = event('ProductAdded', {
    user_id: field.string(),
    product_id: field.string(),
    cart_id: field.string(),
    quantity: field.int({ faker: 'random_int', min: 1, max: 3 }),
  });
  const OrderCompleted = event('OrderCompleted', {
    user_id: field.string(),
    order_id: field.string(),
    total_amount: field.float(),
  });
  const User = entity('User', {
    source: AccountCreated,
    primaryKey: 'user_id',
    state: {
      is_logged_in: field.boolean({ default: false }),
      cart_id: field.string({ default: null }),
      total_orders: field.int({ default: 0 }),
    },
  });
  const Product = entity('Product', {
    source: null, // created at initialisation
    primaryKey: 'product_id',
    state: {
      name: field.string({ faker: 'ecommerce.product_name' }),
      price: field.float({ faker: 'pyfloat', min_value: 1, max_value: 500, right_digits: 2 }),
      inventory: field.int({ default: 100 }),
    },
  });

  const sim = simulation({
    duration: '2m',
    startTime: 'now',
    nFlows: 3,
    initialEntities: [
      [User, 10],
      [Product, 5],
    ],
  });

  // New users register and may browse products.
  sim.flow({ name: 'new_user_registration', weight: 3 }, function* () {
    yield newEvent(AccountCreated, { saveEntity: User });
    yield addDecay({ rate: 0.2, seconds: 30 }); // 20% drop-off
    // User logs in
    yield newEvent(ProductAdded, { mutate: setState(User, [['is_logged_in', 'is', true]]) });
  });

  // Logged-in users add products and complete orders.
  sim.flow({ name: 'shopping_flow', weight: 5, filter: select(User, [['is_logged_in', 'is', true]]) }, function* (ctx: FlowContext) {
    ctx.getEntity(User);
    const cartId = `cart_${ctx.sessionId.slice(0, 8)}`;
    yield newEvent(ProductAdded, {
      overrides: { cart_id: cartId, product_id: 'PROD_001' },
      mutate: setState(User, [['cart_id', 'is', cartId]]),
    });
    yield addDecay({ rate: 0.4, seconds: 60 }); // 40% abandon cart
    yield newEvent(OrderCompleted, {
      overrides: { order_id: `order_${ctx.sessionId.slice(0, 8)}`, total_amount: 99.99 },
      mutate: setState(User, [['total_orders', 'add', 1]]),
    });
  });

  return { sim, AccountCreated, ProductAdded, OrderCompleted, User, Product };
})();

// =============================================================================================
// The store
// =============================================================================================

export const AccountCreated = event('AccountCreated', {
  user_id: field.string({ primaryKey: true, faker: 'uuid4' }),
  email: field.string({ faker: 'email' }),
  full_name: field.string({ faker: 'name' }),
  country: field.string({ faker: 'country_code' }),
  signup_channel: field.enum(['web', 'ios', 'android']),
});

export const ProductCreated = event('ProductCreated', {
  product_id: field.string({ primaryKey: true, faker: 'ean' }),
  name: field.string({ faker: 'ecommerce.product_name' }),
  category: field.enum(['books', 'electronics', 'garden', 'home', 'sports', 'toys']),
  price: field.float({ faker: 'pyfloat', min_value: 2, max_value: 400, right_digits: 2 }),
  initial_stock: field.int({ faker: 'random_int', min: 5, max: 60 }),
});

export const UserLoggedIn = event('UserLoggedIn', {
  user_id: field.string(),
  ip_address: field.string({ faker: 'ipv4' }),
  user_agent: field.string({ faker: 'user_agent' }),
});

export const UserLoggedOut = event('UserLoggedOut', {
  user_id: field.string(),
});

export const ProductViewed = event('ProductViewed', {
  user_id: field.string(),
  product_id: field.string(),
  referrer: field.enum(['search', 'home', 'recommendation', 'ad', 'email']),
});

export const ProductAdded = event('ProductAdded', {
  user_id: field.string(),
  product_id: field.string(),
  cart_id: field.string(),
  quantity: field.int({ faker: 'random_int', min: 1, max: 3 }),
  unit_price: field.float(),
});

export const OrderCompleted = event('OrderCompleted', {
  user_id: field.string(),
  order_id: field.string({ faker: 'uuid4' }),
  cart_id: field.string(),
  product_id: field.string(),
  quantity: field.int(),
  total_amount: field.float(),
  payment_method: field.enum(['card', 'paypal', 'apple_pay', 'gift_card']),
});

export const CartExpired = event('CartExpired', {
  user_id: field.string(),
  cart_id: field.string(),
});

export const ProductRestocked = event('ProductRestocked', {
  product_id: field.string(),
  quantity: field.int({ faker: 'random_int', min: 20, max: 80 }),
});

export const AccountClosed = event('AccountClosed', {
  user_id: field.string(),
  reason: field.enum(['customer_request', 'inactivity']),
  total_orders: field.int(),
});

/** Accounts nobody used for this long are closed by the store. */
export const USER_INACTIVITY = '30d';
/** At most this many open accounts: the longest-idle one closes to make room for a new one. */
export const MAX_LIVE_USERS = 50_000;

export const User = entity('User', {
  source: AccountCreated,
  primaryKey: 'user_id',
  state: {
    is_logged_in: field.boolean({ default: false }),
    cart_id: field.string({ default: null }),
    total_orders: field.int({ default: 0 }),
    total_spent: field.float({ default: 0 }),
  },
  churn: {
    inactiveFor: USER_INACTIVITY,
    maxLive: MAX_LIVE_USERS,
    event: AccountClosed,
    overrides: (user) => ({ reason: 'inactivity', total_orders: user.state.total_orders }),
  },
});
type UserState = StateOf<typeof User>;

export const Product = entity('Product', {
  source: ProductCreated,
  primaryKey: 'product_id',
  shared: true, // the catalogue: the same products in every shard of a sharded run
  state: {
    price: field.float({ fromField: 'price' }),
    inventory: field.int({ fromField: 'initial_stock' }),
  },
});

const sim = simulation({
  duration: '1h',
  startTime: 'now',
  timeStep: '2s',
  nFlows: 25,
  entities: [User, Product],
  // The versions of the last hour answer store.query; older ones are released, so long runs stay flat.
  history: { keep: '1h' },
  initialEntities: [
    [User, 200],
    [Product, 50],
  ],
});

/** A visitor signs up; most log in straight away. */
sim.flow({ name: 'registration', weight: 2 }, function* () {
  yield newEvent(AccountCreated, { saveEntity: User });
  yield addDecay({ rate: 0.25, seconds: { min: 10, max: 120 } });
  yield newEvent(UserLoggedIn, { mutate: setState(User, [['is_logged_in', 'is', true]]) });
});

/** A registered, logged-out user comes back. */
sim.flow({ name: 'login', weight: 4, filter: select(User, [['is_logged_in', 'is', false]]) }, function* () {
  yield newEvent(UserLoggedIn, { mutate: setState(User, [['is_logged_in', 'is', true]]) });
});

/** A logged-in user looks at a few products. */
sim.flow({ name: 'browsing', weight: 6, filter: select(User, [['is_logged_in', 'is', true]]) }, function* (ctx: FlowContext) {
  const views = ctx.rng.int(1, 5);
  for (let i = 0; i < views; i++) {
    const product = yield* acquire(Product, [], { optional: true });
    if (product === undefined) return;
    yield newEvent(ProductViewed);
    yield release(Product);
    yield addDecay({ rate: 0.15, seconds: { min: 5, max: 90 } });
  }
});

/**
 * A logged-in user with no open cart puts an in-stock product in the cart; 40% abandon it (the
 * cart stays open on the user), the others pay. Stock never goes below zero: the quantity is at
 * most what is in stock, and the product is held by the session until the order is done.
 */
sim.flow(
  {
    name: 'shopping',
    weight: 5,
    filter: select(User, [
      ['is_logged_in', 'is', true],
      ['cart_id', 'is', null],
    ]),
  },
  function* (ctx: FlowContext) {
    const product = yield* acquire(Product, [['inventory', 'greater_than', 0]]);
    const quantity = Math.min(ctx.rng.int(1, 3), product.state.inventory);
    const cartId = `cart_${ctx.sessionId.slice(0, 8)}`;
    yield newEvent(ProductAdded, {
      overrides: { cart_id: cartId, quantity, unit_price: product.state.price },
      mutate: setState(User, [['cart_id', 'is', cartId]]),
    });
    yield addDecay({ rate: 0.4, seconds: { min: 20, max: 300 } }); // abandoned cart
    const total = Math.round(quantity * product.state.price * 100) / 100;
    yield newEvent(OrderCompleted, {
      overrides: { cart_id: cartId, quantity, total_amount: total },
      mutate: [
        setState(User, [
          ['total_orders', 'add', 1],
          ['total_spent', 'add', total],
          ['cart_id', 'is', null],
        ]),
        setState(Product, [['inventory', 'subtract', quantity]]),
      ],
    });
  },
);

/** An abandoned cart expires after a while, so its owner can shop again. */
sim.flow({ name: 'cart_expiry', weight: 1, filter: select(User, [['cart_id', 'is_not', null]]) }, function* (ctx: FlowContext) {
  const cartId = ctx.getEntity(User).state.cart_id as string;
  yield wait({ minutes: { min: 1, max: 10 } });
  yield newEvent(CartExpired, { overrides: { cart_id: cartId }, mutate: setState(User, [['cart_id', 'is', null]]) });
});

/** Low stock is replenished. */
sim.flow({ name: 'restock', weight: 1, filter: select(Product, [['inventory', 'less_than', 10]]) }, function* (ctx: FlowContext) {
  yield wait({ minutes: { min: 5, max: 30 } });
  const quantity = ctx.rng.int(20, 80);
  yield newEvent(ProductRestocked, { overrides: { quantity }, mutate: setState(Product, [['inventory', 'add', quantity]]) });
});

/** A logged-in user leaves. */
sim.flow({ name: 'logout', weight: 2, filter: select(User, [['is_logged_in', 'is', true]]) }, function* () {
  yield newEvent(UserLoggedOut, { mutate: setState(User, [['is_logged_in', 'is', false]]) });
});

/** A logged-out user with no open cart closes the account: the user leaves the store for good. */
sim.flow(
  {
    name: 'account_closure',
    weight: 0.3,
    filter: select(User, [
      ['is_logged_in', 'is', false],
      ['cart_id', 'is', null],
    ]),
  },
  function* (ctx: FlowContext) {
    const user = ctx.getEntity<UserState>(User);
    yield newEvent(AccountClosed, { overrides: { reason: 'customer_request', total_orders: user.state.total_orders }, retireEntity: User });
  },
);

export { sim };
export default sim;
