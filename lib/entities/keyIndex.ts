import { hashString } from '../core/hashString';
import { formatUuid, parseUuid } from '../core/uuid';
import { Columns } from './columns';

/**
 * The entities of a type by primary key: open addressing with linear probing over two typed
 * arrays (ordinal + 1, 0 for an empty slot; the key's 32-bit hash), at most three quarters full.
 * A `Map` would keep an entry object per key in a table every major GC scans; this takes 8 B per
 * slot where the GC never looks, and reads a record only when the hashes match. A retired entity's
 * key is removed by shifting the entries after it back (no tombstones), and its ordinal may then
 * be given to a new entity.
 *
 * It also keeps the keys that are UUIDs in canonical form as four 32-bit words per ordinal
 * (`Columns` of stride 4; all -1 for a key kept as a string by its record): 16 B instead of a
 * 56-byte string on the heap, for most entities. Rows of words exist only from the first UUID
 * key on, so a type whose keys are no UUIDs pays nothing.
 *
 * @example
 * const all: EntityRecord[] = [];
 * const byKey = new KeyIndex(all);
 * byKey.add(key, all.length); // then all.push(the record with that key)
 * byKey.get(key); // the record
 */
export class KeyIndex<R extends { readonly key: string }> {
  private ordinals = new Int32Array(64);
  private hashes = new Int32Array(64);
  private size = 0;
  private readonly words = new Columns(4);
  /** Ordinals that have a row of words: [0, wordRows). */
  private wordRows = 0;
  private readonly scratch = new Int32Array(4);

  /** `all`: the records by ordinal (a retired one's place empty), which the caller fills after each `add`. */
  constructor(private readonly all: ReadonlyArray<R | undefined>) {}

  /** Whether the key of `ordinal` is kept as UUID words. */
  isUuid(ordinal: number): boolean {
    if (ordinal >= this.wordRows) return false;
    const w = this.words;
    return w.get(ordinal, 0) !== -1 || w.get(ordinal, 1) !== -1 || w.get(ordinal, 2) !== -1 || w.get(ordinal, 3) !== -1;
  }

  /** The key of `ordinal` made from its UUID words (`isUuid(ordinal)` must hold). */
  uuid(ordinal: number): string {
    const w = this.words;
    return formatUuid(w.get(ordinal, 0), w.get(ordinal, 1), w.get(ordinal, 2), w.get(ordinal, 3));
  }

  /** The record with this key, if any. */
  get(key: string): R | undefined {
    if (typeof key !== 'string') return undefined; // keys are strings; a flow may ask with anything
    const h = hashString(key);
    const ordinals = this.ordinals;
    const mask = ordinals.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const o = ordinals[i];
      if (o === 0) return undefined;
      if (this.hashes[i] === h) {
        const r = this.all[o - 1]!;
        if (r.key === key) return r;
      }
    }
  }

  /**
   * Adds a key known to be absent, for a new ordinal or one freed by `remove`. Returns whether it is kept as UUID
   * words (then its record need not keep the string).
   */
  add(key: string, ordinal: number): boolean {
    if ((this.size + 1) * 4 > this.ordinals.length * 3) this.rehash(this.ordinals.length * 2);
    this.place(hashString(key), ordinal + 1);
    this.size++;
    const scratch = this.scratch;
    if (!parseUuid(key, scratch, 0)) return false;
    const words = this.words;
    while (this.wordRows <= ordinal) words.add(this.wordRows++); // rows start filled with -1
    for (let i = 0; i < 4; i++) words.set(ordinal, i, scratch[i]);
    return true;
  }

  /**
   * Removes the key of `ordinal` (a retired entity): later entries of its probe run move back into
   * the gap (backward-shift deletion), and its UUID words become -1, as for a new row.
   */
  remove(key: string, ordinal: number): void {
    const ordinals = this.ordinals;
    const hashes = this.hashes;
    const mask = ordinals.length - 1;
    let gap = hashString(key) & mask;
    while (ordinals[gap] !== ordinal + 1) {
      if (ordinals[gap] === 0) return;
      gap = (gap + 1) & mask;
    }
    for (let j = (gap + 1) & mask; ordinals[j] !== 0; j = (j + 1) & mask) {
      // The entry at j may fill the gap unless its home slot lies cyclically in (gap, j].
      const home = hashes[j] & mask;
      const stays = gap < j ? home > gap && home <= j : home > gap || home <= j;
      if (stays) continue;
      ordinals[gap] = ordinals[j];
      hashes[gap] = hashes[j];
      gap = j;
    }
    ordinals[gap] = 0;
    hashes[gap] = 0;
    this.size--;
    if (ordinal < this.wordRows) for (let i = 0; i < 4; i++) this.words.set(ordinal, i, -1);
  }

  private place(h: number, o: number): void {
    const ordinals = this.ordinals;
    const mask = ordinals.length - 1;
    let i = h & mask;
    while (ordinals[i] !== 0) i = (i + 1) & mask;
    ordinals[i] = o;
    this.hashes[i] = h;
  }

  private rehash(capacity: number): void {
    const ordinals = this.ordinals;
    const hashes = this.hashes;
    this.ordinals = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    for (let i = 0; i < ordinals.length; i++) if (ordinals[i] !== 0) this.place(hashes[i], ordinals[i]);
  }
}
