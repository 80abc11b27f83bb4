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
 *   and each entity keeps one state object, updated in place (see `update`).
 *
 * @example
 * const store = new EntityStore([User]);
 * const u = store.create(User, 'u1', { is_logged_in: false }, t0);
 * store.update(u, { is_logged_in: true }, t1);
 * store.query(User, [['is_logged_in', 'is', true]], t1).length; // 1
 */
import type { Rng } from '../core/rng';
import { formatUuid, parseUuid } from '../core/uuid';
import type { EntityType } from './entity';
import type { Predicate, Where } from './where';
import { compileWhere, whereKey } from './where';
import type { EntityChange, EntityChangeListener } from './entityChange';
import type { StateRecord } from './reducer';

/** One temporal version of an entity. `validTo` is null for the current one. */
export interface EntityVersion {
  readonly validFrom: number;
  readonly validTo: number | null;
  readonly state: StateRecord;
  readonly flowName: string | null;
}

/** Entries per chunk of the version log. */
const LOG_CHUNK_BITS = 12;
const LOG_CHUNK = 1 << LOG_CHUNK_BITS;
const LOG_MASK = LOG_CHUNK - 1;

/**
 * The past versions of all entities of a store, appended in one log of fixed-size chunks: start
 * time, state, holder, and the entry of the entity's version before it (-1 for its first). An
 * entity keeps only its current version and the log entry of its previous one, so a change costs
 * four writes into preallocated chunks — no array per entity that grows (and is copied) with its
 * history, and the numbers live in typed arrays the garbage collector does not scan.
 */
class VersionLog {
  private readonly froms: Float64Array[] = [];
  private readonly prevs: Int32Array[] = [];
  private readonly states: StateRecord[][] = [];
  private readonly holders: Array<Array<string | null>> = [];
  private size = 0;

  /** Appends a closed version; returns its entry. */
  append(from: number, state: StateRecord, holder: string | null, prev: number): number {
    const i = this.size++;
    const c = i >>> LOG_CHUNK_BITS;
    const o = i & LOG_MASK;
    if (o === 0) {
      this.froms.push(new Float64Array(LOG_CHUNK));
      this.prevs.push(new Int32Array(LOG_CHUNK));
      this.states.push(new Array<StateRecord>(LOG_CHUNK));
      this.holders.push(new Array<string | null>(LOG_CHUNK));
    }
    this.froms[c][o] = from;
    this.prevs[c][o] = prev;
    this.states[c][o] = state;
    this.holders[c][o] = holder;
    return i;
  }

  from(i: number): number {
    return this.froms[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  prev(i: number): number {
    return this.prevs[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  state(i: number): StateRecord {
    return this.states[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  holder(i: number): string | null {
    return this.holders[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }
}

/**
 * An entity as stored: its current state, its holder and its key — unless the key is a UUID,
 * which its type's key index keeps as 16 bytes of a typed array. Its type, its type's indexes and
 * the start of its current version live in its type's table (the start in a typed column), so a
 * record is five fields: with a million entities, each byte of a record is a megabyte that every
 * major GC marks. Past versions are in the store's log, materialised by `versions` on demand.
 */
export class EntityRecord {
  constructor(
    private readonly table: TypeTable,
    /** The key as a string, when it is kept as one (see `key`). */
    private keyText: string | undefined,
    /**
     * Current state. With history 'full', an immutable object replaced on every change; with
     * 'none', the entity's one state object, updated in place: read it, or keep
     * `store.stateOf(r)`, a copy.
     */
    public state: StateRecord,
    /** Session id holding it, or null when available. */
    public heldBy: string | null,
    /** Position in its type's list of all entities (and row in its columns). */
    readonly ordinal: number,
  ) {}

  /**
   * Its primary key. A key that is a UUID in canonical form is kept as 16 bytes in its type's
   * key index rather than as a 56-byte string; the string is made again when first read and kept
   * until the entity is next released. Keys are read in bursts (a session's events name the
   * entities it holds; a small table of unheld entities, such as products, is read again and
   * again), while most of a large population sits unread between sessions.
   */
  get key(): string {
    const text = this.keyText;
    if (text !== undefined) return text;
    return (this.keyText = this.table.byKey.uuid(this.ordinal));
  }

  /** @internal Drops the key string if the key index can make it again (on release). */
  dropKeyText(): void {
    if (this.keyText !== undefined && this.table.byKey.isUuid(this.ordinal)) this.keyText = undefined;
  }

  get type(): EntityType<any> {
    return this.table.type;
  }

  /** The indexes of its type (shared by all entities of the type). */
  get indexes(): ReadonlyArray<SelectIndex> {
    return this.table.indexes;
  }

  /** Start of the current version (epoch ms). */
  get since(): number {
    return this.table.columns.since(this.ordinal);
  }

  set since(t: number) {
    this.table.columns.setSince(this.ordinal, t);
  }

  /** Log entry of the previous version, -1 if none (always -1 with `history: 'none'`). */
  get previous(): number {
    return this.table.columns.get(this.ordinal, PREVIOUS_SLOT);
  }

  set previous(entry: number) {
    this.table.columns.set(this.ordinal, PREVIOUS_SLOT, entry);
  }

  /** The versions, oldest first. */
  get versions(): EntityVersion[] {
    const since = this.since;
    const state = this.table.inPlace ? { ...this.state } : this.state;
    const out: EntityVersion[] = [{ validFrom: since, validTo: null, state, flowName: this.heldBy }];
    const log = this.table.log;
    let validTo = since;
    for (let i = this.previous; i >= 0; i = log.prev(i)) {
      const validFrom = log.from(i);
      out.push({ validFrom, validTo, state: log.state(i), flowName: log.holder(i) });
      validTo = validFrom;
    }
    return out.reverse();
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

/**
 * A type's per-entity numbers: one row of `stride` 32-bit slots per ordinal, in buffers that the
 * garbage collector never scans, so that everything numeric about an entity shares a cache line
 * (with a million entities, cache misses are what a hold or an update costs):
 * - slots 0–1: when its current version started (epoch ms, a float64; in a record it would be a
 *   boxed double, 24 B);
 * - slot 2: the log entry of its previous version, -1 if none;
 * - slot 3: unused (keeps rows a whole number of float64s);
 * - slots 4…: its position in each index of the type (`INDEX_SLOT0 + i` for index i), -1 when
 *   absent.
 *
 * Rows come in chunks of 65 536; the first one starts at 64 rows and doubles up to that. Past it,
 * no buffer is copied as the population grows and at most one chunk is partly empty (a doubling
 * array is a third empty on average, and leaves its old copies to the next major GC). With a
 * million entities the 16 chunks' headers stay in cache, so the extra indirection is cheap.
 */
class Columns {
  /** The chunks as int32 slots. */
  private ints: Int32Array[] = [];
  /** The same chunks as float64s. */
  private floats: Float64Array[] = [];

  constructor(
    /**
     * Slots per row, an even number (rows are read as float64s too): for a type's rows, at least
     * `INDEX_SLOT0` + the number of its indexes; 4 for the UUID words of `KeyIndex`.
     */
    public stride: number,
  ) {}

  /** Makes room for `ordinal` (ordinals are added in order). */
  add(ordinal: number): void {
    const c = ordinal >>> ROW_CHUNK_BITS;
    if (c === this.ints.length) this.addChunk(c === 0 ? FIRST_ROWS : ROW_CHUNK);
    else if ((ordinal & ROW_MASK) * this.stride >= this.ints[c].length) this.growFirst();
  }

  get(ordinal: number, slot: number): number {
    return this.ints[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * this.stride + slot];
  }

  set(ordinal: number, slot: number, value: number): void {
    this.ints[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * this.stride + slot] = value;
  }

  since(ordinal: number): number {
    return this.floats[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * (this.stride >> 1)];
  }

  setSince(ordinal: number, t: number): void {
    this.floats[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * (this.stride >> 1)] = t;
  }

  /** Rows of `stride` slots from now on (copies the rows into new chunks). */
  widen(stride: number): void {
    const old = this.ints;
    const oldStride = this.stride;
    this.ints = [];
    this.floats = [];
    this.stride = stride;
    for (const chunk of old) {
      const rows = chunk.length / oldStride;
      const ints = this.addChunk(rows);
      for (let o = 0; o < rows; o++) ints.set(chunk.subarray(o * oldStride, (o + 1) * oldStride), o * stride);
    }
  }

  /** Doubles the first chunk (the only one that can be partial). */
  private growFirst(): void {
    const old = this.ints[0];
    const ints = new Int32Array(Math.min(old.length * 2, ROW_CHUNK * this.stride)).fill(-1);
    ints.set(old);
    this.ints[0] = ints;
    this.floats[0] = new Float64Array(ints.buffer);
  }

  private addChunk(rows: number): Int32Array {
    const ints = new Int32Array(rows * this.stride).fill(-1);
    this.ints.push(ints);
    this.floats.push(new Float64Array(ints.buffer));
    return ints;
  }
}

/** Rows per chunk of `Columns`, and of its first chunk at first. */
const ROW_CHUNK_BITS = 16;
const FIRST_ROWS = 64;
const ROW_CHUNK = 1 << ROW_CHUNK_BITS;
const ROW_MASK = ROW_CHUNK - 1;
/** Slot of a row holding the previous version's log entry. */
const PREVIOUS_SLOT = 2;
/** Slot of a row holding the position in the type's first index. */
const INDEX_SLOT0 = 4;

/**
 * The available entities matching one filter, as ordinals (positions in the type's list of all
 * entities) in a typed array; each entity's position in it is in its row of the type's `Columns`.
 * Adding and removing (swap with the last) touch no entity object and allocate nothing (but for
 * the array's doubling as it fills).
 */
class SelectIndex {
  /** Ordinals of the matching available entities; the first `size` are in use. */
  items = new Int32Array(INITIAL_ITEMS);
  size = 0;

  constructor(
    readonly type: EntityType<any>,
    /** All entities of the type, by ordinal (the type table's own list). */
    readonly all: ReadonlyArray<EntityRecord>,
    private readonly columns: Columns,
    /** This index's slot in the rows of `columns`. */
    readonly slot: number,
    readonly predicate: Predicate,
    /** The conditions it was built from (a copy), to find it again without building a key. */
    readonly where: Where<any>,
  ) {}

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

/**
 * The entities of a type by primary key: open addressing with linear probing over two typed
 * arrays (ordinal + 1, 0 for an empty slot; the key's 32-bit hash), at most three quarters full.
 * A `Map` keeps a 24-byte entry per key in a table that doubles (≈ 47 B per entity at 600 000
 * entities, a table every major GC scans); this takes 8 B per slot where the GC never looks, and
 * reads a record only when the hashes match. Entities are never removed, so no tombstones.
 *
 * It also keeps the keys that are UUIDs in canonical form as four 32-bit words per ordinal
 * (`Columns` of stride 4; all -1 for a key kept as a string by its record): 16 B instead of a
 * 56-byte string on the heap, for most entities. Rows of words exist only from the first UUID
 * key on, so a type whose keys are no UUIDs pays nothing.
 */
class KeyIndex {
  private ordinals = new Int32Array(64);
  private hashes = new Int32Array(64);
  private size = 0;
  private readonly words = new Columns(4);
  /** Ordinals that have a row of words: [0, wordRows). */
  private wordRows = 0;
  private readonly scratch = new Int32Array(4);

  constructor(private readonly all: ReadonlyArray<EntityRecord>) {}

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

  get(key: string): EntityRecord | undefined {
    if (typeof key !== 'string') return undefined; // keys are strings; a flow may ask with anything
    const h = hashKey(key);
    const ordinals = this.ordinals;
    const mask = ordinals.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const o = ordinals[i];
      if (o === 0) return undefined;
      if (this.hashes[i] === h) {
        const r = this.all[o - 1];
        if (r.key === key) return r;
      }
    }
  }

  /**
   * Adds a key known to be absent, for the next ordinal. Returns whether it is kept as UUID
   * words (then its record need not keep the string).
   */
  add(key: string, ordinal: number): boolean {
    if ((this.size + 1) * 4 > this.ordinals.length * 3) this.rehash(this.ordinals.length * 2);
    this.place(hashKey(key), ordinal + 1);
    this.size++;
    const scratch = this.scratch;
    if (!parseUuid(key, scratch, 0)) return false;
    const words = this.words;
    while (this.wordRows <= ordinal) words.add(this.wordRows++); // rows start filled with -1
    for (let i = 0; i < 4; i++) words.set(ordinal, i, scratch[i]);
    return true;
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

/**
 * FNV-1a over the UTF-16 code units, then murmur3's finaliser (so that keys differing only in
 * their last characters, `u1`, `u2`, …, spread over the whole table).
 */
const hashKey = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/** A copy of conditions (lists of values copied too), safe from later changes by the caller. */
const copyWhere = (where: Where<any>): Where<any> =>
  where.map((c) => [c[0], c[1], Array.isArray(c[2]) ? [...(c[2] as unknown[])] : c[2]] as const);

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

interface TypeTable {
  readonly type: EntityType<any>;
  readonly byKey: KeyIndex;
  readonly all: EntityRecord[];
  readonly indexes: SelectIndex[];
  /** Per-entity numbers: positions in the indexes, version start and previous version. */
  readonly columns: Columns;
  /** The store's version log. */
  readonly log: VersionLog;
  /** Whether states are updated in place (history 'none'). */
  readonly inPlace: boolean;
  /** Counters of entities matching a condition, held or not (`countWhere`). */
  readonly counters: Counter[];
}

/** How many entities of a type match a condition, held or not, kept up to date on every change. */
interface Counter {
  readonly key: string;
  readonly predicate: Predicate;
  /** Whether the entity with this ordinal is counted. */
  readonly member: boolean[];
  count: number;
}

/** Ordinals an index has room for at first (it doubles as it fills). */
const INITIAL_ITEMS = 64;
/** Slots per row at first: room for 4 indexes (doubles when a type gets more). */
const INITIAL_STRIDE = 8;

/** The entity store of one simulation run. */
export class EntityStore {
  private readonly tables = new Map<string, TypeTable>();
  private readonly indexByKey = new Map<string, SelectIndex>();
  private readonly log = new VersionLog();
  private readonly full: boolean;
  private readonly watchers: EntityChangeListener[] = [];
  /** Whether any type has a counter (`countWhere`), so changes need recounting. */
  private counted = false;

  constructor(types: ReadonlyArray<EntityType<any>>, readonly history: HistoryMode = 'full') {
    this.full = history !== 'none';
    for (const t of types) this.register(t);
  }

  /** Adds an entity type (idempotent). */
  register(type: EntityType<any>): void {
    const existing = this.tables.get(type.name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`two different entity types are named "${type.name}"`);
      return;
    }
    const all: EntityRecord[] = [];
    this.tables.set(type.name, { type, byKey: new KeyIndex(all), all, indexes: [], columns: new Columns(INITIAL_STRIDE), log: this.log, inPlace: !this.full, counters: [] });
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
    const table = this.table(type);
    // A `select` yielded in a session usually builds its conditions afresh: compare them with
    // each index's (few per type) before building the canonical key.
    if (Array.isArray(where)) for (const known of table.indexes) if (sameWhere(known.where, where)) return known;
    const k = whereKey(type, where);
    let idx = this.indexByKey.get(k);
    if (idx !== undefined) return idx;
    const predicate = compileWhere(type, where);
    const slot = INDEX_SLOT0 + table.indexes.length;
    const columns = table.columns;
    if (slot >= columns.stride) columns.widen(columns.stride * 2);
    idx = new SelectIndex(type, table.all, columns, slot, predicate, copyWhere(where));
    table.indexes.push(idx);
    this.indexByKey.set(k, idx);
    for (const r of table.all) if (r.heldBy === null && idx.predicate(r)) idx.insert(r.ordinal);
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

  /**
   * Creates an entity; `heldBy` locks it to a session at once. Throws on a duplicate key. With
   * history 'none' the store keeps a copy of `state` (it will update that copy in place).
   */
  create(type: EntityType<any>, key: string, state: StateRecord, now: number, heldBy: string | null = null): EntityRecord {
    const table = this.table(type);
    if (table.byKey.get(key) !== undefined) throw new DuplicateKeyError(`${type.name} with ${type.primaryKey} ${JSON.stringify(key)} already exists`);
    const ordinal = table.all.length;
    const columns = table.columns;
    columns.add(ordinal);
    const asUuid = table.byKey.add(key, ordinal);
    // An entity created held keeps its key string while held (its session reads it).
    const r = new EntityRecord(table, asUuid && heldBy === null ? undefined : key, this.full ? state : { ...state }, heldBy, ordinal);
    columns.setSince(ordinal, now);
    table.all.push(r);
    if (heldBy === null) this.reindex(r);
    if (this.counted) this.recount(r);
    if (this.watchers.length > 0) this.notify(r);
    return r;
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
   * heap, and replacing it on every change leaves a dead object there each time, which only a
   * major GC frees (over a 10M-event run, ≈ 35 MB more peak RSS). Nothing outside the store sees
   * that object change: views given to flows, watchers and `versions` get copies (`stateOf`).
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
    const key = whereKey(type, where);
    let c = table.counters.find((x) => x.key === key);
    if (c === undefined) {
      c = { key, predicate: compileWhere(type, where), member: [], count: 0 };
      for (const r of table.all) {
        const m = c.predicate(r);
        c.member[r.ordinal] = m;
        if (m) c.count++;
      }
      table.counters.push(c);
      this.counted = true;
    }
    return c.count;
  }

  private recount(r: EntityRecord): void {
    const counters = this.table(r.type).counters;
    for (const c of counters) {
      const was = c.member[r.ordinal] === true;
      const is = c.predicate(r);
      if (was !== is) {
        c.member[r.ordinal] = is;
        c.count += is ? 1 : -1;
      }
    }
  }

  /**
   * Calls `listener` synchronously after every change (creation, state update, hold, release),
   * with the version that begins. Returns the function that stops it.
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
   * The entities of a type that satisfied `where` at instant `at` (epoch ms), from the versions.
   * Conditions may use state fields, the primary key and `flow_name`. An entity that changed
   * several times within that millisecond matches if any of its states then matched (the latest
   * matching one is returned).
   */
  query(type: EntityType<any>, where: Where<any>, at: number): EntitySnapshot[] {
    if (!this.full) throw new Error('query needs state history: create the store with history "full"');
    const pred = compileWhere(type, where);
    const log = this.log;
    const out: EntitySnapshot[] = [];
    for (const r of this.table(type).all) {
      // Newest first: the current version, then the log. A version is valid at `at` if it starts
      // at or before `at` and ends after it; versions starting exactly at `at` all count.
      let validFrom = r.since;
      let validTo: number | null = null;
      let state = r.state;
      let holder = r.heldBy;
      for (let i = r.previous; ; ) {
        if (validFrom <= at) {
          const valid = validFrom === at || validTo === null || validTo > at;
          if (valid && pred({ state, key: r.key, heldBy: holder })) {
            out.push({ key: r.key, state, flowName: holder, validFrom, validTo });
            break;
          }
          if (validFrom !== at) break;
        }
        if (i < 0) break;
        validTo = validFrom;
        validFrom = log.from(i);
        state = log.state(i);
        holder = log.holder(i);
        i = log.prev(i);
      }
    }
    return out;
  }

  /** Ends the current version of `r` at `now` (its replacement starts then). */
  private close(r: EntityRecord, now: number): void {
    if (this.full) r.previous = this.log.append(r.since, r.state, r.heldBy, r.previous);
    r.since = now;
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
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
}

export type { SelectIndex };
