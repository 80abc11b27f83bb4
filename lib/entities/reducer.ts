/**
 * State updates as pure reducers: `(state, update) => state`. Operations are the seed's:
 * `is` (set), `add`, `subtract` (numeric fields). They are checked against the entity type when
 * the update is built: unknown fields and values of the wrong type are errors naming the entity.
 *
 * @example
 * const login = compileReducer(User, [['is_logged_in', 'is', true], ['login_count', 'add', 1]]);
 * login({ is_logged_in: false, login_count: 2 }); // { is_logged_in: true, login_count: 3 }
 */
import type { EntityType } from './entity';
import { SchemaError } from '../schema/schemaError';

/** Keys of `S` whose values are numbers. */
export type NumericKeys<S> = { [K in keyof S & string]: S[K] extends number | null ? K : never }[keyof S & string];

/** One state operation. */
export type StateOp<S> =
  | { [K in keyof S & string]: readonly [K, 'is', S[K]] }[keyof S & string]
  | readonly [NumericKeys<S>, 'add' | 'subtract', number];

/** Operation names. */
export const STATE_OPERATIONS = ['is', 'add', 'subtract'] as const;

/** Entity state as the store keeps it (never mutated in place). */
export type StateRecord = Readonly<Record<string, unknown>>;

/** A compiled reducer; throws `StateError` when the current value cannot take the operation. */
export type Reducer = (state: StateRecord) => StateRecord;

/** A reducer that cannot apply to the current state (e.g. adding to null). */
export class StateError extends Error {
  override readonly name = 'StateError';
}

/** Checks and compiles state operations of an entity type into one reducer. */
export const compileReducer = (type: EntityType<any>, ops: ReadonlyArray<StateOp<any>>): Reducer => {
  const steps = ops.map((op, i) => {
    const at = `SetState(${type.name})[${i}]`;
    if (!Array.isArray(op) || op.length !== 3) throw new SchemaError(`${at}: an operation is [field, operation, value]`);
    const [name, kind, value] = op as readonly [string, string, unknown];
    const f = type.state[name];
    if (f === undefined) throw new SchemaError(`${at}: "${name}" is not a state field of ${type.name} (state: ${type.stateNames.join(', ') || 'none'})`);
    switch (kind) {
      case 'is':
        if (!f.codec.is(value)) throw new SchemaError(`${at}: ${type.name}.${name} expects ${f.codec.name}, got ${JSON.stringify(value)}`);
        return { name, kind: 'is' as const, value };
      case 'add':
      case 'subtract':
        if (f.type !== 'int' && f.type !== 'float') throw new SchemaError(`${at}: "${kind}" needs a numeric field; ${type.name}.${name} is ${f.type}`);
        if (typeof value !== 'number' || !Number.isFinite(value) || (f.type === 'int' && !Number.isInteger(value))) {
          throw new SchemaError(`${at}: "${kind}" on ${type.name}.${name} needs ${f.type === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
        }
        return { name, kind: 'delta' as const, value: kind === 'add' ? value : -value };
      default:
        throw new SchemaError(`${at}: "${kind}" is not an operation (${STATE_OPERATIONS.join(', ')})`);
    }
  });
  return (state) => {
    const next: Record<string, unknown> = { ...state };
    for (const s of steps) {
      if (s.kind === 'is') {
        next[s.name] = s.value;
      } else {
        const cur = next[s.name];
        if (typeof cur !== 'number') throw new StateError(`cannot add to ${type.name}.${s.name}: its value is ${JSON.stringify(cur)}`);
        next[s.name] = roundLikeDecimal(cur + (s.value as number));
      }
    }
    return next;
  };
};

/** Removes binary floating-point noise from sums of decimals (0.1 + 0.2 → 0.3). */
const roundLikeDecimal = (x: number): number => (Number.isInteger(x) ? x : Math.round(x * 1e9) / 1e9);
