/**
 * The generator contract: how a field's value is made.
 *
 * A field's hint (`faker: 'email'`, `faker: 'random_int', min: 1, max: 3`, `faker: 'person.fullName'`)
 * is compiled once, when the schema is defined, to a `Generate` function. The engine calls it per
 * event with a `GenContext` whose `faker` draws from `rng` and whose dates are relative to `now`
 * (virtual time). Generators must be pure functions of their context: no `Math.random`, no clock.
 *
 * @example
 * const gen: Generate<number> = (g) => g.rng.int(1, 6);
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { Rng } from '../core/rng';
import { ModelError } from '../core/errors';
import type { FakerLimits } from './fakerArgs';

/** What a generator may use. `faker` draws from `rng`; `now` is virtual epoch ms. */
export interface GenContext {
  readonly rng: Rng;
  readonly faker: Faker;
  readonly now: number;
}

/** A compiled generator. */
export type Generate<T = unknown> = (g: GenContext) => T;

/** Value types a field can have. `datetime` values are ISO-8601 strings; `json` is any JSON value. */
export type FieldType = 'string' | 'int' | 'float' | 'boolean' | 'datetime' | 'json';

/** Where a generator is compiled for, used in error messages and type coercion. */
export interface FieldSite {
  /** e.g. `AccountCreated.email` or `User.state.price` */
  readonly where: string;
  readonly name: string;
  readonly type: FieldType;
  /** Bounds on faker-js arguments, when a front end raised them (default `DEFAULT_FAKER_LIMITS`). */
  readonly fakerLimits?: FakerLimits;
}

/** Builds a generator from its parameters; throws `GeneratorError` for bad parameters. */
export type GeneratorFactory = (params: Readonly<Record<string, unknown>>, site: FieldSite) => Generate;

/** A field's generator (its `faker:` name and parameters) that cannot be compiled: an unknown name or bad parameters. The message names the field. */
export class GeneratorError extends ModelError {
  override readonly name = 'GeneratorError';
}

/** @deprecated Renamed `GeneratorError`. */
export const HintError = GeneratorError;
/** @deprecated Renamed `GeneratorError`. */
export type HintError = GeneratorError;
