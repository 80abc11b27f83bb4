/**
 * State updates as pure reducers: `(state, update) => state`. Operations are:
 * `is` (set), `add`, `subtract` (numeric fields). They are checked against the entity type when
 * the update is built: unknown fields and values of the wrong type are errors naming the entity.
 *
 * @example
 * const ops = [['is_logged_in', 'is', true], ['login_count', 'add', 1]] as const;
 * checkOps(User, ops);
 * reduceState(User, { is_logged_in: false, login_count: 2 }, ops); // { is_logged_in: true, login_count: 3 }
 */
import type { EntityType } from './entity';
import { SchemaError } from '../schema/schemaError';
import { DeepFakerError } from '../core/errors';

/** Keys of `S` whose values are numbers. */
export type NumericKeys<S> = { [K in keyof S & string]: S[K] extends number | null ? K : never }[keyof S & string];

/** One state operation. */
export type StateOp<S> = { [K in keyof S & string]: readonly [K, 'is', S[K]] }[keyof S & string] | readonly [NumericKeys<S>, 'add' | 'subtract', number];

/** Operation names. */
export const STATE_OPERATIONS = ['is', 'add', 'subtract'] as const;

/** Entity state as the store keeps it (never mutated in place). */
export type StateRecord = Readonly<Record<string, unknown>>;

/** A reducer that cannot apply to the current state (e.g. adding to null). */
export class StateError extends DeepFakerError {
  override readonly name = 'StateError';
}

/** Where an operation is, for messages (built only when there is an error to report). */
const opAt = (type: EntityType<any>, i: number): string => `SetState(${type.name})[${i}]`;

/** Checks state operations against an entity type; errors name the entity, field and value. */
export const checkOps = (type: EntityType<any>, ops: ReadonlyArray<StateOp<any>>): void => {
  if (!Array.isArray(ops)) throw new SchemaError(`SetState(${type.name}): operations must be a list of [field, operation, value]`);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!Array.isArray(op) || op.length !== 3) throw new SchemaError(`${opAt(type, i)}: an operation is [field, operation, value]`);
    // Indexed reads, not destructuring: this runs for every setState a flow yields, and array
    // destructuring goes through the iterator protocol.
    const name = op[0] as string;
    const kind = op[1] as string;
    const value: unknown = op[2];
    const f = type.state[name];
    if (f === undefined)
      throw new SchemaError(`${opAt(type, i)}: "${name}" is not a state field of ${type.name} (state: ${type.stateNames.join(', ') || 'none'})`);
    switch (kind) {
      case 'is':
        if (!f.codec.is(value)) throw new SchemaError(`${opAt(type, i)}: ${type.name}.${name} expects ${f.codec.name}, got ${JSON.stringify(value)}`);
        break;
      case 'add':
      case 'subtract':
        if (f.type !== 'int' && f.type !== 'float')
          throw new SchemaError(`${opAt(type, i)}: "${kind}" needs a numeric field; ${type.name}.${name} is ${f.type}`);
        if (typeof value !== 'number' || !Number.isFinite(value) || (f.type === 'int' && !Number.isInteger(value))) {
          throw new SchemaError(
            `${opAt(type, i)}: "${kind}" on ${type.name}.${name} needs ${f.type === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
          );
        }
        break;
      default:
        throw new SchemaError(`${opAt(type, i)}: "${kind}" is not an operation (${STATE_OPERATIONS.join(', ')})`);
    }
  }
};

/**
 * The reducer: applies checked operations to a state and returns the new state (the old one is
 * not touched). Throws `StateError` when a numeric operation meets a non-number (e.g. null).
 */
export const reduceState = (type: EntityType<any>, state: StateRecord, ops: ReadonlyArray<StateOp<any>>): StateRecord => {
  const next: Record<string, unknown> = { ...state };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as readonly [string, string, unknown];
    const name = op[0];
    const kind = op[1];
    const value = op[2];
    if (kind === 'is') {
      next[name] = value;
    } else {
      const cur = next[name];
      if (typeof cur !== 'number') throw new StateError(`cannot ${kind} ${value} to ${type.name}.${name}: its value is ${JSON.stringify(cur)}`);
      next[name] = roundLikeDecimal(kind === 'add' ? cur + (value as number) : cur - (value as number));
    }
  }
  return next;
};

/** Removes binary floating-point noise from sums of decimals (0.1 + 0.2 → 0.3). */
const roundLikeDecimal = (x: number): number => (Number.isInteger(x) ? x : Math.round(x * 1e9) / 1e9);
