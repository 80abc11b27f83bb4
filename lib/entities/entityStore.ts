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
 *   "which users were logged in at 10:03". With `history: 'none'` only current state is kept,
 *   and each entity keeps one state object, updated in place (see `update`). With a window,
 *   `history: { keep: '1h' }`, versions that ended more than an hour before the latest change
 *   are released and `query` answers the instants from then on (see `history.ts`).
 * - **Retirement.** `retire` removes an entity for good: from its key index, every index and
 *   counter, and its lock; its place (ordinal, row) goes to a later entity. With history (full or a
 *   window) its versions stay in the log, so `query` finds it at instants before it retired.
 *
 * The parts, one file each: `EntityRecord` (one entity), `KeyIndex` (a type's entities by key),
 * `SelectIndex` (the available ones matching a filter), `Columns` (a type's per-entity numbers),
 * `VersionLog` (past versions).
 *
 * @example
 * const store = new EntityStore([User]);
 * const u = store.create(User, 'u1', { is_logged_in: false }, t0);
 * store.update(u, { is_logged_in: true }, t1);
 * store.query(User, [['is_logged_in', 'is', true]], t1).length; // 1
 */
import type { Rng } from '../core/rng';
import { Columns, INDEX_SLOT0 } from './columns';
import type { EntityType } from './entity';
import type { EntityChange, EntityChangeListener } from './entityChange';
import type { RecordTable } from './entityRecord';
import { EntityRecord } from './entityRecord';
import { Counters } from './counters';
import { KeyIndex } from './keyIndex';
import { RetiredEntities } from './retiredEntities';
import type { StateRecord } from './reducer';
import { SelectIndex as IndexOf } from './selectIndex';
import { VersionLog } from './versionLog';
import type { EntitySnapshot } from './versionAt';
import { versionAt } from './versionAt';
import type { HistoryMode } from './history';
import { HistoryWindowError, historyKeep } from './history';
import type { Where } from './where';
import { compileWhere, whereKey } from './where';
import { DeepFakerError, ModelError } from '../core/errors';

export { EntityRecord } from './entityRecord';
export type { EntityVersion } from './entityRecord';

/** The available entities of one type matching one filter, as `index` makes them for `pick`. */
export type SelectIndex = IndexOf<EntityRecord>;

export type { HistoryMode, HistoryWindow } from './history';

export type { EntitySnapshot } from './versionAt';

/** A type's table: what its records read, and the store's own lists of the type. */
interface TypeTable extends RecordTable {
  /** By ordinal; a retired entity's place is empty until `free` gives it to a new one. */
  readonly all: Array<EntityRecord | undefined>;
  /** Ordinals of retired entities, to be reused (last retired first). */
  readonly free: number[];
  /** Retired entities still seen by `query` (with history: full or a window). */
  readonly retired: RetiredEntities;
  readonly indexes: SelectIndex[];
  /** Counters of entities matching a condition, held or not (`countWhere`). */
  readonly counters: Counters;
}

/** Slots per row at first: room for 4 indexes (doubles when a type gets more). */
const INITIAL_STRIDE = 8;

/** The entity store of one simulation run. */
export class EntityStore {
  private readonly tables = new Map<string, TypeTable>();
  private readonly indexByKey = new Map<string, SelectIndex>();
  private readonly log: VersionLog;
  private readonly full: boolean;
  private readonly watchers: EntityChangeListener[] = [];
  /** Whether any type has a counter (`countWhere`), so changes need recounting. */
  private counted = false;

  constructor(
    types: ReadonlyArray<EntityType<any>>,
    readonly history: HistoryMode = 'full',
  ) {
    this.full = history !== 'none';
    this.log = new VersionLog(historyKeep(history), (shift) => this.renumbered(shift));
    for (const t of types) this.register(t);
  }

  /** Adds an entity type (idempotent). */
  register(type: EntityType<any>): void {
    const existing = this.tables.get(type.name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new ModelError(`two different entity types are named "${type.name}"`);
      return;
    }
    const all: Array<EntityRecord | undefined> = [];
    this.tables.set(type.name, {
      type,
      byKey: new KeyIndex(all),
      all,
      free: [],
      retired: new RetiredEntities(),
      indexes: [],
      columns: new Columns(INITIAL_STRIDE),
      log: this.log,
      inPlace: !this.full,
      counters: new Counters(),
    });
  }

  /** Whether the type is part of this store. */
  has(type: EntityType<any>): boolean {
    return this.tables.get(type.name)?.type === type;
  }

  private table(type: EntityType<any>): TypeTable {
    const t = this.tables.get(type.name);
    if (t === undefined || t.type !== type) throw new ModelError(`entity ${type.name} is not part of this simulation`);
    return t;
  }

  /** The index of available entities matching `where`, created on first use. */
  index(type: EntityType<any>, where: Where<any>): SelectIndex {
    const table = this.table(type);
    // A `select` yielded in a session usually builds its conditions afresh: compare them with
    // each index's (few per type) before building the canonical key.
    if (Array.isArray(where)) for (const known of table.indexes) if (known.builtFrom(where)) return known;
    const k = whereKey(type, where);
    let idx = this.indexByKey.get(k);
    if (idx !== undefined) return idx;
    const predicate = compileWhere(type, where);
    const slot = INDEX_SLOT0 + table.indexes.length;
    const columns = table.columns;
    if (slot >= columns.stride) columns.widen(columns.stride * 2);
    idx = new IndexOf(type, table.all, columns, slot, predicate, where);
    table.indexes.push(idx);
    this.indexByKey.set(k, idx);
    for (const r of table.all) if (r !== undefined && r.heldBy === null && idx.predicate(r)) idx.insert(r.ordinal);
    return idx;
  }

  /** Number of available entities matching an index. */
  available(idx: SelectIndex): number {
    return idx.size;
  }

  /** A random available entity of an index, or undefined. */
  pick(idx: SelectIndex, rng: Rng): EntityRecord | undefined {
    const n = idx.size;
    return n === 0 ? undefined : idx.all[idx.items[Math.floor(rng.next() * n)]];
  }

  /** A random entity of a type, held or not, or undefined when there is none. */
  pickAny(type: EntityType<any>, rng: Rng): EntityRecord | undefined {
    const { all, free } = this.table(type);
    const n = all.length;
    if (n === free.length) return undefined;
    // A retired entity's empty place: draw again, a few times, then take the next live one.
    let i = Math.floor(rng.next() * n);
    for (let tries = 1; all[i] === undefined && tries < 8; tries++) i = Math.floor(rng.next() * n);
    while (all[i] === undefined) i = (i + 1) % n;
    return all[i];
  }

  /** The entity with this key, if any. */
  get(type: EntityType<any>, key: string): EntityRecord | undefined {
    return this.table(type).byKey.get(key);
  }

  /** Number of live entities of a type. */
  count(type: EntityType<any>): number {
    const t = this.table(type);
    return t.all.length - t.free.length;
  }

  /** The live entities of a type, in creation order (until a retired entity's place is reused). */
  all(type: EntityType<any>): ReadonlyArray<EntityRecord> {
    const t = this.table(type);
    return t.free.length === 0 ? (t.all as EntityRecord[]) : t.all.filter((r): r is EntityRecord => r !== undefined);
  }

  /**
   * Creates an entity; `heldBy` locks it to a session at once. Throws on a duplicate key. With
   * history 'none' the store keeps a copy of `state` (it will update that copy in place).
   */
  create(type: EntityType<any>, key: string, state: StateRecord, now: number, heldBy: string | null = null): EntityRecord {
    const table = this.table(type);
    if (table.byKey.get(key) !== undefined) throw new DuplicateKeyError(`${type.name} with ${type.primaryKey} ${JSON.stringify(key)} already exists`);
    const ordinal = table.free.pop() ?? table.all.length;
    const columns = table.columns;
    if (ordinal === table.all.length) columns.add(ordinal);
    const asUuid = table.byKey.add(key, ordinal);
    // An entity created held keeps its key string while held (its session reads it).
    const r = new EntityRecord(table, asUuid && heldBy === null ? undefined : key, this.full ? state : { ...state }, heldBy, ordinal);
    columns.setSince(ordinal, now);
    table.all[ordinal] = r;
    if (heldBy === null) this.reindex(r);
    if (this.counted) this.recount(r);
    if (this.watchers.length > 0) this.notify(r);
    return r;
  }

  /**
   * Retires an entity at `now`: it leaves its key index, every index and counter, and its lock (it
   * becomes available to nobody); its ordinal is freed for a later entity. With history its
   * last version is closed at `now` and kept for `query`. Watchers get a change with `retired`.
   */
  retire(r: EntityRecord, now: number): void {
    const table = this.table(r.type);
    const ordinal = r.ordinal;
    if (table.all[ordinal] !== r) throw new DeepFakerError(`${r.type.name} ${JSON.stringify(r.key)} is already retired`);
    const key = r.key; // the record keeps the text: the key index forgets its words
    for (const idx of table.indexes) if (idx.has(ordinal)) idx.remove(ordinal);
    table.counters.forget(ordinal);
    if (this.full) table.retired.add(key, now, this.log.append(r.since, now, r.state, r.heldBy, r.previous), this.historyStart(), this.log.first);
    r.heldBy = null;
    table.byKey.remove(key, ordinal);
    table.columns.clear(ordinal);
    table.all[ordinal] = undefined;
    table.free.push(ordinal);
    if (this.watchers.length > 0) {
      const change: EntityChange = { type: r.type, key, state: this.stateOf(r), heldBy: null, at: now, retired: true };
      for (const w of this.watchers) w(change);
    }
  }

  /** Locks an entity to a session: it leaves every index. */
  hold(r: EntityRecord, sessionId: string, now: number): void {
    if (r.heldBy !== null) throw new Error(`${r.type.name} ${r.key} is already held by session ${r.heldBy}`);
    this.close(r, now);
    r.heldBy = sessionId;
    const ordinal = r.ordinal;
    for (const idx of r.indexes) if (idx.has(ordinal)) idx.remove(ordinal);
    if (this.counted) this.recount(r);
    if (this.watchers.length > 0) this.notify(r);
  }

  /** Releases an entity: it joins the indexes it matches. */
  release(r: EntityRecord, now: number): void {
    if (r.heldBy === null) return;
    this.close(r, now);
    r.heldBy = null;
    r.dropKeyText();
    this.reindex(r);
    if (this.counted) this.recount(r);
    if (this.watchers.length > 0) this.notify(r);
  }

  /**
   * Sets an entity's state (from a reducer). With history 'full' the old state object goes to
   * the log and `state` replaces it. With 'none' the values of `state` are copied into the
   * entity's own state object: a long-lived entity's state is in the old generation of the
   * heap, and replacing it on every change would leave a dead object there that only a major GC
   * frees. Nothing outside the store sees that object change: views given to flows, watchers and
   * `versions` get copies (`stateOf`).
   */
  update(r: EntityRecord, state: StateRecord, now: number): void {
    this.close(r, now);
    if (this.full) r.state = state;
    else Object.assign(r.state, state);
    if (r.heldBy === null) this.reindex(r);
    if (this.counted) this.recount(r);
    if (this.watchers.length > 0) this.notify(r);
  }

  /**
   * The current state of `r` as a value that will not change: the state object itself with
   * history 'full' (states are immutable there), a copy with 'none' (updated in place).
   */
  stateOf(r: EntityRecord): StateRecord {
    return this.full ? r.state : { ...r.state };
  }

  /**
   * Number of entities of `type` matching `where` now, held by a session or not (conditions on
   * state fields, the primary key and `flow_name`). The first call for a condition scans the
   * type once; later calls are O(1), the count being kept up to date on every change.
   *
   * @example
   * store.countWhere(User, [['is_logged_in', 'is', true]]); // 42
   */
  countWhere(type: EntityType<any>, where: Where<any>): number {
    const table = this.table(type);
    this.counted = true;
    return table.counters.count(type, where, table.all);
  }

  private recount(r: EntityRecord): void {
    this.table(r.type).counters.recount(r);
  }

  /**
   * Calls `listener` synchronously after every change (creation, state update, hold, release),
   * with the version that begins, and at every retirement (`retired`). Returns the function that stops it.
   *
   * @example
   * const unwatch = store.watch((c) => changes.push(c));
   */
  watch(listener: EntityChangeListener): () => void {
    this.watchers.push(listener);
    return () => {
      const i = this.watchers.indexOf(listener);
      if (i >= 0) this.watchers.splice(i, 1);
    };
  }

  private notify(r: EntityRecord): void {
    const change: EntityChange = { type: r.type, key: r.key, state: this.stateOf(r), heldBy: r.heldBy, at: r.since };
    for (const w of this.watchers) w(change);
  }

  /**
   * The entities of a type that satisfied `where` at instant `at` (epoch ms), from the versions
   * (entities retired after `at` included, after the live ones).
   * Conditions may use state fields, the primary key and `flow_name`. An entity that changed
   * several times within that millisecond matches if any of its states then matched (the latest
   * matching one is returned).
   */
  query(type: EntityType<any>, where: Where<any>, at: number): EntitySnapshot[] {
    if (!this.full) throw new DeepFakerError('query needs state history: create the store with history "full"');
    const log = this.log;
    if (at < this.historyStart()) throw new HistoryWindowError(at, this.historyStart(), log.keep);
    const pred = compileWhere(type, where);
    const out: EntitySnapshot[] = [];
    const table = this.table(type);
    // Newest first: the current version, then the log (versionAt.ts).
    for (const r of table.all) {
      const v = r === undefined ? undefined : versionAt(log, pred, at, r, r.since, null, r.state, r.heldBy, r.previous);
      if (v !== undefined) out.push(v);
    }
    if (table.retired.size > 0) table.retired.query(pred, at, log, out);
    return out;
  }

  /**
   * The oldest instant `query` answers: with a window, `keep` before the latest change (a hold,
   * release or update); -Infinity with full history.
   */
  historyStart(): number {
    return this.log.latest - this.log.keep;
  }

  /** How many past versions the store holds (with a window, the ones not released yet). */
  pastVersions(): number {
    return this.log.length;
  }

  /** Ends the current version of `r` at `now` (its replacement starts then). */
  private close(r: EntityRecord, now: number): void {
    if (this.full) r.previous = this.log.append(r.since, now, r.state, r.heldBy, r.previous);
    r.since = now;
  }

  /** The log renumbered its entries (see `VersionLog`): links below `shift` are gone. */
  private renumbered(shift: number): void {
    for (const table of this.tables.values()) {
      for (const r of table.all) if (r !== undefined) r.previous = r.previous < shift ? -1 : r.previous - shift;
      table.retired.renumbered(shift);
    }
  }

  private reindex(r: EntityRecord): void {
    const ordinal = r.ordinal;
    for (const idx of r.indexes) {
      const match = idx.predicate(r);
      const present = idx.has(ordinal);
      if (match && !present) idx.insert(ordinal);
      else if (!match && present) idx.remove(ordinal);
    }
  }
}

/** Two entities of one type with the same key. */
export class DuplicateKeyError extends DeepFakerError {
  override readonly name = 'DuplicateKeyError';
}
