/**
 * An event type as the step player (`playEvent`) plays it: the entities it consumes and how it
 * picks them, the payload's producers, the entity it creates or updates, the state changes it
 * makes and the entity it retires. The YAML model format compiles its `event_types` into these (lib/config/yaml); the
 * player only reads them.
 *
 * @example
 * const ev: StepEvent = {
 *   schema: UserLoggedIn, fields: [['user_id', { produce: (g, scope) => scope.entities.get('User')?.key }]],
 *   consumes: [{ entity: User, alias: 'User', where: [], predicate: () => true, minRequired: 1 }],
 *   produces: undefined, updatesExisting: undefined, updates: [], items: [], maxActive: undefined,
 * };
 */
import type { EntityType } from '../entities/entity';
import type { Predicate, Where } from '../entities/where';
import type { EventSchema } from '../schema/event';
import type { GenContext } from '../schema/generator';
import type { EntityView } from './flow';

/** What a producer can see while a payload is built. */
export interface PayloadScope {
  /** The enclosing object's values so far. */
  readonly local: Record<string, unknown>;
  /** The top-level payload's values so far. */
  readonly root: Record<string, unknown>;
  /** Entity instances by entity name and alias. */
  readonly entities: ReadonlyMap<string, EntityView>;
  /** Per top-level array field, the entity instances of each item ("each item its own product"). */
  readonly items: ReadonlyMap<string, ReadonlyArray<ReadonlyMap<string, EntityView>>>;
}

/** Makes a value. */
export type Produce = (g: GenContext, scope: PayloadScope) => unknown;

/** An entity an event consumes: a held one of its type, else one selected by `where`. */
export interface Consume {
  readonly entity: EntityType<any>;
  readonly alias: string;
  readonly where: Where<any>;
  /** `where` as a test, for an instance the session already holds. */
  readonly predicate: Predicate;
  readonly minRequired: number;
}

/** A value read from the payload (or a constant). */
export type ValueOf = (payload: Readonly<Record<string, unknown>>) => unknown;

/** The state changes an event makes to one of its entities. */
export interface Update {
  readonly alias: string;
  readonly entity: EntityType<any>;
  readonly set: ReadonlyArray<readonly [string, ValueOf]>;
  /** Attribute, amount, and how the new value is rounded (the attribute's `precision`), if it is. */
  readonly increment: ReadonlyArray<readonly [string, ValueOf, ((x: number) => number) | undefined]>;
}

/** An array field whose items each take their own instance of a consumed entity. */
export interface ItemDraw {
  readonly field: string;
  readonly ref: string;
  readonly consume: Consume;
  readonly min: number;
  readonly max: number;
}

/** A cap on entities in a state (`max_active_instances_of_state`). */
export interface MaxActive {
  readonly entity: EntityType<any>;
  readonly where: Where<any>;
  readonly max: number;
}

/** An event type ready to be played by a flow step. */
export interface StepEvent {
  readonly schema: EventSchema<any>;
  /** The payload's fields in order, each with its producer. */
  readonly fields: ReadonlyArray<readonly [string, { readonly produce: Produce }]>;
  readonly consumes: ReadonlyArray<Consume>;
  readonly produces: EntityType<any> | undefined;
  readonly updatesExisting: { readonly entity: EntityType<any>; readonly probability: number } | undefined;
  readonly updates: ReadonlyArray<Update>;
  readonly items: ReadonlyArray<ItemDraw>;
  /** `max_active_instances_of_state`: the event is not generated while this many entities are in that state. */
  readonly maxActive: MaxActive | undefined;
  /** The consumed instance the event retires once it is emitted (`retires_entity`), if any. */
  readonly retires?: Consume;
}
