/**
 * The operand half of the expression grammar: what operators combine — literals, names, member
 * access, indexing, calls (keyword arguments, a lone generator argument), comprehensions,
 * parenthesised expressions, lists and dicts. The operator half (precedence levels) is `Parser`,
 * which supplies `parseExpr` / `parseOr` for the sub-expressions inside these.
 *
 * @example
 * new Parser(new Lexer('f(x for x in xs)', 0, 0)).parseTop(); // a Call whose one argument is a Comprehension
 */
import type { Call, Comprehension, DictEntry, Expr, ForClause, IfClause, KeywordArg } from './ast';
import { pathOf } from './ast';
import type { Token } from './lexer';
import { RESERVED, TokenCursor } from './tokenCursor';

const CONSTANTS: Readonly<Record<string, boolean | null>> = {
  true: true,
  True: true,
  false: false,
  False: false,
  null: null,
  None: null,
};

/** Operands; the operator grammar above them comes from the subclass. */
export abstract class OperandParser extends TokenCursor {
  /** A whole expression (conditional, the lowest precedence). */
  protected abstract parseExpr(): Expr;

  /** An `or` expression (what a comprehension clause iterates over or tests). */
  protected abstract parseOr(): Expr;

  /** postfix = primary { "." NAME | "[" expression "]" | "(" arguments ")" } */
  protected parsePostfix(): Expr {
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
        const index = this.nested(t, () => this.parseExpr());
        const close = this.close(t, 'expected "]"');
        node = { _tag: 'Index', object: node, index, start: node.start, end: close.end };
      } else if (this.isOp(t, '(')) {
        const callee = pathOf(node);
        if (callee === undefined) this.fail('only named functions can be called', node);
        const { start, end } = node;
        node = this.nested(t, () => this.parseCall(callee, start, end));
      } else {
        return node;
      }
    }
  }

  /** "(" [ expression comp_for | argument { "," argument } [","] ] ")" */
  protected parseCall(callee: string, calleeStart: number, calleeEnd: number): Call {
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
  protected parseComprehension(element: Expr, start: number): Comprehension {
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
  protected parsePrimary(): Expr {
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
        if (t.text === '(') return this.nested(t, () => this.parseParens(t));
        if (t.text === '[') return this.nested(t, () => this.parseList(t));
        if (t.text === '{') return this.nested(t, () => this.parseDict(t));
        return this.missingOperand(t);
      case 'eof':
        return this.missingOperand(t);
    }
  }

  /** "(" expression [comp_for] ")" */
  protected parseParens(openTok: Token): Expr {
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
  protected parseList(openTok: Token): Expr {
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
  protected parseDict(openTok: Token): Expr {
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
