import type { EntityRecord } from '../entities/entityStore';

/**
 * The entities of one churning type, ordered by when they were last known to be touched: a binary
 * min-heap of records keyed by a time that is at most the entity's last change (then by the order
 * they were queued, so equal times come out first-queued first). Churn reads it lazily: an entry
 * whose entity changed since it was queued is pushed again with the newer time when it reaches the
 * front, so a change costs nothing here, and each entity has one entry. Entries of retired
 * entities are dropped when they reach the front, or all at once by `compact` when they pile up.
 *
 * @example
 * const queue = new IdleQueue();
 * queue.push(record, now);
 * if (queue.size > 0 && queue.headKey() + inactiveFor <= now) queue.pop(); // the longest idle
 */
export class IdleQueue {
  private recs: EntityRecord[] = [];
  private keys: number[] = [];
  private seqs: number[] = [];
  private seq = 0;

  get size(): number {
    return this.recs.length;
  }

  /** The key (a time) of the entry at the front; the queue must not be empty. */
  headKey(): number {
    return this.keys[0];
  }

  /** Queues `r` with `key` (a time at or before its last change). */
  push(r: EntityRecord, key: number): void {
    let i = this.recs.length;
    this.recs.push(r);
    this.keys.push(key);
    this.seqs.push(this.seq++);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Takes the entry at the front (the queue must not be empty). */
  pop(): EntityRecord {
    const top = this.recs[0];
    const last = this.recs.length - 1;
    this.swap(0, last);
    this.recs.pop();
    this.keys.pop();
    this.seqs.pop();
    this.sink(0);
    return top;
  }

  /** Keeps only the entries whose entity passes `keep` (the others' order is kept). */
  compact(keep: (r: EntityRecord) => boolean): void {
    const recs: EntityRecord[] = [];
    const keys: number[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.recs.length; i++) {
      if (!keep(this.recs[i])) continue;
      recs.push(this.recs[i]);
      keys.push(this.keys[i]);
      seqs.push(this.seqs[i]);
    }
    this.recs = recs;
    this.keys = keys;
    this.seqs = seqs;
    for (let i = (recs.length >> 1) - 1; i >= 0; i--) this.sink(i);
  }

  private sink(i: number): void {
    const n = this.recs.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const c = l + 1 < n && this.before(l + 1, l) ? l + 1 : l;
      if (!this.before(c, i)) return;
      this.swap(c, i);
      i = c;
    }
  }

  private before(a: number, b: number): boolean {
    const ka = this.keys[a];
    const kb = this.keys[b];
    return ka < kb || (ka === kb && this.seqs[a] < this.seqs[b]);
  }

  private swap(a: number, b: number): void {
    const r = this.recs[a];
    this.recs[a] = this.recs[b];
    this.recs[b] = r;
    const k = this.keys[a];
    this.keys[a] = this.keys[b];
    this.keys[b] = k;
    const q = this.seqs[a];
    this.seqs[a] = this.seqs[b];
    this.seqs[b] = q;
  }
}
