/**
 * Functions callable from expressions: the caller's registry (plain functions, functions with
 * metadata, namespaces such as `faker.*`) over the built-ins, and how a dotted name resolves.
 *
 * Resolution of a call `a.b.c(…)`: the registry key `"a.b.c"`; else the longest registered
 * namespace prefix (`"a.b"` asked for `"c"`, then `"a"` asked for `"b.c"`); else a built-in. Only
 * own keys of the registry count (`constructor()` never finds `Object.prototype.constructor`).
 *
 * @example
 * const functions: FunctionRegistry<{ rng: Rng }> = {
 *   random: defineFunction(([lo, hi], _kw, ctx) => ctx.rng.int(lo as number, hi as number), { minArgs: 2, maxArgs: 2, keywords: [] }),
 *   uuid4: (_args, _kw, ctx) => ctx.rng.uuid(),
 *   faker: functionNamespace((path) => fakerFunction(path), () => FAKER_METHODS), // the caller's faker adapter
 * };
 */
import { suggest } from './suggest';
import { BUILTINS } from './builtins';
import type { ExprFunction, FunctionEntry, FunctionNamespace, FunctionRegistry, FunctionSpec } from './functionSpec';

export type { ExprFunction, FunctionSpec, FunctionNamespace, FunctionEntry, FunctionRegistry } from './functionSpec';

/** A `FunctionSpec` from a function and its metadata. */
export const defineFunction = <C = unknown>(fn: ExprFunction<C>, meta: Omit<FunctionSpec<C>, 'fn'> = {}): FunctionSpec<C> => ({ ...meta, fn });

/** A `FunctionNamespace` from a resolver and (optionally) its known names. */
export const functionNamespace = <C = unknown>(resolve: FunctionNamespace<C>['resolve'], names?: FunctionNamespace<C>['names']): FunctionNamespace<C> =>
  names === undefined ? { _tag: 'FunctionNamespace', resolve } : { _tag: 'FunctionNamespace', resolve, names };

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const isNamespace = <C>(e: FunctionEntry<C>): e is FunctionNamespace<C> =>
  typeof e === 'object' && e !== null && (e as { _tag?: unknown })._tag === 'FunctionNamespace';

const toSpec = <C>(e: ExprFunction<C> | FunctionSpec<C> | undefined): FunctionSpec<C> | undefined => {
  if (e === undefined || e === null) return undefined;
  if (typeof e === 'function') return { fn: e };
  return typeof e === 'object' && typeof e.fn === 'function' ? e : undefined;
};

/** The function a (dotted) call name refers to, or undefined. */
export const resolveFunction = <C>(name: string, registry: FunctionRegistry<C> | undefined): FunctionSpec<C> | undefined => {
  if (registry !== undefined) {
    if (hasOwn(registry, name)) {
      const entry = registry[name];
      if (!isNamespace(entry)) return toSpec(entry);
    }
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const prefix = name.slice(0, dot);
      if (!hasOwn(registry, prefix)) continue;
      const entry = registry[prefix];
      if (isNamespace(entry)) return toSpec(entry.resolve(name.slice(dot + 1)));
    }
  }
  return hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
};

/** Every name a call could use, for suggestions (namespaces contribute their `names`). */
export const knownFunctionNames = <C>(registry: FunctionRegistry<C> | undefined): string[] => {
  const names = new Set(Object.keys(BUILTINS));
  if (registry !== undefined) {
    for (const key of Object.keys(registry)) {
      const entry = registry[key];
      if (!isNamespace(entry)) names.add(key);
      else if (entry.names !== undefined) for (const n of entry.names()) names.add(`${key}.${n}`);
    }
  }
  return [...names];
};

const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;

/** Why `name(…)` with these arguments does not fit `spec`, or undefined if it does. */
export const arityProblem = <C>(name: string, spec: FunctionSpec<C>, positional: number): string | undefined => {
  const min = spec.minArgs ?? 0;
  const max = spec.maxArgs ?? Infinity;
  if (positional >= min && positional <= max) return undefined;
  if (max === 0) return `${name}() takes no positional arguments, got ${positional}`;
  const takes =
    min === max ? `exactly ${plural(min)}` : max === Infinity ? `at least ${plural(min)}` : min === 0 ? `at most ${plural(max)}` : `${min} to ${max} arguments`;
  return `${name}() takes ${takes}, got ${positional}`;
};

/** Why keyword `keyword` is not accepted by `spec`, or undefined if it is. */
export const keywordProblem = <C>(name: string, spec: FunctionSpec<C>, keyword: string): string | undefined => {
  if (spec.keywords === undefined || spec.keywords.includes(keyword)) return undefined;
  if (spec.keywords.length === 0) return `${name}() takes no keyword arguments`;
  return `${name}() has no keyword argument "${keyword}"${suggest(keyword, spec.keywords)}`;
};
