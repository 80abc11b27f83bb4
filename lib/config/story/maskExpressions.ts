/**
 * Lets a story write expressions unquoted even where YAML would misread them. The story format's
 * own example does: `source: weighted({'google': 0.6, 'direct': 0.3})` (": " inside a plain scalar) and
 * a `switch(plan, {` spread over five lines. Before parsing, every plain mapping value that starts
 * with a call (`name(` or `a.b(`) is read up to the end of the line on which its brackets balance
 * (strings respected) and replaced by as many `x` characters — the same length, so every offset
 * and therefore every line:column stays exact. After parsing, the scalars at those offsets get
 * their original text back (`unmask`).
 *
 * @example
 * const { text, originals } = maskExpressions("a: f({'k': 1,\n  'j': 2})\n");
 * text;                    // "a: " + 21 × "x" + "\n": same length, the inner newline masked too
 * originals.get(3);        // "f({'k': 1,\n  'j': 2})"
 */
import type { YNode } from '../yamlTree';

/** The masked source and, by start offset, the original text of each masked value. */
export interface Masked {
  readonly text: string;
  readonly originals: ReadonlyMap<number, string>;
}

const VALUE_START = /^(\s*(?:-\s+)?[A-Za-z_][\w.-]*\s*:[ \t]+)[A-Za-z_][\w.]*\s*\(/;
const BLOCK_HEADER = /:\s*[|>][-+0-9]*\s*(#.*)?$/;

/** Where a call-shaped value starting at `start` ends (exclusive), or undefined if its brackets never balance. */
const valueEnd = (src: string, start: number): number | undefined => {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      else if (c === '\n' && depth === 0) return undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth < 0) return trimEnd(src, start, i);
    } else if (depth === 0 && (c === '\n' || (c === '#' && /\s/.test(src[i - 1] ?? '')))) return trimEnd(src, start, i);
  }
  return depth === 0 && quote === undefined ? trimEnd(src, start, src.length) : undefined;
};

const trimEnd = (src: string, start: number, end: number): number => {
  while (end > start && /\s/.test(src[end - 1])) end--;
  return end;
};

/** Masks call-shaped plain values (see the module comment). */
export const maskExpressions = (source: string): Masked => {
  const originals = new Map<number, string>();
  let out = '';
  let copied = 0;
  let blockIndent = -1;
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = source.length;
    const line = source.slice(lineStart, lineEnd);
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0 && (line.trim() === '' || indent > blockIndent)) {
      lineStart = lineEnd + 1;
      continue;
    }
    blockIndent = BLOCK_HEADER.test(line) ? indent : -1;
    const m = VALUE_START.exec(line);
    if (m !== null) {
      const start = lineStart + m[1].length;
      const end = valueEnd(source, start);
      if (end !== undefined) {
        originals.set(start, source.slice(start, end));
        out += source.slice(copied, start) + 'x'.repeat(end - start);
        copied = end;
        const next = source.indexOf('\n', end);
        lineStart = next < 0 ? source.length : next + 1;
        continue;
      }
    }
    lineStart = lineEnd + 1;
  }
  return { text: out + source.slice(copied), originals };
};

/** Puts the original text back into the scalars `maskExpressions` replaced. */
export const unmask = (node: YNode, originals: ReadonlyMap<number, string>): YNode => {
  if (originals.size === 0) return node;
  switch (node.kind) {
    case 'scalar': {
      const original = originals.get(node.offset);
      if (original === undefined) return node;
      const start = node.offset;
      return { kind: 'scalar', offset: start, value: original, valueOffset: (i) => start + i };
    }
    case 'seq':
      return { ...node, items: node.items.map((n) => unmask(n, originals)) };
    case 'map':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: unmask(e.value, originals) })) };
    default: {
      const never: never = node;
      return never;
    }
  }
};
