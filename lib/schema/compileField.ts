/**
 * Compiles a field definition to its generator: the hint (or a default chosen from the field's
 * name and type), wrapped with `nullProbability`.
 *
 * @example
 * const gen = compileFieldGenerator(field.string({ faker: 'email' }), 'User.email', 'email');
 */
import type { FieldDef } from './field';
import type { Generate } from './generator';
import { GeneratorError } from './generator';
import { compileGenerator, defaultGenerator } from './generatorRegistry';
import { SchemaError } from './schemaError';

/** The generator of one field; `where` names it in errors (`Event.field`). */
export const compileFieldGenerator = (f: FieldDef<any>, where: string, name: string): Generate => {
  const site = { where, name, type: f.type };
  let gen: Generate;
  try {
    gen = f.generate ?? (f.hint === undefined ? defaultGenerator(site) : compileGenerator(f.hint, f.params, site));
  } catch (e) {
    if (e instanceof GeneratorError) throw new SchemaError(e.message);
    throw e;
  }
  const p = f.nullProbability;
  if (p <= 0) return gen;
  return (g) => (g.rng.next() < p ? null : gen(g));
};
