/**
 * `canonicalJson`: one text per JSON value, so a hash of it can be recomputed anywhere.
 *
 * The rules (what a consumer reimplements): the value is read as `JSON.stringify` reads it
 * (`toJSON` is called; object properties that are `undefined`, functions or symbols are left out;
 * in arrays they become `null`; `NaN` and `±Infinity` become `null`); object keys are sorted by
 * UTF-16 code units (JavaScript's default sort; for keys within the Basic Multilingual Plane the
 * same as sorting by code point), recursively; no whitespace; strings and numbers are written
 * exactly as `JSON.stringify` writes them (shortest round-trip number form: `1`, not `1.0`;
 * `1e+21`; non-ASCII characters as themselves, UTF-8 when hashed). In Python:
 * `json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)` gives the same text
 * for payloads of strings, integers, booleans, null, lists and objects (floats may differ:
 * Python writes `1.0` where JavaScript writes `1`).
 *
 * @example
 * canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }); // '{"a":{"c":null,"d":[1,"x"]},"b":1}'
 */

const write = (value: unknown, inArray: boolean): string | undefined => {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x) => write(x, true)).join(',')}]`;
      const obj = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(obj).sort()) {
        const text = write(obj[k], false);
        if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
};

/**
 * The canonical JSON text of a value: keys sorted recursively, no whitespace (see the module doc).
 * Throws `TypeError` for a value with no JSON form (`undefined`, a function, a BigInt).
 *
 * @example
 * canonicalJson({ z: 1.5, a: [true, null] }); // '{"a":[true,null],"z":1.5}'
 */
export const canonicalJson = (value: unknown): string => {
  const text = write(value, false);
  if (text === undefined) throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  return text;
};
