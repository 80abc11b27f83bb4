/**
 * `helpers.fake` for templates a model writes (`'{{person.firstName}} <{{internet.email}}>'`).
 *
 * faker-js's own `helpers.fake` resolves each `{{a.b.c}}` placeholder through any property, own or
 * inherited (`{{constructor.constructor(…)}}` walks the prototype chain), calls methods with any
 * arguments (`{{lorem.paragraphs(10000000)}}`), and expands the placeholders its results contain,
 * without end. This one expands placeholders exactly as faker does (same text, same randomness
 * drawn, so valid templates give the same output) but each one, including those that results
 * bring in, must be:
 *
 * - `{{module.method}}` or `{{module.method(args)}}` with an own method of a faker module
 *   (fakerMethods.ts) and arguments within the bounds of fakerArgs.ts; or
 * - `{{module.key…}}`, a path of own properties through faker's locale data (`{{person.first_name}}`).
 *
 * and a template expands at most `MAX_FAKE_PLACEHOLDERS` placeholders into at most
 * `MAX_FAKER_OUTPUT` characters (both raisable through `FakerLimits`). A refusal throws a `FakerTemplateError` naming the placeholder.
 *
 * @example
 * fakeTemplate(faker, 'Hi {{person.firstName}}!'); // 'Hi Ada!'
 * fakeTemplate(faker, '{{constructor.constructor}}'); // throws: "{{constructor.constructor}}" is not a faker method or locale data path
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import { DeepFakerError } from '../core/errors';
import { DEFAULT_FAKER_LIMITS, type FakerLimits, fakerArgsProblem, fakerLimitLabel } from './fakerArgs';
import { isOwnFakerMethod } from './fakerMethods';

/** Deepest nesting of `{{helpers.fake(…)}}` inside a template. */
const MAX_FAKE_NESTING = 10;

/** A placeholder or template that is refused; the caller adds where it was written. */
export class FakerTemplateError extends DeepFakerError {
  override readonly name = 'FakerTemplateError';
}

type Method = (...args: unknown[]) => unknown;
type Modules = Record<string, Record<string, Method>>;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const fail = (message: string): never => {
  throw new FakerTemplateError(message);
};

/**
 * Calls faker method `mod.method` on `faker` with `args` (already checked by the caller);
 * `helpers.fake` is this file's.
 */
export const callFakerMethod = (
  faker: Faker,
  mod: string,
  method: string,
  args: readonly unknown[],
  nesting = 0,
  limits: FakerLimits = DEFAULT_FAKER_LIMITS,
): unknown => (mod === 'helpers' && method === 'fake' ? fakeTemplate(faker, args[0], nesting, limits) : (faker as unknown as Modules)[mod][method](...args));

/** faker's reading of `(…)` arguments: JSON, else one bare string, trying each `)` in turn. */
const parseArgs = (text: string): readonly [number, unknown[]] => {
  for (let close = text.indexOf(')', 1); close !== -1; close = text.indexOf(')', close + 1)) {
    const inner = text.substring(1, close);
    try {
      return [close, JSON.parse(`[${inner}]`) as unknown[]];
    } catch {
      if (!inner.includes("'") && !inner.includes('"')) {
        try {
          return [close, JSON.parse(`["${inner}"]`) as unknown[]];
        } catch {
          // faker tries the next ")"
        }
      }
    }
  }
  const close = text.lastIndexOf(')');
  return close < 0 ? fail(`missing ")" in "${text}"`) : [close, [text.substring(1, close)]];
};

/** Follows own properties of faker's locale data, picking an item of each list on the way (as faker does). */
const dataAt = (faker: Faker, segments: readonly string[]): unknown => {
  let v: unknown = faker.rawDefinitions;
  for (const seg of segments) {
    if (typeof v !== 'object' || v === null || !hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
    if (Array.isArray(v)) v = faker.helpers.arrayElement(v);
  }
  return v;
};

/** The value of one placeholder (the text between `{{` and `}}`). */
const placeholder = (faker: Faker, token: string, nesting: number, limits: FakerLimits): unknown => {
  const open = token.indexOf('(');
  const segments = (open < 0 ? token : token.slice(0, open)).split('.');
  const shown = `"{{${token.length > 60 ? `${token.slice(0, 60)}…` : token}}}"`;
  if (segments.length === 2 && isOwnFakerMethod(segments[0], segments[1])) {
    const [mod, method] = segments;
    // faker also looks the path up in its locale data, drawing from a list it finds there.
    const data = (faker.rawDefinitions as Record<string, Record<string, unknown> | undefined>)[mod];
    if (data !== undefined && hasOwn(data, method) && Array.isArray(data[method])) faker.helpers.arrayElement(data[method] as unknown[]);
    if (open < 0) return callFakerMethod(faker, mod, method, [], nesting + 1, limits);
    const [close, args] = parseArgs(token.slice(open));
    if (open + close + 1 !== token.length) fail(`${shown}: only "{{module.method(arguments)}}" can be called`);
    const problem = fakerArgsProblem(`${mod}.${method}`, args, limits);
    if (problem !== undefined) fail(`${shown}: ${problem}`);
    const result = callFakerMethod(faker, mod, method, args, nesting + 1, limits);
    if (result === null || result === undefined) fail(`${shown} gives no value`);
    return Array.isArray(result) ? faker.helpers.arrayElement(result) : result;
  }
  const value = open < 0 && segments.every((s) => s !== '') ? dataAt(faker, segments) : undefined;
  if (value === undefined || value === null || typeof value === 'function') fail(`${shown} is not a faker method or locale data path`);
  return value;
};

/**
 * faker's `helpers.fake(template)` (a template or a list of them, one drawn), with every
 * placeholder checked as it is expanded; throws `FakerTemplateError`.
 */
export const fakeTemplate = (faker: Faker, template: unknown, nesting = 0, limits: FakerLimits = DEFAULT_FAKER_LIMITS): string => {
  if (nesting > MAX_FAKE_NESTING) fail(`helpers.fake templates nest more than ${MAX_FAKE_NESTING} levels deep`);
  const picked: unknown = typeof template === 'string' ? template : faker.helpers.arrayElement(template as unknown[]);
  if (typeof picked !== 'string') return fail(`helpers.fake needs a template string or a list of them, got ${typeof picked}`);
  let s = picked;
  for (let expanded = 0; ; expanded++) {
    const start = s.search(/{{[a-z]/);
    const end = start < 0 ? -1 : s.indexOf('}}', start);
    if (start === -1 || end === -1) return s;
    if (expanded >= limits.maxPlaceholders)
      fail(`the template expands more than ${limits.maxPlaceholders} placeholders (${fakerLimitLabel(limits, 'maxPlaceholders')})`);
    const token = s
      .substring(start + 2, end + 2)
      .replace('}}', '')
      .replace('{{', '');
    s = s.substring(0, start) + String(placeholder(faker, token, nesting, limits)) + s.substring(end + 2);
    if (s.length > limits.maxOutput) fail(`the template expands to more than ${limits.maxOutput} characters (${fakerLimitLabel(limits, 'maxOutput')})`);
  }
};
