/**
 * How the CLI words an error that is not a usage or model mistake: deep-faker's own errors
 * (`DeepFakerError`: a flow, an output, a stage that failed) and the operating system's (`EACCES`,
 * `ENOSPC`) by their message; anything else is a bug, said to be one, with a pointer to
 * `--debug` for the stack trace. A thrown non-Error is shown as a value, never `[object Object]`.
 *
 * @example
 * describeError(new TypeError("Cannot read properties of undefined (reading 'x')"));
 * // "internal error: TypeError: Cannot read properties of undefined (reading 'x') (a bug: please report it; --debug prints the stack trace)"
 */
import { DeepFakerError } from '../core/errors';
import { describeValue } from './moduleShape';

/** An error from the OS or Node's I/O (it has an errno code such as ENOENT): the environment, not a bug. */
const isSystemError = (e: Error): boolean => typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);

/** True when `e` is neither deep-faker's own error nor the environment's: a bug somewhere. */
export const isInternalError = (e: unknown): boolean => !(e instanceof DeepFakerError) && !(e instanceof Error && isSystemError(e));

/** The message of a failure, one line per cause; internal errors are named as such. */
export const describeError = (e: unknown): string => {
  if (!isInternalError(e)) return (e as Error).message;
  const what = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : `a thrown ${describeValue(e)}`;
  return `internal error: ${what} (a bug: please report it; --debug prints the stack trace)`;
};
