/**
 * Hints that name a faker-js method by path: `person.fullName`, `number.int`, `location.city`.
 *
 * The path is checked once, at compile time, on a reference faker instance: the module must
 * exist and the method must be a function (`commerce.product_name` is accepted as
 * `commerce.productName`); otherwise a `GeneratorError` suggests the closest method of that module.
 * Arguments are bounded before faker sees them (fakerArgs.ts: `lorem.paragraphs(10000000)` is refused),
 * and `helpers.fake` templates are expanded by fakerTemplate.ts, which only follows faker's own
 * method and data paths. The method is also called once there with the hint's arguments, so that arguments faker rejects
 * (`number.int` with `min` > `max`) fail at schema definition, not mid-run, and so that an
 * obviously wrong field type (`datatype.boolean` on an int field) is reported.
 *
 * At generate time the method is looked up on `g.faker` by the pre-split path (two property
 * reads): it is never bound to the reference instance, since `g.faker` is the one whose
 * randomness is seeded. Arguments: `params.args` (an array) positionally; otherwise the other
 * params, if any, as one options object; otherwise none.
 *
 * @example
 * compileFakerPath('number.int', 'number.int', { min: 1, max: 6 }, site); // { yields: 'unknown', generate }
 * compileFakerPath('person.firstName', 'person.firstName', { args: ['female'] }, site);
 */
import { messageOf } from '../core/errors';
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { FieldSite } from './generator';
import { GeneratorError } from './generator';
import type { Compiled } from './generatorParams';
import { conversion, describeYields, yieldsOf } from './generatorCoercion';
import { suggestion } from '../core/didYouMean';
import { DEFAULT_FAKER_LIMITS, fakerArgsProblem } from './fakerArgs';
import { fakerModules, referenceFaker } from './fakerMethods';
import { FakerTemplateError, callFakerMethod, fakeTemplate } from './fakerTemplate';

type Method = (...args: unknown[]) => unknown;
type Modules = Record<string, Record<string, Method>>;

/**
 * Every `module.method` path of faker-js, for suggestions.
 *
 * @example
 * fakerMethodPaths().includes('person.fullName'); // true
 */
export const fakerMethodPaths = (): string[] => [...fakerModules()].flatMap(([mod, methods]) => methods.map((m) => `${mod}.${m}`));

const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The method name of `module.method` (or `module.snake_name`) if faker-js has it. */
const resolveMethod = (mod: string, rest: string): string | undefined => {
  const methods = fakerModules().get(mod);
  if (methods === undefined) return undefined;
  return methods.includes(rest) ? rest : methods.includes(camelCase(rest)) ? camelCase(rest) : undefined;
};

/**
 * Whether `path` names a faker-js method (`person.fullName`, or `commerce.product_name`).
 *
 * @example
 * isFakerMethod('lorem.sentence'); // true
 * isFakerMethod('address.street_address'); // false: not a faker-js module
 */
export const isFakerMethod = (path: string): boolean => {
  const dot = path.indexOf('.');
  return dot > 0 && resolveMethod(path.slice(0, dot), path.slice(dot + 1)) !== undefined;
};

/**
 * Compiles a faker-js method path, or returns `undefined` when `path` does not start with a faker
 * module (so the caller reports an unknown hint). `hint` is the name as written, for messages.
 *
 * @example
 * const c = compileFakerPath('location.city', 'faker.location.city', {}, site);
 */
export const compileFakerPath = (path: string, hint: string, params: Readonly<Record<string, unknown>>, site: FieldSite): Compiled | undefined => {
  const dot = path.indexOf('.');
  if (dot <= 0) return undefined;
  const mod = path.slice(0, dot);
  const methods = fakerModules().get(mod);
  if (methods === undefined) return undefined;
  const method = resolveMethod(mod, path.slice(dot + 1));
  if (method === undefined) {
    const candidates = methods.map((m) => `${mod}.${m}`);
    throw new GeneratorError(`${site.where}: unknown faker method "${path}"${suggestion(path, candidates)}`);
  }
  const name = `${mod}.${method}`;
  const label = hint === name ? `"${name}"` : `"${name}" (hint "${hint}")`;
  const fail = (message: string): never => {
    throw new GeneratorError(`${site.where}: faker method ${label} ${message}`);
  };

  const { args, ...named } = params;
  let callArgs: ReadonlyArray<unknown>;
  if (args !== undefined && args !== null) {
    if (!Array.isArray(args)) return fail(`needs args to be an array, got ${JSON.stringify(args)}`);
    if (Object.keys(named).length > 0) fail(`takes either args or named params, not both (got args and ${Object.keys(named).join(', ')})`);
    callArgs = args;
  } else {
    // faker reads its options as plain properties: a key every object inherits would be misread.
    const inherited = Object.keys(named).find((k) => k in Object.prototype);
    if (inherited !== undefined) fail(`has no option "${inherited}" (a name every JavaScript object has)`);
    callArgs = Object.keys(named).length > 0 ? [named] : [];
  }

  // Bounds first: a huge count would hang the trial call below (and every event after it).
  const limits = site.fakerLimits ?? DEFAULT_FAKER_LIMITS;
  const problem = fakerArgsProblem(name, callArgs, limits);
  if (problem !== undefined) fail(problem);

  let sample: unknown;
  try {
    sample = callFakerMethod(referenceFaker(), mod, method, callArgs, 0, limits);
  } catch (e) {
    if (e instanceof FakerTemplateError) fail(`refuses the template: ${e.message}`);
    fail(`rejected its arguments: ${messageOf(e)}`);
  }
  const kind = yieldsOf(sample);
  const numeric = kind === 'int' || kind === 'float';
  if (kind !== 'unknown' && (numeric ? site.type === 'boolean' : conversion(kind, site.type) === 'incompatible')) {
    fail(`yields ${describeYields(kind)} values, but the field is ${site.type}`);
  }

  if (name === 'helpers.fake') {
    // The template's placeholders are checked each time: the values they expand to may bring in more.
    const template = callArgs[0];
    const generate = (g: { faker: Faker }) => {
      try {
        return fakeTemplate(g.faker, template, 0, limits);
      } catch (e) {
        return e instanceof FakerTemplateError ? fail(`refuses the template: ${e.message}`) : fail(messageOf(e));
      }
    };
    return { yields: 'unknown', generate };
  }
  const generate =
    callArgs.length === 0
      ? (g: { faker: Faker }) => (g.faker as unknown as Modules)[mod][method]()
      : (g: { faker: Faker }) => (g.faker as unknown as Modules)[mod][method](...callArgs);
  return { yields: 'unknown', generate };
};
