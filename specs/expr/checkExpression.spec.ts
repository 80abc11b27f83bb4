import { expect } from 'chai';
import { parseExpression } from '../../lib/expr/parseExpression';
import { parseTemplate } from '../../lib/expr/parseTemplate';
import { checkExpression } from '../../lib/expr/checkExpression';
import type { CheckScope } from '../../lib/expr/checkExpression';
import type { ExprError } from '../../lib/expr/errors';
import type { FunctionRegistry } from '../../lib/expr/functions';
import { defineFunction, functionNamespace } from '../../lib/expr/functions';

const check = (src: string, scope: CheckScope = {}): ExprError[] => {
  const r = parseExpression(src);
  if (!r.ok) throw new Error(`${src}: ${JSON.stringify(r.errors)}`);
  return checkExpression(r.ast, scope);
};

const functions: FunctionRegistry = {
  random: defineFunction(() => 4, { minArgs: 2, maxArgs: 2, keywords: [] }),
  duration: defineFunction(() => 0, { maxArgs: 0, keywords: ['hours', 'minutes', 'seconds'] }),
  uuid4: () => 'id',
  ref: defineFunction(([p]) => p, { minArgs: 1, maxArgs: 1, pathArgs: true }),
  faker: functionNamespace(
    (path) => (['name', 'email', 'person.fullName'].includes(path) ? () => path : undefined),
    () => ['name', 'email', 'person.fullName'],
  ),
  opaque: functionNamespace((path) => (path.startsWith('ok') ? () => path : undefined)),
};

describe('expr/checkExpression', () => {
  it('accepts a correct expression', () => {
    expect(check('sum(item.quantity * item.unit_price for item in items)', { names: ['items'] })).to.deep.equal([]);
    expect(check('random(1, 100) + len(uuid4()) + duration(hours=1)', { functions, names: [] })).to.deep.equal([]);
    expect(check('faker.person.fullName() + opaque.ok.deep()', { functions })).to.deep.equal([]);
  });

  it('reports unknown functions with did-you-mean, at the function name', () => {
    expect(check('sm([1, 2])')).to.deep.equal([{ message: 'unknown function "sm"; did you mean "sum"?', start: 0, end: 2 }]);
    expect(check('1 + randm(1, 2)', { functions })).to.deep.equal([{ message: 'unknown function "randm"; did you mean "random"?', start: 4, end: 9 }]);
    expect(check('faker.emial()', { functions })).to.deep.equal([
      { message: 'unknown function "faker.emial"; did you mean "faker.email"?', start: 0, end: 11 },
    ]);
    expect(check('opaque.nope()', { functions })).to.deep.equal([{ message: 'unknown function "opaque.nope"', start: 0, end: 11 }]);
    expect(check('zzzzzz()')).to.deep.equal([{ message: 'unknown function "zzzzzz"', start: 0, end: 6 }]);
    expect(check('constructor() + toString()')).to.deep.equal([
      { message: 'unknown function "constructor"', start: 0, end: 11 },
      { message: 'unknown function "toString"', start: 16, end: 24 },
    ]);
  });

  it('reports unknown root names with did-you-mean, only when names are given', () => {
    expect(check('itms[0].a + item', { names: ['items', 'item'] })).to.deep.equal([
      { message: 'unknown name "itms"; did you mean "items"?', start: 0, end: 4 },
    ]);
    expect(check('itms[0].a')).to.deep.equal([]);
    expect(check('a.b.c + x', { names: (n) => n === 'a' })).to.deep.equal([{ message: 'unknown name "x"', start: 8, end: 9 }]);
    expect(check('prev.field_name', { names: ['prev'] })).to.deep.equal([]);
  });

  it('puts comprehension variables in scope inside the comprehension only', () => {
    expect(check('sum(x.a * x.b for x in items if x.ok)', { names: ['items'] })).to.deep.equal([]);
    expect(check('[x for x in xs] + [x]', { names: ['xs'] })).to.deep.equal([{ message: 'unknown name "x"; did you mean "xs"?', start: 19, end: 20 }]);
    expect(check('[y for x in xs for y in x if y]', { names: ['xs'] })).to.deep.equal([]);
    // the first iterable is evaluated outside: x is not yet bound there
    expect(check('[x for x in x]', { names: [] })).to.deep.equal([{ message: 'unknown name "x"', start: 12, end: 13 }]);
    expect(check('[1 for x in xs if z]', { names: ['xs'] })).to.deep.equal([{ message: 'unknown name "z"', start: 18, end: 19 }]);
  });

  it('checks arity of built-ins and of functions with metadata', () => {
    expect(check('len()')).to.deep.equal([{ message: 'len() takes exactly 1 argument, got 0', start: 0, end: 5 }]);
    expect(check('round(1, 2, 3)')).to.deep.equal([{ message: 'round() takes 1 to 2 arguments, got 3', start: 12, end: 13 }]);
    expect(check('min()')).to.deep.equal([{ message: 'min() takes at least 1 argument, got 0', start: 0, end: 5 }]);
    expect(check('random(1)', { functions })).to.deep.equal([{ message: 'random() takes exactly 2 arguments, got 1', start: 0, end: 9 }]);
    expect(check('duration(1)', { functions })).to.deep.equal([{ message: 'duration() takes no positional arguments, got 1', start: 9, end: 10 }]);
    expect(check('uuid4(1, 2, 3, x=1)', { functions })).to.deep.equal([]);
  });

  it('checks keyword names', () => {
    expect(check('round(x, digits=2)')).to.deep.equal([{ message: 'round() has no keyword argument "digits"; did you mean "ndigits"?', start: 9, end: 15 }]);
    expect(check('round(x, ndigits=2)')).to.deep.equal([]);
    expect(check('len(x, n=1)')).to.deep.equal([{ message: 'len() takes no keyword arguments', start: 7, end: 8 }]);
    expect(check('duration(hour=1)', { functions })).to.deep.equal([
      { message: 'duration() has no keyword argument "hour"; did you mean "hours"?', start: 9, end: 13 },
    ]);
  });

  it('does not check names inside the path arguments of pathArgs functions', () => {
    expect(check('ref(user.signup.user_id)', { functions, names: [] })).to.deep.equal([]);
    expect(check('ref(g(x))', { functions, names: [] })).to.deep.equal([
      { message: 'unknown function "g"', start: 4, end: 5 },
      { message: 'unknown name "x"', start: 6, end: 7 },
    ]);
  });

  it('reports every problem, in source order', () => {
    expect(check('sm(x.a for x in itms) + nope + len(1, 2)', { names: ['items'] })).to.deep.equal([
      { message: 'unknown function "sm"; did you mean "sum"?', start: 0, end: 2 },
      { message: 'unknown name "itms"; did you mean "items"?', start: 16, end: 20 },
      { message: 'unknown name "nope"', start: 24, end: 28 },
      { message: 'len() takes exactly 1 argument, got 2', start: 38, end: 39 },
    ]);
  });

  it('checks templates', () => {
    const r = parseTemplate('Hi ${usr.name}, ${sm(1)}');
    if (!r.ok) throw new Error('parse');
    expect(checkExpression(r.ast, { names: ['user'] })).to.deep.equal([
      { message: 'unknown name "usr"; did you mean "user"?', start: 5, end: 8 },
      { message: 'unknown function "sm"; did you mean "sum"?', start: 18, end: 20 },
    ]);
  });
});
