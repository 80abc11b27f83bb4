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
 * With a window (`keep` ms), whole chunks are released from the head when a new chunk starts, once
 * every version in them ended more than `keep` before the latest end the log has seen: versions
 * are appended when they end, so a chunk's versions all ended by the time the next chunk starts.
 * Entries before `first` are gone; a link to one means "nothing known before". Entry numbers are
 * int32s (in the log and in the entities' columns): before they reach `VersionLog.idLimit`, the
 * log renumbers what it holds from 0 and tells its owner (`renumbered`) to shift the links it keeps.
 *
 * @example
 * const log = new VersionLog();
 * const first = log.append(t0, t1, { visits: 0 }, null, -1);
 * const second = log.append(t1, t2, { visits: 1 }, 's1', first);
 * log.prev(second) === first; // true
 */
export class VersionLog {
  /** @internal Entry numbers are renumbered from 0 once they reach this (specs lower it). */
  static idLimit = 2 ** 30;

  private readonly froms: Float64Array[] = [];
  private readonly prevs: Int32Array[] = [];
  private readonly states: StateRecord[][] = [];
  private readonly holders: Array<Array<string | null>> = [];
  /** For each held chunk but the last: the latest end seen when it filled (every version in it ended by then). */
  private readonly ends: number[] = [];
  /** The chunk number of the first held chunk. */
  private base = 0;
  /** The entry number of the next append. */
  private size = 0;
  private firstEntry = 0;
  private latestEnd = -Infinity;

  constructor(
    /** How long after it ended a version is kept (ms); Infinity keeps every version. */
    readonly keep = Infinity,
    /** Called after renumbering: every link below `shift` is gone, every other one is `shift` less. */
    private readonly renumbered: (shift: number) => void = () => undefined,
  ) {}

  /** Appends the version that started at `from` and ends at `to`; returns its entry. */
  append(from: number, to: number, state: StateRecord, holder: string | null, prev: number): number {
    if ((this.size & LOG_MASK) === 0) prev = this.startChunk(to, prev);
    if (to > this.latestEnd) this.latestEnd = to;
    const i = this.size++;
    const c = (i >>> LOG_CHUNK_BITS) - this.base;
    const o = i & LOG_MASK;
    this.froms[c][o] = from;
    this.prevs[c][o] = prev;
    this.states[c][o] = state;
    this.holders[c][o] = holder;
    return i;
  }

  /** The oldest entry held: links below it (and -1) mean "nothing known before". */
  get first(): number {
    return this.firstEntry;
  }

  /** How many entries the log holds. */
  get length(): number {
    return this.size - this.firstEntry;
  }

  /** The latest end of a version appended (epoch ms), -Infinity before the first. */
  get latest(): number {
    return this.latestEnd;
  }

  /** When entry `i`'s version started (epoch ms). */
  from(i: number): number {
    return this.froms[(i >>> LOG_CHUNK_BITS) - this.base][i & LOG_MASK];
  }

  /** The entry of the version before entry `i`'s, -1 if none. */
  prev(i: number): number {
    return this.prevs[(i >>> LOG_CHUNK_BITS) - this.base][i & LOG_MASK];
  }

  /** The state of entry `i`'s version. */
  state(i: number): StateRecord {
    return this.states[(i >>> LOG_CHUNK_BITS) - this.base][i & LOG_MASK];
  }

  /** The session that held the entity during entry `i`'s version, or null. */
  holder(i: number): string | null {
    return this.holders[(i >>> LOG_CHUNK_BITS) - this.base][i & LOG_MASK];
  }

  /** Seals the last chunk, releases the chunks that left the window, adds a chunk; returns `prev` as renumbered. */
  private startChunk(to: number, prev: number): number {
    if (this.froms.length > 0) this.ends.push(this.latestEnd);
    const oldest = Math.max(this.latestEnd, to) - this.keep;
    let n = 0;
    while (n < this.ends.length && this.ends[n] < oldest) n++;
    if (n > 0) {
      // The log's arrays were the only references to these chunks' states.
      this.froms.splice(0, n);
      this.prevs.splice(0, n);
      this.states.splice(0, n);
      this.holders.splice(0, n);
      this.ends.splice(0, n);
      this.base += n;
      this.firstEntry = this.base << LOG_CHUNK_BITS;
    }
    if (this.size >= VersionLog.idLimit && this.base > 0) prev = this.renumber(prev);
    this.froms.push(new Float64Array(LOG_CHUNK));
    this.prevs.push(new Int32Array(LOG_CHUNK));
    this.states.push(new Array<StateRecord>(LOG_CHUNK));
    this.holders.push(new Array<string | null>(LOG_CHUNK));
    return prev;
  }

  /** Numbers the held entries from 0 again; links into released chunks become -1. */
  private renumber(prev: number): number {
    const shift = this.firstEntry;
    for (const prevs of this.prevs) for (let o = 0; o < LOG_CHUNK; o++) prevs[o] = prevs[o] < shift ? -1 : prevs[o] - shift;
    this.size -= shift;
    this.base = 0;
    this.firstEntry = 0;
    this.renumbered(shift);
    return prev < shift ? -1 : prev - shift;
  }
}
