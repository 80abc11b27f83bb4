/**
 * The tokenizer of the expression language, lazy so a template can stop at the `}` that closes
 * `${…}` without tokenizing the literal text after it.
 *
 * @example
 * const lx = new Lexer('a + 1', 0, 0);
 * lx.next().text; // 'a'
 * lx.next().text; // '+'
 */
import { ExprSyntaxError } from './errors';

/** Token kinds: numbers, strings, names (identifiers and keywords), operators/punctuation, end. */
export type TokenKind = 'number' | 'string' | 'name' | 'op' | 'eof';

/** One token; `text` is the source text, `value` the decoded number or string. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: number | string;
  readonly start: number;
  readonly end: number;
}

const TWO_CHAR_OPS: ReadonlySet<string> = new Set(['**', '//', '==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = '+-*/%<>()[]{},:.=!';

const NUMBER = /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const WORD_TAIL = /[A-Za-z0-9_.]*/y;

const CHAR_HINTS: Readonly<Record<string, string>> = {
  '&': ' (use "and")',
  '|': ' (use "or")',
  ';': ' (an expression is a single expression)',
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0;
const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A lazy tokenizer over `src` from index `from`; reported positions are `index + offset`. */
export class Lexer {
  private readonly ahead: Token[] = [];
  private pos: number;

  constructor(
    private readonly src: string,
    from: number,
    private readonly offset: number,
  ) {
    this.pos = from;
  }

  /** The token `k` places ahead (0 = the next one), without consuming it. */
  peek(k = 0): Token {
    while (this.ahead.length <= k) this.ahead.push(this.scan());
    return this.ahead[k];
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const t = this.peek();
    this.ahead.shift();
    return t;
  }

  private token(kind: TokenKind, start: number, end: number, value: number | string): Token {
    return { kind, text: this.src.slice(start, end), value, start: start + this.offset, end: end + this.offset };
  }

  private fail(message: string, start: number, end: number): never {
    throw new ExprSyntaxError(message, start + this.offset, end + this.offset);
  }

  private scan(): Token {
    const src = this.src;
    let i = this.pos;
    while (i < src.length && isSpace(src.charCodeAt(i))) i++;
    if (i >= src.length) {
      this.pos = i;
      return this.token('eof', i, i, '');
    }
    const c = src[i];
    const code = src.charCodeAt(i);
    // numbers (also ".5")
    if ((code >= 48 && code <= 57) || (c === '.' && i + 1 < src.length && /\d/.test(src[i + 1]))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src)!;
      let end = i + m[0].length;
      if (end < src.length && isWordChar(src.charCodeAt(end))) {
        WORD_TAIL.lastIndex = end;
        end += WORD_TAIL.exec(src)![0].length;
        this.fail(`invalid number "${src.slice(i, end)}"`, i, end);
      }
      this.pos = end;
      return this.token('number', i, end, Number(m[0].replace(/_/g, '')));
    }
    if (c === "'" || c === '"') return this.scanString(i, c);
    if (isWordChar(code)) {
      NAME.lastIndex = i;
      const end = i + NAME.exec(src)![0].length;
      this.pos = end;
      return this.token('name', i, end, src.slice(i, end));
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      this.pos = i + 2;
      return this.token('op', i, i + 2, two);
    }
    if (ONE_CHAR_OPS.includes(c)) {
      this.pos = i + 1;
      return this.token('op', i, i + 1, c);
    }
    const ch = String.fromCodePoint(src.codePointAt(i)!);
    return this.fail(`unexpected character ${JSON.stringify(ch)}${CHAR_HINTS[ch] ?? ''}`, i, i + ch.length);
  }

  private scanString(start: number, quote: string): Token {
    const src = this.src;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= src.length || src[i] === '\n' || src[i] === '\r') this.fail('unterminated string', start, i);
      const c = src[i];
      if (c === quote) break;
      if (c !== '\\') {
        i++;
        continue;
      }
      out += src.slice(chunk, i);
      const e = src[i + 1];
      if (e === undefined) this.fail('unterminated string', start, i + 1);
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        const hex = src.slice(i + 2, i + 2 + n);
        if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) {
          this.fail(`invalid escape "\\${e}${hex.replace(/[^0-9A-Fa-f].*$/s, '')}": expected ${n} hex digits`, i, Math.min(i + 2 + n, src.length));
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2 + n;
      } else {
        // Like Python: an unknown escape keeps its backslash ('\d' is two characters).
        out += '\\';
        i += 1;
      }
      chunk = i;
    }
    out += src.slice(chunk, i);
    this.pos = i + 1;
    return this.token('string', start, i + 1, out);
  }
}
