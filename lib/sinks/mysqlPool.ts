/**
 * The MySQL output's connections: a fixed pool, each connection (a `Lane`) used by one batch at a
 * time and replaced after it was lost. Not mysql2's pool: a lost connection must be noticed by the
 * batch that used it (it decides whether to write again), and nothing may be queued on a
 * connection another batch is using.
 *
 * @example
 * const pool = new ConnectionPool(() => connectMySQL(uri, 10_000), 4);
 * await pool.open();
 * const lane = await pool.acquire();
 * try { await (await lane.connection()).query('SELECT 1'); } finally { pool.release(lane); }
 * await pool.close();
 */
import type { Connection } from 'mysql2/promise';

/**
 * One connection of the pool, opened again on demand after `lost`.
 *
 * @example
 * const conn = await lane.connection(); // reconnects if the last one was lost
 */
export class Lane {
  private conn: Connection | undefined;

  constructor(private readonly connect: () => Promise<Connection>) {}

  /** The open connection, connecting first if there is none. */
  async connection(): Promise<Connection> {
    return (this.conn ??= await this.connect());
  }

  /** Forgets the connection (destroyed): the next `connection()` opens a new one. */
  lost(): void {
    const dead = this.conn;
    this.conn = undefined;
    dead?.destroy();
  }

  /** Ends the connection politely (destroys it if that fails). */
  async end(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    await conn?.end().catch(() => conn.destroy());
  }
}

/**
 * `size` lanes; `acquire` hands out an idle one (waiting for one otherwise), `release` gives it back.
 *
 * @example
 * const pool = new ConnectionPool(connect, 2);
 */
export class ConnectionPool {
  private readonly lanes: Lane[];
  private readonly idle: Lane[];
  private readonly waiting: Array<(lane: Lane) => void> = [];

  constructor(connect: () => Promise<Connection>, size: number) {
    this.lanes = Array.from({ length: size }, () => new Lane(connect));
    this.idle = [...this.lanes];
  }

  /** Connects every lane at once; fails (closing what opened) if any cannot connect. Returns one connection, for reading settings. */
  async open(): Promise<Connection> {
    const opened = await Promise.allSettled(this.lanes.map((l) => l.connection()));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed !== undefined) {
      await this.close();
      throw failed.reason;
    }
    return (opened[0] as PromiseFulfilledResult<Connection>).value;
  }

  /** An idle lane, now or once one is released. */
  acquire(): Promise<Lane> {
    const lane = this.idle.pop();
    return lane !== undefined ? Promise.resolve(lane) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Up to `n` lanes idle right now (none waits), e.g. to create several tables at once. */
  takeIdle(n: number): Lane[] {
    return this.idle.splice(Math.max(0, this.idle.length - n));
  }

  release(lane: Lane): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(lane);
    else this.idle.push(lane);
  }

  /** Ends every connection. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.end()));
  }
}
