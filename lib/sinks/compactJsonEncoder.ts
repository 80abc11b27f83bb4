/**
 * Compact JSON of events, written straight into a Buffer as UTF-8: exactly the bytes of
 * `JSON.stringify(event)`, without building the string first.
 *
 * Why: `JSON.stringify` + `Buffer.write` allocate the string builder's parts, then the string,
 * for every event: a large share of everything a run into JSONL allocates. Events of one type
 * share a layout (the same keys in the same order), so the encoder compiles one function per
 * layout that copies the keys as constants and each value with a typed fast path: faster
 * (bench/sinks.ts) and nothing allocated for ASCII strings, numbers, booleans and nulls.
 *
 * Exactness: a layout is used only for a plain object (prototype `Object.prototype`) whose own
 * enumerable keys are the layout's, in order. Values take the fast path when they are strings
 * made of printable ASCII other than `"` and `\`, finite numbers, booleans or null; other strings
 * go through `JSON.stringify(value)`, and plain objects and arrays without `toJSON` too (the text
 * of a nested value does not depend on where it sits). Anything else — `undefined`, functions,
 * bigints, objects with `toJSON` such as `Date`, non-finite numbers, a key list that does not
 * match — makes the whole event go through `JSON.stringify(event)`. specs/sinks/compactJsonEncoder
 * compares the bytes with `JSON.stringify` on awkward values.
 *
 * The compiled functions are built with `new Function` from the keys' JSON text only (key names
 * enter the code as `JSON.stringify` literals, never as code).
 *
 * @example
 * const encoder = new CompactJsonEncoder();
 * const end = encoder.write({ event_id: 'e1', n: 1 }, 0); // encoder.buffer[0..end) = {"event_id":"e1","n":1}
 */

/** Layouts kept per event type; more shapes than this (rare) use `JSON.stringify`. */
const MAX_LAYOUTS_PER_TYPE = 8;
/** Layouts kept in all, so objects with ever-new `event_type`s cannot compile without end. */
const MAX_LAYOUTS = 1024;

/** A compiled layout: writes an event at `o`, returns the end, or -1 when a value needs the slow path. */
type LayoutWriter = (e: any, o: number, w: CompactJsonEncoder) => number;

interface Layout {
  readonly keys: ReadonlyArray<string>;
  readonly write: LayoutWriter;
}

/** Whether `v` is an array or a plain object (prototype `Object.prototype` or null) without `toJSON`. */
const isPlainNested = (v: object): boolean => {
  if (Array.isArray(v)) return typeof (v as { toJSON?: unknown }).toJSON !== 'function';
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

/** Whether the own enumerable keys of `e` (a plain object) are `keys`, in order. */
const hasKeys = (e: object, keys: ReadonlyArray<string>): boolean => {
  let i = 0;
  // for…in on a plain object lists exactly its own enumerable string keys (Object.prototype has
  // none), in Object.keys order, without allocating an array.
  for (const k in e) if (keys[i++] !== k) return false;
  return i === keys.length;
};

/** Compiles the writer of one key list. */
const compileLayout = (keys: ReadonlyArray<string>): LayoutWriter => {
  const lines = keys.map((k, i) => {
    const head = JSON.stringify(`${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
    return `o = w.ascii(${head}, o); o = w.value(e[${JSON.stringify(k)}], o); if (o < 0) return -1;`;
  });
  const body = keys.length === 0 ? `return w.ascii('{}', o);` : `${lines.join('\n')}\nreturn w.ascii('}', o);`;
  return new Function('e', 'o', 'w', body) as LayoutWriter;
};

/**
 * Writes events as compact JSON into a growable Buffer (`buffer`, replaced when it grows). The
 * caller owns positions: `write(event, at)` returns where the event's text ends.
 *
 * @example
 * const encoder = new CompactJsonEncoder(1024);
 * let end = encoder.write(e1, 0);
 * end = encoder.write(e2, encoder.byte(10, end));
 * encoder.buffer.subarray(0, end); // two lines
 */
export class CompactJsonEncoder {
  /** The bytes written so far live in `buffer[0..end)`; a new Buffer after growing. */
  buffer: Buffer;
  private readonly layouts = new Map<unknown, Layout[]>();
  private layoutCount = 0;

  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  /** Writes `event` as `JSON.stringify(event)` would, starting at `o`; returns the end. */
  write(event: unknown, o: number): number {
    if (typeof event === 'object' && event !== null && Object.getPrototypeOf(event) === Object.prototype) {
      const layout = this.layoutOf(event);
      if (layout !== undefined) {
        const end = layout.write(event, o, this);
        if (end >= 0) return end;
      }
    }
    return this.text(JSON.stringify(event) ?? 'undefined', o);
  }

  /** Writes one byte at `o`; returns `o + 1`. */
  byte(b: number, o: number): number {
    if (o + 1 > this.buffer.length) this.grow(o, o + 1);
    this.buffer[o] = b;
    return o + 1;
  }

  /**
   * Writes a value's JSON at `o` and returns the end, or -1 when only `JSON.stringify` of the
   * whole event can say what it becomes (used by compiled layouts).
   */
  value(v: unknown, o: number): number {
    switch (typeof v) {
      case 'string':
        return this.string(v, o);
      case 'number':
        return Number.isFinite(v) ? this.ascii(String(v), o) : -1;
      case 'boolean':
        return this.ascii(v ? 'true' : 'false', o);
      case 'object':
        if (v === null) return this.ascii('null', o);
        return isPlainNested(v) ? this.text(JSON.stringify(v), o) : -1;
      default:
        return -1;
    }
  }

  /** Writes a string known to be ASCII without escapes (keys, numbers, literals). */
  ascii(s: string, o: number): number {
    const n = s.length;
    if (o + n > this.buffer.length) this.grow(o, o + n);
    const b = this.buffer;
    for (let i = 0; i < n; i++) b[o + i] = s.charCodeAt(i);
    return o + n;
  }

  /** Writes a JSON string literal: a byte loop for printable ASCII, `JSON.stringify` otherwise. */
  private string(s: string, o: number): number {
    const n = s.length;
    if (o + n + 2 > this.buffer.length) this.grow(o, o + n + 2);
    const b = this.buffer;
    b[o] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // control characters, '"', '\', DEL and everything beyond ASCII: the exact escaping and
      // UTF-8 of JSON.stringify (lone surrogates become \u escapes)
      if (c < 32 || c === 34 || c === 92 || c > 126) return this.text(JSON.stringify(s), o);
      b[o + 1 + i] = c;
    }
    b[o + n + 1] = 34;
    return o + n + 2;
  }

  /** Writes any string as UTF-8 at `o`; returns the end. */
  text(s: string, o: number): number {
    const room = s.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 code unit
    if (o + room > this.buffer.length) this.grow(o, o + room);
    return o + this.buffer.write(s, o, 'utf8');
  }

  /** The layout for an event's keys, compiled on first sight; undefined past the per-type limit. */
  private layoutOf(e: object): Layout | undefined {
    const type = (e as { event_type?: unknown }).event_type;
    let list = this.layouts.get(type);
    if (list !== undefined) for (const l of list) if (hasKeys(e, l.keys)) return l;
    if ((list?.length ?? 0) >= MAX_LAYOUTS_PER_TYPE || this.layoutCount >= MAX_LAYOUTS) return undefined;
    if (list === undefined) this.layouts.set(type, (list = []));
    const keys = Object.keys(e);
    const layout: Layout = { keys, write: compileLayout(keys) };
    list.push(layout);
    this.layoutCount++;
    return layout;
  }

  /** A larger buffer holding the first `used` bytes. */
  private grow(used: number, needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, used);
    this.buffer = next;
  }
}
