/**
 * The INSERT statements of the MySQL output, built as SQL text: one compiled row builder per table
 * layout, and statements split so that none exceeds the server's packet limit.
 *
 * Why: mysql2's `INSERT … VALUES ?` formats nested arrays value by value through a generic
 * escaper, after the writer had turned every event into an array of converted values (every
 * timestamp parsed by `Date` and formatted again). A table's columns change rarely, so the row
 * text is built by one function per layout that reads each field by name and writes it with a
 * typed fast path (ISO timestamps sliced, numbers as they are); anything unusual goes through
 * `toSqlValue` and mysql2's own escaping, so the text is what mysql2 would have sent.
 *
 * @example
 * const insert = tableInsert('shop_orders', state);
 * const sql = insertStatements(insert, events, 16 * 1024 * 1024); // usually one statement
 */
import type { SimEvent } from '../core/simEvent';
import { sqlIdentifier, sqlLiteral } from './mysqlConnection';
import { type Column, isoInstantText, toDatetime } from './mysqlTables';

/** One row as SQL text, `(…, …)`; throws when the event leaves a NOT NULL column empty. */
type RowText = (e: SimEvent) => string;

/** How one table's rows are written: the statement's head and the row builder. */
export interface TableInsert {
  readonly table: string;
  /** `INSERT INTO \`t\` (\`a\`, \`b\`) VALUES ` */
  readonly head: string;
  /** After the rows: '' or, to skip a row whose `event_id` the table has, a no-op `ON DUPLICATE KEY UPDATE`. */
  readonly tail: string;
  readonly row: RowText;
}

/**
 * The error of an event without a value for a NOT NULL column (a system field a delivery
 * envelope dropped, or a column of an existing table a version dropped): the server would reject
 * the batch, or without strict mode store a zero in its place.
 */
export const notNullError = (table: string, column: string, e: SimEvent): Error =>
  new Error(`table ${table} column ${column} is NOT NULL, but the "${e.event_type}" event ${e.event_id} has no ${column}`);

/** A missing value's text, or the error of a NOT NULL column. */
type Missing = (e: SimEvent) => string;

/** The text of one value of a column of field type `type` (`missing` for undefined and null). */
const valueText = (type: string, missing: Missing): ((v: unknown, e: SimEvent) => string) => {
  switch (type) {
    case 'datetime':
      return (v, e) => {
        if (v === undefined || v === null) return missing(e);
        const fast = typeof v === 'string' ? isoInstantText(v) : undefined;
        return fast === undefined ? sqlLiteral(toDatetime(v)) : `'${fast}'`;
      };
    case 'json':
      return (v, e) => (v === undefined || v === null ? missing(e) : sqlLiteral(JSON.stringify(v)));
    default:
      return (v, e) =>
        v === undefined || v === null ? missing(e) : typeof v === 'number' ? `${v}` : sqlLiteral(typeof v === 'object' ? JSON.stringify(v) : v);
  }
};

/** The characters mysql2 escapes in a string (`escapeString`): a string without them is quoted as it is. */
// eslint-disable-next-line no-control-regex -- NUL and Ctrl-Z are among them
const NEEDS_ESCAPE = /[\0\b\t\n\r\x1a"'\\]/;

/** A compiled row's fast path for a column of field type `type` reading `v` (else its value function `f`). */
const fastPath = (type: string, read: string, f: string): string => {
  switch (type) {
    case 'key':
    case 'string':
      return `(typeof (v = ${read}) === "string" && !esc.test(v) ? "'" + v + "'" : ${f}(v, e))`;
    case 'int':
    case 'float':
      return `(typeof (v = ${read}) === "number" ? "" + v : ${f}(v, e))`;
    case 'datetime':
      return `(typeof (v = ${read}) === "string" && (d = iso(v)) !== undefined ? "'" + d + "'" : ${f}(v, e))`;
    default:
      return `${f}(${read}, e)`;
  }
};

/**
 * Compiles the row builder of `columns`. The generated code reads each field as a constant
 * property (`e["user_id"]`; names enter the code only as `JSON.stringify` literals), writes the
 * common values inline (strings without characters to escape, numbers, ISO instants) and calls
 * the column's value function for the rest (missing values, escaping, conversions).
 */
const compileRow = (table: string, columns: ReadonlyArray<Column>): RowText => {
  const texts = columns.map((c) => {
    const missing: Missing = c.nullable
      ? () => 'NULL'
      : (e) => {
          throw notNullError(table, c.name, e);
        };
    return valueText(c.type, missing);
  });
  const parts = columns.map((c, i) => fastPath(c.type, `e[${JSON.stringify(c.name)}]`, `t${i}`));
  const body = [
    ...columns.map((_, i) => `const t${i} = t[${i}];`),
    `return (e) => {`,
    `  let v, d;`,
    `  return "(" + ${parts.join(' + "," + ')} + ")";`,
    `};`,
  ].join('\n');
  return new Function('t', 'esc', 'iso', body)(texts, NEEDS_ESCAPE, isoInstantText) as RowText;
};

/**
 * How rows of `table` with `columns` (in order) are written; with `skipDuplicates`, a row whose
 * `event_id` the table already has (a delivered duplicate) is left out, and any other error of a
 * row still fails the statement (unlike `INSERT IGNORE`, which would turn them into warnings).
 *
 * @example
 * tableInsert('t', [{ name: 'event_id', type: 'key', nullable: false }]).head; // 'INSERT INTO `t` (`event_id`) VALUES '
 */
export const tableInsert = (table: string, columns: ReadonlyArray<Column>, skipDuplicates = false): TableInsert => ({
  table,
  head: `INSERT INTO ${sqlIdentifier(table)} (${columns.map((c) => sqlIdentifier(c.name)).join(', ')}) VALUES `,
  tail: skipDuplicates ? ' ON DUPLICATE KEY UPDATE `event_id` = `event_id`' : '',
  row: compileRow(table, columns),
});

/**
 * The statements that insert `events` into `insert.table`, in order, each at most `maxBytes`
 * bytes (UTF-8): one statement unless the rows are too many for one packet. A row that alone
 * exceeds `maxBytes` fails, naming table and event, before anything is sent.
 *
 * @example
 * insertStatements(insert, events, 16_777_216); // ['INSERT INTO `t` (…) VALUES (…),(…)']
 */
export const insertStatements = (insert: TableInsert, events: ReadonlyArray<SimEvent>, maxBytes: number): string[] => {
  const rows = events.map(insert.row);
  const { head, tail } = insert;
  let chars = head.length + tail.length + rows.length - 1;
  for (const r of rows) chars += r.length;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most batches need no counting.
  if (chars * 3 <= maxBytes) return [head + rows.join(',') + tail];
  const headBytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const statements: string[] = [];
  let start = 0;
  let bytes = headBytes;
  for (let i = 0; i < rows.length; i++) {
    const size = Buffer.byteLength(rows[i]);
    if (headBytes + size > maxBytes) {
      throw new Error(
        `table ${insert.table}: the "${events[i].event_type}" event ${events[i].event_id} is ${size} bytes of SQL, more than one statement may take (${maxBytes})`,
      );
    }
    if (i > start && bytes + 1 + size > maxBytes) {
      statements.push(head + rows.slice(start, i).join(',') + tail);
      start = i;
      bytes = headBytes;
    }
    bytes += (i > start ? 1 : 0) + size;
  }
  statements.push(head + rows.slice(start).join(',') + tail);
  return statements;
};

/**
 * `statements` packed in order into as few multi-statement queries (`a;b;c`) as fit in `maxBytes`
 * each: a round trip per query, not per statement. Each statement must fit alone (see
 * `insertStatements`).
 *
 * @example
 * packStatements(['START TRANSACTION', 'INSERT …', 'INSERT …'], 16_777_216); // ['START TRANSACTION;INSERT …;INSERT …']
 */
export const packStatements = (statements: ReadonlyArray<string>, maxBytes: number): string[] => {
  let chars = statements.length - 1;
  for (const s of statements) chars += s.length;
  if (chars * 3 <= maxBytes) return statements.length === 0 ? [] : [statements.join(';')];
  const queries: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < statements.length; i++) {
    const size = Buffer.byteLength(statements[i]);
    if (i > start && bytes + 1 + size > maxBytes) {
      queries.push(statements.slice(start, i).join(';'));
      start = i;
      bytes = 0;
    }
    bytes += (i > start ? 1 : 0) + size;
  }
  queries.push(statements.slice(start).join(';'));
  return queries;
};
