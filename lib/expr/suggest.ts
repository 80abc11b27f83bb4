/**
 * `; did you mean "x"?` for a misspelt name, or ''. The project's `didYouMean` distance, plus one
 * guard for the short names expressions are full of: a candidate that shares no character with the
 * name is never suggested (`zz` is not a typo of `1`, nor `x` of `c`).
 *
 * @example
 * suggest('itms', ['items', 'x']); // '; did you mean "items"?'
 * suggest('x', ['c']);             // ''
 */
import { didYouMean } from '../core/didYouMean';

export const suggest = (name: string, candidates: Iterable<string>): string => {
  const best = didYouMean(name, candidates);
  if (best === undefined) return '';
  const letters = new Set(best.toLowerCase());
  return [...name.toLowerCase()].some((c) => letters.has(c)) ? `; did you mean "${best}"?` : '';
};
