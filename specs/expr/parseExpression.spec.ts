import { expect } from 'chai';
import type { Expr } from '../../lib/expr/ast';
import { absurd } from '../../lib/expr/ast';
import { parseExpression } from '../../lib/expr/parseExpression';
import { checkExpression } from '../../lib/expr/checkExpression';
import { evaluate } from '../../lib/expr/evaluate';
import { ExprEvalError } from '../../lib/expr/errors';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/** The tree as fully parenthesised text: shows precedence and associativity exactly. */
const show = (n: Expr): string => {
  switch (n._tag) {
    case 'Literal':
      return typeof n.value === 'string' ? `'${n.value}'` : String(n.value);
    case 'Name':
      return n.name;
    case 'List':
      return `[${n.items.map(show).join(', ')}]`;
    case 'Dict':
      return `{${n.entries.map((e) => `${show(e.key)}: ${show(e.value)}`).join(', ')}}`;
    case 'Member':
      return `${show(n.object)}.${n.property}`;
    case 'Index':
      return `${show(n.object)}[${show(n.index)}]`;
    case 'Call':
      return `${n.callee}(${[...n.args.map(show), ...n.kwargs.map((k) => `${k.name}=${show(k.value)}`)].join(', ')})`;
    case 'Unary':
      return `(${n.op === 'not' ? 'not ' : n.op}${show(n.operand)})`;
    case 'Binary':
    case 'Logical':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'Compare':
      return `(${show(n.first)}${n.rest.map((l) => ` ${l.op} ${show(l.right)}`).join('')})`;
    case 'Conditional':
      return `(${show(n.then)} if ${show(n.test)} else ${show(n.otherwise)})`;
    case 'Comprehension':
      return `[${show(n.element)}${n.clauses.map((c) => (c._tag === 'For' ? ` for ${c.name} in ${show(c.iterable)}` : ` if ${show(c.test)}`)).join('')}]`;
    case 'Template':
      return 'template';
    default:
      return absurd(n);
  }
};

const parsed = (src: string): Expr => {
  const r = parseExpression(src);
  if (!r.ok) throw new Error(`${src}: ${JSON.stringify(r.errors)}`);
  return r.ast;
};

const errorOf = (src: string): { message: string; start: number; end: number } => {
  const r = parseExpression(src);
  if (r.ok) throw new Error(`${src} parsed`);
  expect(r.errors).to.have.length(1);
  return { ...r.errors[0] };
};

/** mulberry32: a tiny seeded PRNG for the fuzz loop. */
const prng = (seed: number) => (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// ---------------------------------------------------------------------------------------------

describe('expr/parseExpression', () => {
  describe('precedence and associativity', () => {
    const table: ReadonlyArray<readonly [string, string]> = [
      ['1 + 2 * 3', '(1 + (2 * 3))'],
      ['1 * 2 + 3', '((1 * 2) + 3)'],
      ['10 - 4 - 3', '((10 - 4) - 3)'],
      ['100 / 10 / 5', '((100 / 10) / 5)'],
      ['7 // 2 % 3 * 4', '(((7 // 2) % 3) * 4)'],
      ['2 ** 3 ** 2', '(2 ** (3 ** 2))'],
      ['-2 ** 2', '(-(2 ** 2))'],
      ['2 ** -1', '(2 ** (-1))'],
      ['-2 ** -2', '(-(2 ** (-2)))'],
      ['2 * 3 ** 2', '(2 * (3 ** 2))'],
      ['- - 3', '(-(-3))'],
      ['+x', '(+x)'],
      ['a.b ** 2', '(a.b ** 2)'],
      ['-a.b[0]', '(-a.b[0])'],
      ['1 + 2 < 3 * 4', '((1 + 2) < (3 * 4))'],
      ['a < b < c', '(a < b < c)'],
      ['a == b != c', '(a == b != c)'],
      ['x in xs == true', '(x in xs == true)'],
      ['x not in xs', '(x not in xs)'],
      ['not a == b', '(not (a == b))'],
      ['!a == b', '((not a) == b)'],
      ['not not a', '(not (not a))'],
      ['not a and b', '((not a) and b)'],
      ['a or b and c', '(a or (b and c))'],
      ['a and b or c', '((a and b) or c)'],
      ['a || b && c', '(a or (b and c))'],
      ['a or b or c', '((a or b) or c)'],
      ['a if b else c', '(a if b else c)'],
      ['a if b else c if d else e', '(a if b else (c if d else e))'],
      ['a or b if c or d else e and f', '((a or b) if (c or d) else (e and f))'],
      ['x + 1 if x > 0 else -x', '((x + 1) if (x > 0) else (-x))'],
      ['f(a, b=1 + 2)', 'f(a, b=(1 + 2))'],
      ['faker.person.fullName()', 'faker.person.fullName()'],
      ['f(x)[0].y', 'f(x)[0].y'],
      ["d['k'].v", "d['k'].v"],
      ['xs[i + 1]', 'xs[(i + 1)]'],
      ['[1, 2 + 3, [4]]', '[1, (2 + 3), [4]]'],
      ["{'a': 1, 'b': x * 2}", "{'a': 1, 'b': (x * 2)}"],
      ['sum(x.a * x.b for x in items if x.ok)', 'sum([(x.a * x.b) for x in items if x.ok])'],
      ['[f(x) for x in xs if c]', '[f(x) for x in xs if c]'],
      ['[x * y for x in xs for y in ys if x < y]', '[(x * y) for x in xs for y in ys if (x < y)]'],
      ['[a if c else b for x in xs]', '[(a if c else b) for x in xs]'],
      ['(x for x in xs)', '[x for x in xs]'],
      ['(1 + 2) * 3', '((1 + 2) * 3)'],
      ['x.in + y.for', '(x.in + y.for)'],
      ['True or False and None', '(true or (false and null))'],
    ];
    for (const [src, expected] of table) {
      it(`${src}  ⇒  ${expected}`, () => expect(show(parsed(src))).to.equal(expected));
    }

    it('evaluates the classic cases like Python', () => {
      const cases: ReadonlyArray<readonly [string, unknown]> = [
        ['-2 ** 2 == -4', true],
        ['2 ** 3 ** 2', 512],
        ['(-2) ** 2', 4],
        ['10 - 4 - 3', 3],
        ['2 * 3 % 4', 2],
        ['1 or 0 and 0', 1],
        ['(1 or 0) and 0', 0],
        ['1 if 0 else 2 if 0 else 3', 3],
        ['1 + 2 if 1 else 4', 3],
        ['1 < 3 < 2', false],
        ['3 > 2 > 1', true],
      ];
      for (const [src, value] of cases) expect(evaluate(parsed(src)), src).to.deep.equal(value);
    });
  });

  describe('literals', () => {
    it('reads numbers, strings and constants', () => {
      const cases: ReadonlyArray<readonly [string, unknown]> = [
        ['42', 42],
        ['2.5', 2.5],
        ['.5', 0.5],
        ['1.', 1],
        ['1e3', 1000],
        ['2.5E-1', 0.25],
        ['1_000_000', 1_000_000],
        ["'it''s'", undefined], // two adjacent strings are not concatenated: a syntax error
        ["'a\\tb\\n'", 'a\tb\n'],
        ['"say \\"hi\\""', 'say "hi"'],
        ["'\\x41\\u00e9'", 'Aé'],
        ["'\\d+'", '\\d+'],
        ["'%Y-%m-%d'", '%Y-%m-%d'],
        ['true', true],
        ['False', false],
        ['null', null],
        ['None', null],
      ];
      for (const [src, value] of cases) {
        const r = parseExpression(src);
        if (value === undefined) expect(r.ok, src).to.equal(false);
        else expect(r.ok && r.ast._tag === 'Literal' ? r.ast.value : 'not a literal', src).to.equal(value);
      }
    });

    it('reads lists and dicts with trailing commas and newlines', () => {
      const src = "switch(plan, {\n  'free': 0,\n  'pro': 99,\n  'enterprise': 499,\n})";
      expect(show(parsed(src))).to.equal("switch(plan, {'free': 0, 'pro': 99, 'enterprise': 499})");
      expect(show(parsed('[1, 2,]'))).to.equal('[1, 2]');
      expect(show(parsed('[]'))).to.equal('[]');
      expect(show(parsed('{}'))).to.equal('{}');
      expect(show(parsed('f(1, a=2,)'))).to.equal('f(1, a=2)');
    });
  });

  describe('positions', () => {
    it('gives every node its start and end', () => {
      const ast = parsed('sum(item.quantity * item.unit_price for item in items)');
      expect(ast).to.include({ _tag: 'Call', callee: 'sum', start: 0, end: 54, calleeStart: 0, calleeEnd: 3 });
      if (ast._tag !== 'Call') throw new Error('not a call');
      const comp = ast.args[0];
      expect(comp).to.include({ _tag: 'Comprehension', start: 4, end: 53 });
      if (comp._tag !== 'Comprehension') throw new Error('not a comprehension');
      expect(comp.element).to.include({ _tag: 'Binary', op: '*', start: 4, end: 35 });
      expect(comp.clauses[0]).to.include({ _tag: 'For', name: 'item', nameStart: 40, nameEnd: 44, start: 36, end: 53 });
      if (comp.element._tag !== 'Binary') throw new Error('not binary');
      expect(comp.element.right).to.include({ _tag: 'Member', property: 'unit_price', propertyStart: 25, start: 20, end: 35 });
    });

    it('shifts every position by offset', () => {
      const r = parseExpression('a + b', { offset: 100 });
      expect(r.ok && r.ast).to.include({ start: 100, end: 105 });
      const bad = parseExpression('a +', { offset: 100 });
      expect(bad.ok ? null : bad.errors[0]).to.deep.equal({ message: 'expected an expression after "+"', start: 103, end: 103 });
    });

    it('parenthesised comprehensions include their parentheses; grouping parentheses do not make nodes', () => {
      expect(parsed('(x for x in xs)')).to.include({ start: 0, end: 15 });
      expect(parsed('[x for x in xs]')).to.include({ start: 0, end: 15 });
      expect(parsed('(a)')).to.include({ _tag: 'Name', start: 1, end: 2 });
    });
  });

  describe('syntax errors: message and exact span', () => {
    const table: ReadonlyArray<readonly [string, string, number, number]> = [
      ['', 'empty expression', 0, 0],
      ['   ', 'empty expression', 3, 3],
      ['1 +', 'expected an expression after "+"', 3, 3],
      ['1 + )', 'expected an expression after "+"', 4, 5],
      ['a and', 'expected an expression after "and"', 5, 5],
      ['not', 'expected an expression after "not"', 3, 3],
      ['x in', 'expected an expression after "in"', 4, 4],
      ['2 **', 'expected an expression after "**"', 4, 4],
      ['f(a=)', 'expected an expression after "="', 4, 5],
      ["{'a': }", 'expected an expression after ":"', 6, 7],
      ['1 + and', 'expected an expression after "+"', 4, 7],
      ['1)', 'unexpected ")"', 1, 2],
      ['(1 + 2))', 'unexpected ")"', 7, 8],
      [')', 'unexpected ")"', 0, 1],
      ['1 2', 'unexpected number 2', 2, 3],
      ['a b', 'unexpected name "b"', 2, 3],
      ["a 'x'", "unexpected string 'x'", 2, 5],
      ['and', 'unexpected "and"', 0, 3],
      ['else', 'unexpected "else"', 0, 4],
      ['[1, , 2]', 'unexpected ","', 4, 5],
      ['a = 1', 'unexpected "="; use "==" to compare', 2, 3],
      ['(', 'unclosed "("', 0, 1],
      ['(1 + 2', 'unclosed "("', 0, 1],
      ['f(1, 2', 'unclosed "("', 1, 2],
      ['[1, 2', 'unclosed "["', 0, 1],
      ['xs[0', 'unclosed "["', 2, 3],
      ["{'a': 1", 'unclosed "{"', 0, 1],
      ["{'a'", 'unclosed "{"', 0, 1],
      ['[(1, 2]', 'tuples are not supported; use a list [a, b]', 3, 4],
      ['(1 2)', 'expected ")"', 3, 4],
      ['f(1 2)', 'expected "," or ")"', 4, 5],
      ['[1 2]', 'expected "," or "]"', 3, 4],
      ["{'a': 1 'b': 2}", 'expected "," or "}"', 8, 11],
      ["{'a' 1}", 'expected ":" after a dict key', 5, 6],
      ['xs[0 1]', 'expected "]"', 5, 6],
      ["'abc", 'unterminated string', 0, 4],
      ['"abc\'', 'unterminated string', 0, 5],
      ["f('a\n')", 'unterminated string', 2, 4],
      ["'\\x4g'", 'invalid escape "\\x4": expected 2 hex digits', 1, 5],
      ['1e', 'invalid number "1e"', 0, 2],
      ['12abc + 1', 'invalid number "12abc"', 0, 5],
      ['a @ b', 'unexpected character "@"', 2, 3],
      ['a & b', 'unexpected character "&" (use "and")', 2, 3],
      ['a | b', 'unexpected character "|" (use "or")', 2, 3],
      ['a.', 'expected a field name after "."', 2, 2],
      ['a.(b)', 'expected a field name after "."', 2, 3],
      ['1 if 2', 'expected "else" in "… if … else …"', 6, 6],
      ['1 if 2 3', 'expected "else" in "… if … else …"', 7, 8],
      ['xs[0](1)', 'only named functions can be called', 0, 5],
      ['f()(1)', 'only named functions can be called', 0, 3],
      ['f(a=1, a=2)', 'duplicate keyword argument "a"', 7, 8],
      ['f(a=1, 2)', 'positional argument after keyword argument', 7, 8],
      ['sum(x for x in xs, 1)', 'a generator expression must be the only argument; wrap it in parentheses', 4, 17],
      ['f(1, x for x in xs)', 'a generator expression must be the only argument; wrap it in parentheses', 5, 18],
      ['[x for in xs]', 'expected a variable name after "for"', 7, 9],
      ['[x for 1 in xs]', 'expected a variable name after "for"', 7, 8],
      ['[x for y of xs]', 'expected "in" after "for y"', 9, 11],
      ['[x for y in]', 'expected an expression after "in"', 11, 12],
      ['sum(x for x in xs if)', 'expected an expression after "if"', 20, 21],
    ];
    for (const [src, message, start, end] of table) {
      it(`${JSON.stringify(src)} → ${message} @${start}-${end}`, () => expect(errorOf(src)).to.deep.equal({ message, start, end }));
    }

    it('refuses nesting deep enough to exhaust the stack', () => {
      const nesting = 'expression is nested too deeply (more than 100 levels of brackets and operators)';
      const tree = 'expression is nested too deeply (its syntax tree is more than 500 levels deep)';
      const deep = `${'('.repeat(5000)}1${')'.repeat(5000)}`;
      expect(errorOf(deep)).to.deep.equal({ message: nesting, start: 100, end: 101 });
      expect(errorOf(`${'-'.repeat(5000)}1`)).to.deep.equal({ message: nesting, start: 100, end: 101 });
      expect(errorOf(`${'not '.repeat(5000)}1`)).to.deep.equal({ message: nesting, start: 400, end: 403 });
      expect(errorOf(`1${' + 1'.repeat(5000)}`).message).to.equal(tree);
      expect(errorOf(`a${'.b'.repeat(5000)}`).message).to.equal(tree);
      // …while ordinary long expressions are fine
      expect(evaluate(parsed(`1${' + 1'.repeat(200)}`))).to.equal(201);
      expect(evaluate(parsed(`${'('.repeat(60)}1${')'.repeat(60)}`))).to.equal(1);
    });
  });

  describe('fuzz: token soup never crashes or hangs', () => {
    const VOCAB = [
      '1',
      '0',
      '2.5',
      '10',
      '-',
      '+',
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
      '=',
      '!',
      '&&',
      '||',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '.',
      'and',
      'or',
      'not',
      'in',
      'if',
      'else',
      'for',
      'true',
      'None',
      'x',
      'xs',
      'd',
      'sum',
      'len',
      'round',
      'min',
      'f',
      'constructor',
      '__proto__',
      "'a'",
      '"b"',
      "'",
      '"',
      '\\',
      '${',
      '$',
      '@',
      '#',
      ' ',
      '\n',
      'é',
      '1e',
      '_',
    ];
    const variables = { x: 3, xs: [1, 2, 3], d: { a: 1, b: [1, 2] } };
    const functions = { f: (args: readonly unknown[]) => args.length };

    it('returns a result for 2000 random inputs, and evaluation throws only ExprEvalError', () => {
      const rand = prng(20250506);
      let ok = 0;
      for (let n = 0; n < 2000; n++) {
        const len = 1 + Math.floor(rand() * 14);
        const sep = rand() < 0.5 ? ' ' : '';
        const src = Array.from({ length: len }, () => VOCAB[Math.floor(rand() * VOCAB.length)]).join(sep);
        const r = parseExpression(src);
        expect(r, src).to.have.property('ok');
        if (!r.ok) {
          for (const e of r.errors) {
            expect(e.start, src).to.be.within(0, src.length);
            expect(e.end, src).to.be.within(e.start, src.length);
            expect(e.message, src).to.be.a('string').and.not.equal('');
          }
          continue;
        }
        ok++;
        expect(checkExpression(r.ast, { functions, names: Object.keys(variables) }), src).to.be.an('array');
        try {
          const v = evaluate(r.ast, { variables, functions });
          expect(typeof v, src).not.to.equal('function');
        } catch (e) {
          expect(e, `${src}: ${String(e)}`).to.be.instanceOf(ExprEvalError);
        }
      }
      expect(ok, 'some inputs are valid').to.be.greaterThan(50);
    });

    it('returns a result for 500 random character strings', () => {
      const rand = prng(7);
      const chars = 'ab1.()[]{},:\'"+-*/%<>=!&| \\$';
      for (let n = 0; n < 500; n++) {
        const src = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => chars[Math.floor(rand() * chars.length)]).join('');
        const r = parseExpression(src);
        expect(r, src).to.have.property('ok');
        if (r.ok) {
          try {
            evaluate(r.ast, { variables: { a: 1, b: [2] } });
          } catch (e) {
            expect(e, `${src}: ${String(e)}`).to.be.instanceOf(ExprEvalError);
          }
        }
      }
    });
  });
});
