/**
 * The YAML document → the builder's model: event schemas (`event()`), entity types (`entity()`),
 * one flow per event type with a `frequency_weight` and one per scenario, all in a `Simulation`.
 * No second engine: flows are generator functions yielding the ordinary actions (`select`,
 * `newEvent`, `setState`, `wait`).
 *
 * Decisions where the seed leaves room (README "YAML configuration"):
 * - An entity's engine state is its schema's fields (copied from the producing event, or generated
 *   when no event produces it) plus its `state_attributes`; so `selection_filter` can test both
 *   (`state.x` for attributes, plain names for schema fields) and `from_entity` can read both.
 * - A session's entities flow from step to step: a step that consumes an entity type the session
 *   already holds uses that instance (and ends the session if it no longer passes the filter);
 *   otherwise it selects (and holds) a matching one.
 *
 * @example
 * const sim = compileModel(tree, problems); // a Simulation, or undefined with problems reported
 */
import type { EntityType } from '../../entities/entity';
import { entity as entityCtor, FLOW_NAME } from '../../entities/entity';
import type { Predicate, Where, WhereOperator } from '../../entities/where';
import { compileWhere } from '../../entities/where';
import type { EventSchema, Fields } from '../../schema/event';
import { event } from '../../schema/event';
import type { FieldDef } from '../../schema/field';
import { field as fieldCtor } from '../../schema/field';
import type { FieldType, GenContext } from '../../schema/generator';
import { SYSTEM_FIELDS } from '../../core/simEvent';
import type { Action, SetState } from '../../flows/actions';
import { newEvent, select, setState, wait } from '../../flows/actions';
import type { EntityView, FlowContext } from '../../flows/flow';
import type { StateOp } from '../../entities/reducer';
import type { Problems } from './configError';
import { child, intAtLeast, mapOf, numberIn, numberOf, oneOf, seqOf, stringOf, suggestion, type MapOf } from './decode';
import type { FieldSpec, SchemaTable } from './fieldSpec';
import type { CompiledField, EntityInfo, PayloadCompiler, PayloadScope } from './compilePayload';
import { emptyScope, roundTo } from './compilePayload';
import { toJs, type YNode } from './yamlTree';

// ---------------------------------------------------------------------------------------------
// plugging compiled producers into field definitions
// ---------------------------------------------------------------------------------------------

const FIELD_CTORS: Record<FieldType, (o: Record<string, unknown>) => FieldDef<any>> = {
  string: (o) => fieldCtor.string(o),
  int: (o) => fieldCtor.int(o),
  float: (o) => fieldCtor.float(o),
  boolean: (o) => fieldCtor.boolean(o),
  datetime: (o) => fieldCtor.datetime(o),
  json: (o) => fieldCtor.json(o),
};

/** A field definition generating with `generate`. */
const pluggedField = (type: FieldType, nullable: boolean, generate: (g: GenContext) => unknown, description?: string): FieldDef<any> =>
  FIELD_CTORS[type]({ generate, nullable, ...(description === undefined ? {} : { description }) });

/**
 * Standalone generators for an event's fields (used by the engine when it builds a payload
 * itself: the source events of initial entities). Fields are generated in order, so `derived`
 * and `conditional_choice` read the values generated just before them.
 */
const standaloneGenerators = (fields: ReadonlyArray<readonly [string, CompiledField]>): Array<(g: GenContext) => unknown> => {
  let scope: PayloadScope = emptyScope();
  let last = Infinity;
  return fields.map(([name, c], i) => (g: GenContext) => {
    if (i <= last) scope = emptyScope();
    last = i;
    const v = c.produce(g, scope);
    scope.root[name] = v;
    return v;
  });
};

// ---------------------------------------------------------------------------------------------
// model of a compiled document
// ---------------------------------------------------------------------------------------------

interface EntityDecl {
  readonly name: string;
  readonly offset: number;
  readonly path: string;
  readonly spec: FieldSpec;
  readonly primaryKey: string;
  readonly attributes: ReadonlyArray<readonly [string, FieldSpec]>;
}

interface Consume {
  readonly entity: EntityType<any>;
  readonly alias: string;
  readonly where: Where<any>;
  readonly predicate: Predicate;
  readonly minRequired: number;
}

type ValueOf = (payload: Readonly<Record<string, unknown>>) => unknown;

interface Update {
  readonly alias: string;
  readonly entity: EntityType<any>;
  readonly set: ReadonlyArray<readonly [string, ValueOf]>;
  readonly increment: ReadonlyArray<readonly [string, ValueOf, number | undefined]>;
}

interface ItemDraw {
  readonly field: string;
  readonly ref: string;
  readonly consume: Consume;
  readonly min: number;
  readonly max: number;
}

/** An event type ready to be played by a flow step. */
export interface CompiledEvent {
  readonly name: string;
  readonly schema: EventSchema<any>;
  readonly fields: ReadonlyArray<readonly [string, CompiledField]>;
  readonly consumes: ReadonlyArray<Consume>;
  readonly produces: EntityType<any> | undefined;
  readonly updatesExisting: { readonly entity: EntityType<any>; readonly probability: number } | undefined;
  readonly updates: ReadonlyArray<Update>;
  readonly items: ReadonlyArray<ItemDraw>;
  readonly weight: number | undefined;
  readonly description: string | undefined;
  /** `max_active_instances_of_state`: the event is not generated while this many entities are in that state. */
  readonly maxActive: MaxActive | undefined;
}

/** A cap on entities in a state (`max_active_instances_of_state`). */
export interface MaxActive {
  readonly entity: EntityType<any>;
  readonly where: Where<any>;
  readonly max: number;
}

const OPERATORS: Readonly<Record<string, WhereOperator>> = {
  equals: 'is',
  not_equals: 'is_not',
  greater_than: 'greater_than',
  less_than: 'less_than',
  greater_than_or_equal: 'greater_or_equal',
  less_than_or_equal: 'less_or_equal',
  in: 'in',
  not_in: 'not_in',
};

const EVENT_KEYS = [
  'payload_schema', 'description', 'produces_entity', 'produces_or_updates_entity', 'update_existing_probability',
  'consumes_entities', 'updates_entity_state', 'frequency_weight', 'max_active_instances_of_state',
];

const zeroOf = (type: FieldType): unknown =>
  type === 'boolean' ? false : type === 'int' || type === 'float' ? 0 : type === 'json' ? null : type === 'string' ? '' : null;

// ---------------------------------------------------------------------------------------------
// the compiler
// ---------------------------------------------------------------------------------------------

/** Compiles entities and event types of one document. */
export class ModelCompiler {
  readonly entityTypes = new Map<string, EntityType<any>>();
  readonly events = new Map<string, CompiledEvent>();
  /** Names declared in the document, compiled or not (a failed one is not reported again where used). */
  readonly declaredEntities = new Set<string>();
  readonly declaredEvents = new Set<string>();
  /** Increment precision per entity and attribute. */
  private readonly precision = new Map<string, number>();

  constructor(
    private readonly problems: Problems,
    private readonly table: SchemaTable,
    private readonly payloads: PayloadCompiler,
    declaredEntities: Iterable<string>,
  ) {
    for (const n of declaredEntities) this.declaredEntities.add(n);
  }

  /** Decodes `entities` (first pass: what `from_entity` and filters may refer to). */
  static entityDecls(node: YNode | undefined, table: SchemaTable, problems: Problems): EntityDecl[] {
    const out: EntityDecl[] = [];
    for (const e of mapOf(node, 'entities', problems)?.entries ?? []) {
      const path = child('entities', e.key);
      const m = mapOf(e.value, path, problems, { required: ['schema', 'primary_key'], optional: ['state_attributes', 'description'] });
      if (m === undefined) continue;
      const ref = stringOf(m.get('schema'), child(path, 'schema'), problems);
      const spec = ref === undefined ? undefined : table.resolve(ref, m.get('schema')!.offset, child(path, 'schema'));
      const pk = stringOf(m.get('primary_key'), child(path, 'primary_key'), problems);
      if (spec === undefined || pk === undefined) continue;
      if (spec.type !== 'object' || spec.properties === undefined) {
        problems.at(m.get('schema')!.offset, child(path, 'schema'), `${ref} is not an object schema with properties`);
        continue;
      }
      const props = spec.properties.map(([n]) => n);
      if (!props.includes(pk) && !spec.incomplete) {
        problems.at(m.get('primary_key')!.offset, child(path, 'primary_key'), `"${pk}" is not a field of ${ref}${suggestion(pk, props) || ` (fields: ${props.join(', ')})`}`);
        continue;
      }
      const attributes: Array<readonly [string, FieldSpec]> = [];
      const am = mapOf(m.get('state_attributes'), child(path, 'state_attributes'), problems);
      for (const a of am?.entries ?? []) {
        const ap = child(child(path, 'state_attributes'), a.key);
        if (props.includes(a.key) || a.key === FLOW_NAME) {
          problems.at(a.keyOffset, ap, a.key === FLOW_NAME ? `"${FLOW_NAME}" is reserved (the session holding the entity)` : `"${a.key}" is already a field of the entity's schema`);
          continue;
        }
        const s = table.field(a.value, ap, a.key, true);
        if (s !== undefined) attributes.push([a.key, s]);
      }
      out.push({ name: e.key, offset: e.keyOffset, path, spec, primaryKey: pk, attributes });
    }
    return out;
  }

  /** Entity info for `from_entity` checks. */
  static infoOf(d: EntityDecl): EntityInfo {
    return { name: d.name, primaryKey: d.primaryKey, incomplete: d.spec.incomplete, fields: [...(d.spec.properties ?? []).map(([n]) => n).filter((n) => n !== d.primaryKey), ...d.attributes.map(([n]) => n)] };
  }

  /** Compiles event types and entities. */
  compile(eventTypes: YNode | undefined, decls: ReadonlyArray<EntityDecl>): void {
    const p = this.problems;
    const etm = mapOf(eventTypes, 'event_types', p);
    for (const e of etm?.entries ?? []) this.declaredEvents.add(e.key);
    // Pass 1: payload schemas.
    const payloads = new Map<string, { m: MapOf; fields: Array<readonly [string, CompiledField]>; schema: EventSchema<any> | undefined }>();
    for (const e of etm?.entries ?? []) {
      const path = child('event_types', e.key);
      const m = mapOf(e.value, path, p, { required: ['payload_schema'], optional: EVENT_KEYS });
      if (m === undefined) continue;
      const ref = stringOf(m.get('payload_schema'), child(path, 'payload_schema'), p);
      const spec = ref === undefined ? undefined : this.table.resolve(ref, m.get('payload_schema')!.offset, child(path, 'payload_schema'));
      if (spec === undefined) {
        payloads.set(e.key, { m, fields: [], schema: undefined });
        continue;
      }
      if (spec.type !== 'object' || spec.properties === undefined) {
        p.at(m.get('payload_schema')!.offset, child(path, 'payload_schema'), `${ref} is not an object schema with properties`);
        payloads.set(e.key, { m, fields: [], schema: undefined });
        continue;
      }
      for (const [name, f] of spec.properties) {
        if ((SYSTEM_FIELDS as ReadonlyArray<string>).includes(name)) {
          p.at(f.offset, f.path, `"${name}" is a system field of every event (${SYSTEM_FIELDS.join(', ')}); rename the payload field`);
        }
      }
      const fields = this.payloads.properties(spec, [], true);
      let schema: EventSchema<any> | undefined;
      if (fields.length === spec.properties.length && !spec.properties.some(([n]) => (SYSTEM_FIELDS as ReadonlyArray<string>).includes(n))) {
        const gens = standaloneGenerators(fields);
        const defs: Record<string, FieldDef<any>> = {};
        fields.forEach(([name, c], i) => (defs[name] = pluggedField(c.type, c.nullable || c.spec.fromEntity !== undefined, gens[i], c.spec.description)));
        try {
          schema = event(e.key, defs as Fields);
        } catch (err) {
          p.at(e.keyOffset, path, (err as Error).message);
        }
      }
      payloads.set(e.key, { m, fields, schema });
    }
    // Pass 2: entities (their source events are now known).
    const sourceOf = new Map<string, string>();
    for (const [name, { m }] of payloads) {
      for (const k of ['produces_entity', 'produces_or_updates_entity']) {
        const v = m.get(k);
        if (v?.kind === 'scalar' && typeof v.value === 'string' && !sourceOf.has(v.value)) sourceOf.set(v.value, name);
      }
    }
    for (const d of decls) this.entity(d, sourceOf.has(d.name) ? payloads.get(sourceOf.get(d.name)!)?.schema : undefined, sourceOf.get(d.name));
    // Pass 3: event types.
    for (const [name, { m, fields, schema }] of payloads) {
      const ev = this.eventType(name, child('event_types', name), m, fields, schema);
      if (ev !== undefined) this.events.set(name, ev);
    }
  }

  private entity(d: EntityDecl, source: EventSchema<any> | undefined, sourceName: string | undefined): void {
    const p = this.problems;
    // Already reported: a part of its schema, or of its source event's payload, did not decode.
    if (d.spec.incomplete || (sourceName !== undefined && source === undefined)) return;
    const state: Record<string, FieldDef<any>> = {};
    let keyField: FieldDef<string> | undefined;
    let ok = true;
    for (const [name, spec] of d.spec.properties ?? []) {
      const compiled = this.payloads.field(spec, name, [], false);
      if (compiled === undefined) {
        ok = false;
        continue;
      }
      const scope = emptyScope();
      const generate = (g: GenContext): unknown => compiled.produce(g, scope);
      if (name === d.primaryKey) {
        if (source === undefined) keyField = pluggedField(compiled.type === 'json' ? 'string' : 'string', false, (g) => String(generate(g))) as FieldDef<string>;
        continue;
      }
      const from = source?.fields[name];
      state[name] = from !== undefined
        ? FIELD_CTORS[from.type]({ fromField: name, nullable: from.nullable })
        : pluggedField(compiled.type, compiled.nullable, generate);
    }
    this.markAttributes(d.name, d.attributes.map(([n]) => n));
    for (const [name, spec] of d.attributes) {
      const type: FieldType = spec.type === undefined ? 'json' : spec.type === 'string' && spec.format === 'iso8601' ? 'datetime' : spec.type === 'integer' ? 'int' : spec.type === 'number' ? 'float' : spec.type === 'boolean' ? 'boolean' : spec.type === 'string' ? 'string' : 'json';
      const nullable = spec.nullable === true || (spec.default !== undefined && spec.default.value === null);
      if (spec.precision !== undefined) this.precision.set(`${d.name}.${name}`, spec.precision);
      const options: Record<string, unknown> = { nullable };
      if (spec.default !== undefined) {
        const probe = FIELD_CTORS[type]({ nullable });
        if (!probe.codec.is(spec.default.value)) {
          p.at(spec.default.offset, spec.default.path, `expected ${probe.codec.name.replace(/ \| null$/, ' or null')}, got ${JSON.stringify(spec.default.value)}`);
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
        const from = source.fields[ff.value];
        if (from === undefined) {
          p.at(ff.offset, ff.path, `"${ff.value}" is not a field of ${sourceName}'s payload${suggestion(ff.value, source.fieldNames) || ` (fields: ${source.fieldNames.join(', ')})`}`);
          ok = false;
          continue;
        }
        state[name] = FIELD_CTORS[type === 'json' ? 'json' : from.type]({ fromField: ff.value, nullable: nullable || from.nullable });
        continue;
      } else if (nullable) {
        options.default = null;
      } else if (spec.generator !== undefined) {
        const compiled = this.payloads.field(spec, name, [], false);
        if (compiled === undefined) {
          ok = false;
          continue;
        }
        const scope = emptyScope();
        state[name] = pluggedField(type, nullable, (g) => compiled.produce(g, scope));
        continue;
      } else {
        options.default = zeroOf(type);
        if (options.default === null) options.nullable = true;
      }
      state[name] = FIELD_CTORS[type](options);
    }
    if (!ok) return;
    try {
      this.entityTypes.set(d.name, entityCtor(d.name, { source: source ?? null, primaryKey: d.primaryKey, state, ...(keyField === undefined ? {} : { key: keyField }) }));
    } catch (e) {
      p.at(d.offset, d.path, (e as Error).message);
    }
  }

  private entityRef(node: YNode | undefined, path: string): EntityType<any> | undefined {
    const name = stringOf(node, path, this.problems);
    if (name === undefined || node === undefined) return undefined;
    const t = this.entityTypes.get(name);
    if (t === undefined && !this.declaredEntities.has(name)) {
      this.problems.at(node.offset, path, `"${name}" is not an entity${suggestion(name, this.declaredEntities) || ` (entities: ${[...this.declaredEntities].join(', ') || 'none'})`}`);
    }
    return t;
  }

  /** Decodes a selection filter into where-conditions on the entity's engine state. */
  selectionFilter(node: YNode | undefined, path: string, type: EntityType<any>): Where<any> | undefined {
    const p = this.problems;
    const list = seqOf(node, path, p);
    if (list === undefined) return node === undefined ? [] : undefined;
    const where: Array<readonly [string, WhereOperator, unknown]> = [];
    let ok = true;
    list.forEach((c, i) => {
      const cp = child(path, i);
      const m = mapOf(c, cp, p, { required: ['field', 'operator', 'value'] });
      if (m === undefined) return void (ok = false);
      const f = stringOf(m.get('field'), child(cp, 'field'), p);
      const op = oneOf(m.get('operator'), child(cp, 'operator'), p, Object.keys(OPERATORS), 'an operator');
      if (f === undefined || m.get('value') === undefined) return void (ok = false);
      const value = toJs(m.get('value')!);
      let name = f;
      const attrs = type.stateNames.filter((n) => this.isAttribute(type, n));
      const schemaFields = [type.primaryKey, ...type.stateNames.filter((n) => !this.isAttribute(type, n))];
      if (f.startsWith('state.')) {
        name = f.slice('state.'.length);
        if (!attrs.includes(name)) {
          p.at(m.get('field')!.offset, child(cp, 'field'), `"${name}" is not a state attribute of ${type.name}${suggestion(name, attrs) ? suggestion(name, attrs).replace('"', '"state.') : ` (state attributes: ${attrs.join(', ') || 'none'})`}`);
          return void (ok = false);
        }
      } else if (!schemaFields.includes(f)) {
        const asAttr = attrs.includes(f) ? `; did you mean "state.${f}"?` : suggestion(f, schemaFields);
        p.at(m.get('field')!.offset, child(cp, 'field'), `"${f}" is not a field of ${type.name}'s schema${asAttr || ` (fields: ${schemaFields.join(', ')})`}`);
        return void (ok = false);
      }
      if (op === undefined) return void (ok = false);
      const cond = [name, OPERATORS[op], value] as const;
      try {
        compileWhere(type, [cond]);
        where.push(cond);
      } catch (e) {
        p.at(m.get('value')!.offset, child(cp, 'value'), (e as Error).message.replace(/^.*where\[0\]: /, ''));
        ok = false;
      }
    });
    return ok ? where : undefined;
  }

  private attributeSets = new Map<string, Set<string>>();

  /** Records which state fields are `state_attributes` (as opposed to copied schema fields). */
  markAttributes(entityName: string, names: ReadonlyArray<string>): void {
    this.attributeSets.set(entityName, new Set(names));
  }

  private isAttribute(type: EntityType<any>, name: string): boolean {
    return this.attributeSets.get(type.name)?.has(name) ?? false;
  }

  /** Decodes a consumes_entities / requires_initial_entities list. */
  consumes(node: YNode | undefined, path: string): Consume[] | undefined {
    const p = this.problems;
    const list = seqOf(node, path, p);
    if (list === undefined) return node === undefined ? [] : undefined;
    const out: Consume[] = [];
    const aliases = new Set<string>();
    let ok = true;
    list.forEach((c, i) => {
      const cp = child(path, i);
      const m = mapOf(c, cp, p, { required: ['name'], optional: ['alias', 'selection_filter', 'min_required'] });
      if (m === undefined) return void (ok = false);
      const type = this.entityRef(m.get('name'), child(cp, 'name'));
      const alias = m.get('alias') === undefined ? undefined : stringOf(m.get('alias'), child(cp, 'alias'), p);
      const minRequired = m.get('min_required') === undefined ? 1 : intAtLeast(m.get('min_required'), child(cp, 'min_required'), p, 1);
      if (type === undefined || minRequired === undefined) return void (ok = false);
      const a = alias ?? type.name;
      if (aliases.has(a)) p.at((m.get('alias') ?? c).offset, child(cp, 'alias'), `alias "${a}" is used twice`);
      aliases.add(a);
      const where = this.selectionFilter(m.get('selection_filter'), child(cp, 'selection_filter'), type);
      if (where === undefined) return void (ok = false);
      out.push({ entity: type, alias: a, where, predicate: compileWhere(type, where), minRequired });
    });
    return ok ? out : undefined;
  }

  private eventType(
    name: string,
    path: string,
    m: MapOf,
    fields: ReadonlyArray<readonly [string, CompiledField]>,
    schema: EventSchema<any> | undefined,
  ): CompiledEvent | undefined {
    const p = this.problems;
    const consumes = this.consumes(m.get('consumes_entities'), child(path, 'consumes_entities'));
    const produces = m.get('produces_entity') === undefined ? undefined : this.entityRef(m.get('produces_entity'), child(path, 'produces_entity'));
    const pou = m.get('produces_or_updates_entity') === undefined ? undefined : this.entityRef(m.get('produces_or_updates_entity'), child(path, 'produces_or_updates_entity'));
    if (produces !== undefined && pou !== undefined) p.at(m.get('produces_or_updates_entity')!.offset, child(path, 'produces_or_updates_entity'), 'use either produces_entity or produces_or_updates_entity');
    const probNode = m.get('update_existing_probability');
    const probability = probNode === undefined ? 0 : numberIn(probNode, child(path, 'update_existing_probability'), p, 0, 1);
    if (probNode !== undefined && m.get('produces_or_updates_entity') === undefined) p.at(probNode.offset, child(path, 'update_existing_probability'), 'needs produces_or_updates_entity');
    const weightNode = m.get('frequency_weight');
    const weight = weightNode === undefined ? undefined : numberOf(weightNode, child(path, 'frequency_weight'), p);
    if (weight !== undefined && weight < 0) p.at(weightNode!.offset, child(path, 'frequency_weight'), `expected a number >= 0, got ${weight}`);
    const description = m.get('description') === undefined ? undefined : stringOf(m.get('description'), child(path, 'description'), p);
    const created = produces ?? pou;
    for (const [k, t] of [['produces_entity', produces], ['produces_or_updates_entity', pou]] as const) {
      if (t !== undefined && schema !== undefined && schema.fields[t.primaryKey] === undefined) {
        p.at(m.get(k)!.offset, child(path, k), `the payload has no field "${t.primaryKey}" (${t.name}'s primary key)`);
      }
    }
    const maxActive = this.maxActive(m.get('max_active_instances_of_state'), child(path, 'max_active_instances_of_state'));
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
        const t = this.entityTypes.get(ref);
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
    const updates = this.updates(m.get('updates_entity_state'), child(path, 'updates_entity_state'), all, fields, created);
    if (updates === undefined) return undefined;
    return {
      name,
      schema,
      fields,
      consumes: all,
      produces,
      updatesExisting: pou === undefined ? undefined : { entity: pou, probability },
      updates,
      items,
      weight,
      description,
      maxActive,
    };
  }

  private maxActive(node: YNode | undefined, path: string): MaxActive | undefined {
    if (node === undefined) return undefined;
    const m = mapOf(node, path, this.problems, { required: ['entity', 'attribute', 'value', 'max_count'] });
    if (m === undefined) return undefined;
    const t = this.entityRef(m.get('entity'), child(path, 'entity'));
    const attr = stringOf(m.get('attribute'), child(path, 'attribute'), this.problems);
    const max = intAtLeast(m.get('max_count'), child(path, 'max_count'), this.problems, 0);
    if (t !== undefined && attr !== undefined && t.state[attr] === undefined) {
      this.problems.at(m.get('attribute')!.offset, child(path, 'attribute'), `"${attr}" is not a state attribute of ${t.name}${suggestion(attr, t.stateNames)}`);
      return undefined;
    }
    const value = toJs(m.get('value')!);
    if (t !== undefined && attr !== undefined && !t.state[attr].codec.is(value)) {
      this.problems.at(m.get('value')!.offset, child(path, 'value'), `expected ${t.state[attr].codec.name}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    if (t === undefined || attr === undefined || max === undefined) return undefined;
    return { entity: t, where: [[attr, 'is', value]], max };
  }

  private updates(
    node: YNode | undefined,
    path: string,
    consumes: ReadonlyArray<Consume>,
    fields: ReadonlyArray<readonly [string, CompiledField]>,
    created: EntityType<any> | undefined,
  ): Update[] | undefined {
    const p = this.problems;
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
        p.at(m.get('entity_alias')!.offset, child(up, 'entity_alias'), `"${alias}" is not an alias of this event's entities${suggestion(alias, known) || ` (aliases: ${known.join(', ') || 'none'})`}`);
        return void (ok = false);
      }
      const decodeAttrs = (key: 'set_attributes' | 'increment_attributes'): Array<readonly [string, ValueOf]> => {
        const am = mapOf(m.get(key), child(up, key), p);
        const res: Array<readonly [string, ValueOf]> = [];
        for (const a of am?.entries ?? []) {
          const ap = child(child(up, key), a.key);
          const f = type.state[a.key];
          if (f === undefined) {
            p.at(a.keyOffset, ap, `"${a.key}" is not a state attribute of ${type.name}${suggestion(a.key, type.stateNames) || ` (state: ${type.stateNames.join(', ')})`}`);
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
              p.at(vm!.get('from_payload_field')!.offset, child(ap, 'from_payload_field'), `"${pf}" is not a field of the payload${suggestion(pf, payloadFields) || ` (fields: ${payloadFields.join(', ')})`}`);
              ok = false;
              continue;
            }
            res.push([a.key, (payload) => payload[pf]]);
          } else {
            const v = toJs(a.value);
            const okValue = key === 'increment_attributes' ? typeof v === 'number' : f.codec.is(v);
            if (!okValue) {
              p.at(a.value.offset, ap, `expected ${key === 'increment_attributes' ? 'a number' : f.codec.name}, got ${JSON.stringify(v)}`);
              ok = false;
              continue;
            }
            res.push([a.key, () => v]);
          }
        }
        return res;
      };
      const set = decodeAttrs('set_attributes');
      const increment = decodeAttrs('increment_attributes').map(([k, v]) => [k, v, this.precision.get(`${type.name}.${k}`)] as const);
      out.push({ alias, entity: type, set, increment });
    });
    return ok ? out : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// playing one step
// ---------------------------------------------------------------------------------------------

/** What a session keeps between steps: the entities it holds, most recent last. */
export interface StepSession {
  readonly held: EntityView[];
}

const refresh = (session: StepSession, v: EntityView | undefined): void => {
  if (v === undefined) return;
  const i = session.held.findIndex((h) => h.type === v.type && h.key === v.key);
  if (i >= 0) session.held[i] = v;
  else session.held.push(v);
};

/** Starts a session's bookkeeping with the entities its flow filters selected. */
export const startSession = (ctx: FlowContext, filtered: ReadonlyArray<EntityType<any>>): StepSession => {
  const session: StepSession = { held: [] };
  for (const t of filtered) refresh(session, ctx.findEntity(t));
  return session;
};

/**
 * Plays one event type: binds its entities (held ones first, else `select`), draws per-item
 * instances, builds the payload, emits it with its entity effects. Returns false when the session
 * cannot go on (a held entity no longer passes a filter, too few instances).
 */
export function* playEvent(ctx: FlowContext, ev: CompiledEvent, session: StepSession, overrides: Readonly<Record<string, unknown>>): Generator<Action, boolean, unknown> {
  const cap = ev.maxActive;
  if (cap !== undefined && ctx.count(cap.entity, cap.where) >= cap.max) return false;
  const bound = new Map<string, EntityView>();
  const used = new Set<string>();
  for (const c of ev.consumes) {
    let v: EntityView | undefined;
    for (let i = session.held.length - 1; i >= 0; i--) {
      const h = session.held[i];
      if (h.type === c.entity.name && !used.has(h.key)) {
        v = h;
        break;
      }
    }
    if (v !== undefined) {
      if (!c.predicate({ state: v.state as Record<string, unknown>, key: v.key, heldBy: ctx.sessionId })) return false;
    } else {
      v = (yield select(c.entity, c.where)) as EntityView | undefined;
      if (v === undefined) return false;
      refresh(session, v);
    }
    used.add(v.key);
    bound.set(c.alias, v);
    if (!bound.has(c.entity.name)) bound.set(c.entity.name, v);
    for (let k = 1; k < c.minRequired; k++) {
      const more = (yield select(c.entity, c.where, { optional: true })) as EntityView | undefined;
      if (more === undefined) return false;
      refresh(session, more);
    }
  }
  const items = new Map<string, Array<Map<string, EntityView>>>();
  for (const d of ev.items) {
    const first = bound.get(d.consume.alias)!;
    const n = ctx.rng.int(d.min, d.max);
    const list: Array<Map<string, EntityView>> = [];
    for (let i = 0; i < n; i++) {
      let v: EntityView | undefined = first;
      if (i > 0) {
        v = (yield select(d.consume.entity, d.consume.where, { optional: true })) as EntityView | undefined;
        if (v === undefined) break;
        refresh(session, v);
      }
      list.push(new Map([[d.ref, v], [d.consume.alias, v], [d.consume.entity.name, v]]));
    }
    items.set(d.field, list);
  }
  const g: GenContext = { rng: ctx.rng, faker: ctx.faker, now: ctx.now() };
  const payload: Record<string, unknown> = {};
  const scope: PayloadScope = { local: payload, root: payload, entities: bound, items };
  for (const [name, c] of ev.fields) payload[name] = name in overrides ? overrides[name] : c.produce(g, scope);

  let saveEntity: EntityType<any> | undefined = ev.produces;
  const mutate: SetState[] = [];
  const values: Record<string, unknown> = { ...payload };
  if (ev.updatesExisting !== undefined) {
    const { entity: t, probability } = ev.updatesExisting;
    const existing = ctx.rng.chance(probability) ? ((yield select(t, [], { optional: true })) as EntityView | undefined) : undefined;
    if (existing === undefined) saveEntity = t;
    else {
      refresh(session, existing);
      values[t.primaryKey] = existing.key;
      const ops: Array<StateOp<any>> = [];
      for (const init of t.init) if (init._tag === 'FromField' && init.field in payload) ops.push([init.name, 'is', payload[init.field]]);
      if (ops.length > 0) mutate.push(setState(t, ops));
      bound.set(t.name, existing);
    }
  }
  if (saveEntity !== undefined && !(saveEntity.primaryKey in overrides)) delete values[saveEntity.primaryKey];
  for (const u of ev.updates) {
    const ops: Array<StateOp<any>> = u.set.map(([k, f]) => [k, 'is', f(payload)] as const);
    const target = bound.get(u.alias);
    for (const [k, f, precision] of u.increment) {
      const d = f(payload) as number;
      if (precision !== undefined && target !== undefined) {
        const cur = (ctx.findEntity(u.entity, target.key) ?? target).state[k];
        ops.push([k, 'is', roundTo((typeof cur === 'number' ? cur : 0) + d, precision)]);
      } else ops.push([k, 'add', d]);
    }
    if (ops.length === 0) continue;
    // A consumed entity is addressed by key (an event may hold several of one type); the entity
    // the event creates is the session's latest of its type.
    mutate.push(setState(u.entity, ops, { key: target?.key }));
  }
  yield newEvent(ev.schema, { overrides: values, saveEntity, mutate });
  if (saveEntity !== undefined) refresh(session, ctx.findEntity(saveEntity));
  for (const m of mutate) refresh(session, ctx.findEntity(m.entity, m.key));
  return true;
}

/** A `wait` between `min_seconds` and `max_seconds`. */
export const waitSeconds = (min: number, max: number): Action => wait({ seconds: min === max ? min : { min, max } });
