/**
 * The MySQL output's connection: where the database is (`MySQLConnection`), connecting with the
 * settings the writer relies on (UTC, date-times as strings, big numbers exact), values and names
 * as SQL text the way mysql2 writes them, the server's packet limit, the errors after which a
 * batch may be retried on a new connection, and the sink's name without the password.
 *
 * @example
 * const conn = await connectMySQL('mysql://root@127.0.0.1:3306/test', 10_000);
 * connectionName('mysql://root:secret@127.0.0.1/test'); // 'mysql://root@127.0.0.1/test'
 */
import type * as Mysql2 from 'mysql2/promise';
import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';

/**
 * Where the database is: a URI (`mysql://user:password@host:3306/database`) or connection options
 * as in a `connection_config` object (`host`, `port`, `user`, `password`, `database`, …).
 *
 * @example
 * const c: MySQLConnection = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
 */
export type MySQLConnection = string | ConnectionOptions;

/**
 * mysql2, loaded by the first connection: deep-faker's entry point exports `toMySQL`, and a
 * program that writes no MySQL output should not load it (see `loadKafkaJs` in toKafka.ts).
 */
let mysql2Module: typeof Mysql2 | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
const loadMysql2 = (): typeof Mysql2 => (mysql2Module ??= require('mysql2/promise') as typeof Mysql2);

/**
 * Opens a connection within `timeoutMs`: UTC, DATETIME values as strings, big numbers exact,
 * several statements per query allowed (and no stack captured per query: the writer's errors say
 * what failed).
 *
 * @example
 * const conn = await connectMySQL({ host: '127.0.0.1', user: 'root', database: 'test' }, 10_000);
 */
export const connectMySQL = async (connection: MySQLConnection, timeoutMs: number): Promise<Connection> => {
  // Multiple statements: the writer sends a batch's statements in one query (all values escaped).
  const extra = { connectTimeout: timeoutMs, timezone: 'Z', dateStrings: true, supportBigNumbers: true, trace: false, multipleStatements: true } as const;
  const { createConnection } = loadMysql2();
  const conn = typeof connection === 'string' ? await createConnection({ uri: connection, ...extra }) : await createConnection({ ...connection, ...extra });
  // A connection killed while idle reports here; the next query fails and reconnects.
  conn.on('error', () => undefined);
  return conn;
};

/**
 * A value as SQL text, escaped exactly as mysql2 escapes the values of this module's queries
 * (backslash escapes, date-times in UTC): for statements built without mysql2's `format`.
 *
 * @example
 * sqlLiteral("it's"); // "'it\\'s'"
 * sqlLiteral(null);   // 'NULL'
 */
export const sqlLiteral = (v: unknown): string => (mysqlEscape ??= (loadMysql2() as unknown as { escape: Escape }).escape)(v, false, 'Z');
type Escape = (v: unknown, stringifyObjects: boolean, timezone: string) => string;
let mysqlEscape: Escape | undefined;

/**
 * An identifier quoted with backticks, as mysql2's `??` quotes it.
 *
 * @example
 * sqlIdentifier('shop_orders'); // '`shop_orders`'
 */
export const sqlIdentifier = (name: string): string => loadMysql2().escapeId(name);

/**
 * The server's `max_allowed_packet` in bytes: the most one statement may take.
 *
 * @example
 * const limit = await maxAllowedPacket(conn); // 16777216 on a default MariaDB
 */
export const maxAllowedPacket = async (conn: Connection): Promise<number> => {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS n');
  return Number(rows[0].n);
};

/** Errors after which the connection is gone but the batch may be retried on a new one. */
export const isConnectionLost = (e: unknown): boolean => {
  const err = e as { fatal?: boolean; code?: string } | undefined;
  return (
    err?.fatal === true ||
    err?.code === 'PROTOCOL_CONNECTION_LOST' ||
    err?.code === 'ER_CONNECTION_KILLED' ||
    err?.code === 'ECONNRESET' ||
    err?.code === 'ECONNREFUSED' ||
    err?.code === 'EPIPE' ||
    err?.code === 'ER_SERVER_SHUTDOWN'
  );
};

/** `mysql://user:secret@host/db` → `mysql://user@host/db`: never print a password. */
const redact = (uri: string): string => uri.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1@');

/** The sink's name: the URI without its password, e.g. `mysql://root@127.0.0.1:3306/test`. */
export const connectionName = (c: MySQLConnection): string =>
  typeof c === 'string' ? redact(c) : `mysql://${c.user ?? 'root'}@${c.host ?? 'localhost'}:${c.port ?? 3306}/${c.database ?? ''}`;
