/**
 * One YAML event type → a `CompiledEvent` (a `StepEvent` the step player plays, plus its name,
 * weight and description): the entities it consumes, produces or updates, its state updates, its
 * `max_active_instances_of_state` cap and the instance it retires (`retires_entity`). An entity
 * that a payload field reads (`from_entity`) and no `consumes_entities` entry covers is consumed
 * implicitly, without a filter.
 *
 * @example
 * const ev = compileEventType('UserLoggedIn', 'event_types.UserLoggedIn', m, fields, schema, compiler);
 * ev?.consumes; // [{ entity: User, alias: 'User', where: [['is_logged_in', 'is', false]], … }]
 */
import type { EntityType } from '../../entities/entity';
import type { EventSchema } from '../../schema/event';
import type { Consume, ItemDraw, MaxActive, StepEvent, Update, ValueOf } from '../../flows/stepEvent';
import type { Problems } from '../configError';
import { child, intAtLeast, mapOf, type MapOf, numberIn, numberOf, own, quote, seqOf, stringOf, suggestion } from '../decode';
import type { FieldSpec } from './fieldSpec';
import type { CompiledField } from './compilePayload';
import { roundTo } from './compilePayload';
import { MAX_WEIGHT } from './limits';
import { accepts, yamlTypeName } from './fieldTypes';
import { toJs, type YNode } from '../yamlTree';

/** An event type ready to be played by a flow step, as the YAML document declares it. */
export interface CompiledEvent extends StepEvent {
  readonly name: string;
  readonly fields: ReadonlyArray<readonly [string, CompiledField]>;
  readonly weight: number | undefined;
  readonly description: string | undefined;
}

/** The keys an event type may have. */
export const EVENT_KEYS = [
  'payload_schema',
  'description',
  'produces_entity',
  'produces_or_updates_entity',
  'update_existing_probability',
  'retires_entity',
  'consumes_entities',
  'updates_entity_state',
  'frequency_weight',
  'max_active_instances_of_state',
];

/** What compiling an event type needs of the model compiler. */
export interface EventTypeScope {
  readonly problems: Problems;
  readonly entityTypes: ReadonlyMap<string, EntityType<any>>;
  /** Entity names declared in the document, compiled or not. */
  readonly declaredEntities: ReadonlySet<string>;
  /** The entity a node names (reported when it names none). */
  entityRef(node: YNode | undefined, path: string): EntityType<any> | undefined;
  /** Decodes a consumes_entities list. */
  consumes(node: YNode | undefined, path: string): Consume[] | undefined;
  /** The `precision` (decimals) of an attribute, if it has one. */
  precisionOf(entityName: string, attribute: string): number | undefined;
}

/**
 * Compiles the event type `name` (its map `m`, its payload `fields` and `schema` compiled
 * already); undefined when it has a mistake (reported).
 */
export const compileEventType = (
  name: string,
  path: string,
  m: MapOf,
  fields: ReadonlyArray<readonly [string, CompiledField]>,
  schema: EventSchema<any> | undefined,
  scope: EventTypeScope,
): CompiledEvent | undefined => {
  const p = scope.problems;
  const consumes = scope.consumes(m.get('consumes_entities'), child(path, 'consumes_entities'));
  const produces = m.get('produces_entity') === undefined ? undefined : scope.entityRef(m.get('produces_entity'), child(path, 'produces_entity'));
  const pou =
    m.get('produces_or_updates_entity') === undefined
      ? undefined
      : scope.entityRef(m.get('produces_or_updates_entity'), child(path, 'produces_or_updates_entity'));
  if (produces !== undefined && pou !== undefined)
    p.at(m.get('produces_or_updates_entity')!.offset, child(path, 'produces_or_updates_entity'), 'use either produces_entity or produces_or_updates_entity');
  const probNode = m.get('update_existing_probability');
  const probability = probNode === undefined ? 0 : numberIn(probNode, child(path, 'update_existing_probability'), p, 0, 1);
  if (probNode !== undefined && m.get('produces_or_updates_entity') === undefined)
    p.at(probNode.offset, child(path, 'update_existing_probability'), 'needs produces_or_updates_entity');
  const weightNode = m.get('frequency_weight');
  const weight = weightNode === undefined ? undefined : numberOf(weightNode, child(path, 'frequency_weight'), p);
  if (weight !== undefined && weight < 0) p.at(weightNode!.offset, child(path, 'frequency_weight'), `expected a number >= 0, got ${weight}`);
  if (weight !== undefined && weight > MAX_WEIGHT)
    p.at(weightNode!.offset, child(path, 'frequency_weight'), `expected a number <= ${MAX_WEIGHT}, got ${weight}`);
  const description = m.get('description') === undefined ? undefined : stringOf(m.get('description'), child(path, 'description'), p);
  const created = produces ?? pou;
  for (const [k, t] of [
    ['produces_entity', produces],
    ['produces_or_updates_entity', pou],
  ] as const) {
    if (t !== undefined && schema !== undefined && own(schema.fields, t.primaryKey) === undefined) {
      p.at(m.get(k)!.offset, child(path, k), `the payload has no field ${quote(t.primaryKey)} (${t.name}'s primary key)`);
    }
  }
  const maxActive = compileMaxActive(m.get('max_active_instances_of_state'), child(path, 'max_active_instances_of_state'), scope);
  if (consumes === undefined || schema === undefined || probability === undefined) return undefined;
  // from_entity references not covered by consumes: an implicit consume without a filter.
  const all = [...consumes];
  const covers = (ref: string): Consume | undefined => all.find((c) => c.alias === ref) ?? all.find((c) => c.entity.name === ref);
  const refsOf = (spec: FieldSpec): string[] => [
    ...(spec.fromEntity === undefined ? [] : [spec.fromEntity.entity]),
    ...(spec.properties ?? []).flatMap(([, f]) => refsOf(f)),
    ...(spec.items === undefined ? [] : refsOf(spec.items)),
  ];
  const items: ItemDraw[] = [];
  for (const [fname, c] of fields) {
    for (const ref of refsOf(c.spec)) {
      if (covers(ref) !== undefined || (created !== undefined && ref === created.name)) continue;
      const t = scope.entityTypes.get(ref);
      if (t !== undefined) all.push({ entity: t, alias: ref, where: [], predicate: () => true, minRequired: 1 });
    }
    if (c.spec.type === 'array' && c.spec.items !== undefined) {
      const ref = refsOf(c.spec.items)[0];
      const consume = ref === undefined ? undefined : covers(ref);
      if (ref !== undefined && consume !== undefined) {
        const min = c.spec.minItems ?? 0;
        items.push({ field: fname, ref, consume, min, max: c.spec.maxItems ?? Math.max(min, 3) });
      }
    }
  }
  const updates = compileUpdates(m.get('updates_entity_state'), child(path, 'updates_entity_state'), all, fields, created, scope);
  const retires =
    m.get('retires_entity') === undefined ? undefined : compileRetires(m.get('retires_entity')!, child(path, 'retires_entity'), all, created, scope);
  if (updates === undefined || retires === null) return undefined;
  return {
    name,
    schema,
    fields,
    consumes: all,
    produces,
    updatesExisting: pou === undefined ? undefined : { entity: pou, probability },
    updates,
    items,
    ...(retires === undefined ? {} : { retires }),
    weight,
    description,
    maxActive,
  };
};

/**
 * `retires_entity`: the consumed instance (by alias, or the first of an entity type) that the
 * event retires after it is emitted; null when it names nothing the event consumes (reported).
 */
const compileRetires = (
  node: YNode,
  path: string,
  consumes: ReadonlyArray<Consume>,
  created: EntityType<any> | undefined,
  scope: EventTypeScope,
): Consume | null => {
  const p = scope.problems;
  const name = stringOf(node, path, p);
  if (name === undefined) return null;
  const c = consumes.find((x) => x.alias === name) ?? consumes.find((x) => x.entity.name === name);
  if (c !== undefined) return c;
  const known = [...consumes.map((x) => x.alias), ...scope.declaredEntities];
  if (created?.name === name) p.at(node.offset, path, `the event produces ${name}; it can retire only an entity it consumes (consumes_entities)`);
  else if (scope.declaredEntities.has(name))
    p.at(node.offset, path, `the event does not consume ${name}: add it to consumes_entities (it retires the instance it consumes)`);
  else
    p.at(
      node.offset,
      path,
      `${quote(name)} is not an entity or an alias of this event${suggestion(name, known) || ` (entities: ${[...scope.declaredEntities].join(', ') || 'none'})`}`,
    );
  return null;
};

/** `max_active_instances_of_state`: entity, attribute, value and max_count. */
const compileMaxActive = (node: YNode | undefined, path: string, scope: EventTypeScope): MaxActive | undefined => {
  if (node === undefined) return undefined;
  const p = scope.problems;
  const m = mapOf(node, path, p, { required: ['entity', 'attribute', 'value', 'max_count'] });
  if (m === undefined) return undefined;
  const t = scope.entityRef(m.get('entity'), child(path, 'entity'));
  const attr = stringOf(m.get('attribute'), child(path, 'attribute'), p);
  const max = intAtLeast(m.get('max_count'), child(path, 'max_count'), p, 0);
  const attribute = t === undefined || attr === undefined ? undefined : own(t.state, attr);
  if (t !== undefined && attr !== undefined && attribute === undefined) {
    p.at(m.get('attribute')!.offset, child(path, 'attribute'), `${quote(attr)} is not a state attribute of ${t.name}${suggestion(attr, t.stateNames)}`);
    return undefined;
  }
  const value = toJs(m.get('value')!);
  if (attribute !== undefined && !attribute.codec.is(value)) {
    p.at(m.get('value')!.offset, child(path, 'value'), `expected ${attribute.codec.name}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (t === undefined || attr === undefined || max === undefined) return undefined;
  return { entity: t, where: [[attr, 'is', value]], max };
};

/** `updates_entity_state`: per entity alias, attributes to set and to increment (constants or payload fields). */
const compileUpdates = (
  node: YNode | undefined,
  path: string,
  consumes: ReadonlyArray<Consume>,
  fields: ReadonlyArray<readonly [string, CompiledField]>,
  created: EntityType<any> | undefined,
  scope: EventTypeScope,
): Update[] | undefined => {
  const p = scope.problems;
  const list = seqOf(node, path, p);
  if (list === undefined) return node === undefined ? [] : undefined;
  const out: Update[] = [];
  const payloadFields = fields.map(([n]) => n);
  let ok = true;
  list.forEach((u, i) => {
    const up = child(path, i);
    const m = mapOf(u, up, p, { required: ['entity_alias'], optional: ['set_attributes', 'increment_attributes'] });
    if (m === undefined) return void (ok = false);
    const alias = stringOf(m.get('entity_alias'), child(up, 'entity_alias'), p);
    if (alias === undefined) return void (ok = false);
    const known = [...consumes.map((c) => c.alias), ...(created === undefined ? [] : [created.name])];
    const type = consumes.find((c) => c.alias === alias)?.entity ?? (created?.name === alias ? created : undefined);
    if (type === undefined) {
      p.at(
        m.get('entity_alias')!.offset,
        child(up, 'entity_alias'),
        `${quote(alias)} is not an alias of this event's entities${suggestion(alias, known) || ` (aliases: ${known.join(', ') || 'none'})`}`,
      );
      return void (ok = false);
    }
    const decodeAttrs = (key: 'set_attributes' | 'increment_attributes'): Array<readonly [string, ValueOf]> => {
      const am = mapOf(m.get(key), child(up, key), p);
      const res: Array<readonly [string, ValueOf]> = [];
      for (const a of am?.entries ?? []) {
        const ap = child(child(up, key), a.key);
        const f = own(type.state, a.key);
        if (f === undefined) {
          p.at(
            a.keyOffset,
            ap,
            `${quote(a.key)} is not a state attribute of ${type.name}${suggestion(a.key, type.stateNames) || ` (state: ${type.stateNames.join(', ')})`}`,
          );
          ok = false;
          continue;
        }
        if (key === 'increment_attributes' && f.type !== 'int' && f.type !== 'float') {
          p.at(a.keyOffset, ap, `cannot increment ${type.name}.${a.key}: it is ${f.type}, not a number`);
          ok = false;
          continue;
        }
        if (a.value.kind === 'map') {
          const vm = mapOf(a.value, ap, p, { required: ['from_payload_field'] });
          const pf = vm === undefined ? undefined : stringOf(vm.get('from_payload_field'), child(ap, 'from_payload_field'), p);
          if (pf === undefined) {
            ok = false;
            continue;
          }
          if (!payloadFields.includes(pf)) {
            p.at(
              vm!.get('from_payload_field')!.offset,
              child(ap, 'from_payload_field'),
              `${quote(pf)} is not a field of the payload${suggestion(pf, payloadFields) || ` (fields: ${payloadFields.join(', ')})`}`,
            );
            ok = false;
            continue;
          }
          const { type: source, spec: sourceSpec } = fields.find(([n]) => n === pf)![1];
          if (key === 'set_attributes' && sourceSpec.nullableProbability > 0 && !f.nullable) {
            const where = child(ap, 'from_payload_field');
            p.at(
              vm!.get('from_payload_field')!.offset,
              where,
              `the payload's ${pf} can be null (nullable_probability), but ${type.name}.${a.key} is not nullable`,
            );
            ok = false;
            continue;
          }
          const fits = accepts(f.type, source) && (key === 'set_attributes' || source === 'int' || source === 'float');
          if (!fits) {
            const needs = key === 'set_attributes' ? yamlTypeName(f.type) : f.type === 'int' ? 'an integer' : 'a number';
            p.at(
              vm!.get('from_payload_field')!.offset,
              child(ap, 'from_payload_field'),
              `the payload's ${pf} is ${yamlTypeName(source)}, but ${type.name}.${a.key} needs ${needs}`,
            );
            ok = false;
            continue;
          }
          res.push([a.key, (payload) => payload[pf]]);
        } else {
          const v = toJs(a.value);
          // An integer attribute is incremented by integers only (the engine refuses 2.5).
          const okValue = key === 'increment_attributes' ? typeof v === 'number' && (f.type !== 'int' || Number.isInteger(v)) : f.codec.is(v);
          if (!okValue) {
            const needs = key === 'set_attributes' ? f.codec.name : f.type === 'int' ? 'an integer' : 'a number';
            p.at(a.value.offset, ap, `expected ${needs}, got ${JSON.stringify(v)}`);
            ok = false;
            continue;
          }
          res.push([a.key, () => v]);
        }
      }
      return res;
    };
    const set = decodeAttrs('set_attributes');
    const increment = decodeAttrs('increment_attributes').map(([k, v]) => [k, v, rounding(scope.precisionOf(type.name, k))] as const);
    out.push({ alias, entity: type, set, increment });
  });
  return ok ? out : undefined;
};

/** Rounding to an attribute's precision, if it has one. */
const rounding = (digits: number | undefined): ((x: number) => number) | undefined => (digits === undefined ? undefined : (x) => roundTo(x, digits));
