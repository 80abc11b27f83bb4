/**
 * The recursive-descent expression parser over one lexer: the entry points (`parseTop` for a
 * whole input, `parseEmbedded` for a template's `${…}`) and the operator grammar, one method per
 * precedence level, lowest first. Operands (literals, names, calls, comprehensions, collections)
 * are `OperandParser`'s; token handling and errors are `TokenCursor`'s. The grammar is documented
 * in `./index.ts`.
 *
 * @example
 * new Parser(new Lexer('a + 1', 0, 0)).parseTop(); // { _tag: 'Binary', op: '+', … }
 */
import type { BinaryOp, CompareLink, CompareOp, Expr } from './ast';
import { ExprSyntaxError } from './errors';
import type { Token } from './lexer';
import { OperandParser } from './operandParser';

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** The parser state over one lexer; `parseEmbedded` is used by templates (stops before `}`). */
export class Parser extends OperandParser {
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
  // operators, lowest precedence first
  // -------------------------------------------------------------------------------------------

  /** conditional = or_expr [ "if" or_expr "else" conditional ] */
  protected parseExpr(): Expr {
    const then = this.parseOr();
    if (!this.eatWord('if')) return then;
    const test = this.parseOr();
    const t = this.lx.peek();
    if (!this.isWord(t, 'else')) this.fail('expected "else" in "… if … else …"', t);
    this.advance();
    const otherwise = this.nested(t, () => this.parseExpr());
    return { _tag: 'Conditional', then, test, otherwise, start: then.start, end: otherwise.end };
  }

  /** or_expr = and_expr { ("or" | "||") and_expr } */
  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.eatWord('or') || this.eatOp('||')) {
      const right = this.parseAnd();
      left = { _tag: 'Logical', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** and_expr = not_expr { ("and" | "&&") not_expr } */
  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.eatWord('and') || this.eatOp('&&')) {
      const right = this.parseNot();
      left = { _tag: 'Logical', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** not_expr = "not" not_expr | comparison */
  protected parseNot(): Expr {
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
  protected parseComparison(): Expr {
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
  protected parseSum(): Expr {
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
  protected parseTerm(): Expr {
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
  protected parseFactor(): Expr {
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
  protected parsePower(): Expr {
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
}
