/**
 * The faker-js methods a model may name: for each module of a reference faker instance (`person`,
 * `lorem`, `helpers`, …), its own function-valued properties. Only these resolve — never an
 * inherited property (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, `bind`, …) — both
 * for `faker.x.y` generator names and for the placeholders of a `helpers.fake` template.
 *
 * @example
 * fakerModules().get('person')?.includes('fullName'); // true
 * isOwnFakerMethod('person', 'constructor'); // false
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import { Rng } from '../core/rng';
import { SeededFaker } from './seededFaker';

let reference: SeededFaker | undefined;
let modules: ReadonlyMap<string, ReadonlyArray<string>> | undefined;

/** The reference instance, pointed at a fresh fixed stream so that trial calls are reproducible. */
export const referenceFaker = (): Faker => (reference ??= new SeededFaker()).use(new Rng(0), Date.UTC(2025, 0, 1));

/** Faker modules and their method names, read once from the reference instance. */
export const fakerModules = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  if (modules !== undefined) return modules;
  const f = referenceFaker() as unknown as Record<string, unknown>;
  const found = new Map<string, string[]>();
  for (const name of Object.keys(f)) {
    const mod = f[name];
    if (name === 'fakerCore' || typeof mod !== 'object' || mod === null) continue;
    const methods = Object.keys(mod).filter((k) => typeof (mod as Record<string, unknown>)[k] === 'function');
    if (methods.length > 0) found.set(name, methods.sort());
  }
  modules = found;
  return found;
};

/** Whether `method` is an own method of faker module `mod` (exact spelling). */
export const isOwnFakerMethod = (mod: string, method: string): boolean => fakerModules().get(mod)?.includes(method) ?? false;
