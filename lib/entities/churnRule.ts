/**
 * Churn: how the engine retires the entities of a type on its own, stated on the type in a line
 * (`entity('User', { …, churn: { inactiveFor: '30d', maxLive: 50_000, event: AccountClosed } })`).
 *
 * - `inactiveFor`: an entity that no session holds and that nothing changed (created, updated,
 *   held, released) for that long retires, at exactly its last change + `inactiveFor`.
 * - `maxLive`: before a new entity would make more than `maxLive` of the type live, the one that
 *   has been idle longest (unheld, oldest last change) retires first.
 * - `event`: emitted for each entity churn retires, about that entity (its fields bound to the
 *   type get the entity's key), by the pseudo-flow `churn`; `overrides` fills other fields.
 *
 * `churnRule` checks the options once, when the entity type is defined.
 *
 * @example
 * const rule = churnRule('User', 'user_id', { inactiveFor: '30d', event: AccountClosed, overrides: { reason: 'inactivity' } });
 * rule.inactiveForMs; // 2592000000
 */
import type { DurationInput } from '../core/duration';
import { parseDuration } from '../core/duration';
import { didYouMean } from '../core/didYouMean';
import type { EventSchema } from '../schema/event';
import { checkValues } from '../schema/event';
import type { GenContext } from '../schema/generator';
import { SchemaError } from '../schema/schemaError';

/** What churn's `overrides` function sees of the entity it retires (a view as of then). */
export interface RetiringEntity<S extends object = Record<string, unknown>> {
  readonly type: string;
  readonly key: string;
  readonly state: Readonly<S>;
}

/** Field values of a churn event, computed from the entity it is about (and the churn's random source). */
export type ChurnOverrides<S extends object = Record<string, unknown>> = (entity: RetiringEntity<S>, g: GenContext) => Readonly<Record<string, unknown>>;

/** The `churn` option of `entity()`. */
export interface ChurnOptions<S extends object = Record<string, unknown>> {
  /** Retire an entity no session holds and nothing changed for this long: "30m", "30d", ms. */
  readonly inactiveFor?: DurationInput;
  /** At most this many live entities of the type: the longest-idle unheld one retires to make room. */
  readonly maxLive?: number;
  /** The event emitted for each entity churn retires (a field named like the primary key, or with `ref`, names it). */
  readonly event?: EventSchema<any>;
  /** Other field values of `event`: fixed ones, or a function of the retiring entity. */
  readonly overrides?: Readonly<Record<string, unknown>> | ChurnOverrides<S>;
}

/** Churn options checked and resolved. */
export interface ChurnRule {
  /** Undefined: no inactivity time-out. */
  readonly inactiveForMs: number | undefined;
  /** Undefined: no population cap. */
  readonly maxLive: number | undefined;
  readonly event: EventSchema<any> | undefined;
  readonly overrides: ChurnOverrides<any> | undefined;
}

const KEYS = ['inactiveFor', 'maxLive', 'event', 'overrides'];

/** Checks `options` (the `churn` of entity `name`, whose key is `primaryKey`); throws a `SchemaError` naming what is wrong. */
export const churnRule = (name: string, primaryKey: string, options: ChurnOptions<any>): ChurnRule => {
  const where = `${name}.churn`;
  if (typeof options !== 'object' || options === null) throw new SchemaError(`${where}: expected { inactiveFor?, maxLive?, event?, overrides? }`);
  for (const k of Object.keys(options)) {
    if (!KEYS.includes(k)) {
      const near = didYouMean(k, KEYS);
      throw new SchemaError(`${where}: unknown option "${k}"${near === undefined ? ` (options: ${KEYS.join(', ')})` : `; did you mean "${near}"?`}`);
    }
  }
  let inactiveForMs: number | undefined;
  if (options.inactiveFor !== undefined) {
    try {
      inactiveForMs = parseDuration(options.inactiveFor);
    } catch (e) {
      throw new SchemaError(`${where}.inactiveFor: ${(e as Error).message}`);
    }
    if (!(inactiveForMs > 0)) throw new SchemaError(`${where}.inactiveFor: must be more than 0`);
  }
  const { maxLive, event, overrides } = options;
  if (maxLive !== undefined && !(Number.isSafeInteger(maxLive) && maxLive >= 1)) {
    throw new SchemaError(`${where}.maxLive: must be an integer >= 1, got ${JSON.stringify(maxLive)}`);
  }
  if (inactiveForMs === undefined && maxLive === undefined) throw new SchemaError(`${where}: give inactiveFor, maxLive or both`);
  if (event !== undefined && event?._tag !== 'EventSchema') throw new SchemaError(`${where}.event: must be an event schema (event(...))`);
  if (overrides !== undefined && event === undefined) throw new SchemaError(`${where}.overrides: needs an event`);
  if (typeof overrides === 'function') return { inactiveForMs, maxLive, event, overrides: overrides as ChurnOverrides<any> };
  if (overrides !== undefined) {
    const bad = typeof overrides === 'object' && overrides !== null ? checkValues(event!, overrides) : 'expected field values or a function';
    if (bad !== undefined) throw new SchemaError(`${where}.overrides: ${bad}`);
  }
  // The event says which entity left; without overrides to fill it, a bound field must.
  if (event !== undefined && !event.fieldNames.some((f) => f === primaryKey || event.fields[f].ref === name)) {
    throw new SchemaError(`${where}.event: ${event.name} has no field "${primaryKey}" (or with ref "${name}") to name the ${name} that leaves`);
  }
  const fixed = overrides as Readonly<Record<string, unknown>> | undefined;
  return { inactiveForMs, maxLive, event, overrides: fixed === undefined ? undefined : () => fixed };
};
