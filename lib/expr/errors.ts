/**
 * Errors of the expression language: `ExprError` (syntax and check problems, returned as data) and
 * `ExprEvalError` (thrown while evaluating), both with `start`/`end` offsets into the source, and
 * `formatExprError` to show one under its source line.
 *
 * @example
 * const r = parseExpression('1 +');
 * if (!r.ok) console.log(formatExprError('1 +', r.errors[0]));
 * // 1:4: expected an expression after "+"
 * //   1 +
 * //      ^
 */
import { DeepFakerError } from '../core/errors';

/** A syntax or check problem at `[start, end)` of the source. */
export interface ExprError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Thrown by evaluation: a type error, a missing field, division by zero, a failing function. */
export class ExprEvalError extends DeepFakerError {
  override readonly name = 'ExprEvalError';

  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown inside the parser, turned into an `ExprError` result at its edge. */
export class ExprSyntaxError extends DeepFakerError {
  override readonly name = 'ExprSyntaxError';

  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }

  toExprError(): ExprError {
    return { message: this.message, start: this.start, end: this.end };
  }
}

/** 1-based line and column of a character offset. */
export const lineColumn = (src: string, offset: number): { readonly line: number; readonly column: number } => {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), src.length);
  for (let i = 0; i < end; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
};

/**
 * `line:column: message`, then the source line and carets under `[start, end)` (one caret for an
 * empty range, e.g. at the end of the input). `offset` is what was passed to the parser.
 *
 * @example
 * formatExprError('sum(x for x in)', { message: 'expected an expression after "in"', start: 14, end: 15 });
 * // '1:15: expected an expression after "in"\n  sum(x for x in)\n                ^'
 */
export const formatExprError = (src: string, error: ExprError | ExprEvalError, offset = 0): string => {
  const start = error.start - offset;
  const { line, column } = lineColumn(src, start);
  const lineStart = start - (column - 1);
  let lineEnd = src.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = src.length;
  const width = Math.max(1, Math.min(error.end - offset, lineEnd) - start);
  const text = src.slice(lineStart, lineEnd);
  return `${line}:${column}: ${error.message}\n  ${text}\n  ${' '.repeat(column - 1)}${'^'.repeat(width)}`;
};
