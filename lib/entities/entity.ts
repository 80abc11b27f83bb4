/**
 * Entities: the stateful things of a simulation (User, Product, Account…). An entity has a primary
 * key, optionally a source event that creates it, and managed state fields.
 *
 * A state field's initial value is, in this order: its `default` (may be `null`), the source-event
 * field named by `fromField`, else a generated value (its hint, or a default from name and type).
 * Entities without a source event get their key from `key` (default: a UUID). An entity lives until
 * a flow retires it (`retire`, `newEvent(…, { retireEntity })`) or its type's `churn` does.
 *
 * @example
 * const User = entity('User', {
 *   source: AccountCreated,
 *   primaryKey: 'user_id',
 *   state: {
 *     is_logged_in: field.boolean({ default: false }),
 *     cart_id: field.string({ default: null }),
 *     total_orders: field.int({ default: 0 }),
 *   },
 * });
 * type UserState = StateOf<typeof User>;
 */
import type { EventSchema, Fields, PayloadFrom } from '../schema/event';
import type { FieldDef } from '../schema/field';
import { field as fieldCtor } from '../schema/field';
import type { Generate } from '../schema/generator';
import { compileFieldGenerator } from '../schema/compileField';
import { SchemaError } from '../schema/schemaError';
import type { ChurnOptions, ChurnRule } from './churnRule';
import { churnRule } from './churnRule';

/** The implicit state field naming the session that holds an entity (null when available). */
export const FLOW_NAME = 'flow_name';

/** An entity type. `S` is the static type of its state. */
export interface EntityType<S extends object = Record<string, unknown>> {
  readonly _tag: 'Entity';
  readonly name: string;
  readonly primaryKey: string;
  readonly source: EventSchema<any> | undefined;
  /** Generator of keys for entities created without a source event. */
  readonly keyGenerator: Generate;
  readonly state: Fields;
  readonly stateNames: ReadonlyArray<string>;
  /** How each state field gets its initial value, in `stateNames` order. */
  readonly init: ReadonlyArray<StateInit>;
  /** How the engine retires entities of the type on its own (`churn`), if it does. */
  readonly churn?: ChurnRule;
  /**
   * Every shard of a sharded run starts with the same initial entities of this type (a catalogue,
   * instruments, tenants), made from the model's seed; only shard 0 emits their source events.
   */
  readonly shared?: boolean;
  /** Phantom: the state type. */
  readonly _S?: S;
}

/** How one state field is initialised. */
export type StateInit =
  | { readonly _tag: 'Default'; readonly name: string; readonly value: unknown }
  | { readonly _tag: 'FromField'; readonly name: string; readonly field: string }
  | { readonly _tag: 'Generate'; readonly name: string; readonly generate: Generate };

/** The state type of an entity type. */
export type StateOf<E> = E extends EntityType<infer S> ? S : never;

/** Options of `entity()`. */
export interface EntityOptions<F extends Fields> {
  /** The event whose payload creates this entity (`saveEntity`), if any. */
  readonly source?: EventSchema<any> | null;
  /** Name of the key: a field of the source event, or of generated keys. */
  readonly primaryKey: string;
  /** Generator of keys when there is no source event (default: UUID v4). */
  readonly key?: FieldDef<string>;
  readonly state?: F;
  /** Retire entities on their own: after `inactiveFor` idle, or beyond `maxLive` live (see churnRule.ts). */
  readonly churn?: ChurnOptions<PayloadFrom<F>>;
  /**
   * The same initial entities in every shard of a sharded run (see `EntityType.shared`): for the
   * types flows look up but that belong to no one part of the world. Default false.
   */
  readonly shared?: boolean;
}

/** Defines an entity type. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no state fields unless given
export const entity = <F extends Fields = {}>(name: string, options: EntityOptions<F>): EntityType<PayloadFrom<F>> => {
  const { primaryKey } = options;
  const source = options.source ?? undefined;
  const state: Fields = options.state ?? {};
  if (source !== undefined && source.fields[primaryKey] === undefined) {
    throw new SchemaError(`${name}: primaryKey "${primaryKey}" is not a field of its source event ${source.name} (fields: ${source.fieldNames.join(', ')})`);
  }
  const stateNames = Object.keys(state);
  const init = stateNames.map((s): StateInit => {
    const f = state[s];
    const where = `${name}.state.${s}`;
    if (s === FLOW_NAME) throw new SchemaError(`${where}: "${FLOW_NAME}" is implicit state (the session holding the entity); choose another name`);
    if (s === primaryKey) throw new SchemaError(`${where}: the primary key is not a state field`);
    if (f?._tag !== 'Field') throw new SchemaError(`${where}: not a field definition (use field.string(), field.int(), …)`);
    if (f.hasDefault) return { _tag: 'Default', name: s, value: f.default };
    if (f.fromField !== undefined) {
      if (source === undefined) throw new SchemaError(`${where}: fromField "${f.fromField}" needs a source event`);
      const from = source.fields[f.fromField];
      if (from === undefined) {
        throw new SchemaError(`${where}: fromField "${f.fromField}" is not a field of ${source.name} (fields: ${source.fieldNames.join(', ')})`);
      }
      if (from.type !== f.type && !(f.type === 'json' || (from.type === 'int' && f.type === 'float'))) {
        throw new SchemaError(`${where}: is ${f.type} but ${source.name}.${f.fromField} is ${from.type}`);
      }
      return { _tag: 'FromField', name: s, field: f.fromField };
    }
    return { _tag: 'Generate', name: s, generate: compileFieldGenerator(f, where, s) };
  });
  const keyField = options.key ?? fieldCtor.string({ faker: 'uuid4' });
  const churn = options.churn === undefined ? undefined : churnRule(name, primaryKey, options.churn);
  return {
    _tag: 'Entity',
    name,
    primaryKey,
    source,
    keyGenerator: compileFieldGenerator(keyField, `${name}.${primaryKey}`, primaryKey),
    state,
    stateNames,
    init,
    ...(churn === undefined ? {} : { churn }),
    ...(options.shared === true ? { shared: true } : {}),
  };
};
