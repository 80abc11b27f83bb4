import type { EntityType } from './entity';
import type { Predicate, Where, WhereTarget } from './where';
import { compileWhere, whereKey } from './where';

/** How many entities of a type match a condition, held or not. */
interface Counter {
  readonly key: string;
  readonly predicate: Predicate;
  /** Whether the entity with this ordinal is counted. */
  readonly member: boolean[];
  count: number;
}

/**
 * The counters of one entity type (`EntityStore.countWhere`): per distinct condition, how many of
 * its entities match it now, held by a session or not. A counter is made by one scan of the type
 * on first use and kept up to date on every change of an entity after that.
 *
 * @example
 * const counters = new Counters();
 * counters.count(User, [['is_logged_in', 'is', true]], all); // scans once: 42
 * counters.recount(r); // after r changed
 */
export class Counters {
  private readonly list: Counter[] = [];

  /** The number of entities in `all` (by ordinal, retired places empty) matching `where`. */
  count(type: EntityType<any>, where: Where<any>, all: ReadonlyArray<(WhereTarget & { readonly ordinal: number }) | undefined>): number {
    const key = whereKey(type, where);
    let c = this.list.find((x) => x.key === key);
    if (c === undefined) {
      c = { key, predicate: compileWhere(type, where), member: [], count: 0 };
      for (const r of all) {
        if (r === undefined) continue;
        const m = c.predicate(r);
        c.member[r.ordinal] = m;
        if (m) c.count++;
      }
      this.list.push(c);
    }
    return c.count;
  }

  /** Tests a changed entity again against every counter. */
  recount(r: WhereTarget & { readonly ordinal: number }): void {
    for (const c of this.list) {
      const was = c.member[r.ordinal] === true;
      const is = c.predicate(r);
      if (was !== is) {
        c.member[r.ordinal] = is;
        c.count += is ? 1 : -1;
      }
    }
  }

  /** Stops counting the entity with `ordinal` (retired: the ordinal may go to a new entity). */
  forget(ordinal: number): void {
    for (const c of this.list) {
      if (c.member[ordinal] === true) c.count--;
      c.member[ordinal] = false;
    }
  }
}
