/**
 * "Did you mean …?" suggestions for misspelt names (hints, parameters, faker methods).
 *
 * Distance is the optimal-string-alignment edit distance (insert, delete, substitute, swap two
 * neighbours) between lower-cased names with `_` removed, so `emial` → `email`, `firstName` →
 * `first_name` and `random_itn` → `random_int` are all close.
 *
 * @example
 * didYouMean('emial', ['email', 'name']); // 'email'
 * didYouMean('zzz', ['email', 'name']);   // undefined
 */

const normalise = (s: string): string => s.toLowerCase().replace(/_/g, '');

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
const editDistance = (a: string, b: string): number => {
  if (a === b) return 0;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
};

/**
 * The candidate closest to `name`, if it is close enough to be a plausible typo.
 *
 * @example
 * didYouMean('random_itn', ['random_int', 'random_element']); // 'random_int'
 */
export const didYouMean = (name: string, candidates: Iterable<string>): string | undefined => {
  const n = normalise(name);
  const limit = Math.max(2, Math.ceil(n.length * 0.4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(n, normalise(candidate));
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
};

/**
 * `; did you mean "x"?` or the empty string: the tail of an error message.
 *
 * @example
 * `unknown hint "emial"${suggestion('emial', ['email'])}`; // 'unknown hint "emial"; did you mean "email"?'
 */
export const suggestion = (name: string, candidates: Iterable<string>): string => {
  const best = didYouMean(name, candidates);
  return best === undefined ? '' : `; did you mean "${best}"?`;
};
