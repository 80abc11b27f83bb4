/**
 * A YAML `selection_filter` → where-conditions on an entity's engine state: `state.x` names a
 * state attribute, a plain name a field of the entity's schema; each condition is checked by
 * compiling it, so a value of the wrong type is reported at the value.
 *
 * @example
 * // - { field: state.is_logged_in, operator: equals, value: true }
 * selectionFilter(node, path, User, isAttribute, problems); // [['is_logged_in', 'is', true]]
 */
import type { EntityType } from '../../entities/entity';
import type { Where, WhereOperator } from '../../entities/where';
import { compileWhere } from '../../entities/where';
import type { Problems } from '../configError';
import { child, mapOf, oneOf, quote, seqOf, stringOf, suggestion } from '../decode';
import { toJs, type YNode } from '../yamlTree';

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

/**
 * Decodes a selection filter on `type`; `isAttribute` tells its state attributes from its schema
 * fields. Undefined when it has a mistake (reported); no filter is `[]`.
 */
export const selectionFilter = (
  node: YNode | undefined,
  path: string,
  type: EntityType<any>,
  isAttribute: (name: string) => boolean,
  p: Problems,
): Where<any> | undefined => {
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
    const attrs = type.stateNames.filter((n) => isAttribute(n));
    const schemaFields = [type.primaryKey, ...type.stateNames.filter((n) => !isAttribute(n))];
    if (f.startsWith('state.')) {
      name = f.slice('state.'.length);
      if (!attrs.includes(name)) {
        p.at(
          m.get('field')!.offset,
          child(cp, 'field'),
          `${quote(name)} is not a state attribute of ${type.name}${suggestion(name, attrs) ? suggestion(name, attrs).replace('"', '"state.') : ` (state attributes: ${attrs.join(', ') || 'none'})`}`,
        );
        return void (ok = false);
      }
    } else if (!schemaFields.includes(f)) {
      const asAttr = attrs.includes(f) ? `; did you mean "state.${f}"?` : suggestion(f, schemaFields);
      p.at(
        m.get('field')!.offset,
        child(cp, 'field'),
        `${quote(f)} is not a field of ${type.name}'s schema${asAttr || ` (fields: ${schemaFields.join(', ')})`}`,
      );
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
};
