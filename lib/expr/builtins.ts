/**
 * The built-in functions, available in every expression unless the caller's registry defines the
 * same name: `sum`, `min`, `max`, `len`, `round`, `abs`, and the conversions `int`, `float`, `str`,
 * `bool`. Python semantics: `round` rounds half to even, `sum` adds floats with compensated
 * (Neumaier) summation like Python 3.12+, `min`/`max` take one iterable or several arguments.
 *
 * @example
 * // sum(i.q * i.p for i in items), round(2.5) == 2, round(0.125, 2) == 0.12, len('héllo') == 5
 */
import type { FunctionSpec } from './functionSpec';
import { ExprEvalError } from './errors';
import { DeepFakerError } from '../core/errors';
import { spend } from './budget';
import { compareValues, isDict, iterate, stringify, truthy, typeName } from './values';

const NO_SPAN = { start: 0, end: 0 };

/** Thrown by built-ins; the call site adds `name(): ` and the position. */
class BuiltinError extends DeepFakerError {}

/** `iterate`, failing with a `BuiltinError` (the call site knows the position). */
const itemsOf = (v: unknown): readonly unknown[] => {
  try {
    return iterate(v, NO_SPAN);
  } catch (e) {
    throw e instanceof ExprEvalError ? new BuiltinError(e.message) : e;
  }
};

const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number') throw new BuiltinError(`${what} must be a number, not ${typeName(v)}`);
  return v;
};

/** Python's sum of floats (3.12+): Neumaier compensated summation. */
const sum = (values: readonly unknown[], start: number): number => {
  let s = start;
  let c = 0;
  for (const v of values) {
    if (typeof v !== 'number') throw new BuiltinError(`expected numbers, got ${typeName(v)}`);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  const total = s + c;
  return Number.isFinite(total) ? total : s;
};

const extreme = (name: 'min' | 'max', args: readonly unknown[]): unknown => {
  const values = args.length === 1 ? itemsOf(args[0]) : args;
  if (values.length === 0) throw new BuiltinError('arg is an empty sequence');
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (c === undefined) throw new BuiltinError(`cannot compare ${typeName(values[i])} with ${typeName(best)}`);
    if (name === 'min' ? c < 0 : c > 0) best = values[i];
  }
  return best;
};

/** Round half to even at integer precision. */
const roundHalfEven = (x: number): number => {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
};

/**
 * Python's `round(x, n)`: the decimal with n digits nearest to the exact binary value of x, ties
 * (only possible when x has exactly n+1 fractional binary digits) to even.
 */
export const roundTo = (x: number, ndigits: number): number => {
  if (!Number.isFinite(x)) return x;
  if (ndigits < 0) {
    const f = 10 ** -ndigits;
    return roundHalfEven(x / f) * f || 0;
  }
  if (ndigits > 99 || Math.abs(x) >= 1e21) return x;
  const a = Math.abs(x);
  const scaled = 2 ** ndigits;
  const tie = !Number.isInteger(a * scaled) && Number.isInteger(a * scaled * 2);
  let r: number;
  if (tie) {
    const exact = a.toFixed(ndigits + 1); // exact: the expansion has ndigits + 1 digits
    const truncated = exact.slice(0, -1).replace(/\.$/, '');
    const last = truncated.charCodeAt(truncated.length - 1) - 48;
    r = last % 2 === 0 ? Number(truncated) : Number(a.toFixed(ndigits));
  } else {
    r = Number(a.toFixed(ndigits));
  }
  return x < 0 ? -r || 0 : r;
};

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

const spec = (fn: FunctionSpec['fn'], minArgs: number, maxArgs: number, keywords: readonly string[] = []): FunctionSpec => ({
  fn,
  minArgs,
  maxArgs,
  keywords,
});

const table: Record<string, FunctionSpec> = {
  sum: spec(([values, start], kwargs) => sum(itemsOf(values), num(start ?? kwargs.start ?? 0, 'start')), 1, 2, ['start']),
  min: spec((args) => extreme('min', args), 1, Infinity),
  max: spec((args) => extreme('max', args), 1, Infinity),
  len: spec(
    ([v]) => {
      if (typeof v === 'string') {
        spend(v.length);
        let n = 0;
        for (const _ of v) n++;
        return n;
      }
      if (Array.isArray(v)) return v.length;
      if (isDict(v)) return Object.keys(v).length;
      throw new BuiltinError(`${typeName(v)} has no length`);
    },
    1,
    1,
  ),
  round: spec(
    ([x, nd], kwargs) => {
      const n = nd ?? kwargs.ndigits ?? null;
      const value = num(x, 'the value');
      if (n === null) return roundHalfEven(value) || 0;
      const digits = num(n, 'ndigits');
      if (!Number.isInteger(digits)) throw new BuiltinError('ndigits must be an integer');
      return roundTo(value, digits);
    },
    1,
    2,
    ['ndigits'],
  ),
  abs: spec(([x]) => Math.abs(num(x, 'the value')), 1, 1),
  int: spec(
    ([v]) => {
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new BuiltinError(`cannot convert ${v} to an integer`);
        return Math.trunc(v) || 0;
      }
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && INT_TEXT.test(v)) return Number(v.replace(/_/g, '').trim());
      throw new BuiltinError(`cannot convert ${typeof v === 'string' ? JSON.stringify(v) : typeName(v)} to an integer`);
    },
    1,
    1,
  ),
  float: spec(
    ([v]) => {
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && FLOAT_TEXT.test(v)) return Number(v.trim());
      throw new BuiltinError(`cannot convert ${typeof v === 'string' ? JSON.stringify(v) : typeName(v)} to a number`);
    },
    1,
    1,
  ),
  str: spec(
    ([v]) => {
      try {
        return stringify(v, NO_SPAN);
      } catch (e) {
        throw e instanceof ExprEvalError ? new BuiltinError(e.message) : e;
      }
    },
    1,
    1,
  ),
  bool: spec(([v]) => truthy(v), 1, 1),
};

/** The built-in functions by name (a null-prototype object: no inherited keys). */
export const BUILTINS: Readonly<Record<string, FunctionSpec>> = Object.freeze(Object.assign(Object.create(null) as Record<string, FunctionSpec>, table));
