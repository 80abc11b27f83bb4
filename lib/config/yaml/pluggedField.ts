/**
 * Plugs compiled producers into the builder's field definitions (`field.int({ generate })` …), so
 * the YAML model's event schemas and entity types are ordinary `event()` and `entity()` values.
 *
 * @example
 * const def = pluggedField('int', false, (g) => g.rng.int(1, 6)); // a FieldDef<number>
 * const gens = standaloneGenerators(compiledFields); // one generator per payload field, in order
 */
import type { FieldDef } from '../../schema/field';
import { field as fieldCtor } from '../../schema/field';
import type { FieldType, GenContext } from '../../schema/generator';
import type { CompiledField } from './compilePayload';
import { emptyScope } from './compilePayload';
import type { PayloadScope } from '../../flows/stepEvent';

/** The field constructor of each field type. */
export const FIELD_CTORS: Record<FieldType, (o: Record<string, unknown>) => FieldDef<any>> = {
  string: (o) => fieldCtor.string(o),
  int: (o) => fieldCtor.int(o),
  float: (o) => fieldCtor.float(o),
  boolean: (o) => fieldCtor.boolean(o),
  datetime: (o) => fieldCtor.datetime(o),
  json: (o) => fieldCtor.json(o),
};

/** A field definition generating with `generate`. */
export const pluggedField = (type: FieldType, nullable: boolean, generate: (g: GenContext) => unknown, description?: string): FieldDef<any> =>
  FIELD_CTORS[type]({ generate, nullable, ...(description === undefined ? {} : { description }) });

/**
 * Standalone generators for an event's fields (used by the engine when it builds a payload
 * itself: the source events of initial entities). Fields are generated in order, so `derived`
 * and `conditional_choice` read the values generated just before them.
 */
export const standaloneGenerators = (fields: ReadonlyArray<readonly [string, CompiledField]>): Array<(g: GenContext) => unknown> => {
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
