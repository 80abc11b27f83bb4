/**
 * Mistakes in the user's model (a bad schema, hint, setting or module): the CLI prints them as
 * `file:line:col message`, without a stack trace unless `--debug`, and exits 2.
 *
 * @example
 * locate(err, '/abs/scenarios/shop.ts'); // 'scenarios/shop.ts:12:27 Signup.emial: unknown faker hint …'
 */
import * as path from 'node:path';

/** A mistake in the user's model. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** `file:line:col message` when the error was thrown from `file` (absolute), else the message. */
export const locate = (e: Error, file: string): string => {
  // sucrase (TypeScript scenarios) reports a syntax error as `Error transforming FILE: what (L:C)`.
  const syntax = /^Error transforming (.+?): ([\s\S]*) \((\d+):(\d+)\)$/.exec(e.message);
  if (syntax !== null) return `${path.relative(process.cwd(), syntax[1]) || syntax[1]}:${syntax[3]}:${syntax[4]} syntax error: ${syntax[2]}`;
  const frames = (e.stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    const m = /\(?((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/.exec(f.trim().replace(/^at\s+/, ''));
    if (m !== null && path.resolve(m[1]) === file) return `${path.relative(process.cwd(), file) || file}:${m[2]}:${m[3]} ${e.message}`;
  }
  return e.message;
};
