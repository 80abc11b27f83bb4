/**
 * Arithmetic, comparison and membership operators with Python semantics on JavaScript values.
 * Each takes the operands and the span of the expression (for the error), and throws an
 * `ExprEvalError` for a type error, a division by zero, or a result that is not a finite number.
 *
 * @example
 * binaryOperator('//')(-7, 2, span);  // -4 (floor division)
 * binaryOperator('%')(-7, 2, span);   // 1  (the sign of the divisor)
 * binaryOperator('+')('a', 1, span);  // throws: cannot add string and number
 */
import type { BinaryOp, CompareOp, Span } from './ast';
import { ExprEvalError } from './errors';
import { checked, locate, maxValueSize, sizeOf, spend, tooLarge } from './budget';
import { compareValues, contains, equals, typeName } from './values';

type BinaryFn = (a: unknown, b: unknown, at: Span) => unknown;

const fail = (message: string, at: Span): never => {
  throw new ExprEvalError(message, at.start, at.end);
};

const finite = (r: number, op: string, at: Span): number =>
  Number.isFinite(r) ? r : fail(Number.isNaN(r) ? `result of "${op}" is not a real number` : `result of "${op}" is too large`, at);

const typeError = (op: BinaryOp, a: unknown, b: unknown, at: Span): never => {
  const x = typeName(a);
  const y = typeName(b);
  switch (op) {
    case '+':
      return fail(`cannot add ${x} and ${y}`, at);
    case '-':
      return fail(`cannot subtract ${y} from ${x}`, at);
    case '*':
      return fail(`cannot multiply ${x} by ${y}`, at);
    case '/':
      return fail(`cannot divide ${x} by ${y}`, at);
    case '//':
      return fail(`cannot floor-divide ${x} by ${y}`, at);
    case '%':
      return fail(`cannot take ${x} modulo ${y}`, at);
    case '**':
      return fail(`cannot raise ${x} to the power of ${y}`, at);
  }
};

/** Python's float `divmod`: floor quotient and a remainder with the sign of the divisor. */
const pyDivmod = (a: number, b: number): readonly [number, number] => {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
  } else {
    mod = b < 0 ? -0 : 0;
  }
  let floorDiv: number;
  if (div !== 0) {
    floorDiv = Math.floor(div);
    if (div - floorDiv > 0.5) floorDiv += 1;
  } else {
    floorDiv = a / b < 0 ? -0 : 0;
  }
  return [floorDiv, mod];
};

/** `seq * n`; the size limit is checked before anything is built (`'x' * 10**9` allocates nothing). */
const repeat = (seq: unknown, n: unknown, at: Span): unknown => {
  if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
  locate(at);
  const count = Math.max(0, n);
  if (typeof seq === 'string') {
    if (seq.length * count > maxValueSize()) tooLarge();
    spend(seq.length * count);
    return seq.repeat(count);
  }
  if (Array.isArray(seq)) {
    // The items are shared, not copied, but each copy counts: serializing the list writes them all.
    if (sizeOf(seq) * count > maxValueSize()) tooLarge();
    spend(seq.length * count);
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) for (const x of seq) out.push(x);
    return out;
  }
  return undefined;
};

/** `a + b` for two strings or two lists, within the size limit. */
const concat = (a: string | readonly unknown[], b: string | readonly unknown[], at: Span): unknown => {
  locate(at);
  if (typeof a === 'string') {
    if (a.length + (b as string).length > maxValueSize()) tooLarge();
    spend(a.length + b.length);
    return a + (b as string);
  }
  spend(a.length + b.length);
  return checked([...a, ...(b as readonly unknown[])]);
};

const OPERATORS: Readonly<Record<BinaryOp, BinaryFn>> = {
  '+': (a, b, at) => {
    if (typeof a === 'number' && typeof b === 'number') return finite(a + b, '+', at);
    if ((typeof a === 'string' && typeof b === 'string') || (Array.isArray(a) && Array.isArray(b))) return concat(a, b, at);
    return typeError('+', a, b, at);
  },
  '-': (a, b, at) => (typeof a === 'number' && typeof b === 'number' ? finite(a - b, '-', at) : typeError('-', a, b, at)),
  '*': (a, b, at) => {
    if (typeof a === 'number' && typeof b === 'number') return finite(a * b, '*', at);
    const r = typeof a === 'number' ? repeat(b, a, at) : repeat(a, b, at);
    return r !== undefined ? r : typeError('*', a, b, at);
  },
  '/': (a, b, at) => {
    if (typeof a !== 'number' || typeof b !== 'number') return typeError('/', a, b, at);
    if (b === 0) return fail('division by zero', at);
    return finite(a / b, '/', at);
  },
  '//': (a, b, at) => {
    if (typeof a !== 'number' || typeof b !== 'number') return typeError('//', a, b, at);
    if (b === 0) return fail('division by zero', at);
    return finite(pyDivmod(a, b)[0], '//', at);
  },
  '%': (a, b, at) => {
    if (typeof a !== 'number' || typeof b !== 'number') return typeError('%', a, b, at);
    if (b === 0) return fail('modulo by zero', at);
    return finite(pyDivmod(a, b)[1], '%', at);
  },
  '**': (a, b, at) => {
    if (typeof a !== 'number' || typeof b !== 'number') return typeError('**', a, b, at);
    if (a === 0 && b < 0) return fail('zero cannot be raised to a negative power', at);
    if (a < 0 && !Number.isInteger(b)) return fail('a negative number cannot be raised to a fractional power', at);
    return finite(a ** b, '**', at);
  },
};

/** The implementation of an arithmetic operator. */
export const binaryOperator = (op: BinaryOp): BinaryFn => OPERATORS[op];

/** `-x`: numbers only. */
export const negate = (v: unknown, at: Span): number => (typeof v === 'number' ? -v : fail(`cannot negate ${typeName(v)}`, at));
/** `+x`: numbers only (the number itself). */
export const plus = (v: unknown, at: Span): number => (typeof v === 'number' ? v : fail(`unary "+" needs a number, not ${typeName(v)}`, at));

/** One comparison `a op b` (a link of a chain). */
export const compare = (op: CompareOp, a: unknown, b: unknown, at: Span): boolean => {
  locate(at);
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case 'in':
    case 'not in': {
      const r = contains(b, a);
      if (r === undefined) {
        return typeof b === 'string'
          ? fail(`"${op}" with a string on the right needs a string on the left, not ${typeName(a)}`, at)
          : fail(`"${op}" needs a list, string or dict on the right, not ${typeName(b)}`, at);
      }
      return op === 'in' ? r : !r;
    }
    default: {
      const c = compareValues(a, b);
      if (c === undefined) return fail(`"${op}" is not supported between ${typeName(a)} and ${typeName(b)}`, at);
      switch (op) {
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
    }
  }
};
