import type { StateRecord } from './reducer';

/** Entries per chunk of the version log. */
const LOG_CHUNK_BITS = 12;
const LOG_CHUNK = 1 << LOG_CHUNK_BITS;
const LOG_MASK = LOG_CHUNK - 1;

/**
 * The past versions of all entities of a store, appended in one log of fixed-size chunks: start
 * time, state, holder, and the entry of the entity's version before it (-1 for its first). An
 * entity keeps only its current version and the log entry of its previous one, so a change costs
 * four writes into preallocated chunks — no array per entity that grows (and is copied) with its
 * history, and the numbers live in typed arrays the garbage collector does not scan.
 *
 * @example
 * const log = new VersionLog();
 * const first = log.append(t0, { visits: 0 }, null, -1);
 * const second = log.append(t1, { visits: 1 }, 's1', first);
 * log.prev(second) === first; // true
 */
export class VersionLog {
  private readonly froms: Float64Array[] = [];
  private readonly prevs: Int32Array[] = [];
  private readonly states: StateRecord[][] = [];
  private readonly holders: Array<Array<string | null>> = [];
  private size = 0;

  /** Appends a closed version; returns its entry. */
  append(from: number, state: StateRecord, holder: string | null, prev: number): number {
    const i = this.size++;
    const c = i >>> LOG_CHUNK_BITS;
    const o = i & LOG_MASK;
    if (o === 0) {
      this.froms.push(new Float64Array(LOG_CHUNK));
      this.prevs.push(new Int32Array(LOG_CHUNK));
      this.states.push(new Array<StateRecord>(LOG_CHUNK));
      this.holders.push(new Array<string | null>(LOG_CHUNK));
    }
    this.froms[c][o] = from;
    this.prevs[c][o] = prev;
    this.states[c][o] = state;
    this.holders[c][o] = holder;
    return i;
  }

  /** When entry `i`'s version started (epoch ms). */
  from(i: number): number {
    return this.froms[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  /** The entry of the version before entry `i`'s, -1 if none. */
  prev(i: number): number {
    return this.prevs[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  /** The state of entry `i`'s version. */
  state(i: number): StateRecord {
    return this.states[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }

  /** The session that held the entity during entry `i`'s version, or null. */
  holder(i: number): string | null {
    return this.holders[i >>> LOG_CHUNK_BITS][i & LOG_MASK];
  }
}
