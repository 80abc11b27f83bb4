/**
 * How an event's payload is filled, decided once per (schema, saved entity) and reused per event:
 * explicit overrides first, then fields bound to entities (a field named like an entity's primary
 * key, or declared with `ref`), then each field's generator.
 *
 * A bound field takes the key of the session's entity of that type; if the session holds none, a
 * random existing one (not locked); if none exists at all, the field's own generator. The primary
 * key of the entity an event saves is always generated (it is the new entity's key).
 *
 * @example
 * const plan = planPayload(ProductAdded, undefined, [User, Product]);
 * plan.fields[0]; // { name: 'user_id', bind: User, generate: … }
 */
import type { EntityType } from '../entities/entity';
import type { EventSchema } from '../schema/event';
import type { Generate } from '../schema/generator';
import { SchemaError } from '../schema/schemaError';

/** One field of the plan. */
export interface PlannedField {
  readonly name: string;
  /** The entity whose key fills this field, if bound. */
  readonly bind: EntityType<any> | undefined;
  readonly generate: Generate;
}

/** The plan of one schema (for one saved entity type or none). */
export interface PayloadPlan {
  readonly schema: EventSchema<any>;
  readonly fields: ReadonlyArray<PlannedField>;
}

/** Builds the plan; `entities` are the simulation's entity types in declaration order. */
export const planPayload = (schema: EventSchema<any>, saved: EntityType<any> | undefined, entities: ReadonlyArray<EntityType<any>>): PayloadPlan => {
  const byKey = new Map<string, EntityType<any>>();
  for (const e of entities) if (!byKey.has(e.primaryKey)) byKey.set(e.primaryKey, e);
  const byName = new Map(entities.map((e) => [e.name, e]));
  const fields = schema.fieldNames.map((name, i): PlannedField => {
    const f = schema.fields[name];
    let bind: EntityType<any> | undefined;
    if (f.ref !== undefined) {
      bind = byName.get(f.ref);
      if (bind === undefined) {
        throw new SchemaError(
          `${schema.name}.${name}: ref "${f.ref}" is not an entity of the simulation (entities: ${[...byName.keys()].join(', ') || 'none'})`,
        );
      }
    } else {
      bind = byKey.get(name);
    }
    if (saved !== undefined && name === saved.primaryKey && (bind === saved || bind === undefined)) bind = undefined;
    if (bind !== undefined && f.type !== 'string' && f.type !== 'json') {
      throw new SchemaError(`${schema.name}.${name}: references ${bind.name} keys, which are strings, but the field is ${f.type}`);
    }
    return { name, bind, generate: schema.generators[i] };
  });
  return { schema, fields };
};
