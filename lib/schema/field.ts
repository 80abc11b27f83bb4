/**
 * Field constructors: one definition gives a field's io-ts codec, its TypeScript type and its
 * generator hint. Used for event payloads and for entity state.
 *
 * Options other than the known ones (`faker`, `primaryKey`, `nullable`, …) are the hint's
 * parameters, as in the seed: `field.int({ faker: 'random_int', min: 1, max: 3 })`.
 *
 * @example
 * const quantity = field.int({ faker: 'random_int', min: 1, max: 3 });
 * const cartId = field.string({ nullable: true, default: null });
 * const status = field.enum(['available', 'discontinued']);
 */
import * as t from 'io-ts';
import type { FieldType, Generate } from './generator';
import { ModelError } from '../core/errors';

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

const isInt = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u);
const isFiniteNumber = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const isIso = (u: unknown): u is string => typeof u === 'string' && ISO_8601.test(u) && !Number.isNaN(Date.parse(u));

const refinedCodec = <A>(name: string, is: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);

/** io-ts codec of integers. */
export const IntCodec = refinedCodec('integer', isInt);
/** io-ts codec of finite numbers. */
export const FloatCodec = refinedCodec('number', isFiniteNumber);
/** io-ts codec of ISO-8601 date-time strings. */
export const DateTimeCodec = refinedCodec('ISO-8601 date-time', isIso);

const CODECS: Record<FieldType, t.Mixed> = {
  string: t.string,
  int: IntCodec,
  float: FloatCodec,
  boolean: t.boolean,
  datetime: DateTimeCodec,
  json: t.unknown,
};

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** A field definition. `T` is the value's static type. */
export interface FieldDef<T = unknown> {
  readonly _tag: 'Field';
  readonly type: FieldType;
  /** Validates values (payloads, overrides, state updates). */
  readonly codec: t.Type<T, unknown, unknown>;
  /** Generator hint: a seed (Python-Faker) name, a built-in, or a faker-js path. */
  readonly hint: string | undefined;
  /** Parameters of the hint. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  /** Probability that a generated value is null (nullable fields only). */
  readonly nullProbability: number;
  /** Binds the field to the primary key of this entity (by name), like a same-named field. */
  readonly ref: string | undefined;
  /** Entity state only: the initial value (`null` allowed when nullable). */
  readonly hasDefault: boolean;
  readonly default: T | undefined;
  /** Entity state only: copy the initial value from this field of the source event. */
  readonly fromField: string | undefined;
  readonly description: string | undefined;
  /** A ready-made generator (front ends that compile their own, e.g. YAML configs); wins over `hint`. */
  readonly generate: Generate | undefined;
}

/** Options every field constructor takes. Unknown keys are the hint's parameters. */
export interface FieldOptions<T> {
  /** Generator hint, e.g. `'email'`, `'random_int'`, `'person.fullName'`. */
  readonly faker?: string;
  /** Positional arguments for a faker-js method hint. */
  readonly args?: ReadonlyArray<unknown>;
  /** Hint parameters (alternative to passing them as extra keys). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly primaryKey?: boolean;
  readonly nullable?: boolean;
  readonly nullProbability?: number;
  /** Entity name whose primary key this field references. */
  readonly ref?: string | { readonly name: string };
  readonly default?: T | null;
  readonly fromField?: string;
  readonly description?: string;
  /** A ready-made generator instead of a hint (for front ends that compile their own). */
  readonly generate?: Generate;
  readonly [param: string]: unknown;
}

/** The value type of a field definition. */
export type ValueOf<F> = F extends FieldDef<infer T> ? T : never;

type Nullable<O, T> = O extends { readonly nullable: true } ? T | null : O extends { readonly default: null } ? T | null : T;

const KNOWN_OPTIONS = new Set([
  'faker',
  'args',
  'params',
  'primaryKey',
  'nullable',
  'nullProbability',
  'ref',
  'default',
  'fromField',
  'description',
  'generate',
]);

/** A field definition that cannot be built. */
export class FieldError extends ModelError {
  override readonly name = 'FieldError';
}

const make = <T>(type: FieldType, options: FieldOptions<unknown> = {}, codecOverride?: t.Mixed): FieldDef<T> => {
  const params: Record<string, unknown> = { ...(options.params ?? {}) };
  for (const [k, v] of Object.entries(options)) if (!KNOWN_OPTIONS.has(k)) params[k] = v;
  if (options.args !== undefined) params.args = options.args;
  const nullable = options.nullable === true || options.default === null;
  const nullProbability = options.nullProbability ?? 0;
  if (!(nullProbability >= 0 && nullProbability <= 1)) {
    throw new FieldError(`nullProbability must be between 0 and 1, got ${nullProbability}`);
  }
  if (nullProbability > 0 && !nullable) throw new FieldError('nullProbability needs nullable: true');
  if (options.generate !== undefined && (typeof options.generate !== 'function' || options.faker !== undefined)) {
    throw new FieldError('generate must be a function, and cannot be combined with a faker hint');
  }
  const base = codecOverride ?? CODECS[type];
  const codec = (nullable ? t.union([base, t.null]) : base) as unknown as t.Type<T, unknown, unknown>;
  const hasDefault = 'default' in options && options.default !== undefined;
  if (hasDefault && !codec.is(options.default)) {
    throw new FieldError(`default ${JSON.stringify(options.default)} is not a valid ${describeType(type, nullable)}`);
  }
  return {
    _tag: 'Field',
    type,
    codec,
    hint: options.faker,
    params,
    primaryKey: options.primaryKey === true,
    nullable,
    nullProbability,
    ref: typeof options.ref === 'string' ? options.ref : options.ref?.name,
    hasDefault,
    default: options.default as T | undefined,
    fromField: options.fromField,
    description: options.description,
    generate: options.generate,
  };
};

/** "integer", "string or null", … for messages. */
export const describeType = (type: FieldType, nullable = false): string => {
  const name = { string: 'string', int: 'integer', float: 'number', boolean: 'boolean', datetime: 'ISO-8601 date-time string', json: 'JSON value' }[type];
  return nullable ? `${name} or null` : name;
};

// ---------------------------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------------------------

/** Field constructors, one per value type. */
export const field = {
  /** A string field. */
  string: <O extends FieldOptions<string>>(options?: O): FieldDef<Nullable<O, string>> => make('string', options),
  /** An integer field. */
  int: <O extends FieldOptions<number>>(options?: O): FieldDef<Nullable<O, number>> => make('int', options),
  /** A number field. */
  float: <O extends FieldOptions<number>>(options?: O): FieldDef<Nullable<O, number>> => make('float', options),
  /** A boolean field. */
  boolean: <O extends FieldOptions<boolean>>(options?: O): FieldDef<Nullable<O, boolean>> => make('boolean', options),
  /** An ISO-8601 date-time string field (defaults to simulation time when it has no hint). */
  datetime: <O extends FieldOptions<string>>(options?: O): FieldDef<Nullable<O, string>> => make('datetime', options),
  /** Any JSON value (objects, arrays). */
  json: <T = unknown, O extends FieldOptions<T> = FieldOptions<T>>(options?: O): FieldDef<Nullable<O, T>> => make('json', options),
  /** One of a fixed set of strings; generated uniformly from them unless a hint is given. */
  enum: <const V extends string, O extends FieldOptions<V>>(values: ReadonlyArray<V>, options?: O): FieldDef<Nullable<O, V>> => {
    if (values.length === 0) throw new FieldError('enum needs at least one value');
    const codec = t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<string, null>, values.map((v) => JSON.stringify(v)).join(' | '));
    const opts = options?.faker === undefined ? { faker: 'random_element', elements: values, ...(options ?? {}) } : options;
    return make('string', opts as FieldOptions<unknown>, codec);
  },
};
