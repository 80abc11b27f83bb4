/**
 * Parsing one expression: source text → `Expr` with positions, or the syntax error (with its
 * exact `start`/`end`) as data. The parser itself is `Parser` (parser.ts); the grammar is
 * documented in `./index.ts`.
 *
 * @example
 * const r = parseExpression('sum(item.quantity * item.unit_price for item in items)');
 * r.ok; // true
 * parseExpression('1 +'); // { ok: false, errors: [{ message: 'expected an expression after "+"', start: 3, end: 3 }] }
 */
import type { Expr } from './ast';
import type { ExprError } from './errors';
import { ExprSyntaxError } from './errors';
import { Lexer } from './lexer';
import { Parser } from './parser';

/** A parse (or compile) outcome: the tree, or every error found. */
export type ParseResult<A> = { readonly ok: true; readonly ast: A } | { readonly ok: false; readonly errors: readonly ExprError[] };

/** Options of `parseExpression` / `parseTemplate`. */
export interface ParseOptions {
  /** Added to every reported position, e.g. where the expression starts inside a larger text. */
  readonly offset?: number;
}

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
