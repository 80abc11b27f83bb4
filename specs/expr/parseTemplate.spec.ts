import { expect } from 'chai';
import { isTemplate, parseTemplate } from '../../lib/expr/parseTemplate';
import { evaluate } from '../../lib/expr/evaluate';
import { ExprEvalError } from '../../lib/expr/errors';

const parts = (text: string): unknown[] => {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.errors)}`);
  return r.ast.parts.map((p) => (p._tag === 'Text' ? p.value : { [p._tag]: [p.start, p.end] }));
};

const render = (text: string, variables: Record<string, unknown> = {}): unknown => {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.errors)}`);
  return evaluate(r.ast, { variables });
};

const errorOf = (text: string, offset = 0): unknown => {
  const r = parseTemplate(text, { offset });
  if (r.ok) throw new Error(`${text} parsed`);
  return r.errors;
};

describe('expr/parseTemplate', () => {
  it('splits text and expressions, with positions relative to the text', () => {
    expect(parts('Hello ${user.name}, you owe ${round(x, 2)}')).to.deep.equal(['Hello ', { Member: [8, 17] }, ', you owe ', { Call: [30, 41] }]);
    expect(parts('${a}${b}')).to.deep.equal([{ Name: [2, 3] }, { Name: [6, 7] }]);
    expect(parts('plain text')).to.deep.equal(['plain text']);
    expect(parts('')).to.deep.equal([]);
  });

  it('lets expressions contain braces and strings with "}"', () => {
    expect(render("${ {'a': '}'}['a'] }!")).to.equal('}!');
    expect(render('${switch}', { switch: 1 })).to.equal('1');
  });

  it('reads $${ as a literal ${ and a lone $ as text', () => {
    expect(parts('cost: $${x} = $5 ${x}')).to.deep.equal(['cost: ${x} = $5 ', { Name: [19, 20] }]);
    expect(render('$${a} $ $$', { a: 1 })).to.equal('${a} $ $$');
  });

  it('stringifies values: numbers as JavaScript does, null as empty, lists and dicts as JSON', () => {
    const variables = { n: 0.1 + 0.2, i: 42, big: 1e21, t: true, z: null, xs: [1, 'a'], d: { k: [1] }, date: new Date(Date.UTC(2025, 4, 6, 10)) };
    expect(render('${n}|${i}|${big}|${t}|${z}|${xs}|${d}|${date}', variables)).to.equal(
      '0.30000000000000004|42|1e+21|true||[1,"a"]|{"k":[1]}|2025-05-06T10:00:00.000Z',
    );
    expect(render('${i}', variables)).to.equal('42');
  });

  it('reports errors inside ${…} at their column in the text (plus offset)', () => {
    expect(errorOf('total: ${1 +}')).to.deep.equal([{ message: 'expected an expression after "+"', start: 12, end: 13 }]);
    expect(errorOf('total: ${1 +}', 10)).to.deep.equal([{ message: 'expected an expression after "+"', start: 22, end: 23 }]);
    expect(errorOf('a ${x y} b')).to.deep.equal([{ message: 'unexpected name "y"', start: 6, end: 7 }]);
    expect(errorOf('a ${x')).to.deep.equal([{ message: 'unclosed "${"', start: 2, end: 4 }]);
    expect(errorOf('a ${(x}')).to.deep.equal([{ message: 'expected ")"', start: 6, end: 7 }]);
    expect(errorOf('a ${}')).to.deep.equal([{ message: 'empty expression in "${}"', start: 2, end: 5 }]);
    expect(errorOf("it's ${'x}")).to.deep.equal([{ message: 'unterminated string', start: 7, end: 10 }]);
  });

  it('does not tokenize the text outside ${…}', () => {
    expect(render("it's ${n} o'clock", { n: 5 })).to.equal("it's 5 o'clock");
  });

  it('evaluation errors point into the text', () => {
    const r = parseTemplate('x = ${1 / 0}');
    if (!r.ok) throw new Error('parse');
    try {
      evaluate(r.ast);
      expect.fail('no error');
    } catch (e) {
      expect(e).to.be.instanceOf(ExprEvalError);
      expect([(e as ExprEvalError).start, (e as ExprEvalError).end]).to.deep.equal([6, 11]);
    }
  });

  it('isTemplate tells templates from plain text', () => {
    expect(isTemplate('template ${value}')).to.equal(true);
    expect(isTemplate('$${x} and ${y}')).to.equal(true);
    expect(isTemplate('$${x} only')).to.equal(false);
    expect(isTemplate('random(1, 100)')).to.equal(false);
    expect(isTemplate('$5')).to.equal(false);
  });
});
