import { expect } from 'chai';
import { ExprEvalError, compileExpression, compileTemplate, evaluate, parseExpression } from '../../lib/expr';
import { storyFunctions } from '../../lib/story/storyFunctions';

/** Evaluates `src` (parsed, not checked) with `variables` and `functions`; the ExprEvalError it throws, or its value. */
const outcome = (src: string, variables: Record<string, unknown> = {}, functions = {}): unknown => {
  const r = parseExpression(src);
  if (!r.ok) return r.errors[0];
  try {
    return evaluate(r.ast, { variables, functions });
  } catch (e) {
    if (e instanceof ExprEvalError) return e;
    throw e;
  }
};

const pollution = (): unknown => (Object.prototype as Record<string, unknown>).polluted;

describe('expr/sandbox: expressions reach nothing of JavaScript', () => {
  afterEach(() => expect(pollution(), 'Object.prototype stays clean').to.equal(undefined));

  it('no globals: globalThis, process, require, Function, eval, Object are unknown names', () => {
    for (const name of ['globalThis', 'process', 'require', 'Function', 'eval', 'Object', 'module', 'this', 'window']) {
      const checked = compileExpression(name, { names: ['x'] });
      expect(checked.ok, name).to.equal(false);
      if (!checked.ok) expect(checked.errors[0].message, name).to.match(/^unknown name/);
      expect(outcome(name, { x: 1 }), name).to.be.instanceOf(ExprEvalError);
      expect(outcome(`${name}()`), name).to.be.instanceOf(ExprEvalError);
    }
  });

  it('no prototype fields by member or index access, whatever the value', () => {
    const variables = { d: { a: 1 }, xs: [1], s: 'abc', n: 1, fn: () => 1, date: new Date(0) };
    for (const base of ['d', 'xs', 's', 'n', 'fn', 'date', '{}', '[]', "''", 'true', 'null']) {
      for (const key of ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'bind', 'call', 'apply']) {
        expect(outcome(`${base}.${key}`, variables), `${base}.${key}`).to.be.instanceOf(ExprEvalError);
        expect(outcome(`${base}['${key}']`, variables), `${base}['${key}']`).to.be.instanceOf(ExprEvalError);
      }
    }
    expect(outcome("d['const' + 'ructor']", variables)).to.be.instanceOf(ExprEvalError);
    expect(parseExpression('d.constructor.constructor("return process")()').ok).to.equal(false); // only named functions are called
  });

  it('no prototype fields of function results', () => {
    const functions = { mk: () => ({ a: 1 }), list: () => [1], fn: () => () => 1 };
    for (const src of ['mk().constructor', "mk()['__proto__']", 'list().constructor', 'fn().call', 'mk().a.constructor', '[mk()][0].constructor']) {
      expect(outcome(src, {}, functions), src).to.be.instanceOf(ExprEvalError);
    }
    expect(outcome('mk().a', {}, functions)).to.equal(1);
  });

  it("a dict literal's __proto__ key is a real key and pollutes nothing", () => {
    const d = outcome("{'__proto__': {'polluted': 1}, 'a': 2}") as Record<string, unknown>;
    expect(Object.keys(d)).to.deep.equal(['__proto__', 'a']);
    expect(Object.getPrototypeOf(d)).to.equal(Object.prototype);
    expect(outcome("len({'__proto__': 1})")).to.equal(1);
    // …but it never resolves as a field, like constructor and prototype
    expect(outcome("{'__proto__': 1}['__proto__']")).to.be.instanceOf(ExprEvalError);
    expect(outcome("{'constructor': 1}.constructor")).to.be.instanceOf(ExprEvalError);
  });

  it('dicts from YAML or JSON with a __proto__ key neither pollute nor leak', () => {
    const fromJson = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as Record<string, unknown>;
    expect(outcome('x.polluted', { x: fromJson })).to.be.instanceOf(ExprEvalError);
    expect(outcome('x.__proto__', { x: fromJson })).to.be.instanceOf(ExprEvalError);
    expect(outcome('[k for k in x]', { x: fromJson })).to.deep.equal(['__proto__', 'a']);
    expect(outcome('{**x}', { x: fromJson })).to.have.property('message'); // no spread syntax
    expect(outcome('f(__proto__=1)', {}, { f: (_a: unknown, kw: Record<string, unknown>) => Object.keys(kw) })).to.deep.equal(['__proto__']);
  });

  it('names: variables resolve as own keys only, comprehension variables are plain locals', () => {
    expect(outcome('toString', {})).to.be.instanceOf(ExprEvalError);
    expect(outcome('constructor', { a: 1 })).to.be.instanceOf(ExprEvalError);
    expect(outcome('[constructor for constructor in [1, 2]]')).to.deep.equal([1, 2]);
    const t = compileTemplate('${x.constructor}', { names: ['x'] });
    expect(t.ok).to.equal(true);
    if (t.ok) expect(() => t.evaluate({ x: {} })).to.throw(ExprEvalError, 'no field "constructor"');
  });

  it("the story format's faker namespace resolves faker's own methods only", () => {
    const functions = storyFunctions();
    for (const name of [
      'faker.constructor',
      'faker.__proto__.x',
      'faker.person.constructor',
      'faker.person.__proto__',
      'faker.helpers.toString',
      'faker.prototype',
    ]) {
      const r = compileExpression(`${name}()`, { functions });
      expect(r.ok, name).to.equal(false);
      if (!r.ok) expect(r.errors[0].message, name).to.match(/^unknown function/);
    }
  });
});
