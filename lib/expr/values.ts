/**
 * Value semantics of the expression language (Python-like, on JSON-like JavaScript values): type
 * names for messages, truthiness, structural equality, ordering, membership, field access that
 * never reaches JavaScript internals, iteration and conversion to text.
 *
 * Values: `null` (and `undefined`, treated as null), booleans, numbers, strings, lists (arrays) and
 * dicts (plain objects: prototype `Object.prototype` or `null`). Anything else a variable or a
 * registered function hands in (a `Date`, a class instance, a function) can be passed around,
 * compared by identity and given back to functions, but has no fields.
 *
 * @example
 * truthy([]);                      // false (like Python)
 * equals({ a: [1] }, { a: [1] });  // true (structural)
 * typeName(new Date(0));           // 'Date'
 */
import { ExprEvalError } from './errors';
import type { Span } from './ast';
import { spend, tooDeepToCompare } from './budget';

/** Deepest nesting `==`, `<` and `in` walk (values from variables may nest deeper than built ones). */
const MAX_COMPARE_DEPTH = 1_000;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Keys that never resolve as fields, whatever the object. */
export const BLOCKED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A dict: a non-array object whose prototype is `Object.prototype` or `null`. */
export const isDict = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** The result of `ownField` for a field that does not resolve. */
export const MISSING: unique symbol = Symbol('missing');

/** `obj[key]` if it is an own, non-blocked property (undefined read as null), else `MISSING`. */
export const ownField = (obj: Record<string, unknown>, key: string): unknown => {
  if (!hasOwn(obj, key) || BLOCKED_KEYS.has(key)) return MISSING;
  const v = obj[key];
  return v === undefined ? null : v;
};

/** Sets an own data property, even for the key `__proto__`. */
export const setOwn = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
};

/** The name of a value's type in messages: null, bool, number, string, list, dict, or a class name. */
export const typeName = (v: unknown): string => {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'function':
      return 'function';
    case 'object': {
      if (Array.isArray(v)) return 'list';
      if (isDict(v)) return 'dict';
      const ctor: unknown = (Object.getPrototypeOf(v) as { constructor?: unknown } | null)?.constructor;
      return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'object';
    }
    default:
      return typeof v;
  }
};

/** Python truthiness: null, false, 0, '', [] and {} are false; everything else is true. */
export const truthy = (v: unknown): boolean => {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v !== '';
    case 'object':
      if (Array.isArray(v)) return v.length > 0;
      if (isDict(v)) {
        for (const k in v) if (hasOwn(v, k)) return true;
        return false;
      }
      return true;
    default:
      return true;
  }
};

/**
 * Structural equality: numbers, strings and booleans by value (`1 == true` is false, `1 == 1.0` is
 * true), null equals null, lists element-wise, dicts by their own keys and values; anything else by
 * identity.
 */
export const equals = (a: unknown, b: unknown, depth = 0): boolean => {
  if (a === b) return true;
  spend(1);
  if (depth > MAX_COMPARE_DEPTH) tooDeepToCompare(MAX_COMPARE_DEPTH);
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (!isDict(a) || !isDict(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!hasOwn(b, k) || !equals(a[k], b[k], depth + 1)) return false;
  return true;
};

/** Ordering: numbers with numbers, strings with strings, lists lexicographically; else undefined. */
export const compareValues = (a: unknown, b: unknown, depth = 0): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (depth > MAX_COMPARE_DEPTH) tooDeepToCompare(MAX_COMPARE_DEPTH);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (equals(a[i], b[i], depth + 1)) continue;
      return compareValues(a[i], b[i], depth + 1);
    }
    return a.length - b.length;
  }
  return undefined;
};

/** A dict key from a value: strings as they are, numbers as `String(n)`; else undefined. */
export const dictKey = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** `item in container`: list element (structural), substring, or dict key; undefined if not a container. */
export const contains = (container: unknown, item: unknown): boolean | undefined => {
  if (Array.isArray(container)) {
    for (const x of container) if (equals(x, item)) return true;
    return false;
  }
  if (typeof container === 'string') {
    if (typeof item !== 'string') return undefined;
    spend(container.length);
    return container.includes(item);
  }
  if (isDict(container)) {
    const k = dictKey(item);
    return k !== undefined && ownField(container, k) !== MISSING;
  }
  return undefined;
};

/** The items a comprehension or `sum`/`min`/`max` walks: list items, string characters, dict keys. */
export const iterate = (v: unknown, at: Span): readonly unknown[] => {
  if (Array.isArray(v)) {
    spend(v.length);
    return v;
  }
  if (typeof v === 'string') {
    spend(v.length);
    return Array.from(v);
  }
  if (isDict(v)) {
    const keys = Object.keys(v);
    spend(keys.length);
    return keys;
  }
  throw new ExprEvalError(`cannot iterate over ${typeName(v)}`, at.start, at.end);
};

/**
 * Text for templates and `str()`: strings as they are, null as '', numbers and booleans as
 * JavaScript writes them (`0.1`, `1e+21`, `true`), lists and dicts as JSON, dates as ISO-8601.
 */
export const stringify = (v: unknown, at: Span = { start: 0, end: 0 }): string => {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') {
      const json = JSON.stringify(v);
      if (json !== undefined) {
        spend(json.length);
        return json;
      }
    }
    return String(v);
  } catch (e) {
    throw new ExprEvalError(`cannot convert ${typeName(v)} to text: ${(e as Error).message}`, at.start, at.end, { cause: e });
  }
};

/** `{a, b, c}` (at most 8 keys shown): the fields a dict does have, for messages. */
export const describeKeys = (obj: Record<string, unknown>): string => {
  const keys = Object.keys(obj).filter((k) => !BLOCKED_KEYS.has(k));
  const shown = keys.slice(0, 8).join(', ');
  return keys.length > 8 ? `{${shown}, … ${keys.length - 8} more}` : `{${shown}}`;
};

/** Fields of a dict for "did you mean", without blocked keys. */
export const fieldNames = (obj: Record<string, unknown>): string[] => Object.keys(obj).filter((k) => !BLOCKED_KEYS.has(k));
