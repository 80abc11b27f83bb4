import type { Columns } from './columns';
import { PREVIOUS_SLOT } from './columns';
import type { EntityType } from './entity';
import type { KeyIndex } from './keyIndex';
import type { StateRecord } from './reducer';
import type { SelectIndex } from './selectIndex';
import type { VersionLog } from './versionLog';

/** One temporal version of an entity. `validTo` is null for the current one. */
export interface EntityVersion {
  readonly validFrom: number;
  readonly validTo: number | null;
  readonly state: StateRecord;
  readonly flowName: string | null;
}

/** What a record reads from its type's table (the store keeps one table per entity type). */
export interface RecordTable {
  readonly type: EntityType<any>;
  readonly byKey: KeyIndex<EntityRecord>;
  /** The type's entities by ordinal; a retired entity's place is empty until a new entity takes it. */
  readonly all: ReadonlyArray<EntityRecord | undefined>;
  readonly indexes: ReadonlyArray<SelectIndex<EntityRecord>>;
  /** Per-entity numbers: positions in the indexes, version start and previous version. */
  readonly columns: Columns;
  /** The store's version log. */
  readonly log: VersionLog;
  /** Whether states are updated in place (history 'none'). */
  readonly inPlace: boolean;
}

/**
 * An entity as stored: its current state, its holder and its key — unless the key is a UUID,
 * which its type's key index keeps as 16 bytes of a typed array. Its type, its type's indexes and
 * the start of its current version live in its type's table (the start in a typed column), so a
 * record is five fields: with a million entities, each byte of a record is a megabyte that every
 * major GC marks. Past versions are in the store's log, materialised by `versions` on demand.
 *
 * Once retired (`store.retire`) a record is detached: its `key`, `type` and `state` stay as they
 * were, but its ordinal may belong to a new entity, so its other readings mean nothing.
 *
 * @example
 * const r = store.create(User, 'u1', { visits: 0 }, t0);
 * r.key; // 'u1'
 * r.versions; // [{ validFrom: t0, validTo: null, state: { visits: 0 }, flowName: null }]
 */
export class EntityRecord {
  constructor(
    private readonly table: RecordTable,
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

  /** Whether it is still in the store (false once retired). */
  get live(): boolean {
    return this.table.all[this.ordinal] === this;
  }

  get type(): EntityType<any> {
    return this.table.type;
  }

  /** The indexes of its type (shared by all entities of the type). */
  get indexes(): ReadonlyArray<SelectIndex<EntityRecord>> {
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

  /** The versions, oldest first (with a history window, the oldest the store still keeps). */
  get versions(): EntityVersion[] {
    const since = this.since;
    const state = this.table.inPlace ? { ...this.state } : this.state;
    const out: EntityVersion[] = [{ validFrom: since, validTo: null, state, flowName: this.heldBy }];
    const log = this.table.log;
    let validTo = since;
    for (let i = this.previous; i >= log.first; i = log.prev(i)) {
      const validFrom = log.from(i);
      out.push({ validFrom, validTo, state: log.state(i), flowName: log.holder(i) });
      validTo = validFrom;
    }
    return out.reverse();
  }
}
