/**
 * The order-lifecycle simulator as a scenario file: `deep-faker run scenarios/orders.ts` runs it
 * with its default options. The simulator itself lives in the library (`lib/orders`), since the
 * CLI's `deep-faker orders` command runs it too.
 */
export * from '../lib/orders/ordersSimulation';
export * from '../lib/orders/orderStats';
export { default } from '../lib/orders/ordersSimulation';
