/**
 * Actions: what flows yield and the engine carries out. Plain data, tagged by `_tag`, built by the
 * constructors below, which check their arguments against schemas and entities at once.
 *
 * | constructor | does |
 * | --- | --- |
 * | `newEvent(Schema, { overrides, saveEntity, mutate, retireEntity })` | emits an event (and creates / updates / retires entities) |
 * | `addDecay({ rate, seconds \| minutes \| hours \| days \| ms })` | drop-off with probability `rate`, else time passes |
 * | `wait({ minutes: 5 })` | time passes (decay with rate 0) |
 * | `setState(Entity, [[field, 'is' \| 'add' \| 'subtract', value]])` | updates the session's entity |
 * | `select(Entity, where)` | locks a matching available entity for the session |
 * | `release(Entity)` | lets go of the session's entity of that type before the session ends |
 * | `retire(Entity, { key? })` | removes the session's entity of that type from the simulation for good |
 *
 * @example
 * function* signup(ctx: FlowContext) {
 *   yield newEvent(AccountCreated, { saveEntity: User });
 *   yield addDecay({ rate: 0.2, seconds: 30 });
 *   yield newEvent(UserLoggedIn, { mutate: setState(User, [['is_logged_in', 'is', true]]) });
 * }
 */
import type { Rng } from '../core/rng';
import type { DurationInput, TimeSpan } from '../core/duration';
import { checkSpan, parseDuration, sampleSpan } from '../core/duration';
import type { EventSchema } from '../schema/event';
import { checkValues } from '../schema/event';
import { SchemaError } from '../schema/schemaError';
import type { EntityType } from '../entities/entity';
import type { StateOp } from '../entities/reducer';
import { checkOps } from '../entities/reducer';
import type { Where } from '../entities/where';
import { checkWhere } from '../entities/where';
import { ActionError } from './actionError';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Updates the session's entity of a type. */
export interface SetState {
  readonly _tag: 'SetState';
  readonly entity: EntityType<any>;
  /** Checked operations, applied by the engine with `reduceState`. */
  readonly ops: ReadonlyArray<StateOp<any>>;
  /** Which of the session's entities of this type (by key); undefined: the most recently acquired. */
  readonly key: string | undefined;
}

/** Emits an event. */
export interface NewEvent {
  readonly _tag: 'NewEvent';
  readonly schema: EventSchema<any>;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly saveEntity: EntityType<any> | undefined;
  readonly mutate: ReadonlyArray<SetState>;
  /** Message key override for this event. */
  readonly key: string | undefined;
  /** After the event (and its mutations), retires the session's entity of this type. */
  readonly retireEntity?: EntityType<any> | undefined;
}

/** Ends the session with probability `rate`, else advances its clock by a sampled duration. */
export interface AddDecay {
  readonly _tag: 'AddDecay';
  readonly rate: number;
  /** The time that passes: a checked span, or a function of the session's random source (ms). */
  readonly span: TimeSpan | ((rng: Rng) => number);
}

/** Locks a matching available entity for the session. */
export interface Select {
  readonly _tag: 'Select';
  readonly entity: EntityType<any>;
  readonly where: Where<any>;
  /** When nothing matches: end the session (default) or go on without it. */
  readonly optional: boolean;
  /** Set when `where` is just `[primaryKey, 'is', key]`: looked up by key, no index needed. */
  readonly key: string | undefined;
}

/** Releases the session's entity of a type. */
export interface Release {
  readonly _tag: 'Release';
  readonly entity: EntityType<any>;
}

/** Retires one of the session's entities: it leaves the simulation (never selected, referenced or changed again). */
export interface Retire {
  readonly _tag: 'Retire';
  readonly entity: EntityType<any>;
  /** Which of the session's entities of this type (by key); undefined: the most recently acquired. */
  readonly key: string | undefined;
}

/** Every action a flow can yield. */
export type Action = NewEvent | AddDecay | SetState | Select | Release | Retire;

// ---------------------------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------------------------

/** Options of `newEvent`. */
export interface NewEventOptions<P> {
  /** Explicit field values; checked against the schema's codec. */
  readonly overrides?: Partial<P>;
  /** Creates an entity of this type from the payload; the session holds it. */
  readonly saveEntity?: EntityType<any>;
  /** State updates of the session's entities, applied after the event. */
  readonly mutate?: SetState | ReadonlyArray<SetState>;
  /** Message key (e.g. Kafka key) for this event instead of the main entity's key. */
  readonly key?: string;
  /** The event is the end of the session's entity of this type (e.g. `AccountClosed`): retire it after the event. */
  readonly retireEntity?: EntityType<any>;
}

/** The overrides of an event that has none (shared, so the engine can skip the lookups). */
export const NO_OVERRIDES: Readonly<Record<string, unknown>> = Object.freeze({});
/** The mutations of an event that has none (shared). */
export const NO_MUTATIONS: ReadonlyArray<SetState> = Object.freeze([]);

/** Emits an event of `schema`. */
export const newEvent = <P extends object>(schema: EventSchema<P>, options: NewEventOptions<P> = {}): NewEvent => {
  if (schema?._tag !== 'EventSchema') throw new SchemaError('newEvent: the first argument must be an event schema (event(...))');
  const overrides = (options.overrides ?? NO_OVERRIDES) as Readonly<Record<string, unknown>>;
  const bad = checkValues(schema, overrides);
  if (bad !== undefined) throw new SchemaError(`newEvent override ${bad}`);
  const save = options.saveEntity;
  if (save !== undefined && schema.fields[save.primaryKey] === undefined) {
    throw new SchemaError(`newEvent(${schema.name}): cannot save ${save.name}: the event has no field "${save.primaryKey}" (its primary key)`);
  }
  const mutate = options.mutate === undefined ? NO_MUTATIONS : Array.isArray(options.mutate) ? options.mutate : [options.mutate as SetState];
  const retireEntity = options.retireEntity;
  if (retireEntity !== undefined && retireEntity?._tag !== 'Entity')
    throw new SchemaError(`newEvent(${schema.name}): retireEntity must be an entity type (entity(...))`);
  if (retireEntity !== undefined && retireEntity === save) throw new SchemaError(`newEvent(${schema.name}): cannot save and retire ${save.name} in one event`);
  return { _tag: 'NewEvent', schema, overrides, saveEntity: save, mutate, key: options.key, ...(retireEntity === undefined ? {} : { retireEntity }) };
};

/** Options of `addDecay`: a drop-off rate and a time span (fixed or `{ min, max }`), or `after`. */
export interface DecayOptions extends TimeSpan {
  /** Probability (0..1) that the session ends here. */
  readonly rate: number;
  /** A duration in ms drawn from the session's random source, instead of a span. */
  readonly after?: (rng: Rng) => number;
}

const spanOf = (options: TimeSpan & { after?: (rng: Rng) => number }, what: string): AddDecay['span'] => {
  if (options.after !== undefined) {
    if (typeof options.after !== 'function') throw new SchemaError(`${what}: after must be a function (rng) => milliseconds`);
    return options.after;
  }
  try {
    checkSpan(options);
  } catch (e) {
    throw new SchemaError(`${what}: ${(e as Error).message}`);
  }
  return options;
};

/** How long an `AddDecay` waits, drawn from the session's random source. */
export const decayMs = (a: AddDecay, rng: Rng): number => {
  if (typeof a.span !== 'function') return sampleSpan(a.span, rng);
  const ms = a.span(rng);
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new ActionError(`addDecay after() returned ${ms}; expected milliseconds >= 0`);
  return Math.round(ms);
};

/** Drop-off with probability `rate`; otherwise time passes. */
export const addDecay = (options: DecayOptions): AddDecay => {
  const { rate } = options;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new SchemaError(`addDecay: rate must be between 0 and 1, got ${rate}`);
  return { _tag: 'AddDecay', rate, span: spanOf(options, 'addDecay') };
};

/** The units a span may give (anything else in a `wait` would be a span of no time at all). */
const SPAN_UNITS = ['ms', 'seconds', 'minutes', 'hours', 'days'] as const;

/**
 * Time passes (a decay that never drops): a span (`{ minutes: 5 }`, ranges drawn per session), a
 * duration (`'90s'`, `'1h'`, `'3d'`, or milliseconds), or `{ after: (rng) => ms }`.
 *
 * @example
 * yield wait({ minutes: { min: 1, max: 10 } });
 * yield wait('2h');
 */
export const wait = (span: TimeSpan | DurationInput | { after: (rng: Rng) => number }): AddDecay => {
  if (typeof span === 'string' || typeof span === 'number') {
    try {
      return { _tag: 'AddDecay', rate: 0, span: { ms: parseDuration(span) } };
    } catch (e) {
      throw new SchemaError(`wait: ${(e as Error).message}`);
    }
  }
  const given = span as Record<string, unknown> | null;
  if (typeof given !== 'object' || given === null || (given.after === undefined && !SPAN_UNITS.some((u) => given[u] !== undefined))) {
    throw new SchemaError(`wait: expected how long, e.g. wait({ minutes: 5 }) or wait('5m') (units: ${SPAN_UNITS.join(', ')}), got ${JSON.stringify(span)}`);
  }
  return { _tag: 'AddDecay', rate: 0, span: spanOf(span as TimeSpan & { after?: (rng: Rng) => number }, 'wait') };
};

/**
 * Updates the session's entity of `entity` with state operations (see entities/reducer.ts): the
 * most recently acquired one, or the one with `options.key` when the session holds several of
 * that type.
 *
 * @example
 * yield setState(Account, [['balance', 'subtract', 25]]);
 * yield setState(Account, [['balance', 'add', 25]], { key: payee.key });
 */
export const setState = <S extends object>(entity: EntityType<S>, ops: ReadonlyArray<StateOp<S>>, options: { readonly key?: string } = {}): SetState => {
  if (entity?._tag !== 'Entity') throw new SchemaError('setState: the first argument must be an entity type (entity(...))');
  checkOps(entity, ops as ReadonlyArray<StateOp<any>>);
  return { _tag: 'SetState', entity, ops: ops as ReadonlyArray<StateOp<any>>, key: options.key };
};

const NO_CONDITIONS: Where<any> = Object.freeze([]);

/** Locks a random available entity matching `where` for the session. Also used as a flow filter. */
export const select = <S extends object>(entity: EntityType<S>, where: Where<S> = NO_CONDITIONS, options: { optional?: boolean } = {}): Select => {
  if (entity?._tag !== 'Entity') throw new SchemaError('select: the first argument must be an entity type (entity(...))');
  checkWhere(entity, where);
  const only = where.length === 1 ? (where[0] as readonly [string, string, unknown]) : undefined;
  const key = only !== undefined && only[0] === entity.primaryKey && only[1] === 'is' && typeof only[2] === 'string' ? only[2] : undefined;
  return { _tag: 'Select', entity, where, optional: options.optional === true, key };
};

/** Releases the session's entity of `entity` (others may select it again). */
export const release = (entity: EntityType<any>): Release => ({ _tag: 'Release', entity });

/**
 * Retires the session's entity of `entity` (the most recently acquired, or the one with
 * `options.key`): it leaves the store, its indexes and its lock, and is never selected, referenced
 * by an event or changed again. `newEvent(Schema, { retireEntity })` does the same after an event.
 *
 * @example
 * yield newEvent(CartAbandoned);
 * yield retire(Cart);
 * yield retire(Account, { key: closing.key });
 */
export const retire = (entity: EntityType<any>, options: { readonly key?: string } = {}): Retire => {
  if (entity?._tag !== 'Entity') throw new SchemaError('retire: the first argument must be an entity type (entity(...))');
  return { _tag: 'Retire', entity, key: options.key };
};
