/**
 * What the engine checks when it first builds an event of a type, checked when the document is
 * validated instead: a payload field named like an entity's primary key (or bound to an entity)
 * holds that entity's keys, which are strings, so it cannot be an integer or a number field. The
 * engine's own check (`planPayload`) decides; its message is reported at the field.
 *
 * @example
 * checkPayloadPlans(model.events.values(), [...model.entityTypes.values()], problems);
 * // t.yaml:30:7 schemas.Loan.properties.member_id: references Member keys, which are strings, but the field is int; …
 */
import type { EntityType } from '../../entities/entity';
import { planPayload } from '../../engine/payloadPlan';
import { SchemaError } from '../../schema/schemaError';
import type { Problems } from '../configError';
import type { CompiledEvent } from './compileEventType';
import type { FieldType } from '../../schema/generator';
import { yamlTypeName } from './fieldTypes';

/** The entity types an event may save (and so plan its payload for): the one it produces, or none. */
const savedTypes = (ev: CompiledEvent): ReadonlyArray<EntityType<any> | undefined> =>
  ev.produces !== undefined ? [ev.produces] : ev.updatesExisting !== undefined ? [ev.updatesExisting.entity, undefined] : [undefined];

/** Reports each event type whose payload the engine would refuse to build. */
export const checkPayloadPlans = (events: Iterable<CompiledEvent>, entities: ReadonlyArray<EntityType<any>>, p: Problems): void => {
  for (const ev of events) {
    for (const saved of savedTypes(ev)) {
      try {
        planPayload(ev.schema, saved, entities);
      } catch (e) {
        if (!(e instanceof SchemaError)) throw e;
        const field = ev.fields.find(([name]) => e.message.startsWith(`${ev.schema.name}.${name}: `));
        if (field === undefined) p.at(0, `event_types.${ev.name}`, e.message);
        else {
          const [name, { spec }] = field;
          const why = e.message
            .slice(`${ev.schema.name}.${name}: `.length)
            .replace(/the field is (\w+)$/, (_, t: FieldType) => `the field is ${yamlTypeName(t)}`);
          p.at(spec.offset, spec.path, `${why}; a payload field named like an entity's primary key holds its keys: make it type string, or rename it`);
        }
        break;
      }
    }
  }
};
