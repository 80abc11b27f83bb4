import type { StateRecord } from './reducer';
import type { VersionLog } from './versionLog';
import type { Predicate } from './where';

/** What `query` returns for each entity that matched at that instant. */
export interface EntitySnapshot {
  readonly key: string;
  readonly state: StateRecord;
  readonly flowName: string | null;
  readonly validFrom: number;
  readonly validTo: number | null;
}

/**
 * The version of one entity that a temporal query at `at` returns, if any: walking newest first
 * from its latest version (`validFrom`, `validTo` — null while current —, `state`, `holder`) back
 * through the log from entry `i`, the first version valid at `at` that satisfies `predicate`. A
 * version is valid at `at` if it starts at or before `at` and ends after it; versions that start
 * exactly at `at` all count (changes within one millisecond), so the walk goes on past a
 * non-matching one of those. Entries before `log.first` (and -1) are gone: nothing is known before.
 * `who` gives the key (read only when a version is tested).
 *
 * @example
 * const snapshot = versionAt(log, predicate, at, r, r.since, null, r.state, r.heldBy, r.previous);
 */
export const versionAt = (
  log: VersionLog,
  predicate: Predicate,
  at: number,
  who: { readonly key: string },
  validFrom: number,
  validTo: number | null,
  state: StateRecord,
  holder: string | null,
  i: number,
): EntitySnapshot | undefined => {
  for (;;) {
    if (validFrom <= at) {
      const valid = validFrom === at || validTo === null || validTo > at;
      if (valid && predicate({ state, key: who.key, heldBy: holder })) return { key: who.key, state, flowName: holder, validFrom, validTo };
      if (validFrom !== at) return undefined;
    }
    if (i < log.first || i < 0) return undefined; // -1, or a version the window released
    validTo = validFrom;
    validFrom = log.from(i);
    state = log.state(i);
    holder = log.holder(i);
    i = log.prev(i);
  }
};
