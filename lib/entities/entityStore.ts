/**
 * The entity store: every entity's current state, which session holds it, indexes for `select`
 * filters, and temporal versions.
 *
 * - **Locking.** An entity held by a session (`flow_name` = its session id) is in no index, so no
 *   other session can select it. Releasing puts it back.
 * - **Indexes.** Each distinct (entity, where) filter gets an index of the matching *available*
 *   entities, kept up to date on every create / hold / release / state change. Picking a random
 *   match is O(1) whatever the entity count (array + position slots, swap-remove).
 * - **Versions.** Each change closes the current version (`validTo`) and opens a new one
 *   (`validFrom`), including `flow_name` changes; changes within one millisecond are all kept,
 *   in order (zero-length versions). `query(type, where, at)` answers
 *   "which users were logged in at 10:03". With `history: 'none'` only current state is kept.
 *
 * @example
 * const store = new EntityStore([User]);
 * const u = store.create(User, 'u1', { is_logged_in: false }, t0);
 * store.update(u, { is_logged_in: true }, t1);
 * store.query(User, [['is_logged_in', 'is', true]], t1).length; // 1
 */
import type { Rng } from '../core/rng';
import type { EntityType } from './entity';
import type { Predicate, Where } from './where';
import { compileWhere, whereKey } from './where';
import type { StateRecord } from './reducer';

/** One temporal version of an entity. `validTo` is null for the current one. */
export interface EntityVersion {
  readonly validFrom: number;
  readonly validTo: number | null;
  readonly state: StateRecord;
  readonly flowName: string | null;
}

/**
 * An entity as stored. Its history is kept as parallel arrays (start time, state, holder) — no
 * object per version and no write to an old version when a new one starts (a version ends where
 * the next begins) — and materialised by `versions` on demand.
 */
export class EntityRecord {
  /** Start times of the versions, in order. */
  readonly from: number[];
  /** State of each version (immutable objects, shared between versions when unchanged). */
  readonly states: StateRecord[];
  /** Holder (session id) of each version, null when available. */
  readonly holders: Array<string | null>;

  constructor(
    readonly type: EntityType<any>,
    readonly key: string,
    /** Current state (immutable object, replaced on change). */
    public state: StateRecord,
    /** Session id holding it, or null when available. */
    public heldBy: string | null,
    /** Position in each index of its type (by index slot), -1 when absent. */
    readonly slots: number[],
    /** Position in its type's list of all entities. */
    readonly ordinal: number,
    /** The indexes of its type (shared by all entities of the type). */
    readonly indexes: ReadonlyArray<SelectIndex>,
    /** When it was created (its first version starts then). */
    createdAt: number,
  ) {
    // One-element literals: most entities never change, and an array that is pushed to from
    // empty reserves room for 17.
    this.from = [createdAt];
    this.states = [state];
    this.holders = [heldBy];
  }

  /** The versions, oldest first. */
  get versions(): EntityVersion[] {
    const n = this.from.length;
    return this.from.map((validFrom, i) => ({
      validFrom,
      validTo: i + 1 < n ? this.from[i + 1] : null,
      state: this.states[i],
      flowName: this.holders[i],
    }));
  }
}

/** How much state history is kept. */
export type HistoryMode = 'full' | 'none';

/** What `query` returns for each entity that matched at that instant. */
export interface EntitySnapshot {
  readonly key: string;
  readonly state: StateRecord;
  readonly flowName: string | null;
  readonly validFrom: number;
  readonly validTo: number | null;
}

class SelectIndex {
  readonly items: EntityRecord[] = [];
  constructor(
    readonly type: EntityType<any>,
    readonly slot: number,
    readonly predicate: Predicate,
  ) {}
}

interface TypeTable {
  readonly type: EntityType<any>;
  readonly byKey: Map<string, EntityRecord>;
  readonly all: EntityRecord[];
  readonly indexes: SelectIndex[];
}

/** The entity store of one simulation run. */
export class EntityStore {
  private readonly tables = new Map<string, TypeTable>();
  private readonly indexByKey = new Map<string, SelectIndex>();

  constructor(types: ReadonlyArray<EntityType<any>>, readonly history: HistoryMode = 'full') {
    for (const t of types) this.register(t);
  }

  /** Adds an entity type (idempotent). */
  register(type: EntityType<any>): void {
    const existing = this.tables.get(type.name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`two different entity types are named "${type.name}"`);
      return;
    }
    this.tables.set(type.name, { type, byKey: new Map(), all: [], indexes: [] });
  }

  /** Whether the type is part of this store. */
  has(type: EntityType<any>): boolean {
    return this.tables.get(type.name)?.type === type;
  }

  private table(type: EntityType<any>): TypeTable {
    const t = this.tables.get(type.name);
    if (t === undefined || t.type !== type) throw new Error(`entity ${type.name} is not part of this simulation`);
    return t;
  }

  /** The index of available entities matching `where`, created on first use. */
  index(type: EntityType<any>, where: Where<any>): SelectIndex {
    const k = whereKey(type, where);
    let idx = this.indexByKey.get(k);
    if (idx !== undefined) return idx;
    const table = this.table(type);
    idx = new SelectIndex(type, table.indexes.length, compileWhere(type, where));
    table.indexes.push(idx);
    this.indexByKey.set(k, idx);
    for (const r of table.all) {
      r.slots.push(-1);
      if (r.heldBy === null && idx.predicate(r)) this.insert(idx, r);
    }
    return idx;
  }

  /** Number of available entities matching an index. */
  available(idx: SelectIndex): number {
    return idx.items.length;
  }

  /** A random available entity of an index, or undefined. */
  pick(idx: SelectIndex, rng: Rng): EntityRecord | undefined {
    const n = idx.items.length;
    return n === 0 ? undefined : idx.items[Math.floor(rng.next() * n)];
  }

  /** A random entity of a type, held or not, or undefined when there is none. */
  pickAny(type: EntityType<any>, rng: Rng): EntityRecord | undefined {
    const all = this.table(type).all;
    return all.length === 0 ? undefined : all[Math.floor(rng.next() * all.length)];
  }

  /** The entity with this key, if any. */
  get(type: EntityType<any>, key: string): EntityRecord | undefined {
    return this.table(type).byKey.get(key);
  }

  /** Number of entities of a type. */
  count(type: EntityType<any>): number {
    return this.table(type).all.length;
  }

  /** All entities of a type, in creation order. */
  all(type: EntityType<any>): ReadonlyArray<EntityRecord> {
    return this.table(type).all;
  }

  /** Creates an entity; `heldBy` locks it to a session at once. Throws on a duplicate key. */
  create(type: EntityType<any>, key: string, state: StateRecord, now: number, heldBy: string | null = null): EntityRecord {
    const table = this.table(type);
    if (table.byKey.has(key)) throw new DuplicateKeyError(`${type.name} with ${type.primaryKey} ${JSON.stringify(key)} already exists`);
    const r = new EntityRecord(type, key, state, heldBy, table.indexes.map(() => -1), table.all.length, table.indexes, now);
    table.byKey.set(key, r);
    table.all.push(r);
    if (heldBy === null) this.reindex(r);
    return r;
  }

  /** Locks an entity to a session: it leaves every index. */
  hold(r: EntityRecord, sessionId: string, now: number): void {
    if (r.heldBy !== null) throw new Error(`${r.type.name} ${r.key} is already held by session ${r.heldBy}`);
    r.heldBy = sessionId;
    for (const idx of r.indexes) if (r.slots[idx.slot] >= 0) this.remove(idx, r);
    this.version(r, now);
  }

  /** Releases an entity: it joins the indexes it matches. */
  release(r: EntityRecord, now: number): void {
    if (r.heldBy === null) return;
    r.heldBy = null;
    this.version(r, now);
    this.reindex(r);
  }

  /** Replaces an entity's state (from a reducer). */
  update(r: EntityRecord, state: StateRecord, now: number): void {
    r.state = state;
    this.version(r, now);
    if (r.heldBy === null) this.reindex(r);
  }

  /**
   * The entities of a type that satisfied `where` at instant `at` (epoch ms), from the versions.
   * Conditions may use state fields, the primary key and `flow_name`. An entity that changed
   * several times within that millisecond matches if any of its states then matched (the latest
   * matching one is returned).
   */
  query(type: EntityType<any>, where: Where<any>, at: number): EntitySnapshot[] {
    if (this.history === 'none') throw new Error('query needs state history: create the store with history "full"');
    const pred = compileWhere(type, where);
    const out: EntitySnapshot[] = [];
    for (const r of this.table(type).all) {
      const from = r.from;
      for (let i = lastStartedBy(from, at); i >= 0; i--) {
        const validTo = i + 1 < from.length ? from[i + 1] : null;
        const valid = from[i] === at || validTo === null || validTo > at;
        if (valid && pred({ state: r.states[i], key: r.key, heldBy: r.holders[i] })) {
          out.push({ key: r.key, state: r.states[i], flowName: r.holders[i], validFrom: from[i], validTo });
          break;
        }
        if (from[i] !== at) break;
      }
    }
    return out;
  }

  private version(r: EntityRecord, now: number): void {
    if (this.history === 'none') {
      r.from[0] = now;
      r.states[0] = r.state;
      r.holders[0] = r.heldBy;
    } else {
      r.from.push(now);
      r.states.push(r.state);
      r.holders.push(r.heldBy);
    }
  }

  private reindex(r: EntityRecord): void {
    for (const idx of r.indexes) {
      const match = idx.predicate(r);
      const present = r.slots[idx.slot] >= 0;
      if (match && !present) this.insert(idx, r);
      else if (!match && present) this.remove(idx, r);
    }
  }

  private insert(idx: SelectIndex, r: EntityRecord): void {
    r.slots[idx.slot] = idx.items.length;
    idx.items.push(r);
  }

  private remove(idx: SelectIndex, r: EntityRecord): void {
    const i = r.slots[idx.slot];
    const last = idx.items.pop()!;
    if (last !== r) {
      idx.items[i] = last;
      last.slots[idx.slot] = i;
    }
    r.slots[idx.slot] = -1;
  }
}

/** Two entities of one type with the same key. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
}

/** Index of the last version starting at or before `at` (binary search), -1 if none. */
const lastStartedBy = (from: ReadonlyArray<number>, at: number): number => {
  let lo = 0;
  let hi = from.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (from[mid] <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};

export type { SelectIndex };
