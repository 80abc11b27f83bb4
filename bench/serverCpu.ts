/**
 * CPU time of a local server process (MariaDB / MySQL), read from /proc: the outputs section puts
 * it next to the client's own CPU, since the server shares the machine's cores with the engine.
 *
 * @example
 * const cpu = await mysqlServerCpu(conn);     // undefined when the server is not on this machine
 * const before = cpu?.(); ...; const spent = cpu!() - before!;
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Connection, RowDataPacket } from 'mysql2/promise';

/** Clock ticks per second of /proc/<pid>/stat's times. */
const ticksPerSecond = (): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
};

/** A reader of the user + system CPU seconds process `pid` has used so far, or undefined when /proc does not show it. */
export const processCpu = (pid: number): (() => number) | undefined => {
  const file = `/proc/${pid}/stat`;
  if (!fs.existsSync(file)) return undefined;
  const hz = ticksPerSecond();
  return () => {
    // "pid (comm) S …": comm may hold spaces, so the fields are counted from the last ')'.
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / hz;
  };
};

/** The CPU reader of the server `conn` talks to, when it runs on this machine (its pid file is readable here). */
export const mysqlServerCpu = async (conn: Connection): Promise<(() => number) | undefined> => {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT @@pid_file AS f');
  const file = String(rows[0]?.f ?? '');
  if (file === '' || !fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? processCpu(pid) : undefined;
};
