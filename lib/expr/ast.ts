/**
 * The expression syntax tree: a tagged union (`_tag`), every node carrying `start`/`end` character
 * offsets into the source it was parsed from (plus the `offset` the caller passed).
 *
 * @example
 * const r = parseExpression('a + 1');
 * if (r.ok && r.ast._tag === 'Binary') r.ast.op; // '+'
 */

/** A half-open character range `[start, end)` in the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** `1`, `2.5`, `'text'`, `true`, `null` (also `True`, `False`, `None`). */
export interface Literal extends Span {
  readonly _tag: 'Literal';
  readonly value: number | string | boolean | null;
}

/** `[a, b, c]`. */
export interface ListExpr extends Span {
  readonly _tag: 'List';
  readonly items: readonly Expr[];
}

/** One `key: value` of a dict literal. */
export interface DictEntry {
  readonly key: Expr;
  readonly value: Expr;
}

/** `{'a': 1, 'b': x}`. */
export interface DictExpr extends Span {
  readonly _tag: 'Dict';
  readonly entries: readonly DictEntry[];
}

/** A variable (or comprehension variable): `items`, `x`. */
export interface Name extends Span {
  readonly _tag: 'Name';
  readonly name: string;
}

/** Field access `object.property` (own properties of plain objects only). */
export interface Member extends Span {
  readonly _tag: 'Member';
  readonly object: Expr;
  readonly property: string;
  /** Where the property name starts (after the dot). */
  readonly propertyStart: number;
}

/** Indexing `object[index]`: list position (negative counts from the end), dict key, string character. */
export interface Index extends Span {
  readonly _tag: 'Index';
  readonly object: Expr;
  readonly index: Expr;
}

/** One `name=value` argument of a call. */
export interface KeywordArg extends Span {
  readonly name: string;
  readonly value: Expr;
}

/** A call of a named function: `round(x, 2)`, `duration(hours=1)`, `faker.person.fullName()`. */
export interface Call extends Span {
  readonly _tag: 'Call';
  /** The dotted function name as written: `faker.person.fullName`. */
  readonly callee: string;
  readonly calleeStart: number;
  readonly calleeEnd: number;
  readonly args: readonly Expr[];
  readonly kwargs: readonly KeywordArg[];
}

/** Unary operators: `-x`, `+x`, `not x` (also written `!x`). */
export interface Unary extends Span {
  readonly _tag: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

/** Arithmetic: `+ - * / // % **`. */
export interface Binary extends Span {
  readonly _tag: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `a and b`, `a or b` (also `&&`, `||`): short-circuit, the value is one of the operands. */
export interface Logical extends Span {
  readonly _tag: 'Logical';
  readonly op: LogicalOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** One link of a comparison chain. */
export interface CompareLink {
  readonly op: CompareOp;
  readonly right: Expr;
}

/** A comparison chain `a < b <= c` (Python: `a < b and b <= c`, `b` evaluated once). */
export interface Compare extends Span {
  readonly _tag: 'Compare';
  readonly first: Expr;
  readonly rest: readonly CompareLink[];
}

/** `then if test else otherwise`. */
export interface Conditional extends Span {
  readonly _tag: 'Conditional';
  readonly test: Expr;
  readonly then: Expr;
  readonly otherwise: Expr;
}

/** `for name in iterable` inside a comprehension. */
export interface ForClause extends Span {
  readonly _tag: 'For';
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly iterable: Expr;
}

/** `if test` inside a comprehension. */
export interface IfClause extends Span {
  readonly _tag: 'If';
  readonly test: Expr;
}

/**
 * `[element for x in xs if cond]`, `(element for x in xs)` or the sole argument of a call
 * (`sum(element for x in xs)`): all evaluate to a list.
 */
export interface Comprehension extends Span {
  readonly _tag: 'Comprehension';
  readonly element: Expr;
  /** The first clause is always a `For`. */
  readonly clauses: readonly (ForClause | IfClause)[];
}

/** Literal text between the `${…}` parts of a template. */
export interface TemplateText extends Span {
  readonly _tag: 'Text';
  readonly value: string;
}

/** `"Hello ${user.name}"`, from `parseTemplate`: evaluates to a string. */
export interface Template extends Span {
  readonly _tag: 'Template';
  readonly parts: readonly (TemplateText | Expr)[];
}

export type UnaryOp = '-' | '+' | 'not';
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type LogicalOp = 'and' | 'or';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

/** Any expression node. */
export type Expr = Literal | ListExpr | DictExpr | Name | Member | Index | Call | Unary | Binary | Logical | Compare | Conditional | Comprehension | Template;

/** The direct sub-expressions of a node, in source order. */
export const childrenOf = (node: Expr): readonly Expr[] => {
  switch (node._tag) {
    case 'Literal':
    case 'Name':
      return [];
    case 'List':
      return node.items;
    case 'Dict':
      return node.entries.flatMap((e) => [e.key, e.value]);
    case 'Member':
      return [node.object];
    case 'Index':
      return [node.object, node.index];
    case 'Call':
      return [...node.args, ...node.kwargs.map((k) => k.value)];
    case 'Unary':
      return [node.operand];
    case 'Binary':
    case 'Logical':
      return [node.left, node.right];
    case 'Compare':
      return [node.first, ...node.rest.map((l) => l.right)];
    case 'Conditional':
      return [node.then, node.test, node.otherwise];
    case 'Comprehension':
      return [node.element, ...node.clauses.map((c) => (c._tag === 'For' ? c.iterable : c.test))];
    case 'Template':
      return node.parts.filter((p): p is Expr => p._tag !== 'Text');
    default:
      return absurd(node);
  }
};

/** The depth of the deepest node (a leaf has depth 1), computed without recursion. */
export const depthOf = (root: Expr): number => {
  let max = 0;
  const stack: Array<readonly [Expr, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
  return max;
};

/** `x` is a dotted field path (`a`, `a.b.c`): its text, or undefined. */
export const pathOf = (node: Expr): string | undefined => {
  if (node._tag === 'Name') return node.name;
  if (node._tag === 'Member') {
    const base = pathOf(node.object);
    return base === undefined ? undefined : `${base}.${node.property}`;
  }
  return undefined;
};

/** For exhaustive switches. */
export const absurd = (x: never): never => {
  throw new Error(`unexpected node ${JSON.stringify(x)}`);
};
