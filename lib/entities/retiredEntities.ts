import type { EntitySnapshot } from './versionAt';
import { versionAt } from './versionAt';
import type { VersionLog } from './versionLog';
import type { Predicate } from './where';

/**
 * The retired entities of one type, as the store's temporal queries still see them (whenever it
 * keeps history): each one's key, when it retired, and the log entry of its last version (which
 * the retirement closed). The record itself is gone from the store, so an instant before the
 * retirement still finds the entity, and one after it does not. They are kept in the order they
 * retired; with a history window, those that retired before the oldest instant the store answers
 * (or whose versions the log released) are dropped from the front as more retire.
 *
 * @example
 * const retired = new RetiredEntities();
 * retired.add('u1', t2, log.append(t1, t2, state, null, previous), store.historyStart(), log.first);
 * retired.query(predicate, t1, log, out); // out: [{ key: 'u1', state, flowName: null, validFrom: t1, validTo: t2 }]
 */
export class RetiredEntities {
  private keys: string[] = [];
  private retiredAt: number[] = [];
  private lastEntry: number[] = [];
  /** Entries before it are dropped. */
  private head = 0;

  /**
   * Records that the entity with `key` retired at `at`, its last version in log entry `entry`;
   * first drops those that retired before `oldest` or whose last entry is before `first` (released).
   */
  add(key: string, at: number, entry: number, oldest: number, first: number): void {
    while (this.head < this.keys.length && (this.retiredAt[this.head] < oldest || this.lastEntry[this.head] < first)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.retiredAt = this.retiredAt.slice(this.head);
      this.lastEntry = this.lastEntry.slice(this.head);
      this.head = 0;
    }
    this.keys.push(key);
    this.retiredAt.push(at);
    this.lastEntry.push(entry);
  }

  /** Number of retired entities kept. */
  get size(): number {
    return this.keys.length - this.head;
  }

  /** The log renumbered its entries: links below `shift` are gone, the others are `shift` less. */
  renumbered(shift: number): void {
    for (let k = this.head; k < this.lastEntry.length; k++) this.lastEntry[k] = this.lastEntry[k] < shift ? -1 : this.lastEntry[k] - shift;
  }

  /** Appends to `out` the retired entities that satisfied `predicate` at instant `at` (as `EntityStore.query` says). */
  query(predicate: Predicate, at: number, log: VersionLog, out: EntitySnapshot[]): void {
    for (let k = this.head; k < this.keys.length; k++) {
      const to = this.retiredAt[k];
      const e = this.lastEntry[k];
      // Left by then, or its versions were released.
      if (to < at || e < log.first || e < 0) continue;
      const v = versionAt(log, predicate, at, { key: this.keys[k] }, log.from(e), to, log.state(e), log.holder(e), log.prev(e));
      if (v !== undefined) out.push(v);
    }
  }
}
