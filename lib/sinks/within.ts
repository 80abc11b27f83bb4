/**
 * Bounding an output's wait on the world (a connection, a folder being created) in time, so a
 * stuck operation fails the run with a message instead of hanging it.
 *
 * @example
 * await within(fs.mkdir(dir, { recursive: true }), 10_000, () => `could not create ${dir} within 10000 ms`);
 */

/** Rejects with `message` if `work` has not settled within `ms`; the timer never outlives `work`. */
export const within = <T>(work: Promise<T>, ms: number, message: () => string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/** How long a file output may take to create its folder and open its file (ms): generous for a slow network disk. */
export const DEFAULT_FILE_OPEN_TIMEOUT_MS = 10_000;

/**
 * Opens what `open` opens within `ms`, else rejects saying what did not happen in time; something
 * opened too late is closed when it finally is.
 */
export const openWithin = async <T>(open: () => Promise<T>, ms: number, what: string, close: (opened: T) => Promise<void>): Promise<T> => {
  const opening = open();
  try {
    return await within(opening, ms, () => `could not ${what} within ${ms} ms (is the file system stuck or unreachable?)`);
  } catch (e) {
    opening.then(close).catch(() => undefined);
    throw e;
  }
};
