import type { StateRecord } from './reducer';
import type { VersionLog } from './versionLog';
import type { Predicate } from './where';

/** A retired entity's version that matched a temporal query (what `EntityStore.query` returns). */
export interface RetiredSnapshot {
  readonly key: string;
  readonly state: StateRecord;
  readonly flowName: string | null;
  readonly validFrom: number;
  readonly validTo: number;
}

/**
 * The retired entities of one type, as the store's temporal queries still see them (history
 * 'full' only): each one's key, when it retired, and the log entry of its last version (which the
 * retirement closed). The record itself is gone from the store, so an instant before the
 * retirement still finds the entity, and one after it does not.
 *
 * @example
 * const retired = new RetiredEntities();
 * retired.add('u1', t2, log.append(t1, state, null, previous));
 * retired.query(predicate, t1, log, out); // out: [{ key: 'u1', state, flowName: null, validFrom: t1, validTo: t2 }]
 */
export class RetiredEntities {
  private readonly keys: string[] = [];
  private readonly retiredAt: number[] = [];
  private readonly lastEntry: number[] = [];

  /** Records that the entity with `key` retired at `at`, its last version in log entry `entry`. */
  add(key: string, at: number, entry: number): void {
    this.keys.push(key);
    this.retiredAt.push(at);
    this.lastEntry.push(entry);
  }

  /** Number of retired entities kept. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * Appends to `out` the retired entities that satisfied `predicate` at instant `at`, by the rules
   * of `EntityStore.query`: a version is valid at `at` if it starts at or before it and ends after
   * it, or starts exactly then; an entity matches with its latest matching state.
   */
  query(predicate: Predicate, at: number, log: VersionLog, out: { push(s: RetiredSnapshot): unknown }): void {
    for (let k = 0; k < this.keys.length; k++) {
      let validTo = this.retiredAt[k];
      if (validTo < at) continue; // it had left by then
      const key = this.keys[k];
      for (let i = this.lastEntry[k]; i >= 0; i = log.prev(i)) {
        const validFrom = log.from(i);
        if (validFrom <= at) {
          const state = log.state(i);
          const holder = log.holder(i);
          if ((validFrom === at || validTo > at) && predicate({ state, key, heldBy: holder })) {
            out.push({ key, state, flowName: holder, validFrom, validTo });
            break;
          }
          if (validFrom !== at) break;
        }
        validTo = validFrom;
      }
    }
  }
}
