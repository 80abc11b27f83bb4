/** Rows per chunk of `Columns`, and of its first chunk at first. */
const ROW_CHUNK_BITS = 16;
const FIRST_ROWS = 64;
const ROW_CHUNK = 1 << ROW_CHUNK_BITS;
const ROW_MASK = ROW_CHUNK - 1;

/** Slot of a type's row holding the previous version's log entry. */
export const PREVIOUS_SLOT = 2;
/** Slot of a type's row holding the position in the type's first index. */
export const INDEX_SLOT0 = 4;

/**
 * A type's per-entity numbers: one row of `stride` 32-bit slots per ordinal, in buffers that the
 * garbage collector never scans, so that everything numeric about an entity shares a cache line
 * (with a million entities, cache misses are what a hold or an update costs):
 * - slots 0–1: when its current version started (epoch ms, a float64; in a record it would be a
 *   boxed double, 24 B);
 * - slot 2 (`PREVIOUS_SLOT`): the log entry of its previous version, -1 if none;
 * - slot 3: unused (keeps rows a whole number of float64s);
 * - slots 4… (`INDEX_SLOT0 + i` for index i): its position in each index of the type, -1 when
 *   absent.
 *
 * Rows come in chunks of 65 536; the first one starts at 64 rows and doubles up to that. Past it,
 * no buffer is copied as the population grows and at most one chunk is partly empty (a doubling
 * array is a third empty on average, and leaves its old copies to the next major GC). With a
 * million entities the 16 chunks' headers stay in cache, so the extra indirection is cheap.
 *
 * @example
 * const columns = new Columns(8);
 * columns.add(0); // every slot of a new row is -1
 * columns.setSince(0, t0);
 * columns.set(0, PREVIOUS_SLOT, 17);
 */
export class Columns {
  /** The chunks as int32 slots. */
  private ints: Int32Array[] = [];
  /** The same chunks as float64s. */
  private floats: Float64Array[] = [];

  constructor(
    /**
     * Slots per row, an even number (rows are read as float64s too): for a type's rows, at least
     * `INDEX_SLOT0` + the number of its indexes; 4 for the UUID words of `KeyIndex`.
     */
    public stride: number,
  ) {}

  /** Makes room for `ordinal` (ordinals are added in order). */
  add(ordinal: number): void {
    const c = ordinal >>> ROW_CHUNK_BITS;
    if (c === this.ints.length) this.addChunk(c === 0 ? FIRST_ROWS : ROW_CHUNK);
    else if ((ordinal & ROW_MASK) * this.stride >= this.ints[c].length) this.growFirst();
  }

  /** Sets every slot of `ordinal`'s row to -1, as in a new row (for an ordinal given to a new entity). */
  clear(ordinal: number): void {
    const start = (ordinal & ROW_MASK) * this.stride;
    this.ints[ordinal >>> ROW_CHUNK_BITS].fill(-1, start, start + this.stride);
  }

  /** The int32 in `slot` of `ordinal`'s row. */
  get(ordinal: number, slot: number): number {
    return this.ints[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * this.stride + slot];
  }

  set(ordinal: number, slot: number, value: number): void {
    this.ints[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * this.stride + slot] = value;
  }

  /** The float64 in slots 0–1 of `ordinal`'s row: when its current version started. */
  since(ordinal: number): number {
    return this.floats[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * (this.stride >> 1)];
  }

  setSince(ordinal: number, t: number): void {
    this.floats[ordinal >>> ROW_CHUNK_BITS][(ordinal & ROW_MASK) * (this.stride >> 1)] = t;
  }

  /** Rows of `stride` slots from now on (copies the rows into new chunks). */
  widen(stride: number): void {
    const old = this.ints;
    const oldStride = this.stride;
    this.ints = [];
    this.floats = [];
    this.stride = stride;
    for (const chunk of old) {
      const rows = chunk.length / oldStride;
      const ints = this.addChunk(rows);
      for (let o = 0; o < rows; o++) ints.set(chunk.subarray(o * oldStride, (o + 1) * oldStride), o * stride);
    }
  }

  /** Doubles the first chunk (the only one that can be partial). */
  private growFirst(): void {
    const old = this.ints[0];
    const ints = new Int32Array(Math.min(old.length * 2, ROW_CHUNK * this.stride)).fill(-1);
    ints.set(old);
    this.ints[0] = ints;
    this.floats[0] = new Float64Array(ints.buffer);
  }

  private addChunk(rows: number): Int32Array {
    const ints = new Int32Array(rows * this.stride).fill(-1);
    this.ints.push(ints);
    this.floats.push(new Float64Array(ints.buffer));
    return ints;
  }
}
