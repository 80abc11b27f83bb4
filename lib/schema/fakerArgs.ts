/**
 * Bounds on the arguments a model passes to faker-js methods, checked before faker is called:
 * `lorem.paragraphs(10000000)` or `string.alpha(100000000)` would hang validation and the run.
 * faker has hundreds of methods, so the check is generic:
 *
 * - every number, anywhere in the arguments, must be finite (no NaN, no ±Infinity);
 * - every count or length is at most `MAX_FAKER_SIZE`: a positional number (`lorem.words(5)`,
 *   `string.alpha(12)`, `helpers.arrayElements(xs, 3)`) or a `{ min, max }` range in its place,
 *   except in modules where positional numbers are values (`number.int(1000000)`, `date.*`);
 *   and an option named `length`, `count` or `…Count` (`{ length: { min: 1, max: 50 } }`);
 * - every text (a template, a pattern, a separator, an array's string) is at most `MAX_FAKER_SIZE`
 *   characters;
 * - `helpers.fromRegExp` quantifiers (`{n}`, `{n,m}`) repeat at most `MAX_FAKER_SIZE` times each and
 *   `MAX_FAKER_OUTPUT` in all, and every brace belongs to one; `helpers.mustache` keys are plain
 *   names and its values contain no placeholders, so its result is at most `MAX_FAKER_OUTPUT`.
 *
 * @example
 * fakerArgsProblem('lorem.paragraphs', [10_000_000]); // 'argument 1 is 10000000, more than the limit of 10000 (MAX_FAKER_SIZE)'
 * fakerArgsProblem('number.int', [{ min: 1, max: 1e9 }]); // undefined: values, not sizes
 */

/** The largest count or length (and the longest text) a faker-js method may be given. */
export const MAX_FAKER_SIZE = 10_000;
/** The longest text that `helpers.fake`, `helpers.mustache` or `helpers.fromRegExp` may produce. */
export const MAX_FAKER_OUTPUT = 1_000_000;
/** Most placeholders one `helpers.fake` call expands, counting those its results bring in. */
export const MAX_FAKE_PLACEHOLDERS = 1_000;

/**
 * The bounds on faker-js arguments, as a front end may raise them (`simulation_settings.limits`
 * of the YAML model format, `limits` of the story format).
 *
 * @example
 * const raised: FakerLimits = { ...DEFAULT_FAKER_LIMITS, maxSize: 50_000, setting: 'simulation_settings.limits' };
 */
export interface FakerLimits {
  /** Counts, lengths and texts (`MAX_FAKER_SIZE`). */
  readonly maxSize: number;
  /** Characters `helpers.fake`, `helpers.mustache` and `helpers.fromRegExp` may produce (`MAX_FAKER_OUTPUT`). */
  readonly maxOutput: number;
  /** Placeholders one `helpers.fake` template expands (`MAX_FAKE_PLACEHOLDERS`). */
  readonly maxPlaceholders: number;
  /** Where a user raises them, e.g. `simulation_settings.limits`: messages then name the key (`FAKER_LIMIT_KEYS`). */
  readonly setting?: string;
}

/** The default bounds. */
export const DEFAULT_FAKER_LIMITS: FakerLimits = Object.freeze({
  maxSize: MAX_FAKER_SIZE,
  maxOutput: MAX_FAKER_OUTPUT,
  maxPlaceholders: MAX_FAKE_PLACEHOLDERS,
});

/** Each bound's constant (named in messages) and its key in a front end's `limits` setting. */
export const FAKER_LIMIT_KEYS = Object.freeze({
  maxSize: ['MAX_FAKER_SIZE', 'max_faker_size'],
  maxOutput: ['MAX_FAKER_OUTPUT', 'max_faker_output'],
  maxPlaceholders: ['MAX_FAKE_PLACEHOLDERS', 'max_fake_placeholders'],
} as const);

/**
 * How a message names bound `limit` of `limits`: its constant, and the setting that raises it if any.
 *
 * @example
 * fakerLimitLabel(DEFAULT_FAKER_LIMITS, 'maxSize'); // 'MAX_FAKER_SIZE'
 */
export const fakerLimitLabel = (limits: FakerLimits, limit: keyof typeof FAKER_LIMIT_KEYS): string => {
  const [constant, key] = FAKER_LIMIT_KEYS[limit];
  return limits.setting === undefined ? constant : `${constant}; raise it with ${limits.setting}.${key}`;
};

/** Modules whose positional numbers and `{ min, max }` options are values, not sizes. */
const VALUE_MODULES: ReadonlySet<string> = new Set(['number', 'date', 'datatype', 'location', 'commerce', 'finance']);
/** Methods elsewhere whose positional numbers are values. */
const VALUE_METHODS: ReadonlySet<string> = new Set(['helpers.rangeToNumber']);

const isSizeKey = (key: string): boolean => key === 'length' || key === 'count' || /[a-z]Count$/.test(key);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ordinal = (i: number): string => `argument ${i + 1}`;

const tooBig = (where: string, n: number, limits: FakerLimits, limit: keyof typeof FAKER_LIMIT_KEYS = 'maxSize'): string =>
  `${where} is ${n}, more than the limit of ${limits[limit]} (${fakerLimitLabel(limits, limit)})`;

/** A count or length: a number or a `{ min, max }` range, each at most `limits.maxSize`. */
const sizeProblem = (where: string, v: unknown, limits: FakerLimits): string | undefined => {
  if (typeof v === 'number') return v > limits.maxSize ? tooBig(where, v, limits) : undefined;
  if (!isRecord(v)) return undefined;
  for (const end of ['min', 'max']) {
    const n = v[end];
    if (typeof n === 'number' && n > limits.maxSize) return tooBig(`${where}.${end}`, n, limits);
  }
  return undefined;
};

/** Non-finite numbers and over-long texts anywhere in `v`. */
const valueProblem = (where: string, v: unknown, depth: number, limits: FakerLimits): string | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${where} must be a finite number, got ${String(v)}`;
  if (typeof v === 'string')
    return v.length > limits.maxSize
      ? `${where} is ${v.length} characters long, more than the limit of ${limits.maxSize} (${fakerLimitLabel(limits, 'maxSize')})`
      : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth > 20) return `${where} is nested more than 20 levels deep`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = valueProblem(`${where}[${i}]`, v[i], depth + 1, limits);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    const p = valueProblem(`${where}.${k}`, x, depth + 1, limits);
    if (p !== undefined) return p;
  }
  return undefined;
};

const QUANTIFIER = /^\{(\d+)(?:,(\d+))?\}/;

/** `helpers.fromRegExp`: braces only in `{n}` / `{n,m}`, each and all repetitions bounded. */
const patternProblem = (pattern: string, limits: FakerLimits): string | undefined => {
  let total = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '}') return `the pattern has a "}" at ${i + 1} that closes no {n} or {n,m} quantifier`;
    if (c !== '{') continue;
    const m = QUANTIFIER.exec(pattern.slice(i, i + 32));
    if (m === null) return `the pattern has a "{" at ${i + 1} that does not start a {n} or {n,m} quantifier`;
    const most = Number(m[2] ?? m[1]);
    if (most > limits.maxSize) return tooBig(`the quantifier ${m[0]}`, most, limits);
    total += most;
    i += m[0].length - 1;
  }
  return total > limits.maxOutput ? tooBig('the total repetition of the pattern', total, limits, 'maxOutput') : undefined;
};

const MUSTACHE_KEY = /^[A-Za-z0-9_.-]+$/;

/** `helpers.mustache(text, data)`: plain keys (each becomes a regular expression), no cascading placeholders. */
const mustacheProblem = (text: unknown, data: unknown, limits: FakerLimits): string | undefined => {
  if (typeof text !== 'string' || !isRecord(data)) return undefined;
  let length = text.length;
  for (const [key, value] of Object.entries(data)) {
    if (!MUSTACHE_KEY.test(key)) return `argument 2: the key ${JSON.stringify(key)} must be letters, digits, "_", "." or "-"`;
    if (typeof value === 'string' && value.includes('{{')) return `argument 2: the value of "${key}" must not contain "{{"`;
    const uses = text.split(`{{${key}}}`).length - 1;
    length += uses * (typeof value === 'string' ? value.length : 0);
  }
  return length > limits.maxOutput ? tooBig('the length of the result', length, limits, 'maxOutput') : undefined;
};

/**
 * Why faker-js method `path` (`module.method`) must not be called with `args`, or undefined. The
 * message names the argument and the limit. `helpers.fake` templates are checked as they are
 * expanded (fakerTemplate.ts).
 */
export const fakerArgsProblem = (path: string, args: readonly unknown[], limits: FakerLimits = DEFAULT_FAKER_LIMITS): string | undefined => {
  const mod = path.slice(0, path.indexOf('.'));
  const values = VALUE_MODULES.has(mod) || VALUE_METHODS.has(path);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const problem =
      valueProblem(ordinal(i), arg, 0, limits) ??
      (values || (isRecord(arg) && Object.keys(arg).some((k) => k !== 'min' && k !== 'max')) ? undefined : sizeProblem(ordinal(i), arg, limits));
    if (problem !== undefined) return problem;
    if (!isRecord(arg)) continue;
    for (const [k, v] of Object.entries(arg)) {
      const p = isSizeKey(k) ? sizeProblem(`${ordinal(i)}.${k}`, v, limits) : undefined;
      if (p !== undefined) return p;
    }
  }
  const pattern = args[0] instanceof RegExp ? args[0].source : args[0];
  if (path === 'helpers.fromRegExp' && typeof pattern === 'string') {
    const p = patternProblem(pattern, limits);
    if (p !== undefined) return `${ordinal(0)}: ${p}`;
  }
  if (path === 'helpers.mustache') return mustacheProblem(args[0], args[1], limits);
  return undefined;
};
