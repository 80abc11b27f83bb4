/**
 * Flows: weighted multi-step journeys. A flow body is either a generator function yielding
 * actions, or a function returning an `Observable<Action>`; both are driven through one pull
 * cursor (`openFlow`), so a generator is never run ahead of virtual time and an Observable may
 * emit whenever it likes (e.g. with timers on `ctx.scheduler`).
 *
 * What a `yield` returns: the emitted event for `newEvent`, the entity view for `select`
 * (undefined when an optional select found nothing), undefined otherwise.
 *
 * @example
 * sim.flow({ name: 'shopping', weight: 5, filter: select(User, [['is_logged_in', 'is', true]]) },
 *   function* (ctx) {
 *     const user = ctx.getEntity(User);
 *     yield newEvent(ProductAdded, { overrides: { cart_id: `cart_${ctx.sessionId.slice(0, 8)}` } });
 *   });
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { isObservable } from '../core/rx';
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { Rng } from '../core/rng';
import type { EntityType } from '../entities/entity';
import type { Where } from '../entities/where';
import type { Action, Select } from './actions';
import { SchemaError } from '../schema/schemaError';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** A read-only view of an entity the session holds, as of when it was taken: later changes do not show in it. */
export interface EntityView<S extends object = Record<string, unknown>> {
  readonly type: string;
  readonly key: string;
  readonly state: Readonly<S>;
}

/** What a flow sees of its session. */
export interface FlowContext {
  /** This session's id (a UUID drawn from the seed). */
  readonly sessionId: string;
  /** The flow's name. */
  readonly flow: string;
  /** The session's own random source. */
  readonly rng: Rng;
  /** faker drawing from the session's random source, with dates relative to virtual time. */
  readonly faker: Faker;
  /** The simulation's scheduler, for Observable flows that keep time themselves. */
  readonly scheduler: SchedulerLike;
  /** Virtual time, epoch ms. */
  now(): number;
  /** The session's (most recently acquired) entity of a type; throws if it holds none. */
  getEntity<S extends object>(type: EntityType<S>): EntityView<S>;
  /** Like `getEntity`, undefined when the session holds none; with `key`, that one of the session's entities of the type. */
  findEntity<S extends object>(type: EntityType<S>, key?: string): EntityView<S> | undefined;
  /**
   * How many entities of a type match `where` now, held by a session or not (e.g. to cap the
   * users logged in at once). O(1) after the first call for a condition.
   */
  count<S extends object>(type: EntityType<S>, where?: Where<S>): number;
}

/** A flow body: a generator of actions, or an Observable of actions. */
export type FlowBody = (ctx: FlowContext) => Iterator<Action, unknown, any> | Observable<Action>;

/** A flow as the model keeps it. */
export interface FlowDef {
  readonly name: string;
  readonly weight: number;
  /** All must be satisfiable for the flow to start; the session holds what they select. */
  readonly filters: ReadonlyArray<Select>;
  readonly body: FlowBody;
  readonly description: string | undefined;
}

/** Options of a flow. */
export interface FlowOptions {
  readonly name: string;
  /** Relative probability of starting (the YAML model format's `initiation_weight`). Default 1. */
  readonly weight?: number;
  /** Entry condition: the session starts holding a matching available entity. */
  readonly filter?: Select | ReadonlyArray<Select>;
  readonly description?: string;
}

/** Builds and checks a flow definition. */
export const defineFlow = (options: FlowOptions, body: FlowBody): FlowDef => {
  const { name } = options;
  if (typeof name !== 'string' || name === '') throw new SchemaError('flow: a name is required');
  const weight = options.weight ?? 1;
  if (typeof weight !== 'number' || !(weight >= 0) || !Number.isFinite(weight)) {
    throw new SchemaError(`flow "${name}": weight must be a number >= 0, got ${weight}`);
  }
  if (typeof body !== 'function') throw new SchemaError(`flow "${name}": the body must be a function* (ctx) or (ctx) => Observable`);
  const filters = options.filter === undefined ? [] : Array.isArray(options.filter) ? options.filter : [options.filter as Select];
  for (const f of filters) {
    if (f?._tag !== 'Select') throw new SchemaError(`flow "${name}": filter must be select(Entity, where)`);
  }
  return { name, weight, filters, body, description: options.description };
};

// ---------------------------------------------------------------------------------------------
// cursor
// ---------------------------------------------------------------------------------------------

/** The flow has no more actions. */
export const DONE: unique symbol = Symbol('done');
/** An Observable flow has not emitted its next action yet. */
export const PENDING: unique symbol = Symbol('pending');

/** Pulls a session's actions one at a time. */
export interface ActionCursor {
  /** The next action; `input` is the result of the previous one. Throws what the flow throws. */
  pull(input?: unknown): Action | typeof DONE | typeof PENDING;
  /** Stops the flow (generator `return()`, Observable unsubscribe). */
  close(): void;
}

/**
 * Opens a session's cursor; `onPush(ctx)` is called when a pending Observable flow emits or ends
 * (one function can serve every session: it is told which one). `reuse`, a closed cursor of an
 * earlier session, is reopened on a generator flow instead of allocating one.
 */
export const openFlow = <C extends FlowContext>(body: FlowBody, ctx: C, onPush: (ctx: C) => void, reuse?: ActionCursor): ActionCursor => {
  const produced = body(ctx);
  if (isObservable(produced)) return observableCursor(produced as Observable<Action>, () => onPush(ctx));
  if (produced !== null && typeof produced === 'object' && typeof (produced as Iterator<Action>).next === 'function') {
    const it = produced as Iterator<Action, unknown, unknown>;
    return reuse instanceof IteratorCursor && reuse.closed ? reuse.reopen(it) : new IteratorCursor(it);
  }
  throw new TypeError('a flow body must be a generator function (function*) or return an Observable of actions');
};

/**
 * The cursor of a generator flow (methods on the prototype). Once done or closed it lets go of the
 * generator, and can be reopened on another one.
 */
class IteratorCursor implements ActionCursor {
  private it: Iterator<Action, unknown, unknown> | undefined;

  constructor(it: Iterator<Action, unknown, unknown>) {
    this.it = it;
  }

  /** Done or closed. */
  get closed(): boolean {
    return this.it === undefined;
  }

  reopen(it: Iterator<Action, unknown, unknown>): this {
    this.it = it;
    return this;
  }

  pull(input?: unknown): Action | typeof DONE | typeof PENDING {
    const it = this.it;
    if (it === undefined) return DONE;
    const r = it.next(input);
    if (r.done === true) {
      this.it = undefined;
      return DONE;
    }
    return r.value;
  }

  close(): void {
    const it = this.it;
    if (it !== undefined) {
      this.it = undefined;
      it.return?.(undefined);
    }
  }
}

const observableCursor = (source: Observable<Action>, onPush: () => void): ActionCursor => {
  const queue: Action[] = [];
  let head = 0;
  let complete = false;
  let failed: { error: unknown } | undefined;
  let waiting = false;
  let sub: Subscription | undefined;
  const wake = (): void => {
    if (waiting) {
      waiting = false;
      onPush();
    }
  };
  return {
    pull() {
      if (sub === undefined) {
        sub = source.subscribe({
          next: (a) => {
            queue.push(a);
            wake();
          },
          error: (error) => {
            failed = { error };
            wake();
          },
          complete: () => {
            complete = true;
            wake();
          },
        });
      }
      if (head < queue.length) {
        const a = queue[head++];
        if (head > 64 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        return a;
      }
      if (failed !== undefined) throw failed.error;
      if (complete) return DONE;
      waiting = true;
      return PENDING;
    },
    close() {
      complete = true;
      sub?.unsubscribe();
    },
  };
};
