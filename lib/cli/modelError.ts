/**
 * Locating mistakes in the user's model (a bad schema, hint, setting or module): the CLI prints
 * them as `file:line:col message` (a `ModelError`), without a stack trace unless `--debug`, exit 2.
 *
 * @example
 * locate(err, '/abs/scenarios/shop.ts'); // 'scenarios/shop.ts:12:27 Signup.emial: unknown faker hint …'
 */
import * as path from 'node:path';

export { ModelError } from '../core/errors';

/** `file:line:col message` when the error was thrown from `file` (absolute), else the message. */
export const locate = (e: Error, file: string): string => {
  const frames = (e.stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    const m = /\(?((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/.exec(f.trim().replace(/^at\s+/, ''));
    if (m !== null && path.resolve(m[1]) === file) return `${path.relative(process.cwd(), file) || file}:${m[2]}:${m[3]} ${e.message}`;
  }
  return e.message;
};
