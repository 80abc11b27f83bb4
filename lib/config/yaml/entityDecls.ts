/**
 * The first pass over a YAML model's `entities`: each entity's schema, primary key and
 * `state_attributes`, checked, before anything refers to them (`from_entity`, filters, the
 * entity types compiled later).
 *
 * @example
 * const decls = entityDecls(doc.get('entities'), table, problems);
 * const infos = new Map(decls.map((d) => [d.name, entityInfo(d)])); // for the payload compiler
 */
import { FLOW_NAME } from '../../entities/entity';
import type { Problems } from '../configError';
import { boolOf, child, mapOf, quote, stringOf, suggestion } from '../decode';
import type { FieldSpec, SchemaTable } from './fieldSpec';
import type { EntityInfo } from './compilePayload';
import { fieldTypeOf } from './fieldTypes';
import type { YNode } from '../yamlTree';

/** An entity as declared in the document. */
export interface EntityDecl {
  readonly name: string;
  readonly offset: number;
  readonly path: string;
  readonly spec: FieldSpec;
  readonly primaryKey: string;
  readonly attributes: ReadonlyArray<readonly [string, FieldSpec]>;
  /** Its `churn:` node, compiled with the entity type (it names an event type). */
  readonly churn: YNode | undefined;
  /** `shared: true`: the same initial entities in every shard of a sharded run. */
  readonly shared: boolean;
}

/** Decodes `entities`; an entity with a mistake is reported and left out. */
export const entityDecls = (node: YNode | undefined, table: SchemaTable, problems: Problems): EntityDecl[] => {
  const out: EntityDecl[] = [];
  for (const e of mapOf(node, 'entities', problems)?.entries ?? []) {
    const path = child('entities', e.key);
    const m = mapOf(e.value, path, problems, { required: ['schema', 'primary_key'], optional: ['state_attributes', 'churn', 'shared', 'description'] });
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
      problems.at(
        m.get('primary_key')!.offset,
        child(path, 'primary_key'),
        `${quote(pk)} is not a field of ${ref}${suggestion(pk, props) || ` (fields: ${props.join(', ')})`}`,
      );
      continue;
    }
    const keyType = spec.properties.find(([n]) => n === pk)?.[1].type;
    if (keyType !== undefined && keyType !== 'string' && keyType !== 'integer' && keyType !== 'number') {
      // Keys are compared as text and must be unique: a boolean, object or list cannot be one.
      problems.at(
        m.get('primary_key')!.offset,
        child(path, 'primary_key'),
        `${quote(pk)} is ${keyType === 'boolean' ? 'a boolean' : `an ${keyType}`} field; a primary key is a string or a number`,
      );
      continue;
    }
    const attributes: Array<readonly [string, FieldSpec]> = [];
    const am = mapOf(m.get('state_attributes'), child(path, 'state_attributes'), problems);
    for (const a of am?.entries ?? []) {
      const ap = child(child(path, 'state_attributes'), a.key);
      if (props.includes(a.key) || a.key === FLOW_NAME) {
        problems.at(
          a.keyOffset,
          ap,
          a.key === FLOW_NAME
            ? `${quote(FLOW_NAME)} is reserved (the session holding the entity)`
            : `${quote(a.key)} is already a field of the entity's schema`,
        );
        continue;
      }
      const s = table.field(a.value, ap, a.key, true);
      if (s !== undefined) attributes.push([a.key, s]);
    }
    const shared = m.get('shared') === undefined ? false : boolOf(m.get('shared'), child(path, 'shared'), problems) === true;
    out.push({ name: e.key, offset: e.keyOffset, path, spec, primaryKey: pk, attributes, churn: m.get('churn'), shared });
  }
  return out;
};

/** Entity info for `from_entity` checks. */
export const entityInfo = (d: EntityDecl): EntityInfo => ({
  name: d.name,
  primaryKey: d.primaryKey,
  incomplete: d.spec.incomplete,
  fields: [...(d.spec.properties ?? []).map(([n]) => n).filter((n) => n !== d.primaryKey), ...d.attributes.map(([n]) => n)],
  // The key is text, read back as a number by number fields: it has no type to check here.
  types: new Map([...(d.spec.properties ?? []).filter(([n]) => n !== d.primaryKey), ...d.attributes].map(([n, s]) => [n, fieldTypeOf(s)])),
});
