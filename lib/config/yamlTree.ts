/**
 * The YAML document as a small located tree: maps (ordered entries, each key with its offset),
 * lists and scalars, every node with the character offset it starts at. Built from `yaml`'s
 * `parseDocument`; aliases are resolved (within `YAML_TREE_LIMITS`; an alias used inside the node its
 * anchor marks is an error), syntax errors are reported to `Problems`.
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

/**
 * Limits of the tree one document may expand to. Aliases are copied where they are used, so a few
 * lines of nested anchors ("billion laughs") could otherwise expand to millions of nodes; a
 * document without aliases is never near `aliasNodes`. `depth` keeps the recursive decoders that
 * walk the tree far from the JavaScript stack's limit (real models nest a dozen levels).
 */
export const YAML_TREE_LIMITS = { aliasNodes: 100_000, depth: 100 } as const;

/** Stops the walk: the document expands to too much (reported already). */
class TooLarge extends Error {}

const nullAt = (offset: number): YNode => ({ kind: 'scalar', offset, value: null, valueOffset: () => offset });

/** One walk over a parsed document, counting what aliases expand to and refusing aliases that contain themselves. */
class TreeBuilder {
  /** The yaml nodes being converted, from the root down: an alias to one of them contains itself. */
  private readonly open = new Set<unknown>();
  /** The alias written in the document whose expansion is being converted (aliases inside it count against it). */
  private outerAlias: { readonly name: string; readonly offset: number } | undefined;
  private aliasNodes = 0;
  /** An alias, key or number was refused (reported): the tree is not used. */
  failed = false;

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly problems: Problems,
    private readonly protoKeys: 'refuse' | 'keep',
  ) {}

  convert(node: unknown, fallback: number, depth: number): YNode {
    if (isAlias(node)) return this.alias(node.source, node.resolve(this.doc), node.range?.[0] ?? fallback, depth);
    const offset = (node as YamlNode | null)?.range?.[0] ?? fallback;
    if (this.outerAlias !== undefined && ++this.aliasNodes > YAML_TREE_LIMITS.aliasNodes) {
      const { name, offset: at } = this.outerAlias;
      this.problems.at(at, '', `alias *${name} expands to more than ${YAML_TREE_LIMITS.aliasNodes} nodes (the limit for all aliases of a document)`);
      throw new TooLarge();
    }
    if ((isMap(node) || isSeq(node)) && depth > YAML_TREE_LIMITS.depth) {
      this.problems.at(offset, '', `lists and mappings nest more than ${YAML_TREE_LIMITS.depth} levels deep`);
      throw new TooLarge();
    }
    if (isMap(node) || isSeq(node)) this.open.add(node);
    try {
      if (isMap(node)) return { kind: 'map', offset, entries: this.entries(node.items, offset, depth) };
      if (isSeq(node)) return { kind: 'seq', offset, items: node.items.map((it) => this.convert(it, offset, depth + 1)) };
    } finally {
      this.open.delete(node);
    }
    if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value)) {
      // .inf, .nan, 1e400: no setting means them, and JSON (the output) cannot hold them.
      const written = node.range === null || node.range === undefined ? String(node.value) : this.source.slice(node.range[0], node.range[1]);
      this.problems.at(offset, '', `expected a finite number, got ${written}`);
      this.failed = true;
    }
    if (isScalar(node)) return { kind: 'scalar', offset, value: node.value, valueOffset: scalarOffsets(this.source, offset, node.type) };
    return nullAt(fallback);
  }

  private alias(name: string, target: unknown, offset: number, depth: number): YNode {
    if (target === undefined || this.open.has(target)) {
      this.problems.at(
        offset,
        '',
        target === undefined
          ? `alias *${name} has no anchor &${name} before it`
          : `alias *${name} refers to itself (it is used inside the node its anchor &${name} marks)`,
      );
      this.failed = true;
      return nullAt(offset);
    }
    const outer = this.outerAlias;
    this.outerAlias ??= { name, offset };
    try {
      return this.convert(target, offset, depth);
    } finally {
      this.outerAlias = outer;
    }
  }

  private entries(items: ReadonlyArray<unknown>, mapOffset: number, depth: number): YEntry[] {
    const entries: YEntry[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const keyOffset = (pair.key as YamlNode | null)?.range?.[0] ?? mapOffset;
      const k = this.convert(pair.key, keyOffset, depth + 1);
      if (k.kind !== 'scalar') {
        this.problems.at(keyOffset, '', `a key must be a name (a string), not ${k.kind === 'map' ? 'a mapping' : 'a list'}`);
        this.failed = true;
        continue;
      }
      const key = String(k.value);
      if (key === '__proto__' && this.protoKeys === 'refuse') {
        // Assigned to a plain object it would replace the object's prototype, not add a field.
        this.problems.at(keyOffset, '', '"__proto__" cannot be a key (JavaScript objects treat it as their prototype); rename it');
        continue;
      }
      const valueNode = pair.value as YamlNode | null;
      const valueOffset = valueNode?.range?.[0] ?? (pair.key as YamlNode | null)?.range?.[1] ?? keyOffset;
      entries.push({ key, keyOffset, value: valueNode === null ? nullAt(valueOffset) : this.convert(valueNode, valueOffset, depth + 1) });
    }
    return entries;
  }
}

/** The yaml parser's own recursion limit, reported as what it means for the document. */
const parserMessage = (message: string): string =>
  /Maximum call stack/.test(message)
    ? `lists and mappings nest too deeply for the YAML parser (keep it under ${YAML_TREE_LIMITS.depth} levels)`
    : message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');

/** Options of `parseYamlTree`. */
export interface YamlTreeOptions {
  /**
   * A `__proto__` key: a located error (`'refuse'`, the default), or an ordinary key (`'keep'`)
   * for a front end that builds its objects without assigning keys (`toJs` defines them).
   */
  readonly protoKeys?: 'refuse' | 'keep';
}

/** Parses YAML text into a located tree; syntax errors go to `problems` (and the tree is undefined). */
export const parseYamlTree = (source: string, problems: Problems, options: YamlTreeOptions = {}): YNode | undefined => {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) problems.at(e.pos[0], '', parserMessage(e.message));
  if (doc.errors.length > 0) return undefined;
  try {
    const builder = new TreeBuilder(doc, source, problems, options.protoKeys ?? 'refuse');
    const tree = builder.convert(doc.contents, 0, 0);
    return builder.failed ? undefined : tree;
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw e;
  }
};
