/**
 * Field generator throughput: compiled hints vs the plain faker-js method they replace.
 *
 * Each row runs one generator on a datetime/string/int/float field (as its hint needs) for about
 * `BUDGET_MS` after a warm-up, and prints values per second; where faker-js has an equivalent
 * method it is measured the same way on the same seeded faker, and the ratio is printed.
 * Numbers only, no assertions.
 *
 * Run: node -r ts-node/register/transpile-only bench/generators.ts [hint …]
 */
import { performance } from 'node:perf_hooks';
import type { Faker } from '@faker-js/faker';
import { Rng } from '../lib/core/rng';
import type { FieldType, GenContext, Generate } from '../lib/schema/generator';
import { compileGenerator } from '../lib/schema/generatorRegistry';
import { SeededFaker } from '../lib/schema/seededFaker';

const BUDGET_MS = 300;

interface Row {
  readonly hint: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly type: FieldType;
  /** The faker-js call producing the same kind of value, if any. */
  readonly faker?: (f: Faker) => unknown;
}

const rows: Row[] = [
  { hint: 'uuid4', type: 'string', faker: (f) => f.string.uuid() },
  { hint: 'shortuuid', type: 'string', faker: (f) => f.string.fromCharacters('23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz', 22) },
  { hint: 'name', type: 'string', faker: (f) => f.person.fullName() },
  { hint: 'first_name', type: 'string', faker: (f) => f.person.firstName() },
  { hint: 'last_name', type: 'string', faker: (f) => f.person.lastName() },
  { hint: 'email', type: 'string', faker: (f) => f.internet.email() },
  { hint: 'user_name', type: 'string', faker: (f) => f.internet.username() },
  { hint: 'city', type: 'string', faker: (f) => f.location.city() },
  { hint: 'ecommerce.product_name', type: 'string', faker: (f) => f.commerce.productName() },
  { hint: 'word', type: 'string', faker: (f) => f.lorem.word() },
  { hint: 'sentence', type: 'string', faker: (f) => f.lorem.sentence() },
  { hint: 'random_int', params: { min: 1, max: 3 }, type: 'int', faker: (f) => f.number.int({ min: 1, max: 3 }) },
  {
    hint: 'random_element',
    params: { elements: ['free', 'premium', 'enterprise'] },
    type: 'string',
    faker: (f) => f.helpers.arrayElement(['free', 'premium', 'enterprise']),
  },
  {
    hint: 'random_element',
    params: { elements: ['a', 'b', 'c'], weights: [5, 3, 2] },
    type: 'string',
    faker: (f) =>
      f.helpers.weightedArrayElement([
        { value: 'a', weight: 5 },
        { value: 'b', weight: 3 },
        { value: 'c', weight: 2 },
      ]),
  },
  {
    hint: 'pyfloat',
    params: { min_value: 0, max_value: 1000, positive: true },
    type: 'float',
    faker: (f) => f.number.float({ min: 0, max: 1000, fractionDigits: 2 }),
  },
  { hint: 'boolean', type: 'boolean', faker: (f) => f.datatype.boolean() },
  { hint: 'now', type: 'datetime', faker: (f) => f.defaultRefDate().toISOString() },
  { hint: 'date_time', type: 'datetime', faker: (f) => f.date.past({ years: 30 }).toISOString() },
  { hint: 'date_time_this_decade', type: 'datetime', faker: (f) => f.date.past({ years: 5 }).toISOString() },
  { hint: 'date_time_this_year', type: 'datetime' },
  { hint: 'date_this_year', type: 'string' },
  { hint: 'lexify', params: { text: 'PROD_????' }, type: 'string', faker: (f) => f.helpers.replaceSymbols('PROD_????') },
  { hint: 'numerify', params: { text: '###-###' }, type: 'string', faker: (f) => f.helpers.replaceSymbols('###-###') },
  { hint: 'bothify', params: { text: '??-####' }, type: 'string', faker: (f) => f.helpers.replaceSymbols('??-####') },
  { hint: 'ean', type: 'string', faker: (f) => f.commerce.isbn(13) },
  { hint: 'ipv4', type: 'string', faker: (f) => f.internet.ipv4() },
  { hint: 'password', params: { length: 12 }, type: 'string', faker: (f) => f.internet.password({ length: 12 }) },
  { hint: 'phone_number', type: 'string' },
  { hint: 'person.fullName', type: 'string' },
];

/** Runs `fn` for about BUDGET_MS; returns calls per second. */
const rate = (fn: () => unknown): number => {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink ^= fn() === undefined ? 1 : 0; // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < BUDGET_MS) {
    for (let i = 0; i < 2_000; i++) sink ^= fn() === undefined ? 1 : 0;
    n += 2_000;
    t = performance.now();
  }
  if (sink === 42) console.log(''); // keep results alive
  return (n * 1000) / (t - t0);
};

const fmt = (perSecond: number): string => `${(perSecond / 1e6).toFixed(2)} M/s`.padStart(11);

const main = (): void => {
  const only = process.argv.slice(2);
  const sf = new SeededFaker();
  const rng = new Rng(42);
  const now = Date.UTC(2025, 0, 15, 14, 30);
  const g: GenContext = { rng, faker: sf.use(rng, now), now };
  console.log(`${'hint'.padEnd(44)} ${'compiled'.padStart(11)} ${'faker-js'.padStart(11)}  ratio`);
  for (const row of rows) {
    if (only.length > 0 && !only.includes(row.hint)) continue;
    const label = row.params === undefined ? row.hint : `${row.hint} ${JSON.stringify(row.params)}`;
    const gen: Generate = compileGenerator(row.hint, row.params ?? {}, { where: 'Bench.field', name: 'field', type: row.type });
    const compiled = rate(() => gen(g));
    const call = row.faker;
    const plain = call === undefined ? undefined : rate(() => call(g.faker));
    console.log(
      `${label.slice(0, 44).padEnd(44)} ${fmt(compiled)} ${plain === undefined ? ''.padStart(11) : fmt(plain)}  ${
        plain === undefined ? '' : `${(compiled / plain).toFixed(1)}×`
      }`,
    );
  }
};

main();
