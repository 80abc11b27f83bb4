/**
 * Entity state in MySQL tables, for `toMySQL({ entityTables })`: the changes the entity store
 * reports become upserts into a current-state table and a history table per entity type.
 *
 * - `<prefix><entity>_state`: one row per entity (primary key: the entity's key column), its state
 *   fields, `held_by` (the session holding it, or NULL) and `valid_from` (when this state began);
 *   upserted, so it always shows the latest state written.
 * - `<prefix><entity>_state_history`: one row per version (primary key: key column + `version`,
 *   from 1), with `valid_from` and `valid_to` (NULL while current). A row is inserted when its
 *   version begins and its `valid_to` set when the next one begins (an upsert of the same row).
 * - A retired entity's row leaves the current table, its last history row gets its `valid_to`, and
 *   the writer forgets it (so a population that churns takes constant memory here too).
 *
 * Planning is pure (`plan`) until `commit`, which moves the version counters on: the writer
 * commits a plan as soon as it has made it, since the next batch is planned on top of it while
 * this one is still being written; a batch retried after a lost connection writes the same rows
 * again, and one that fails ends the run, so no plan is ever taken back.
 *
 * @example
 * const tables = new EntityTables({ prefix: 'shop_', current: true, history: true });
 * const planned = tables.plan(changes);     // statements for this transaction
 * planned.commit();                         // the next plan builds on this one
 * for (const s of planned.statements) await conn.query(s.sql, s.values);
 */
import type { Connection } from 'mysql2/promise';
import type { EntityType } from '../entities/entity';
import type { EntityChange } from '../entities/entityChange';
import { type Column, ensureTable, snakeCase, toSqlValue } from './mysqlTables';

/** One SQL statement with its values (`??` identifiers and `?` values, formatted by mysql2). */
export interface Statement {
  readonly sql: string;
  readonly values: ReadonlyArray<unknown>;
}

/** Statements for some changes, and how to remember them once written. */
export interface PlannedChanges {
  readonly statements: ReadonlyArray<Statement>;
  /** Types whose tables must exist before the statements run. */
  readonly types: ReadonlyArray<EntityType<any>>;
  /** The version counters move on: the next plan builds on this one. */
  commit(): void;
}

/** Options: table prefix and which tables. */
export interface EntityTablesOptions {
  readonly prefix: string;
  readonly current: boolean;
  readonly history: boolean;
}

/** The last written version of one entity (to close it when the next begins). */
interface LastVersion {
  readonly version: number;
  readonly row: ReadonlyArray<unknown>;
}

/** Names and columns of the state tables of one entity type. */
interface Layout {
  readonly current: string;
  readonly history: string;
  readonly stateColumns: ReadonlyArray<Column>;
  readonly keyColumn: string;
  readonly currentColumns: ReadonlyArray<Column>;
  readonly historyColumns: ReadonlyArray<Column>;
}

export class EntityTables {
  private readonly last = new Map<EntityType<any>, Map<string, LastVersion>>();
  private readonly layouts = new Map<EntityType<any>, Layout>();
  private readonly prepared = new Set<EntityType<any>>();

  constructor(private readonly options: EntityTablesOptions) {}

  /** Table names and columns of a type. */
  layout(type: EntityType<any>): Layout {
    let l = this.layouts.get(type);
    if (l === undefined) {
      const base = `${this.options.prefix}${snakeCase(type.name)}_state`;
      const reserved = new Set([type.primaryKey, 'held_by', 'valid_from', 'valid_to', 'version']);
      const stateColumns = type.stateNames
        .filter((n) => !reserved.has(n))
        .map((n): Column => {
          const f = type.state[n];
          return { name: n, type: f.type, nullable: true };
        });
      const key: Column = { name: type.primaryKey, type: 'key', nullable: false };
      const heldBy: Column = { name: 'held_by', type: 'key', nullable: true };
      const validFrom: Column = { name: 'valid_from', type: 'datetime', nullable: false };
      l = {
        current: base,
        history: `${base}_history`,
        stateColumns,
        keyColumn: type.primaryKey,
        currentColumns: [key, ...stateColumns, heldBy, validFrom],
        historyColumns: [
          key,
          { name: 'version', type: 'int', nullable: false },
          ...stateColumns,
          heldBy,
          validFrom,
          { name: 'valid_to', type: 'datetime', nullable: true },
        ],
      };
      this.layouts.set(type, l);
    }
    return l;
  }

  /** Whether the tables of `type` were created or checked already. */
  isPrepared(type: EntityType<any>): boolean {
    return this.prepared.has(type);
  }

  /** Creates or checks the tables of `type` (once per writer). */
  async prepare(conn: Connection, type: EntityType<any>, create: boolean): Promise<void> {
    if (this.prepared.has(type)) return;
    const l = this.layout(type);
    if (this.options.current) await ensureTable(conn, l.current, l.currentColumns, [l.keyColumn], create);
    if (this.options.history) await ensureTable(conn, l.history, l.historyColumns, [l.keyColumn, 'version'], create);
    this.prepared.add(type);
  }

  /** The statements that write `changes` (in order); pure until `commit`. */
  plan(changes: ReadonlyArray<EntityChange>): PlannedChanges {
    const byType = new Map<EntityType<any>, EntityChange[]>();
    for (const c of changes) {
      let list = byType.get(c.type);
      if (list === undefined) byType.set(c.type, (list = []));
      list.push(c);
    }
    const statements: Statement[] = [];
    const updates: Array<[EntityType<any>, string, LastVersion | undefined]> = [];
    for (const [type, list] of byType) {
      const l = this.layout(type);
      const stateOf = (c: EntityChange): unknown[] => l.stateColumns.map((col) => toSqlValue(c.state[col.name], col.type));
      if (this.options.current) {
        const latest = new Map<string, EntityChange>();
        for (const c of list) latest.set(c.key, c);
        const live = [...latest.values()].filter((c) => c.retired !== true);
        const rows = live.map((c) => [c.key, ...stateOf(c), c.heldBy, toSqlValue(new Date(c.at).toISOString(), 'datetime')]);
        const names = l.currentColumns.map((c) => c.name);
        if (rows.length > 0) statements.push(upsert(l.current, names, rows, names.slice(1)));
        // A retired entity leaves the current table.
        const gone = [...latest.values()].filter((c) => c.retired === true).map((c) => c.key);
        if (gone.length > 0) statements.push({ sql: 'DELETE FROM ?? WHERE ?? IN (?)', values: [l.current, l.keyColumn, gone] });
      }
      if (this.options.history) {
        const known = this.last.get(type);
        // undefined: retired, forgotten once committed (a key used again starts at version 1)
        const pending = new Map<string, LastVersion | undefined>();
        const rows = new Map<string, unknown[]>(); // "key\0version" → row, so a version written twice is written once
        for (const c of list) {
          const at = toSqlValue(new Date(c.at).toISOString(), 'datetime');
          const prev = pending.has(c.key) ? pending.get(c.key) : known?.get(c.key);
          if (prev !== undefined) rows.set(`${c.key}\0${prev.version}`, [...prev.row.slice(0, -1), at]);
          if (c.retired === true) {
            pending.set(c.key, undefined);
            continue;
          }
          const version = (prev?.version ?? 0) + 1;
          const row = [c.key, version, ...stateOf(c), c.heldBy, at, null];
          rows.set(`${c.key}\0${version}`, row);
          pending.set(c.key, { version, row });
        }
        for (const [key, v] of pending) updates.push([type, key, v]);
        statements.push(
          upsert(
            l.history,
            l.historyColumns.map((c) => c.name),
            [...rows.values()],
            ['valid_to'],
          ),
        );
      }
    }
    return {
      statements,
      types: [...byType.keys()],
      commit: () => {
        for (const [type, key, v] of updates) {
          let m = this.last.get(type);
          if (m === undefined) this.last.set(type, (m = new Map()));
          if (v === undefined) m.delete(key);
          else m.set(key, v);
        }
      },
    };
  }
}

/** `INSERT INTO t (…) VALUES ? ON DUPLICATE KEY UPDATE c = VALUES(c), …`. */
const upsert = (table: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>, update: ReadonlyArray<string>): Statement => ({
  sql: `INSERT INTO ?? (??) VALUES ? ON DUPLICATE KEY UPDATE ${update.map(() => '?? = VALUES(??)').join(', ')}`,
  values: [table, columns, rows, ...update.flatMap((c) => [c, c])],
});
