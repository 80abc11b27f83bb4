/**
 * The YAML document → the builder's model: event schemas (`event()`), entity types (`entity()`)
 * and compiled event types, which loadConfig turns into one flow per event type with a
 * `frequency_weight` and one per scenario, all in a `Simulation`. The parts: entityDecls.ts (the
 * first pass over `entities`), compileEntityType.ts, compileEventType.ts, selectionFilter.ts;
 * the flows play the compiled events with lib/flows/playEvent.ts.
 *
 * @example
 * const model = new ModelCompiler(problems, table, payloads, declaredEntities);
 * model.compile(doc.get('event_types'), entityDecls(doc.get('entities'), table, problems));
 * model.events.get('UserLoggedIn'); // a CompiledEvent, or undefined with problems reported
 */
import type { EntityType } from '../../entities/entity';
import { compileWhere } from '../../entities/where';
import type { EventSchema, Fields } from '../../schema/event';
import { event } from '../../schema/event';
import type { FieldDef } from '../../schema/field';
import { SYSTEM_FIELDS } from '../../core/simEvent';
import type { Consume } from '../../flows/stepEvent';
import type { Problems } from '../configError';
import { child, intAtLeast, mapOf, type MapOf, quote, seqOf, stringOf, suggestion } from '../decode';
import type { SchemaTable } from './fieldSpec';
import type { CompiledField, PayloadCompiler } from './compilePayload';
import type { EntityDecl } from './entityDecls';
import type { EntityTypeScope } from './compileEntityType';
import { compileEntityType } from './compileEntityType';
import type { ChurnEvent } from './compileChurn';
import type { CompiledEvent, EventTypeScope } from './compileEventType';
import { EVENT_KEYS, compileEventType } from './compileEventType';
import { pluggedField, standaloneGenerators } from './pluggedField';
import { selectionFilter } from './selectionFilter';
import type { YNode } from '../yamlTree';

/** Compiles entities and event types of one document. */
export class ModelCompiler implements EntityTypeScope, EventTypeScope {
  readonly entityTypes = new Map<string, EntityType<any>>();
  readonly events = new Map<string, CompiledEvent>();
  /** Names declared in the document, compiled or not (a failed one is not reported again where used). */
  readonly declaredEntities = new Set<string>();
  readonly declaredEvents = new Set<string>();
  /** Increment precision per entity and attribute. */
  private readonly precision = new Map<string, number>();
  /** Per entity, the state fields that are `state_attributes`. */
  private readonly attributeSets = new Map<string, Set<string>>();
  /** Each declared event type's payload, once compiled (for churn events). */
  private readonly eventPayloads = new Map<string, ChurnEvent>();

  constructor(
    readonly problems: Problems,
    private readonly table: SchemaTable,
    readonly payloads: PayloadCompiler,
    declaredEntities: Iterable<string>,
  ) {
    for (const n of declaredEntities) this.declaredEntities.add(n);
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
          p.at(f.offset, f.path, `${quote(name)} is a system field of every event (${SYSTEM_FIELDS.join(', ')}); rename the payload field`);
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
    for (const [name, { fields, schema }] of payloads) this.eventPayloads.set(name, { fields, schema });
    // Pass 2: entities (their source events are now known).
    const sourceOf = new Map<string, string>();
    for (const [name, { m }] of payloads) {
      for (const k of ['produces_entity', 'produces_or_updates_entity']) {
        const v = m.get(k);
        if (v?.kind === 'scalar' && typeof v.value === 'string' && !sourceOf.has(v.value)) sourceOf.set(v.value, name);
      }
    }
    for (const d of decls) {
      const sourceName = sourceOf.get(d.name);
      const t = compileEntityType(d, sourceOf.has(d.name) ? payloads.get(sourceName!)?.schema : undefined, sourceName, this);
      if (t !== undefined) this.entityTypes.set(d.name, t);
    }
    // Pass 3: event types.
    for (const [name, { m, fields, schema }] of payloads) {
      const ev = compileEventType(name, child('event_types', name), m, fields, schema, this);
      if (ev !== undefined) this.events.set(name, ev);
    }
  }

  /** The compiled payload of the event type `name` (for an entity's churn), undefined when none is declared. */
  churnEvent(name: string): ChurnEvent | undefined {
    return this.eventPayloads.get(name);
  }

  /** The entity's name and every alias of it in the document. */
  namesOf(entityName: string): ReadonlyArray<string> {
    return this.payloads.namesOf(entityName);
  }

  /** The entity a node names; reported unless it is a declared entity that failed to compile. */
  entityRef(node: YNode | undefined, path: string): EntityType<any> | undefined {
    const name = stringOf(node, path, this.problems);
    if (name === undefined || node === undefined) return undefined;
    const t = this.entityTypes.get(name);
    if (t === undefined && !this.declaredEntities.has(name)) {
      this.problems.at(
        node.offset,
        path,
        `${quote(name)} is not an entity${suggestion(name, this.declaredEntities) || ` (entities: ${[...this.declaredEntities].join(', ') || 'none'})`}`,
      );
    }
    return t;
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
      if (aliases.has(a)) p.at((m.get('alias') ?? c).offset, child(cp, 'alias'), `alias ${quote(a)} is used twice`);
      aliases.add(a);
      const where = selectionFilter(m.get('selection_filter'), child(cp, 'selection_filter'), type, (n) => this.isAttribute(type, n), p);
      if (where === undefined) return void (ok = false);
      out.push({ entity: type, alias: a, where, predicate: compileWhere(type, where), minRequired });
    });
    return ok ? out : undefined;
  }

  /** Records which state fields are `state_attributes` (as opposed to copied schema fields). */
  markAttributes(entityName: string, names: ReadonlyArray<string>): void {
    this.attributeSets.set(entityName, new Set(names));
  }

  /** Records the `precision` (decimals) of an attribute, which increments round to. */
  setPrecision(entityName: string, attribute: string, digits: number): void {
    this.precision.set(`${entityName}.${attribute}`, digits);
  }

  /** The `precision` of an attribute, if it has one. */
  precisionOf(entityName: string, attribute: string): number | undefined {
    return this.precision.get(`${entityName}.${attribute}`);
  }

  private isAttribute(type: EntityType<any>, name: string): boolean {
    return this.attributeSets.get(type.name)?.has(name) ?? false;
  }
}
