/**
 * The recursive-descent parser: source text → `Expr` with positions, or the syntax error (with its
 * exact `start`/`end`) as data. The grammar is documented in `./index.ts`.
 *
 * @example
 * const r = parseExpression('sum(item.quantity * item.unit_price for item in items)');
 * r.ok; // true
 * parseExpression('1 +'); // { ok: false, errors: [{ message: 'expected an expression after "+"', start: 3, end: 3 }] }
 */
import type {
  BinaryOp,
  Call,
  CompareLink,
  CompareOp,
  Comprehension,
  DictEntry,
  Expr,
  ForClause,
  IfClause,
  KeywordArg,
} from './ast';
import { depthOf, pathOf } from './ast';
import type { ExprError } from './errors';
import { ExprSyntaxError } from './errors';
import type { Token } from './lexer';
import { Lexer } from './lexer';

/** A parse (or compile) outcome: the tree, or every error found. */
export type ParseResult<A> =
  | { readonly ok: true; readonly ast: A }
  | { readonly ok: false; readonly errors: readonly ExprError[] };

/** Options of `parseExpression` / `parseTemplate`. */
export interface ParseOptions {
  /** Added to every reported position, e.g. where the expression starts inside a larger text. */
  readonly offset?: number;
}

/** Deepest bracket/operator nesting accepted while parsing (a guard against stack exhaustion). */
export const MAX_NESTING = 100;
/** Deepest syntax tree accepted (long operator chains nest to the left). */
export const MAX_DEPTH = 500;

const RESERVED: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'in', 'if', 'else', 'for', 'true', 'false', 'null', 'True', 'False', 'None',
]);

const CONSTANTS: Readonly<Record<string, boolean | null>> = {
  true: true,
  True: true,
  false: false,
  False: false,
  null: null,
  None: null,
};

/** Tokens after which an operand must follow: "expected an expression after …". */
const EXPECTS_OPERAND: ReadonlySet<string> = new Set([
  '+', '-', '*', '/', '//', '%', '**', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '=', ':',
  'and', 'or', 'not', 'in', 'if', 'else',
]);

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

const CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** Parses one expression; `offset` shifts reported positions. */
export const parseExpression = (src: string, options: ParseOptions = {}): ParseResult<Expr> => {
  const offset = options.offset ?? 0;
  try {
    const parser = new Parser(new Lexer(src, 0, offset));
    const ast = parser.parseTop();
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, errors: [e.toExprError()] };
    throw e;
  }
};

/** The parser state over one lexer; `parseEmbedded` is used by templates (stops before `}`). */
export class Parser {
  private prev: Token | undefined;
  private nesting = 0;
  private readonly open: Token[] = [];

  constructor(private readonly lx: Lexer) {}

  /** A whole input: one expression, then the end. */
  parseTop(): Expr {
    const first = this.lx.peek();
    if (first.kind === 'eof') throw new ExprSyntaxError('empty expression', first.start, first.end);
    const ast = this.parseExpr();
    const t = this.lx.peek();
    if (t.kind !== 'eof') this.unexpected(t);
    return this.checkDepth(ast);
  }

  /** An expression inside `${…}`: parses it and returns it with the `}` token that must follow. */
  parseEmbedded(opener: Token): { readonly ast: Expr; readonly close: Token } {
    const first = this.lx.peek();
    if (first.kind === 'eof') throw new ExprSyntaxError('unclosed "${"', opener.start, opener.end);
    if (first.kind === 'op' && first.text === '}') throw new ExprSyntaxError('empty expression in "${}"', opener.start, first.end);
    this.open.push(opener);
    const ast = this.parseExpr();
    const close = this.lx.peek();
    if (!(close.kind === 'op' && close.text === '}')) {
      if (close.kind === 'eof') throw new ExprSyntaxError('unclosed "${"', opener.start, opener.end);
      this.unexpected(close);
    }
    return { ast: this.checkDepth(ast), close };
  }

  // -------------------------------------------------------------------------------------------
  // token helpers
  // -------------------------------------------------------------------------------------------

  private advance(): Token {
    const t = this.lx.next();
    this.prev = t;
    return t;
  }

  private isOp(t: Token, text: string): boolean {
    return t.kind === 'op' && t.text === text;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'name' && t.text === word;
  }

  private eatOp(text: string): Token | undefined {
    return this.isOp(this.lx.peek(), text) ? this.advance() : undefined;
  }

  private eatWord(word: string): Token | undefined {
    return this.isWord(this.lx.peek(), word) ? this.advance() : undefined;
  }

  private fail(message: string, at: { readonly start: number; readonly end: number }): never {
    throw new ExprSyntaxError(message, at.start, at.end);
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of expression';
      case 'number':
        return `number ${t.text}`;
      case 'string':
        return `string ${t.text.length > 24 ? `${t.text.slice(0, 20)}…` : t.text}`;
      case 'name':
        return RESERVED.has(t.text) ? `"${t.text}"` : `name "${t.text}"`;
      case 'op':
        return `"${t.text}"`;
    }
  }

  /** The error for a token that cannot come next. */
  private unexpected(t: Token): never {
    if (t.kind === 'eof') {
      const opener = this.open[this.open.length - 1];
      if (opener !== undefined) this.fail(`unclosed "${opener.text}"`, opener);
      this.fail('unexpected end of expression', t);
    }
    const hint = this.isOp(t, '=') ? '; use "==" to compare' : '';
    this.fail(`unexpected ${this.describe(t)}${hint}`, t);
  }

  /** Consumes the closer of `opener`, or fails with `message` (or "unclosed" at the end). */
  private close(opener: Token, message: string): Token {
    const closer = CLOSERS[opener.text] ?? '}';
    const t = this.lx.peek();
    if (this.isOp(t, closer)) {
      this.open.pop();
      return this.advance();
    }
    if (t.kind === 'eof') this.fail(`unclosed "${opener.text}"`, opener);
    return this.fail(message, t);
  }

  private enter(at: Token): void {
    if (++this.nesting > MAX_NESTING) this.fail('expression is nested too deeply', at);
  }

  private checkDepth(ast: Expr): Expr {
    if (depthOf(ast) > MAX_DEPTH) this.fail('expression is nested too deeply', ast);
    return ast;
  }

  // -------------------------------------------------------------------------------------------
  // grammar, lowest precedence first
  // -------------------------------------------------------------------------------------------

  /** conditional = or_expr [ "if" or_expr "else" conditional ] */
  private parseExpr(): Expr {
    this.enter(this.lx.peek());
    try {
      const then = this.parseOr();
      if (!this.eatWord('if')) return then;
      const test = this.parseOr();
      const t = this.lx.peek();
      if (!this.isWord(t, 'else')) this.fail('expected "else" in "… if … else …"', t);
      this.advance();
      const otherwise = this.parseExpr();
      return { _tag: 'Conditional', then, test, otherwise, start: then.start, end: otherwise.end };
    } finally {
      this.nesting--;
    }
  }

  /** or_expr = and_expr { ("or" | "||") and_expr } */
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.eatWord('or') || this.eatOp('||')) {
      const right = this.parseAnd();
      left = { _tag: 'Logical', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** and_expr = not_expr { ("and" | "&&") not_expr } */
  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.eatWord('and') || this.eatOp('&&')) {
      const right = this.parseNot();
      left = { _tag: 'Logical', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** not_expr = "not" not_expr | comparison */
  private parseNot(): Expr {
    const t = this.lx.peek();
    if (!this.isWord(t, 'not')) return this.parseComparison();
    this.advance();
    this.enter(t);
    try {
      const operand = this.parseNot();
      return { _tag: 'Unary', op: 'not', operand, start: t.start, end: operand.end };
    } finally {
      this.nesting--;
    }
  }

  /** comparison = sum { comp_op sum }, chained like Python */
  private parseComparison(): Expr {
    const first = this.parseSum();
    const rest: CompareLink[] = [];
    for (;;) {
      const t = this.lx.peek();
      let op: CompareOp;
      if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
        op = t.text as CompareOp;
        this.advance();
      } else if (this.isWord(t, 'in')) {
        op = 'in';
        this.advance();
      } else if (this.isWord(t, 'not') && this.isWord(this.lx.peek(1), 'in')) {
        op = 'not in';
        this.advance();
        this.advance();
      } else {
        break;
      }
      rest.push({ op, right: this.parseSum() });
    }
    if (rest.length === 0) return first;
    return { _tag: 'Compare', first, rest, start: first.start, end: rest[rest.length - 1].right.end };
  }

  /** sum = term { ("+" | "-") term } */
  private parseSum(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.lx.peek();
      if (!(this.isOp(t, '+') || this.isOp(t, '-'))) return left;
      this.advance();
      const right = this.parseTerm();
      left = { _tag: 'Binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  /** term = factor { ("*" | "/" | "//" | "%") factor } */
  private parseTerm(): Expr {
    let left = this.parseFactor();
    for (;;) {
      const t = this.lx.peek();
      if (!(t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '//' || t.text === '%'))) return left;
      this.advance();
      const right = this.parseFactor();
      left = { _tag: 'Binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  /** factor = ("-" | "+" | "!") factor | power */
  private parseFactor(): Expr {
    const t = this.lx.peek();
    if (!(t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '!'))) return this.parsePower();
    this.advance();
    this.enter(t);
    try {
      const operand = this.parseFactor();
      const op = t.text === '!' ? 'not' : (t.text as '-' | '+');
      return { _tag: 'Unary', op, operand, start: t.start, end: operand.end };
    } finally {
      this.nesting--;
    }
  }

  /** power = postfix [ "**" factor ]  (right-associative; `-2 ** 2` is `-(2 ** 2)`) */
  private parsePower(): Expr {
    const base = this.parsePostfix();
    const t = this.lx.peek();
    if (!this.isOp(t, '**')) return base;
    this.advance();
    this.enter(t);
    try {
      const exponent = this.parseFactor();
      return { _tag: 'Binary', op: '**', left: base, right: exponent, start: base.start, end: exponent.end };
    } finally {
      this.nesting--;
    }
  }

  /** postfix = primary { "." NAME | "[" expression "]" | "(" arguments ")" } */
  private parsePostfix(): Expr {
    let node = this.parsePrimary();
    for (;;) {
      const t = this.lx.peek();
      if (this.isOp(t, '.')) {
        this.advance();
        const name = this.lx.peek();
        if (name.kind !== 'name') this.fail('expected a field name after "."', name);
        this.advance();
        node = { _tag: 'Member', object: node, property: name.text, propertyStart: name.start, start: node.start, end: name.end };
      } else if (this.isOp(t, '[')) {
        this.advance();
        this.open.push(t);
        const index = this.parseExpr();
        const close = this.close(t, 'expected "]"');
        node = { _tag: 'Index', object: node, index, start: node.start, end: close.end };
      } else if (this.isOp(t, '(')) {
        const callee = pathOf(node);
        if (callee === undefined) this.fail('only named functions can be called', node);
        node = this.parseCall(callee, node.start, node.end);
      } else {
        return node;
      }
    }
  }

  /** "(" [ expression comp_for | argument { "," argument } [","] ] ")" */
  private parseCall(callee: string, calleeStart: number, calleeEnd: number): Call {
    const openTok = this.advance();
    this.open.push(openTok);
    const args: Expr[] = [];
    const kwargs: KeywordArg[] = [];
    let closeTok: Token | undefined;
    while (!(closeTok = this.eatOp(')'))) {
      const t = this.lx.peek();
      if (t.kind === 'name' && this.isOp(this.lx.peek(1), '=')) {
        this.advance();
        this.advance();
        if (kwargs.some((k) => k.name === t.text)) this.fail(`duplicate keyword argument "${t.text}"`, t);
        const value = this.parseExpr();
        kwargs.push({ name: t.text, value, start: t.start, end: value.end });
      } else {
        let value = this.parseExpr();
        if (this.isWord(this.lx.peek(), 'for')) {
          value = this.parseComprehension(value, value.start);
          if (args.length > 0 || kwargs.length > 0 || this.isOp(this.lx.peek(), ',')) {
            this.fail('a generator expression must be the only argument; wrap it in parentheses', value);
          }
        } else if (kwargs.length > 0) {
          this.fail('positional argument after keyword argument', value);
        }
        args.push(value);
      }
      if (this.eatOp(',')) continue;
      closeTok = this.close(openTok, 'expected "," or ")"');
      break;
    }
    if (this.open[this.open.length - 1] === openTok) this.open.pop();
    return { _tag: 'Call', callee, calleeStart, calleeEnd, args, kwargs, start: calleeStart, end: closeTok.end };
  }

  /** comp_for = "for" NAME "in" or_expr { "for" NAME "in" or_expr | "if" or_expr } */
  private parseComprehension(element: Expr, start: number): Comprehension {
    const clauses: (ForClause | IfClause)[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (this.isWord(t, 'for')) {
        this.advance();
        const name = this.lx.peek();
        if (name.kind !== 'name' || RESERVED.has(name.text)) this.fail('expected a variable name after "for"', name);
        this.advance();
        const inTok = this.lx.peek();
        if (!this.isWord(inTok, 'in')) this.fail(`expected "in" after "for ${name.text}"`, inTok);
        this.advance();
        const iterable = this.parseOr();
        clauses.push({ _tag: 'For', name: name.text, nameStart: name.start, nameEnd: name.end, iterable, start: t.start, end: iterable.end });
      } else if (clauses.length > 0 && this.isWord(t, 'if')) {
        this.advance();
        const test = this.parseOr();
        clauses.push({ _tag: 'If', test, start: t.start, end: test.end });
      } else {
        break;
      }
    }
    return { _tag: 'Comprehension', element, clauses, start, end: clauses[clauses.length - 1].end };
  }

  /** Literals, names, ( … ), [ … ], { … }. */
  private parsePrimary(): Expr {
    const t = this.lx.peek();
    switch (t.kind) {
      case 'number':
        this.advance();
        return { _tag: 'Literal', value: t.value as number, start: t.start, end: t.end };
      case 'string':
        this.advance();
        return { _tag: 'Literal', value: t.value as string, start: t.start, end: t.end };
      case 'name': {
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, t.text)) {
          this.advance();
          return { _tag: 'Literal', value: CONSTANTS[t.text], start: t.start, end: t.end };
        }
        if (RESERVED.has(t.text)) return this.missingOperand(t);
        this.advance();
        return { _tag: 'Name', name: t.text, start: t.start, end: t.end };
      }
      case 'op':
        if (t.text === '(') return this.parseParens(t);
        if (t.text === '[') return this.parseList(t);
        if (t.text === '{') return this.parseDict(t);
        return this.missingOperand(t);
      case 'eof':
        return this.missingOperand(t);
    }
  }

  private missingOperand(t: Token): never {
    const p = this.prev;
    if (p !== undefined && (p.kind === 'op' || p.kind === 'name') && EXPECTS_OPERAND.has(p.text)) {
      this.fail(`expected an expression after "${p.text}"`, t);
    }
    return this.unexpected(t);
  }

  /** "(" expression [comp_for] ")" */
  private parseParens(openTok: Token): Expr {
    this.advance();
    this.open.push(openTok);
    let inner = this.parseExpr();
    if (this.isWord(this.lx.peek(), 'for')) inner = this.parseComprehension(inner, inner.start);
    const message = this.isOp(this.lx.peek(), ',') ? 'tuples are not supported; use a list [a, b]' : 'expected ")"';
    const closeTok = this.close(openTok, message);
    // Parentheses only group: keep the inner node, widen a comprehension to include them.
    return inner._tag === 'Comprehension' ? { ...inner, start: openTok.start, end: closeTok.end } : inner;
  }

  /** "[" [ expression comp_for | expression { "," expression } [","] ] "]" */
  private parseList(openTok: Token): Expr {
    this.advance();
    this.open.push(openTok);
    const items: Expr[] = [];
    let closeTok: Token | undefined;
    while (!(closeTok = this.eatOp(']'))) {
      const item = this.parseExpr();
      if (items.length === 0 && this.isWord(this.lx.peek(), 'for')) {
        const comp = this.parseComprehension(item, openTok.start);
        closeTok = this.close(openTok, 'expected "]"');
        return { ...comp, end: closeTok.end };
      }
      items.push(item);
      if (this.eatOp(',')) continue;
      closeTok = this.close(openTok, 'expected "," or "]"');
      break;
    }
    if (this.open[this.open.length - 1] === openTok) this.open.pop();
    return { _tag: 'List', items, start: openTok.start, end: closeTok.end };
  }

  /** "{" [ expression ":" expression { "," expression ":" expression } [","] ] "}" */
  private parseDict(openTok: Token): Expr {
    this.advance();
    this.open.push(openTok);
    const entries: DictEntry[] = [];
    let closeTok: Token | undefined;
    while (!(closeTok = this.eatOp('}'))) {
      const key = this.parseExpr();
      const colon = this.lx.peek();
      if (!this.isOp(colon, ':')) {
        if (colon.kind === 'eof') this.fail(`unclosed "{"`, openTok);
        this.fail('expected ":" after a dict key', colon);
      }
      this.advance();
      const value = this.parseExpr();
      entries.push({ key, value });
      if (this.eatOp(',')) continue;
      closeTok = this.close(openTok, 'expected "," or "}"');
      break;
    }
    if (this.open[this.open.length - 1] === openTok) this.open.pop();
    return { _tag: 'Dict', entries, start: openTok.start, end: closeTok.end };
  }
}
