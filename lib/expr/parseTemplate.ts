/**
 * Templates: literal text with `${expression}` parts, e.g. `"Hello ${user.name}, you owe
 * ${round(x, 2)}"`. Positions are relative to the template text (plus `offset`), so an error
 * inside `${…}` points at the right column. `$${` is a literal `${`; a `$` not followed by `{` is
 * plain text. An expression may itself contain `}` (dicts, strings): the expression parser decides
 * where it ends.
 *
 * @example
 * const r = parseTemplate('Hello ${name}!');
 * // r.ast.parts: [Text 'Hello ', Name name, Text '!']
 * parseTemplate('total: ${1 +}'); // errors: [{ message: 'expected an expression after "+"', start: 12, end: 13 }]
 */
import type { Expr, Template, TemplateText } from './ast';
import { ExprSyntaxError } from './errors';
import type { Token } from './lexer';
import { Lexer } from './lexer';
import type { ParseOptions, ParseResult } from './parseExpression';
import { Parser } from './parser';

/** Does `text` contain a `${…}` part (that is not escaped as `$${`)? */
export const isTemplate = (text: string): boolean => {
  for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 2)) {
    if (text[i - 1] !== '$') return true;
    i++; // skip the escaped "$${"
  }
  return false;
};

/** Parses a template into text and expression parts. */
export const parseTemplate = (text: string, options: ParseOptions = {}): ParseResult<Template> => {
  const offset = options.offset ?? 0;
  const parts: (TemplateText | Expr)[] = [];
  let literal = '';
  let literalStart = 0;
  const flush = (end: number): void => {
    if (literal !== '') parts.push({ _tag: 'Text', value: literal, start: literalStart + offset, end: end + offset });
    literal = '';
  };
  try {
    let i = 0;
    while (i < text.length) {
      if (text.startsWith('$${', i)) {
        if (literal === '') literalStart = i;
        literal += '${';
        i += 3;
        continue;
      }
      if (!text.startsWith('${', i)) {
        if (literal === '') literalStart = i;
        literal += text[i];
        i++;
        continue;
      }
      flush(i);
      const opener: Token = { kind: 'op', text: '${', value: '${', start: i + offset, end: i + 2 + offset };
      const { ast, close } = new Parser(new Lexer(text, i + 2, offset)).parseEmbedded(opener);
      parts.push(ast);
      i = close.end - offset;
    }
    flush(text.length);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, errors: [e.toExprError()] };
    throw e;
  }
  return { ok: true, ast: { _tag: 'Template', parts, start: offset, end: text.length + offset } };
};
