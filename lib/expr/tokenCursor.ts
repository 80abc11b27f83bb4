/**
 * The token cursor under the expression parser: the lexer's tokens one at a time (`advance`,
 * `eatOp`, `eatWord`), syntax errors with their exact `start`/`end` (`fail`, `unexpected`,
 * `missingOperand`, "unclosed" brackets), and the guards against nesting too deep to parse or walk.
 * `Parser` (parser.ts) builds the grammar on it.
 *
 * @example
 * class Parser extends OperandParser { … } // OperandParser extends TokenCursor
 */
import type { Expr } from './ast';
import { depthOf } from './ast';
import { ExprSyntaxError } from './errors';
import type { Lexer, Token } from './lexer';

/** Deepest bracket/operator nesting accepted while parsing (a guard against stack exhaustion). */
export const MAX_NESTING = 100;
/** Deepest syntax tree accepted (long operator chains nest to the left). */
export const MAX_DEPTH = 500;

/** Words that are operators or constants, never names. */
export const RESERVED: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'if', 'else', 'for', 'true', 'false', 'null', 'True', 'False', 'None']);

/** Tokens after which an operand must follow: "expected an expression after …". */
const EXPECTS_OPERAND: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
  '!',
  '=',
  ':',
  'and',
  'or',
  'not',
  'in',
  'if',
  'else',
]);

const CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** Reading tokens and reporting syntax errors; subclasses add the grammar. */
export abstract class TokenCursor {
  protected prev: Token | undefined;
  protected nesting = 0;
  /** Brackets (and a template's `${`) opened and not closed yet, innermost last: where "unclosed" points. */
  protected readonly open: Token[] = [];

  constructor(protected readonly lx: Lexer) {}

  protected advance(): Token {
    const t = this.lx.next();
    this.prev = t;
    return t;
  }

  protected isOp(t: Token, text: string): boolean {
    return t.kind === 'op' && t.text === text;
  }

  protected isWord(t: Token, word: string): boolean {
    return t.kind === 'name' && t.text === word;
  }

  protected eatOp(text: string): Token | undefined {
    return this.isOp(this.lx.peek(), text) ? this.advance() : undefined;
  }

  protected eatWord(word: string): Token | undefined {
    return this.isWord(this.lx.peek(), word) ? this.advance() : undefined;
  }

  protected fail(message: string, at: { readonly start: number; readonly end: number }): never {
    throw new ExprSyntaxError(message, at.start, at.end);
  }

  protected describe(t: Token): string {
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
  protected unexpected(t: Token): never {
    if (t.kind === 'eof') {
      const opener = this.open[this.open.length - 1];
      if (opener !== undefined) this.fail(`unclosed "${opener.text}"`, opener);
      this.fail('unexpected end of expression', t);
    }
    const hint = this.isOp(t, '=') ? '; use "==" to compare' : '';
    this.fail(`unexpected ${this.describe(t)}${hint}`, t);
  }

  /** Consumes the closer of `opener`, or fails with `message` (or "unclosed" at the end). */
  protected close(opener: Token, message: string): Token {
    const closer = CLOSERS[opener.text] ?? '}';
    const t = this.lx.peek();
    if (this.isOp(t, closer)) {
      this.open.pop();
      return this.advance();
    }
    if (t.kind === 'eof') this.fail(`unclosed "${opener.text}"`, opener);
    return this.fail(message, t);
  }

  /** One level deeper (a bracket, an operand of a prefix operator…); `nesting--` when it is done. */
  protected enter(at: Token): void {
    if (++this.nesting > MAX_NESTING) this.fail(`expression is nested too deeply (more than ${MAX_NESTING} levels of brackets and operators)`, at);
  }

  /** `parse` one level deeper: every bracket counts, whatever grammar rule opened it. */
  protected nested<T>(at: Token, parse: () => T): T {
    this.enter(at);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  protected checkDepth(ast: Expr): Expr {
    if (depthOf(ast) > MAX_DEPTH) this.fail(`expression is nested too deeply (its syntax tree is more than ${MAX_DEPTH} levels deep)`, ast);
    return ast;
  }

  protected missingOperand(t: Token): never {
    const p = this.prev;
    if (p !== undefined && (p.kind === 'op' || p.kind === 'name') && EXPECTS_OPERAND.has(p.text)) {
      this.fail(`expected an expression after "${p.text}"`, t);
    }
    return this.unexpected(t);
  }
}
