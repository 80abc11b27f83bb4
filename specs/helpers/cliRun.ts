/**
 * Running the CLI in specs: `main(argv, io)` in-process (stderr captured, a fake signal source, a
 * temp cwd), or the real bin/deep-faker.js in a child process, and reading its summary.
 *
 * @example
 * const r = await runCli(['run', 'scenarios/ecommerce.ts', '--total-events', '5'], tmp.dir()).done;
 * expect(r.code).to.equal(0);
 */
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';

/** The repository's root and its executable. */
export const REPO = path.resolve(__dirname, '../..');
export const BIN = path.join(REPO, 'bin/deep-faker.js');

/** What an in-process run ended with. */
export interface CliRun {
  readonly code: number;
  readonly stderr: string;
}

/** Runs `main` in-process with captured stderr and a fake signal source (emit 'SIGINT' on it); `env` replaces process.env. */
export const runCli = (argv: ReadonlyArray<string>, cwd: string, signals = new EventEmitter(), env?: NodeJS.ProcessEnv) => {
  const stderr = new PassThrough();
  let text = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => (text += chunk));
  const done = main(argv, { stderr, cwd, signals, env }).then(async (code): Promise<CliRun> => {
    await new Promise((resolve) => setImmediate(resolve)); // let the PassThrough deliver
    return { code, stderr: text };
  });
  return { done, signals, stderrSoFar: () => text };
};

/** The events count of the summary line (`deep-faker: done: 1,204 events in …`). */
export const summaryEvents = (stderr: string, outcome: string): number => {
  const m = new RegExp(`^deep-faker: ${outcome}: ([\\d,]+) events in `, 'm').exec(stderr);
  expect(m, `a "${outcome}" summary in:\n${stderr}`).not.to.equal(null);
  return Number(m![1].replace(/,/g, ''));
};

/** A child process of bin/deep-faker.js, its stderr collected, and how it exited. */
export const spawnBin = (args: ReadonlyArray<string>, cwd = REPO) => {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
};
