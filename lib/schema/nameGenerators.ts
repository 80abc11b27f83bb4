/**
 * Built-in name hints: people's names, e-mails and user names, cities and product names. They
 * index faker's locale arrays through `localeTables` (the same data and probabilities as faker)
 * instead of going through faker's per-call pattern machinery.
 *
 * @example
 * compileGenerator('email', {}, site)(g); // e.g. 'Ava.Kub21@yahoo.com'
 */
import type { GenContext } from './generator';
import type { BuiltinGenerator } from './generatorParams';
import { compiled } from './generatorParams';
import { tablesOf, type LocaleTables } from './localeTables';

/** A built-in that reads `localeTables` of the faker in use. */
const fromTables = (pick: (t: LocaleTables, g: GenContext) => string): BuiltinGenerator => ({
  make: () => {
    const tables = tablesOf();
    return compiled('string', (g) => pick(tables(g.faker), g));
  },
});

/**
 * The name hints, by hint name.
 *
 * @example
 * Object.keys(nameGenerators).includes('email'); // true
 */
export const nameGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  name: fromTables((t, g) => t.fullName(g)),
  first_name: fromTables((t, g) => t.firstName(g)),
  last_name: fromTables((t, g) => t.lastName(g)),
  email: fromTables((t, g) => t.email(g)),
  free_email: fromTables((t, g) => t.email(g)),
  user_name: fromTables((t, g) => t.userName(g)),
  city: fromTables((t, g) => t.city(g)),
  'ecommerce.product_name': fromTables((t, g) => t.productName(g)),
  product_name: fromTables((t, g) => t.productName(g)),
};
