/**
 * Reading names, fields and items while evaluating: `lookupName`, `member` (`a.b`) and `index`
 * (`a[i]`), which only ever read own properties of dicts (never `__proto__`, `constructor` or
 * `prototype`), with the messages they fail with (`item.unit_price: no field "unit_price" in
 * {quantity, price}`).
 *
 * @example
 * member({ a: 1 }, 'a', node); // 1
 * member({}, 'constructor', node); // throws: no field "constructor" in {}
 */
import type { Expr, Span } from './ast';
import { locate, spend } from './budget';
import { ExprEvalError } from './errors';
import { suggest } from './suggest';
import { BLOCKED_KEYS, MISSING, describeKeys, dictKey, fieldNames, isDict, ownField, typeName } from './values';

/**
 * The variables an expression sees: a record (own properties only) or a lookup function that
 * returns `undefined` for a name it does not know.
 */
export type Variables = Readonly<Record<string, unknown>> | ((name: string) => unknown);

const hasOwn = Object.prototype.hasOwnProperty;

const fail = (message: string, at: Span): never => {
  throw new ExprEvalError(message, at.start, at.end);
};

/** How a node reads in a message: `item.unit_price`, `xs[0]`, `f(…)`. */
const render = (node: Expr): string => {
  switch (node._tag) {
    case 'Name':
      return node.name;
    case 'Member':
      return `${render(node.object)}.${node.property}`;
    case 'Index': {
      const i = node.index;
      const simple = i._tag === 'Literal' || i._tag === 'Name' || (i._tag === 'Unary' && i.op === '-' && i.operand._tag === 'Literal');
      return `${render(node.object)}[${simple ? render(i) : '…'}]`;
    }
    case 'Call':
      return `${node.callee}(${node.args.length + node.kwargs.length > 0 ? '…' : ''})`;
    case 'Literal':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    case 'Unary':
      return node.op === 'not' ? `not ${render(node.operand)}` : `${node.op}${render(node.operand)}`;
    case 'List':
    case 'Comprehension':
      return '[…]';
    case 'Dict':
      return '{…}';
    default:
      return '(…)';
  }
};

const noField = (node: Expr, obj: Record<string, unknown>, key: string): never =>
  fail(`${render(node)}: no field "${key}" in ${describeKeys(obj)}${suggest(key, fieldNames(obj))}`, node);

// ---------------------------------------------------------------------------------------------
// access
// ---------------------------------------------------------------------------------------------

export const lookupName = (variables: Variables, name: string, node: Span): unknown => {
  if (typeof variables === 'function') {
    const v = variables(name);
    return v === undefined ? fail(`unknown name "${name}"`, node) : v;
  }
  if (!BLOCKED_KEYS.has(name) && hasOwn.call(variables, name)) {
    const v = variables[name];
    return v === undefined ? null : v;
  }
  return fail(`unknown name "${name}"${suggest(name, Object.keys(variables))}`, node);
};

export const member = (obj: unknown, key: string, node: Expr): unknown => {
  if (isDict(obj)) {
    const v = ownField(obj, key);
    return v !== MISSING ? v : noField(node, obj, key);
  }
  return fail(`${render(node)}: cannot read field "${key}" of ${typeName(obj)}`, node);
};

const position = (i: unknown, length: number, node: Expr, what: string): number => {
  if (typeof i !== 'number' || !Number.isInteger(i)) return fail(`${render(node)}: ${what} indices must be integers, not ${typeName(i)}`, node);
  const j = i < 0 ? length + i : i;
  return j >= 0 && j < length ? j : fail(`${render(node)}: index ${i} out of range for a ${what} of length ${length}`, node);
};

export const index = (obj: unknown, i: unknown, node: Expr): unknown => {
  if (Array.isArray(obj)) {
    const v: unknown = obj[position(i, obj.length, node, 'list')];
    return v === undefined ? null : v;
  }
  if (typeof obj === 'string') {
    locate(node);
    spend(obj.length);
    const chars = Array.from(obj);
    return chars[position(i, chars.length, node, 'string')];
  }
  if (isDict(obj)) {
    const key = dictKey(i);
    if (key === undefined) return fail(`${render(node)}: dict keys are strings or numbers, not ${typeName(i)}`, node);
    const v = ownField(obj, key);
    return v !== MISSING ? v : noField(node, obj, key);
  }
  return fail(`${render(node)}: cannot index ${typeName(obj)}`, node);
};
