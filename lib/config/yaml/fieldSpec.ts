/**
 * Schemas of the YAML format decoded into `FieldSpec`s: type, generator and params, format,
 * nullable_probability, from_entity + field, nested properties, array items, and `$ref` to
 * `#/schemas/Name` with local keys alongside it (local keys win). References are resolved once
 * per schema (errors inside a schema are reported once, at the schema), dangling and cyclic ones
 * are errors.
 *
 * @example
 * const table = new SchemaTable(schemasNode, problems);
 * const payload = table.resolve('#/schemas/PurchasePayload', node, 'event_types.X.payload_schema');
 * payload?.properties?.map(([name]) => name); // ['purchase_id', 'user_id', 'items', …]
 */
import type { Problems } from '../configError';
import { boolOf, child, intIn, mapOf, numberIn, oneOf, quote, stringOf, suggestion } from '../decode';
import { DEFAULT_LIMITS, MAX_PRECISION, type ModelLimits, limitHint } from './limits';
import { toJs, type YNode } from '../yamlTree';

/** The JSON-schema types the YAML model format's schemas use. */
export const SCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
/** A schema type. */
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** A generator and its parameters, as written. */
export interface GeneratorSpec {
  readonly name: string;
  readonly offset: number;
  readonly path: string;
  /** The `params` mapping (undefined when there is none). */
  readonly params: YNode | undefined;
  readonly paramsPath: string;
}

/** `from_entity` + `field`. */
export interface FromEntitySpec {
  readonly entity: string;
  readonly field: string;
  readonly offset: number;
  readonly fieldOffset: number;
  readonly path: string;
}

/** A located value written in the file. */
export interface Located<T> {
  readonly value: T;
  readonly offset: number;
  readonly path: string;
}

/** A field (or whole schema) after `$ref` resolution. */
export interface FieldSpec {
  readonly path: string;
  readonly offset: number;
  readonly type: SchemaType | undefined;
  readonly generator: GeneratorSpec | undefined;
  readonly format: string | undefined;
  readonly description: string | undefined;
  readonly nullableProbability: number;
  readonly fromEntity: FromEntitySpec | undefined;
  readonly properties: ReadonlyArray<readonly [string, FieldSpec]> | undefined;
  readonly items: FieldSpec | undefined;
  readonly minItems: number | undefined;
  readonly maxItems: number | undefined;
  /** State attributes only. */
  readonly default: Located<unknown> | undefined;
  readonly fromField: Located<string> | undefined;
  readonly nullable: boolean | undefined;
  readonly precision: number | undefined;
  /** Some part failed to decode (and was reported): checks that need the whole schema are skipped. */
  readonly incomplete: boolean;
}

const FIELD_KEYS = [
  '$ref',
  'type',
  'generator',
  'params',
  'format',
  'description',
  'nullable_probability',
  'from_entity',
  'field',
  'properties',
  'items',
  'min_items',
  'max_items',
];
const STATE_KEYS = ['default', 'from_field', 'nullable', 'precision'];

const REF_PREFIX = '#/schemas/';

const EMPTY: FieldSpec = {
  path: '',
  offset: 0,
  type: undefined,
  generator: undefined,
  format: undefined,
  description: undefined,
  nullableProbability: 0,
  fromEntity: undefined,
  properties: undefined,
  items: undefined,
  minItems: undefined,
  maxItems: undefined,
  default: undefined,
  fromField: undefined,
  nullable: undefined,
  precision: undefined,
  incomplete: false,
};

/** Resolves and caches the document's `schemas`. */
export class SchemaTable {
  private readonly nodes = new Map<string, YNode>();
  private readonly done = new Map<string, FieldSpec | undefined>();
  private readonly resolving: string[] = [];

  constructor(
    schemas: YNode | undefined,
    private readonly problems: Problems,
    /** The document's limits (`simulation_settings.limits`). */
    readonly limits: ModelLimits = DEFAULT_LIMITS,
  ) {
    const m = mapOf(schemas, 'schemas', problems);
    for (const e of m?.entries ?? []) this.nodes.set(e.key, e.value);
  }

  /** Schema names, in document order. */
  names(): string[] {
    return [...this.nodes.keys()];
  }

  /** Decodes every schema (so errors in unused ones are reported too). */
  checkAll(): void {
    for (const name of this.nodes.keys()) this.byName(name, undefined, '');
  }

  /** Resolves `#/schemas/Name` written at `node` / `path`. */
  resolve(ref: string, offset: number, path: string): FieldSpec | undefined {
    if (!ref.startsWith(REF_PREFIX) || ref.length === REF_PREFIX.length) {
      this.problems.at(offset, path, `${quote(ref)} is not a schema reference (write "#/schemas/Name")`);
      return undefined;
    }
    return this.byName(ref.slice(REF_PREFIX.length), offset, path);
  }

  private byName(name: string, offset: number | undefined, path: string): FieldSpec | undefined {
    if (this.done.has(name)) return this.done.get(name);
    const node = this.nodes.get(name);
    if (node === undefined) {
      if (offset !== undefined) {
        const best = suggestion(name, this.nodes.keys());
        this.problems.at(offset, path, `$ref "${REF_PREFIX}${name}" does not exist${best === '' ? '' : best.replace('"', `"${REF_PREFIX}`)}`);
      }
      return undefined;
    }
    if (this.resolving.includes(name)) {
      const cycle = [...this.resolving.slice(this.resolving.indexOf(name)), name].map((n) => REF_PREFIX + n).join(' → ');
      this.problems.at(offset ?? node.offset, path, `$ref cycle: ${cycle}`);
      return undefined;
    }
    this.resolving.push(name);
    const spec = this.field(node, `schemas.${name}`, name, false);
    this.resolving.pop();
    this.done.set(name, spec);
    return spec;
  }

  /** Decodes a field node; `name` is the property name (default of `field` in from_entity). */
  field(node: YNode, path: string, name: string, stateAttribute: boolean, defaultType?: SchemaType): FieldSpec | undefined {
    const p = this.problems;
    const m = mapOf(node, path, p, { optional: stateAttribute ? [...FIELD_KEYS, ...STATE_KEYS] : FIELD_KEYS });
    if (m === undefined) return undefined;
    let base: FieldSpec = EMPTY;
    const refNode = m.get('$ref');
    if (refNode !== undefined) {
      const ref = stringOf(refNode, child(path, '$ref'), p);
      if (ref === undefined) return undefined;
      const resolved = this.resolve(ref, refNode.offset, child(path, '$ref'));
      if (resolved === undefined) return undefined;
      base = resolved;
    }
    const typeNode = m.get('type');
    const type = typeNode === undefined ? (base.type ?? defaultType) : oneOf(typeNode, child(path, 'type'), p, SCHEMA_TYPES, 'a type');
    if (typeNode === undefined && base.type === undefined && defaultType === undefined) p.at(m.node.offset, path, 'missing required key "type" (or "$ref")');

    let generator = base.generator;
    const genNode = m.get('generator');
    if (genNode !== undefined) {
      const g = stringOf(genNode, child(path, 'generator'), p);
      generator =
        g === undefined
          ? undefined
          : { name: g, offset: genNode.offset, path: child(path, 'generator'), params: m.get('params'), paramsPath: child(path, 'params') };
    } else if (m.get('params') !== undefined) {
      if (base.generator === undefined) p.at(m.get('params')!.offset, child(path, 'params'), 'params without a generator');
      else generator = { ...base.generator, params: m.get('params'), paramsPath: child(path, 'params') };
    }
    if (generator?.params !== undefined) mapOf(generator.params, generator.paramsPath, p);

    const format = m.get('format') === undefined ? base.format : oneOf(m.get('format'), child(path, 'format'), p, ['iso8601'], 'a format');
    const description = m.get('description') === undefined ? base.description : stringOf(m.get('description'), child(path, 'description'), p);
    const nullableProbability =
      m.get('nullable_probability') === undefined
        ? base.nullableProbability
        : (numberIn(m.get('nullable_probability'), child(path, 'nullable_probability'), p, 0, 1) ?? 0);

    let fromEntity = base.fromEntity;
    const feNode = m.get('from_entity');
    const fieldNode = m.get('field');
    if (feNode !== undefined) {
      const entity = stringOf(feNode, child(path, 'from_entity'), p);
      const field = fieldNode === undefined ? name : stringOf(fieldNode, child(path, 'field'), p);
      if (entity !== undefined && field !== undefined) {
        fromEntity = { entity, field, offset: feNode.offset, fieldOffset: (fieldNode ?? feNode).offset, path };
      }
    } else if (fieldNode !== undefined) {
      p.at(fieldNode.offset, child(path, 'field'), '"field" needs "from_entity" beside it');
    }

    let incomplete = base.incomplete;
    let properties = base.properties;
    const propsNode = m.get('properties');
    if (propsNode !== undefined) {
      const pm = mapOf(propsNode, child(path, 'properties'), p);
      if (pm !== undefined) {
        const list: Array<readonly [string, FieldSpec]> = [];
        for (const e of pm.entries) {
          const f = this.field(e.value, child(child(path, 'properties'), e.key), e.key, false);
          if (f !== undefined) list.push([e.key, f]);
          else incomplete = true;
        }
        properties = list;
      }
    }
    const itemsNode = m.get('items');
    const items = itemsNode === undefined ? base.items : this.field(itemsNode, child(path, 'items'), name, false);
    const itemCount = (k: string): number | undefined => intIn(m.get(k), child(path, k), p, 0, this.limits.max_items, limitHint('max_items'));
    const minItems = m.get('min_items') === undefined ? base.minItems : itemCount('min_items');
    const maxItems = m.get('max_items') === undefined ? base.maxItems : itemCount('max_items');
    if (minItems !== undefined && maxItems !== undefined && minItems > maxItems) {
      p.at((m.get('min_items') ?? m.node).offset, child(path, 'min_items'), `min_items (${minItems}) is greater than max_items (${maxItems})`);
    }
    if (type === 'object' && properties === undefined && generator === undefined && typeNode !== undefined) {
      p.at(m.node.offset, path, 'an object needs "properties"');
    }
    if (type === 'array' && items === undefined && generator === undefined && (itemsNode !== undefined || typeNode !== undefined)) {
      if (itemsNode === undefined) p.at(m.node.offset, path, 'an array needs "items"');
    }
    if (type !== undefined && type !== 'object' && propsNode !== undefined)
      p.at(propsNode.offset, child(path, 'properties'), `"properties" needs type object, not ${type}`);
    if (type !== undefined && type !== 'array' && itemsNode !== undefined)
      p.at(itemsNode.offset, child(path, 'items'), `"items" needs type array, not ${type}`);

    const defNode = m.get('default');
    const ffNode = m.get('from_field');
    const ff = ffNode === undefined ? undefined : stringOf(ffNode, child(path, 'from_field'), p);
    const nullableNode = m.get('nullable');
    const nullable = nullableNode === undefined ? undefined : boolOf(nullableNode, child(path, 'nullable'), p);
    const precision = m.get('precision') === undefined ? undefined : intIn(m.get('precision'), child(path, 'precision'), p, 0, MAX_PRECISION);
    return {
      path,
      offset: m.node.offset,
      type,
      generator,
      format,
      description,
      nullableProbability,
      fromEntity,
      properties,
      items,
      minItems,
      maxItems,
      default: defNode === undefined ? undefined : { value: toJs(defNode), offset: defNode.offset, path: child(path, 'default') },
      fromField: ff === undefined || ffNode === undefined ? undefined : { value: ff, offset: ffNode.offset, path: child(path, 'from_field') },
      nullable,
      precision,
      incomplete: incomplete || (items?.incomplete ?? false),
    };
  }
}
