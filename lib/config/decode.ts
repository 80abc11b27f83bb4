/**
 * Small decoders over the located YAML tree. Each takes the node, its path and the `Problems`
 * collector, reports what is wrong (`expected an integer, got "ten"`, `unknown key "genrator";
 * did you mean "generator"?`, `missing required key "type"`) at the node's line and column, and
 * returns the decoded value or undefined, so decoding goes on and every error is found at once.
 *
 * @example
 * const settings = mapOf(node, 'simulation_settings', problems, { optional: ['duration', 'random_seed'] });
 * const seed = settings && intOf(settings.random_seed, 'simulation_settings.random_seed', problems);
 */
import { suggestion } from '../core/didYouMean';
import type { Problems } from './configError';
import type { YEntry, YNode } from './yamlTree';

/** Words for a node in "got …" messages. */
export const describeNode = (node: YNode): string => {
  switch (node.kind) {
    case 'map':
      return 'a mapping';
    case 'seq':
      return 'a list';
    case 'scalar':
      return node.value === null ? 'nothing (null)' : typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    default: {
      const never: never = node;
      return never;
    }
  }
};

/** A name or value from the document, quoted for a message: `"a\nb"` stays on one line, `"` is escaped. */
export const quote = (s: string): string => JSON.stringify(s);

/** `a.b`, `a[0]`, or `b` at the root. */
export const child = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

export { suggestion };

/**
 * `record[key]` when `record` has it as its own property: a name from the document such as
 * `toString` or `constructor` must not find what every object inherits.
 */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** The keys a map may have. */
export interface Keys {
  readonly required?: ReadonlyArray<string>;
  readonly optional?: ReadonlyArray<string>;
}

/** A decoded map: entries by key (present keys only), plus the entries in order. */
export interface MapOf {
  readonly node: YNode & { kind: 'map' };
  readonly get: (key: string) => YNode | undefined;
  readonly entries: ReadonlyArray<YEntry>;
}

/** Checks a node is a mapping with the given keys (unknown keys and missing required ones are errors). */
export const mapOf = (node: YNode | undefined, path: string, problems: Problems, keys?: Keys): MapOf | undefined => {
  if (node === undefined) return undefined;
  if (node.kind !== 'map') {
    problems.at(node.offset, path, `expected a mapping, got ${describeNode(node)}`);
    return undefined;
  }
  if (keys !== undefined) {
    const allowed = [...(keys.required ?? []), ...(keys.optional ?? [])];
    for (const e of node.entries) {
      if (!allowed.includes(e.key)) {
        problems.at(e.keyOffset, child(path, e.key), `unknown key ${quote(e.key)}${suggestion(e.key, allowed)}`);
      }
    }
    for (const k of keys.required ?? []) {
      if (!node.entries.some((e) => e.key === k)) problems.at(node.offset, path, `missing required key ${quote(k)}`);
    }
  }
  const byKey = new Map(node.entries.map((e) => [e.key, e.value]));
  return { node, get: (k) => byKey.get(k), entries: node.entries };
};

/** Checks a node is a list. */
export const seqOf = (node: YNode | undefined, path: string, problems: Problems): ReadonlyArray<YNode> | undefined => {
  if (node === undefined) return undefined;
  if (node.kind !== 'seq') {
    problems.at(node.offset, path, `expected a list, got ${describeNode(node)}`);
    return undefined;
  }
  return node.items;
};

const scalar =
  <T>(what: string, test: (v: unknown) => v is T) =>
  (node: YNode | undefined, path: string, problems: Problems): T | undefined => {
    if (node === undefined) return undefined;
    if (node.kind === 'scalar' && test(node.value)) return node.value;
    problems.at(node.offset, path, `expected ${what}, got ${describeNode(node)}`);
    return undefined;
  };

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
// Beyond 2^53 integers are not exact: 9007199254740993 reads as 9007199254740992.
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** A string scalar. */
export const stringOf = scalar('a string', isString);
/** A finite number. */
export const numberOf = scalar('a number', isNumber);
const anyInteger = scalar('an integer', isInteger);

/** An integer (a safe one: at most 2^53 - 1 in size, so it is exact). */
export const intOf = (node: YNode | undefined, path: string, problems: Problems): number | undefined => {
  if (node?.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value) && !Number.isSafeInteger(node.value)) {
    problems.at(node.offset, path, `expected an integer between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${node.value}`);
    return undefined;
  }
  return anyInteger(node, path, problems);
};
/** true or false. */
export const boolOf = scalar('true or false', isBoolean);

/** A number in [min, max]. */
export const numberIn = (node: YNode | undefined, path: string, problems: Problems, min: number, max: number): number | undefined => {
  const n = numberOf(node, path, problems);
  if (n === undefined || node === undefined) return undefined;
  if (n < min || n > max) {
    problems.at(node.offset, path, `expected a number between ${min} and ${max}, got ${n}`);
    return undefined;
  }
  return n;
};

/** An integer >= min. */
export const intAtLeast = (node: YNode | undefined, path: string, problems: Problems, min: number): number | undefined => {
  const n = intOf(node, path, problems);
  if (n === undefined || node === undefined) return undefined;
  if (n < min) {
    problems.at(node.offset, path, `expected an integer >= ${min}, got ${n}`);
    return undefined;
  }
  return n;
};

/** An integer in [min, max]; `hint` follows the message (e.g. which setting raises `max`). */
export const intIn = (node: YNode | undefined, path: string, problems: Problems, min: number, max: number, hint = ''): number | undefined => {
  const n = intOf(node, path, problems);
  if (n === undefined || node === undefined) return undefined;
  if (n < min || n > max) {
    problems.at(node.offset, path, n > max ? `expected an integer <= ${max}, got ${n}${hint}` : `expected an integer >= ${min}, got ${n}`);
    return undefined;
  }
  return n;
};

/** One of a fixed set of strings (with did-you-mean). */
export const oneOf = <const V extends string>(
  node: YNode | undefined,
  path: string,
  problems: Problems,
  values: ReadonlyArray<V>,
  what = 'a valid value',
): V | undefined => {
  const s = stringOf(node, path, problems);
  if (s === undefined || node === undefined) return undefined;
  if ((values as ReadonlyArray<string>).includes(s)) return s as V;
  const hint = suggestion(s, values);
  problems.at(node.offset, path, hint === '' ? `${quote(s)} is not ${what} (${values.join(', ')})` : `${quote(s)} is not ${what}${hint}`);
  return undefined;
};
