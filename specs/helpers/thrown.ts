/** The message of the `kind` error `run` throws; fails the spec if it throws nothing (or something else). */
export const messageThrown = (run: () => unknown, kind: abstract new (...args: never[]) => Error, what = 'it'): string => {
  try {
    run();
  } catch (e) {
    if (e instanceof kind) return e.message;
    throw e;
  }
  throw new Error(`${what} did not throw a ${kind.name}`);
};
