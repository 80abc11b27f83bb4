/**
 * Fitting what a hint yields to the type of its field.
 *
 * Built-in hints declare what they yield (`Yields`); `adaptToField` checks that against the field
 * type once, at compile time, and returns the generator unchanged when no conversion is needed,
 * wrapped with a converter when one is (`instant` → ISO-8601 for a datetime field, a number →
 * `String(v)` for a string field), or throws a `GeneratorError` when the combination makes no sense (a
 * boolean hint on an int field). Generators whose output is not known in advance (faker methods,
 * user-registered generators) get `coercerFor(type)`, which converts per value.
 *
 * | yields \ field | string     | int  | float | boolean | datetime | json    |
 * |----------------|------------|------|-------|---------|----------|---------|
 * | string         | =          | ✗    | ✗     | ✗       | ✗        | =       |
 * | int, float     | String(v)  | int: = (float ✗) | = | ✗ | ✗       | =       |
 * | boolean        | String(v)  | ✗    | ✗     | =       | ✗        | =       |
 * | datetime (ISO) | =          | ✗    | ✗     | ✗       | =        | =       |
 * | instant (ms)   | ISO        | ms   | ms    | ✗       | ISO      | ISO     |
 * | day (ms)       | YYYY-MM-DD | ms   | ms    | ✗       | ISO      | YYYY-MM-DD |
 * | json           | ✗          | ✗    | ✗     | ✗       | ✗        | =       |
 *
 * @example
 * const gen = adaptToField({ generate: (g) => g.now, yields: 'instant' }, site, 'now');
 * gen(g); // '2025-01-15T14:30:00.000Z' for a datetime field
 */
import type { FieldSite, FieldType, Generate } from './generator';
import { GeneratorError } from './generator';
import type { Compiled, Yields } from './generatorParams';
import { isoDay, isoInstant } from '../core/isoInstant';

type Convert = (v: any) => unknown;

const toString: Convert = (v) => String(v);
const identity = 'identity' as const;
const incompatible = 'incompatible' as const;

const TABLE: Record<Exclude<Yields, 'unknown'>, Record<FieldType, Convert | typeof identity | typeof incompatible>> = {
  string: { string: identity, int: incompatible, float: incompatible, boolean: incompatible, datetime: incompatible, json: identity },
  int: { string: toString, int: identity, float: identity, boolean: incompatible, datetime: incompatible, json: identity },
  float: { string: toString, int: incompatible, float: identity, boolean: incompatible, datetime: incompatible, json: identity },
  boolean: { string: toString, int: incompatible, float: incompatible, boolean: identity, datetime: incompatible, json: identity },
  datetime: { string: identity, int: incompatible, float: incompatible, boolean: incompatible, datetime: identity, json: identity },
  instant: { string: isoInstant, int: identity, float: identity, boolean: incompatible, datetime: isoInstant, json: isoInstant },
  day: { string: isoDay, int: identity, float: identity, boolean: incompatible, datetime: isoInstant, json: isoDay },
  json: { string: incompatible, int: incompatible, float: incompatible, boolean: incompatible, datetime: incompatible, json: identity },
};

/**
 * How a value of kind `yields` becomes a value of a field of `type`.
 *
 * @example
 * conversion('instant', 'datetime'); // isoInstant
 * conversion('boolean', 'int');      // 'incompatible'
 */
export const conversion = (yields: Yields, type: FieldType): Convert | 'identity' | 'incompatible' =>
  yields === 'unknown' ? coercerFor(type) : TABLE[yields][type];

/**
 * Words for `Yields` in messages.
 *
 * @example
 * describeYields('instant'); // 'datetime'
 */
export const describeYields = (yields: Yields): string => (yields === 'instant' ? 'datetime' : yields === 'day' ? 'date' : yields);

/**
 * The kind of one value, as a `Yields` (`Date` → `instant`).
 *
 * @example
 * yieldsOf(3);         // 'int'
 * yieldsOf(new Date(0)); // 'instant'
 */
export const yieldsOf = (v: unknown): Yields => {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'object':
      return v instanceof Date ? 'instant' : 'json';
    default:
      return 'unknown';
  }
};

/**
 * Adapts a compiled built-in to its field, or throws a `GeneratorError` naming the field and the hint.
 *
 * @example
 * adaptToField({ generate: (g) => g.rng.next() < 0.5, yields: 'boolean' }, intSite, 'boolean'); // throws
 */
export const adaptToField = (compiled: Compiled, site: FieldSite, hint: string): Generate => {
  const convert = conversion(compiled.yields, site.type);
  if (convert === 'identity') return compiled.generate;
  if (convert === 'incompatible') {
    throw new GeneratorError(`${site.where}: faker hint "${hint}" yields ${describeYields(compiled.yields)} values, but the field is ${site.type}`);
  }
  const generate = compiled.generate;
  return (g) => convert(generate(g));
};

// ---------------------------------------------------------------------------------------------
// per-value coercion, for generators of unknown output
// ---------------------------------------------------------------------------------------------

const INTEGER = /^\s*-?\d+\s*$/;
const NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

const asString: Convert = (v) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return isoInstant(v.getTime());
  if (v === null || v === undefined) return v;
  return JSON.stringify(v);
};

const asInt: Convert = (v) => {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? v : Math.round(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && INTEGER.test(v)) return Number(v);
  return v;
};

const asFloat: Convert = (v) => {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMBER.test(v)) return Number(v);
  return v;
};

const asDateTime: Convert = (v) => {
  if (typeof v === 'number') return Number.isFinite(v) ? isoInstant(v) : v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? v : isoInstant(v.getTime());
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? v : isoInstant(t);
  }
  return v;
};

const asJson: Convert = (v) => (v instanceof Date ? isoInstant(v.getTime()) : typeof v === 'bigint' ? Number(v) : v);

const asIs: Convert = (v) => v;

/**
 * The per-value converter for a field type: a `Date` to ISO-8601 for a datetime field, `3.7` to `4`
 * for an int field, `42` to `'42'` for a string field. Values it cannot convert pass through (the
 * field's codec rejects them).
 *
 * @example
 * coercerFor('datetime')(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export const coercerFor = (type: FieldType): Convert => {
  switch (type) {
    case 'string':
      return asString;
    case 'int':
      return asInt;
    case 'float':
      return asFloat;
    case 'boolean':
      return asIs;
    case 'datetime':
      return asDateTime;
    case 'json':
      return asJson;
    default: {
      const never: never = type;
      return never;
    }
  }
};
