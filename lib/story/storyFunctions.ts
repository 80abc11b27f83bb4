/**
 * The functions story expressions can call (the story format), over `lib/expr`'s built-ins (`round`,
 * `min`, `max`, `len`, `str`, …). Everything random draws from the context's seeded `Rng`; time is
 * the event's virtual time in the story's zone.
 *
 * | call | gives |
 * | --- | --- |
 * | `random(min, max)` | an integer in [min, max] if both are integers, else a float in [min, max); `random()` a float in [0, 1) |
 * | `gaussian(mean, stddev)` | a normal draw |
 * | `datetime(format?)` | the event's time in the story's zone: strftime `format`, or ISO-8601 with offset |
 * | `duration(weeks=, days=, hours=, minutes=, seconds=, milliseconds=)` or `duration('1h30m')` | seconds (a number) |
 * | `uuid4()` | a random UUID |
 * | `choice([a, b, c])` | one item, uniformly |
 * | `weighted({'a': 0.6, 'b': 0.4})` | one key, with probability proportional to its weight |
 * | `switch(value, {'k': v, …}, default?)` | the case of `value` (its text as key); no case and no default is an error |
 * | `ref(event.field)`, `ref(event.field, default)` | a field of another event definition (see README "Stories") |
 * | `faker.<hint>(…)` | any faker hint: seed names (`faker.name()`, `faker.random_int(min=1, max=5)`) or faker-js paths (`faker.person.fullName()`, `faker.number.int({'min': 1, 'max': 5})`) |
 *
 * @example
 * const r = compileExpression('switch(plan, {"free": 0, "pro": 99})', { functions: storyFunctions(), names: ['plan'] });
 * if (r.ok) r.evaluate({ plan: 'pro' }, ctx); // 99
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { Rng } from '../core/rng';
import { parseDuration } from '../core/duration';
import type { FunctionRegistry } from '../expr';
import { defineFunction, functionNamespace } from '../expr';
import { isDict, typeName } from '../expr/values';
import type { Generate } from '../schema/generator';
import { compileGenerator, knownGenerators } from '../schema/generatorRegistry';
import { fakerMethodPaths, isFakerMethod } from '../schema/fakerPath';
import type { FakerLimits } from '../schema/fakerArgs';
import type { Zone } from './zonedTime';

/** What story functions read while an event is made (one mutable object per definition). */
export interface StoryEvalContext {
  rng: Rng;
  faker: Faker;
  /** The event's virtual time, epoch ms. */
  now: number;
  readonly zone: Zone;
  /** Resolves `ref(path)`; `fallback` is the second argument, when given. */
  readonly ref: (path: string, fallback: { readonly value: unknown } | undefined) => unknown;
}

const num = (what: string, v: unknown): number => {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${typeName(v)}`);
  return v;
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  weeks: 604_800,
  days: 86_400,
  hours: 3_600,
  minutes: 60,
  seconds: 1,
  milliseconds: 0.001,
};

/** Whether `name` (after `faker.`) is a hint the generator registry can compile. */
export const isFakerName = (name: string): boolean => {
  const hints = knownGenerators();
  if (hints.includes(name) || isFakerMethod(name)) return true;
  const dot = name.lastIndexOf('.');
  return dot > 0 && hints.includes(name.slice(dot + 1));
};

/** Compiles a faker hint with call arguments (positional ones as `args`); throws `GeneratorError`. */
export const compileFakerCall = (
  name: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  where: string,
  fakerLimits?: FakerLimits,
): Generate => {
  const params: Record<string, unknown> = { ...kwargs };
  if (args.length > 0) params.args = [...args];
  return compileGenerator(name, params, { where, name: where, type: 'json', ...(fakerLimits === undefined ? {} : { fakerLimits }) });
};

/**
 * The story function registry; `fakerLimits` bound the arguments of its `faker.*()` calls (a
 * story's `limits` may raise them). Each registry caches the faker calls it compiled.
 */
export const storyFunctions = (fakerLimits?: FakerLimits): FunctionRegistry<StoryEvalContext> => {
  const fakerCache = new Map<string, Generate>();
  return {
    random: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        if (args.length === 0) return ctx.rng.next();
        const lo = num('random(): min', args[0]);
        const hi = num('random(): max', args[1]);
        if (lo > hi) throw new RangeError(`min (${lo}) is greater than max (${hi})`);
        return Number.isInteger(lo) && Number.isInteger(hi) ? ctx.rng.int(lo, hi) : ctx.rng.float(lo, hi);
      },
      { minArgs: 0, maxArgs: 2, keywords: [] },
    ),
    gaussian: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        const sd = num('stddev', args[1]);
        if (sd < 0) throw new RangeError(`stddev must be >= 0, got ${sd}`);
        return ctx.rng.gaussian(num('mean', args[0]), sd);
      },
      { minArgs: 2, maxArgs: 2, keywords: [] },
    ),
    datetime: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        if (args.length === 0) return ctx.zone.iso(ctx.now);
        if (typeof args[0] !== 'string') throw new TypeError(`the format must be a string, got ${typeName(args[0])}`);
        return ctx.zone.format(ctx.now, args[0]);
      },
      { minArgs: 0, maxArgs: 1, keywords: [] },
    ),
    duration: defineFunction<StoryEvalContext>(
      (args, kw) => {
        let seconds = 0;
        if (args.length === 1) {
          if (typeof args[0] !== 'string' && typeof args[0] !== 'number') throw new TypeError(`expected a duration such as '1h30m', got ${typeName(args[0])}`);
          seconds += parseDuration(typeof args[0] === 'number' ? args[0] * 1000 : args[0]) / 1000;
        }
        for (const [k, v] of Object.entries(kw)) seconds += num(k, v) * DURATION_UNITS[k];
        if (!Number.isFinite(seconds)) throw new RangeError(`the total is not a finite number of seconds (${seconds})`);
        return seconds;
      },
      { minArgs: 0, maxArgs: 1, keywords: Object.keys(DURATION_UNITS) },
    ),
    uuid4: defineFunction<StoryEvalContext>((_args, _kw, ctx) => ctx.rng.uuid(), { minArgs: 0, maxArgs: 0, keywords: [] }),
    choice: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        const items = args[0];
        if (!Array.isArray(items)) throw new TypeError(`expected a list, got ${typeName(items)}`);
        if (items.length === 0) throw new RangeError('the list is empty');
        return ctx.rng.pick(items);
      },
      { minArgs: 1, maxArgs: 1, keywords: [] },
    ),
    weighted: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        const table = args[0];
        if (!isDict(table)) throw new TypeError(`expected a dict of weights such as {'a': 0.6, 'b': 0.4}, got ${typeName(table)}`);
        const keys = Object.keys(table);
        const weights = keys.map((k) => {
          const w = table[k];
          if (typeof w !== 'number' || !(w >= 0)) throw new TypeError(`the weight of "${k}" must be a number >= 0, got ${JSON.stringify(w)}`);
          return w;
        });
        if (!(weights.reduce((a, b) => a + b, 0) > 0)) throw new RangeError('the weights must sum to more than 0');
        return keys[ctx.rng.weighted(weights)];
      },
      { minArgs: 1, maxArgs: 1, keywords: [] },
    ),
    switch: defineFunction<StoryEvalContext>(
      (args) => {
        const [value, cases] = args;
        if (!isDict(cases)) throw new TypeError(`the cases must be a dict such as {'free': 0, 'pro': 99}, got ${typeName(cases)}`);
        const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
        if (key !== undefined && Object.prototype.hasOwnProperty.call(cases, key)) return cases[key];
        if (args.length > 2) return args[2];
        throw new RangeError(`no case for ${JSON.stringify(value)} (cases: ${Object.keys(cases).join(', ')}); add a default as third argument`);
      },
      { minArgs: 2, maxArgs: 3, keywords: [] },
    ),
    ref: defineFunction<StoryEvalContext>(
      (args, _kw, ctx) => {
        if (typeof args[0] !== 'string') throw new TypeError(`expected a field path such as ref(user.signup.user_id), got ${typeName(args[0])}`);
        return ctx.ref(args[0], args.length > 1 ? { value: args[1] } : undefined);
      },
      { minArgs: 1, maxArgs: 2, keywords: [], pathArgs: true },
    ),
    faker: functionNamespace<StoryEvalContext>(
      (name) => {
        if (!isFakerName(name)) return undefined;
        return (args, kwargs, ctx) => {
          const key = `${name}\u0000${JSON.stringify(args)}\u0000${JSON.stringify(kwargs)}`;
          let generate = fakerCache.get(key);
          if (generate === undefined) {
            generate = compileFakerCall(name, args, kwargs, `faker.${name}()`, fakerLimits);
            if (fakerCache.size > 10_000) fakerCache.clear();
            fakerCache.set(key, generate);
          }
          return generate(ctx);
        };
      },
      () => [...knownGenerators(), ...fakerMethodPaths()],
    ),
  };
};
