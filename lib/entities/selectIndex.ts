import type { Columns } from './columns';
import type { EntityType } from './entity';
import type { Predicate, Where, WhereTarget } from './where';

/** Ordinals an index has room for at first (it doubles as it fills). */
const INITIAL_ITEMS = 64;

/**
 * The available entities matching one filter, as ordinals (positions in the type's list of all
 * entities) in a typed array; each entity's position in it is in its row of the type's `Columns`.
 * Adding and removing (swap with the last) touch no entity object and allocate nothing (but for
 * the array's doubling as it fills). `R` is what the type's list holds (the store's records).
 *
 * @example
 * const idx = new SelectIndex(User, all, columns, INDEX_SLOT0, compileWhere(User, where), where);
 * idx.insert(r.ordinal);
 * all[idx.items[Math.floor(rng.next() * idx.size)]]; // a random match
 */
export class SelectIndex<R extends WhereTarget> {
  /** Ordinals of the matching available entities; the first `size` are in use. */
  items = new Int32Array(INITIAL_ITEMS);
  size = 0;
  /** The conditions it was built from (a copy, safe from later changes by the caller). */
  readonly where: Where<any>;

  constructor(
    readonly type: EntityType<any>,
    /** All entities of the type, by ordinal (the type table's own list; a retired one's place is empty). */
    readonly all: ReadonlyArray<R | undefined>,
    private readonly columns: Columns,
    /** This index's slot in the rows of `columns`. */
    readonly slot: number,
    readonly predicate: Predicate,
    where: Where<any>,
  ) {
    this.where = copyWhere(where);
  }

  /**
   * Whether it was built from these conditions, compared condition by condition: finds an index
   * again without building the conditions' canonical key.
   */
  builtFrom(where: Where<any>): boolean {
    return sameWhere(this.where, where);
  }

  has(ordinal: number): boolean {
    return this.columns.get(ordinal, this.slot) >= 0;
  }

  insert(ordinal: number): void {
    if (this.size === this.items.length) {
      const items = new Int32Array(this.size * 2);
      items.set(this.items);
      this.items = items;
    }
    this.columns.set(ordinal, this.slot, this.size);
    this.items[this.size++] = ordinal;
  }

  remove(ordinal: number): void {
    const columns = this.columns;
    const slot = this.slot;
    const i = columns.get(ordinal, slot);
    const last = this.items[--this.size];
    if (last !== ordinal) {
      this.items[i] = last;
      columns.set(last, slot, i);
    }
    columns.set(ordinal, slot, -1);
  }
}

/** A copy of conditions (lists of values copied too). */
const copyWhere = (where: Where<any>): Where<any> => where.map((c) => [c[0], c[1], Array.isArray(c[2]) ? [...(c[2] as unknown[])] : c[2]] as const);

/** Same value, or lists of the same values. */
const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether two lists of conditions are the same, condition by condition. */
const sameWhere = (a: Where<any>, b: Where<any>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!Array.isArray(y) || x[0] !== y[0] || x[1] !== y[1] || !sameValue(x[2], y[2])) return false;
  }
  return true;
};
