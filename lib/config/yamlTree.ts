/**
 * The YAML document as a small located tree: maps (ordered entries, each key with its offset),
 * lists and scalars, every node with the character offset it starts at. Built from `yaml`'s
 * `parseDocument`; aliases are resolved, syntax errors are reported to `Problems`.
 *
 * For a scalar, `valueOffset(i)` maps character `i` of its value back to the source (exact for
 * plain and single-line quoted scalars and for literal blocks), so an error inside an expression
 * points at the right column.
 *
 * @example
 * const tree = parseYamlTree('a: [1, 2]\n', problems);
 * tree?.kind; // 'map'
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Problems } from './configError';

/** A map entry. */
export interface YEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: YNode;
}

/** A located node. */
export type YNode =
  | { readonly kind: 'map'; readonly offset: number; readonly entries: ReadonlyArray<YEntry> }
  | { readonly kind: 'seq'; readonly offset: number; readonly items: ReadonlyArray<YNode> }
  | {
      readonly kind: 'scalar';
      readonly offset: number;
      readonly value: unknown;
      /** Source offset of character `i` of a string value. */
      readonly valueOffset: (i: number) => number;
    };

/** The value of a map entry by key. */
export const entry = (node: YNode | undefined, key: string): YNode | undefined =>
  node?.kind === 'map' ? node.entries.find((e) => e.key === key)?.value : undefined;

/** A node's plain JavaScript value (maps as objects, lists as arrays). */
export const toJs = (node: YNode): unknown => {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJs);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, toJs(e.value)]));
    default: {
      const never: never = node;
      return never;
    }
  }
};

const scalarOffsets = (source: string, start: number, type: string | undefined): ((i: number) => number) => {
  switch (type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return (i) => start + 1 + i;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // Content starts on the line after the header; each line keeps its indentation.
      const headerEnd = source.indexOf('\n', start);
      if (headerEnd < 0) return () => start;
      let p = headerEnd + 1;
      while (source[p] === '\n') p++;
      let indent = 0;
      while (source[p + indent] === ' ') indent++;
      return (i) => {
        let line = headerEnd + 1;
        let rest = i;
        for (;;) {
          const nl = source.indexOf('\n', line);
          const lineLength = (nl < 0 ? source.length : nl) - line - indent;
          if (rest <= lineLength || nl < 0) return line + indent + rest;
          rest -= lineLength + 1;
          line = nl + 1;
        }
      };
    }
    default:
      return (i) => start + i;
  }
};

const convert = (node: unknown, doc: Document, source: string, problems: Problems, fallback: number): YNode => {
  if (isAlias(node)) return convert(node.resolve(doc), doc, source, problems, node.range?.[0] ?? fallback);
  if (isMap(node)) {
    const entries: YEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key;
      const keyOffset = (k as YamlNode | null)?.range?.[0] ?? node.range?.[0] ?? fallback;
      const key = isScalar(k) ? String(k.value) : String(k);
      const valueNode = pair.value as YamlNode | null;
      const valueOffset = valueNode?.range?.[0] ?? (k as YamlNode | null)?.range?.[1] ?? keyOffset;
      entries.push({ key, keyOffset, value: valueNode === null ? nullAt(valueOffset) : convert(valueNode, doc, source, problems, valueOffset) });
    }
    return { kind: 'map', offset: node.range?.[0] ?? fallback, entries };
  }
  if (isSeq(node)) {
    const start = node.range?.[0] ?? fallback;
    return { kind: 'seq', offset: start, items: node.items.map((it) => convert(it, doc, source, problems, start)) };
  }
  if (isScalar(node)) {
    const start = node.range?.[0] ?? fallback;
    return { kind: 'scalar', offset: start, value: node.value, valueOffset: scalarOffsets(source, start, node.type) };
  }
  return nullAt(fallback);
};

const nullAt = (offset: number): YNode => ({ kind: 'scalar', offset, value: null, valueOffset: () => offset });

/** Parses YAML text into a located tree; syntax errors go to `problems` (and the tree is undefined). */
export const parseYamlTree = (source: string, problems: Problems): YNode | undefined => {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) problems.at(e.pos[0], '', e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, ''));
  if (doc.errors.length > 0) return undefined;
  return convert(doc.contents, doc, source, problems, 0);
};
