/**
 * Where-conditions on entity state, as users write them: `['is_logged_in', 'is', true]`.
 * A list of conditions is a conjunction. Conditions are checked against the entity type when they
 * are built (field exists, value fits the field), and compiled to a predicate.
 *
 * @example
 * const loggedIn = compileWhere(User, [['is_logged_in', 'is', true], ['total_orders', 'greater_than', 2]]);
 * loggedIn({ key: 'u1', heldBy: null, state: { is_logged_in: true, total_orders: 3 } }); // true
 */
import type { EntityType } from './entity';
import { FLOW_NAME } from './entity';
import { SchemaError } from '../schema/schemaError';
import { ModelError } from '../core/errors';

/** Condition operators. */
export const WHERE_OPERATORS = ['is', 'is_not', 'greater_than', 'less_than', 'greater_or_equal', 'less_or_equal', 'in', 'not_in'] as const;

/** A condition operator. */
export type WhereOperator = (typeof WHERE_OPERATORS)[number];

type Comparable = number | string;

/** One condition on a state field of `S` (or the primary key / `flow_name` via string keys). */
export type Condition<S> =
  | { [K in keyof S & string]: readonly [K, 'is' | 'is_not', S[K]] }[keyof S & string]
  | { [K in keyof S & string]: readonly [K, 'in' | 'not_in', ReadonlyArray<S[K]>] }[keyof S & string]
  | readonly [string, 'greater_than' | 'less_than' | 'greater_or_equal' | 'less_or_equal', Comparable]
  | readonly [string, WhereOperator, unknown];

/** A conjunction of conditions. */
export type Where<S> = ReadonlyArray<Condition<S>>;

/** What conditions are evaluated on: an entity's state, key, and holder (`flow_name`). */
export interface WhereTarget {
  readonly state: Readonly<Record<string, unknown>>;
  readonly key: string;
  readonly heldBy: string | null;
}

/** A compiled predicate. */
export type Predicate = (target: WhereTarget) => boolean;

/** Reads a condition's field from a target: a state field, the primary key, or `flow_name`. */
type Getter = (e: WhereTarget) => unknown;

const ordered =
  (op: string, test: (a: Comparable, b: Comparable) => boolean) =>
  (get: Getter, v: unknown): Predicate => {
    if (typeof v !== 'number' && typeof v !== 'string') throw new ModelError(`"${op}" needs a number or string, got ${JSON.stringify(v)}`);
    return (e) => {
      const a = get(e);
      return (typeof a === 'number' || typeof a === 'string') && typeof a === typeof v && test(a, v);
    };
  };

const membership = (get: Getter, v: unknown, negate: boolean): Predicate => {
  if (!Array.isArray(v)) throw new ModelError(`"${negate ? 'not_in' : 'in'}" needs a list of values, got ${JSON.stringify(v)}`);
  const set = new Set<unknown>(v);
  return negate ? (e) => !set.has(get(e)) : (e) => set.has(get(e));
};

const COMPILERS: Record<WhereOperator, (get: Getter, v: unknown) => Predicate> = {
  is: (get, v) => (e) => get(e) === v,
  is_not: (get, v) => (e) => get(e) !== v,
  greater_than: ordered('greater_than', (a, b) => a > b),
  less_than: ordered('less_than', (a, b) => a < b),
  greater_or_equal: ordered('greater_or_equal', (a, b) => a >= b),
  less_or_equal: ordered('less_or_equal', (a, b) => a <= b),
  in: (get, v) => membership(get, v, false),
  not_in: (get, v) => membership(get, v, true),
};

/** Compiles and checks conditions against an entity type; errors name entity, field and operator. */
export const compileWhere = (type: EntityType<any>, where: Where<any>): Predicate => {
  checkWhere(type, where);
  const preds = where.map((cond) => {
    const [name, op, value] = cond as readonly [string, WhereOperator, unknown];
    const get: Getter = type.state[name] !== undefined ? (e) => e.state[name] : name === FLOW_NAME ? (e) => e.heldBy : (e) => e.key;
    return COMPILERS[op](get, value);
  });
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0];
  return (e) => {
    for (const p of preds) if (!p(e)) return false;
    return true;
  };
};

const isComparable = (v: unknown): boolean => typeof v === 'number' || typeof v === 'string';

/** Where a condition is, for messages (built only when there is an error to report). */
const condAt = (type: EntityType<any>, i: number): string => `${type.name} where[${i}]`;

/**
 * Checks conditions against an entity type without compiling them (cheap enough for a `select`
 * yielded in every session); errors name entity, field and operator.
 */
export const checkWhere = (type: EntityType<any>, where: Where<any>): void => {
  if (!Array.isArray(where)) throw new SchemaError(`${type.name} where: conditions must be a list of [field, operator, value]`);
  for (let i = 0; i < where.length; i++) {
    const cond = where[i];
    if (!Array.isArray(cond) || cond.length !== 3) throw new SchemaError(`${condAt(type, i)}: a condition is [field, operator, value]`);
    // Indexed reads, not destructuring (the iterator protocol): this runs for every select yielded.
    const name = cond[0] as string;
    const op = cond[1] as string;
    const value: unknown = cond[2];
    const f = type.state[name];
    if (f === undefined && name !== type.primaryKey && name !== FLOW_NAME) {
      throw new SchemaError(`${condAt(type, i)}: "${name}" is not a state field of ${type.name} (state: ${type.stateNames.join(', ') || 'none'})`);
    }
    switch (op) {
      case 'is':
      case 'is_not':
        if (f !== undefined && !f.codec.is(value)) {
          throw new SchemaError(`${condAt(type, i)}: ${type.name}.${name} is ${f.codec.name}, cannot compare with ${JSON.stringify(value)}`);
        }
        break;
      case 'greater_than':
      case 'less_than':
      case 'greater_or_equal':
      case 'less_or_equal':
        if (!isComparable(value)) throw new SchemaError(`${condAt(type, i)}: "${op}" needs a number or string, got ${JSON.stringify(value)}`);
        break;
      case 'in':
      case 'not_in':
        if (!Array.isArray(value)) throw new SchemaError(`${condAt(type, i)}: "${op}" needs a list of values, got ${JSON.stringify(value)}`);
        break;
      default:
        throw new SchemaError(`${condAt(type, i)}: "${op}" is not an operator (${WHERE_OPERATORS.join(', ')})`);
    }
  }
};

/** A canonical text of conditions, used to share indexes between identical filters. */
export const whereKey = (type: EntityType<any>, where: Where<any>): string => `${type.name}:${JSON.stringify(where)}`;
