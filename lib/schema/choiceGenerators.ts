/**
 * Built-in choice hints: `random_element(elements, weights)` (Python Faker) and `choice(choices,
 * weights)` (the YAML model format). The values are converted to the field's type once, at
 * compile time; a weighted draw is a binary search over the cumulative weights.
 *
 * @example
 * compileGenerator('choice', { choices: ['free', 'pro'], weights: [3, 1] }, site)(g); // 'free' three times in four
 */
import type { FieldSite, Generate } from './generator';
import type { BuiltinGenerator, Compiled, GeneratorParams, Yields } from './generatorParams';
import { compiled } from './generatorParams';
import { conversion, yieldsOf } from './generatorCoercion';
import { isoInstant } from '../core/isoInstant';

/** Converts choice values to the field's type once, at compile time. */
const fitChoices = (p: GeneratorParams, name: string, values: ReadonlyArray<unknown>, site: FieldSite): unknown[] =>
  values.map((v) => {
    if (site.type === 'datetime' && typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isNaN(t)) p.fail(`${name} must be date-times for a datetime field, got ${JSON.stringify(v)}`);
      return isoInstant(t);
    }
    const convert = conversion(yieldsOf(v), site.type);
    const value = v instanceof Date ? v.getTime() : v;
    if (convert === 'identity') return value;
    if (convert === 'incompatible') p.fail(`${name} has ${JSON.stringify(v)}, which is not a valid ${site.type}`);
    return convert(value);
  });

/**
 * `random_element(elements, weights)` (and the YAML `choice(choices, weights)`): one of the
 * elements, uniformly or by weight. `elements` may also be an object `{ value: weight }`, like
 * Python Faker's `OrderedDict` form.
 */
const choiceGenerator = (name: string): BuiltinGenerator => ({
  positional: [name, 'weights'],
  make: (p, site) => {
    const raw = p.raw(name);
    let weights = p.optionalArray('weights');
    let values: ReadonlyArray<unknown>;
    if (Array.isArray(raw)) {
      values = raw;
    } else if (typeof raw === 'object' && raw !== null && weights === undefined) {
      values = Object.keys(raw);
      weights = Object.values(raw);
    } else {
      return p.fail(`${name} must be a non-empty array${raw === undefined ? '' : `, got ${JSON.stringify(raw)}`}`);
    }
    if (values.length === 0) p.fail(`${name} must be a non-empty array`);
    const items = fitChoices(p, name, values, site);
    const n = items.length;
    if (weights === undefined) return exact(site, (g) => items[(g.rng.next() * n) | 0]);
    if (weights.length !== n) p.fail(`weights has ${weights.length} entries but ${name} has ${n}`);
    const cumulative: number[] = [];
    let total = 0;
    for (const w of weights) {
      const weight = typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : p.fail(`weights must be numbers >= 0, got ${JSON.stringify(w)}`);
      cumulative.push((total += weight));
    }
    if (!(total > 0)) p.fail('weights must not all be 0');
    const last = n - 1;
    return exact(site, (g) => {
      const r = g.rng.next() * total;
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (r < cumulative[mid]) hi = mid;
        else lo = mid + 1;
      }
      while (lo > 0 && cumulative[lo] === cumulative[lo - 1]) lo--; // never pick a zero weight
      return items[lo];
    });
  },
});

/** Choices were converted to the field's type already: the adapter must pass them through. */
const exact = (site: FieldSite, generate: Generate): Compiled => compiled(SITE_YIELDS[site.type], generate);

const SITE_YIELDS: Readonly<Record<FieldSite['type'], Yields>> = {
  string: 'string',
  int: 'int',
  float: 'float',
  boolean: 'boolean',
  datetime: 'datetime',
  json: 'json',
};

/**
 * The choice hints, by hint name.
 *
 * @example
 * choiceGenerators['random_element'].positional; // ['elements', 'weights']
 */
export const choiceGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  random_element: choiceGenerator('elements'),
  choice: choiceGenerator('choices'),
};
