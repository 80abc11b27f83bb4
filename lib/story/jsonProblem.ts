/**
 * Whether a value a custom `EventGenerator` returned can be written as JSON as it is: null,
 * booleans, finite numbers, strings, valid `Date`s (written as ISO-8601), lists and plain objects
 * of those, not circular, nested at most `MAX_JSON_DEPTH` deep. Anything else (`undefined`, NaN,
 * a bigint, a function, a `Map`, a cycle) would be dropped, turned into null or make an output
 * fail, so the story player reports it, naming the field, instead.
 *
 * @example
 * jsonProblem({ total: 1n }, 'total'); // 'total is a bigint'
 * jsonProblem({ a: [1, 'x'] }, '');   // undefined
 */
import { isDict } from '../expr/values';

/** How deep lists and objects may nest (far more than data needs; JSON writers recurse). */
export const MAX_JSON_DEPTH = 200;

/** What makes `value` (at `path`) no JSON value, or undefined when it is one. */
export const jsonProblem = (value: unknown, path: string): string | undefined => {
  const open = new Set<object>();
  const visit = (v: unknown, at: string, depth: number): string | undefined => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
    if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${at} is ${v} (JSON has only finite numbers)`;
    if (typeof v !== 'object') return `${at} is ${v === undefined ? 'undefined (use null)' : `a ${typeof v}`}`;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? `${at} is an invalid Date` : undefined;
    if (!Array.isArray(v) && !isDict(v)) return `${at} is a ${(v as object).constructor?.name ?? 'non-plain object'} (return plain objects, lists and values)`;
    if (open.has(v)) return `${at} refers back to itself (a cycle)`;
    if (depth >= MAX_JSON_DEPTH) return `${at} is nested more than ${MAX_JSON_DEPTH} deep`;
    open.add(v);
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((x, i) => [`${at}[${i}]`, x])
      : Object.keys(v).map((k) => [at === '' ? k : `${at}.${k}`, v[k]]);
    for (const [p, x] of entries) {
      const problem = visit(x, p, depth + 1);
      if (problem !== undefined) return problem;
    }
    open.delete(v);
    return undefined;
  };
  return visit(value, path, 0);
};
