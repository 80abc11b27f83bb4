/**
 * One YAML entity → an `entity()` type. Its engine state is its schema's fields (copied from the
 * event that produces it, or generated when no event produces it) plus its `state_attributes`
 * (a default, `from_field` of the producing event, a generator, or the type's zero value); so a
 * `selection_filter` can test both and `from_entity` can read both.
 *
 * @example
 * const User = compileEntityType(decl, UserRegistered, 'UserRegistered', compiler); // or undefined, reported
 */
import type { EntityType } from '../../entities/entity';
import { entity as entityCtor } from '../../entities/entity';
import type { EventSchema } from '../../schema/event';
import type { FieldDef } from '../../schema/field';
import type { FieldType, GenContext } from '../../schema/generator';
import type { Problems } from '../configError';
import { own, quote, suggestion } from '../decode';
import type { PayloadCompiler } from './compilePayload';
import { emptyScope } from './compilePayload';
import type { EntityDecl } from './entityDecls';
import { FIELD_CTORS, pluggedField } from './pluggedField';
import { accepts, fieldTypeOf, yamlTypeName } from './fieldTypes';
import type { ChurnScope } from './compileChurn';
import { compileChurn } from './compileChurn';

/** What compiling an entity type needs of the model compiler. */
export interface EntityTypeScope extends ChurnScope {
  readonly problems: Problems;
  readonly payloads: PayloadCompiler;
  /** Records which state fields are `state_attributes` (as opposed to copied schema fields). */
  markAttributes(entityName: string, names: ReadonlyArray<string>): void;
  /** Records the `precision` (decimals) of an attribute, which increments round to. */
  setPrecision(entityName: string, attribute: string, digits: number): void;
}

const zeroOf = (type: FieldType): unknown =>
  type === 'boolean' ? false : type === 'int' || type === 'float' ? 0 : type === 'json' ? null : type === 'string' ? '' : null;

/**
 * Compiles the entity `d`, whose source event (the one producing it) is `source` named
 * `sourceName`, if any; undefined when it has a mistake (reported) or one was reported already.
 */
export const compileEntityType = (
  d: EntityDecl,
  source: EventSchema<any> | undefined,
  sourceName: string | undefined,
  scope: EntityTypeScope,
): EntityType<any> | undefined => {
  const p = scope.problems;
  // Already reported: a part of its schema, or of its source event's payload, did not decode.
  if (d.spec.incomplete || (sourceName !== undefined && source === undefined)) return undefined;
  const state: Record<string, FieldDef<any>> = {};
  let keyField: FieldDef<string> | undefined;
  let ok = true;
  for (const [name, spec] of d.spec.properties ?? []) {
    const compiled = scope.payloads.field(spec, name, [], false);
    if (compiled === undefined) {
      ok = false;
      continue;
    }
    const fieldScope = emptyScope();
    const generate = (g: GenContext): unknown => compiled.produce(g, fieldScope);
    if (name === d.primaryKey) {
      if (source === undefined) keyField = pluggedField('string', false, (g) => String(generate(g))) as FieldDef<string>;
      continue;
    }
    const from = source === undefined ? undefined : own(source.fields, name);
    state[name] =
      from !== undefined ? FIELD_CTORS[from.type]({ fromField: name, nullable: from.nullable }) : pluggedField(compiled.type, compiled.nullable, generate);
  }
  scope.markAttributes(
    d.name,
    d.attributes.map(([n]) => n),
  );
  for (const [name, spec] of d.attributes) {
    const type = fieldTypeOf(spec);
    const nullable = spec.nullable === true || (spec.default !== undefined && spec.default.value === null);
    if (spec.precision !== undefined) scope.setPrecision(d.name, name, spec.precision);
    const options: Record<string, unknown> = { nullable };
    if (spec.default !== undefined) {
      const probe = FIELD_CTORS[type]({ nullable });
      if (!probe.codec.is(spec.default.value)) {
        p.at(
          spec.default.offset,
          spec.default.path,
          `expected ${probe.codec.name.replace(/ \| null$/, ' or null')}, got ${JSON.stringify(spec.default.value)}`,
        );
        ok = false;
        continue;
      }
      options.default = spec.default.value;
    } else if (spec.fromField !== undefined) {
      const ff = spec.fromField;
      if (source === undefined) {
        p.at(ff.offset, ff.path, `from_field needs an event type that produces ${d.name} (produces_entity)`);
        ok = false;
        continue;
      }
      const from = own(source.fields, ff.value);
      if (from === undefined) {
        p.at(
          ff.offset,
          ff.path,
          `${quote(ff.value)} is not a field of ${sourceName}'s payload${suggestion(ff.value, source.fieldNames) || ` (fields: ${source.fieldNames.join(', ')})`}`,
        );
        ok = false;
        continue;
      }
      if (spec.type !== undefined && !accepts(type, from.type)) {
        p.at(ff.offset, ff.path, `${sourceName}.${ff.value} is ${yamlTypeName(from.type)}, but ${name} is ${yamlTypeName(type)}`);
        ok = false;
        continue;
      }
      state[name] = FIELD_CTORS[type === 'json' ? 'json' : from.type]({ fromField: ff.value, nullable: nullable || from.nullable });
      continue;
    } else if (nullable) {
      options.default = null;
    } else if (spec.generator !== undefined) {
      const compiled = scope.payloads.field(spec, name, [], false);
      if (compiled === undefined) {
        ok = false;
        continue;
      }
      const fieldScope = emptyScope();
      state[name] = pluggedField(type, nullable, (g) => compiled.produce(g, fieldScope));
      continue;
    } else {
      options.default = zeroOf(type);
      if (options.default === null) options.nullable = true;
    }
    state[name] = FIELD_CTORS[type](options);
  }
  const churn = d.churn === undefined ? undefined : compileChurn(d.churn, d, scope);
  if (!ok || (d.churn !== undefined && churn === undefined)) return undefined;
  try {
    return entityCtor(d.name, {
      source: source ?? null,
      primaryKey: d.primaryKey,
      state,
      ...(keyField === undefined ? {} : { key: keyField }),
      ...(churn === undefined ? {} : { churn }),
      ...(d.shared ? { shared: true } : {}),
    });
  } catch (e) {
    p.at(d.offset, d.path, (e as Error).message);
    return undefined;
  }
};
