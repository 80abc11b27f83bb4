import { expect } from 'chai';
import { parseExpression } from '../../lib/expr/parseExpression';
import { evaluate } from '../../lib/expr/evaluate';
import type { EvalEnv } from '../../lib/expr/evaluate';
import { ExprEvalError } from '../../lib/expr/errors';
import type { FunctionRegistry } from '../../lib/expr/functions';
import { defineFunction, functionNamespace } from '../../lib/expr/functions';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const run = <C = unknown>(src: string, env: EvalEnv<C> = {}): unknown => {
  const r = parseExpression(src);
  if (!r.ok) throw new Error(`${src}: ${JSON.stringify(r.errors)}`);
  return evaluate(r.ast, env);
};

/** The ExprEvalError `src` throws, as { message, start, end }. */
const failure = <C = unknown>(src: string, env: EvalEnv<C> = {}): { message: string; start: number; end: number } => {
  try {
    run(src, env);
  } catch (e) {
    if (!(e instanceof ExprEvalError)) throw e;
    return { message: e.message, start: e.start, end: e.end };
  }
  throw new Error(`${src} did not fail`);
};

/** The YAML model example's PurchasePayload: items with quantity and unit_price. */
const purchase = {
  purchase_id: '6f1c2a9e-1b7d-4c1e-9a57-3f5f0b1c2d3e',
  user_id: 'u-1',
  items: [
    { product_id: 'p-1', quantity: 2, unit_price: 19.99 },
    { product_id: 'p-2', quantity: 1, unit_price: 5.49 },
    { product_id: 'p-3', quantity: 3, unit_price: 0.99 },
    { product_id: 'p-4', quantity: 1, unit_price: 249.5 },
    { product_id: 'p-5', quantity: 2, unit_price: 0.1 },
  ],
};

// ---------------------------------------------------------------------------------------------

describe('expr/evaluate', () => {
  describe("the YAML model format's derived expression", () => {
    it('sums quantity × unit_price exactly as written', () => {
      expect(run('sum(item.quantity * item.unit_price for item in items)', { variables: purchase })).to.equal(298.14);
      expect(run('sum(item.quantity * item.unit_price for item in items)', { variables: { items: purchase.items.slice(0, 3) } })).to.equal(48.44);
    });

    it('filters, rounds and feeds conditional_choice-like logic', () => {
      const v = { ...purchase, total_amount: 298.14 };
      expect(run('sum(i.quantity for i in items if i.unit_price < 10)', { variables: v })).to.equal(1 + 3 + 2);
      expect(run('round(sum(i.quantity * i.unit_price for i in items) / len(items), 2)', { variables: v })).to.equal(59.63);
      expect(run("'Free Standard Shipping' if total_amount > 50.00 else 'Standard Shipping'", { variables: v })).to.equal('Free Standard Shipping');
      expect(run('[i.product_id for i in items if i.quantity > 1]', { variables: v })).to.deep.equal(['p-1', 'p-3', 'p-5']);
      expect(run('max(i.unit_price for i in items)', { variables: v })).to.equal(249.5);
    });
  });

  describe('Python arithmetic', () => {
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      ['7 / 2', 3.5],
      ['6 / 3', 2],
      ['7 // 2', 3],
      ['-7 // 2', -4],
      ['7 // -2', -4],
      ['-7 // -2', 3],
      ['7.5 // 2', 3],
      ['-7.5 // 2', -4],
      ['7 % 3', 1],
      ['-7 % 3', 2],
      ['7 % -3', -2],
      ['-7 % -3', -1],
      ['5.5 % 2', 1.5],
      ['-5.5 % 2', 0.5],
      ['2 ** 10', 1024],
      ['2 ** -1', 0.5],
      ['2 ** 0.5', Math.SQRT2],
      ['10 ** 20', 1e20],
      ['1 - -1', 2],
      ["'ab' + 'cd'", 'abcd'],
      ['[1] + [2, 3]', [1, 2, 3]],
      ["'ab' * 3", 'ababab'],
      ["3 * 'ab'", 'ababab'],
      ["'ab' * -1", ''],
      ['[0] * 3', [0, 0, 0]],
      ['1e3 + 1_000', 2000],
    ];
    for (const [src, value] of cases) it(`${src} == ${JSON.stringify(value)}`, () => expect(run(src)).to.deep.equal(value));

    it('division and modulo by zero are errors with the span of the operation', () => {
      expect(failure('1 + 4 / 0')).to.deep.equal({ message: 'division by zero', start: 4, end: 9 });
      expect(failure('4 // 0.0')).to.deep.equal({ message: 'division by zero', start: 0, end: 8 });
      expect(failure('x % 0', { variables: { x: 5 } })).to.deep.equal({ message: 'modulo by zero', start: 0, end: 5 });
      expect(failure('0 ** -1').message).to.equal('zero cannot be raised to a negative power');
      expect(failure('(-8) ** 0.5').message).to.equal('a negative number cannot be raised to a fractional power');
      expect(failure('10 ** 400').message).to.equal('result of "**" is too large');
      expect(failure('1e308 * 10').message).to.equal('result of "*" is too large');
    });

    it('mixing types is an error naming both types', () => {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["'a' + 1", 'cannot add string and number'],
        ['1 + null', 'cannot add number and null'],
        ['true + 1', 'cannot add bool and number'],
        ["'a' - 'b'", 'cannot subtract string from string'],
        ["'a' * {'k': 1}", 'cannot multiply string by dict'],
        ["'a' * 1.5", 'cannot multiply string by number'],
        ['[1] / 2', 'cannot divide list by number'],
        ["5 // '2'", 'cannot floor-divide number by string'],
        ["'%d' % 3", 'cannot take string modulo number'],
        ['2 ** [1]', 'cannot raise number to the power of list'],
        ["-'a'", 'cannot negate string'],
        ['+[1]', 'unary "+" needs a number, not list'],
        ["1 < 'a'", '"<" is not supported between number and string'],
        ['null >= 0', '">=" is not supported between null and number'],
        ['1 in 5', '"in" needs a list, string or dict on the right, not number'],
        ["1 in 'abc'", '"in" with a string on the right needs a string on the left, not number'],
      ];
      for (const [src, message] of cases) expect(failure(src).message, src).to.equal(message);
    });

    it('repetition is bounded', () => {
      const tooLarge = 'result is larger than the limit of 1000000 characters or items (maxValueSize)';
      expect(failure("'ab' * 1000000")).to.deep.equal({ message: tooLarge, start: 0, end: 14 });
      expect(failure('[1, 2] * 600000')).to.deep.equal({ message: tooLarge, start: 0, end: 15 });
    });
  });

  describe('comparison, equality, truthiness', () => {
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      ['1 == 1.0', true],
      ["1 == '1'", false],
      ['1 == true', false],
      ['null == None', true],
      ['null == 0', false],
      ['[1, [2]] == [1, [2]]', true],
      ['[1, 2] == [2, 1]', false],
      ["{'a': 1, 'b': [2]} == {'b': [2], 'a': 1}", true],
      ["{'a': 1} == {'a': 1, 'b': 2}", false],
      ['[1, 2] != [1, 2]', false],
      ['[1, 2] < [1, 3]', true],
      ['[1, 2] < [1, 2, 0]', true],
      ["'abc' < 'abd'", true],
      ["'B' < 'a'", true],
      ['0 < x <= 10', true],
      ['0 < x < 3', false],
      ['1 < 2 > 0 == 0', true],
      ['2 in [1, 2, 3]', true],
      ['[1] in [[1], [2]]', true],
      ['4 not in [1, 2, 3]', true],
      ["'b' in 'abc'", true],
      ["'a' in {'a': 1}", true],
      ["'constructor' in {'a': 1}", false],
      ["'toString' in {}", false],
      ['not []', true],
      ['not {}', true],
      ["not ''", true],
      ['not 0.0', true],
      ['not null', true],
      ["not 'x'", false],
      ['not [0]', false],
      ['!x', false],
      ['0 or "" or [] or "x"', 'x'],
      ['1 and 2 and 3', 3],
      ['1 and 0 and 3', 0],
      ['[] or {}', {}],
      ['x || 9', 5],
      ['x && null', null],
      ['x if x > 3 else 0', 5],
    ];
    for (const [src, value] of cases) it(`${src} → ${JSON.stringify(value)}`, () => expect(run(src, { variables: { x: 5 } })).to.deep.equal(value));

    it('evaluates the middle of a chain once', () => {
      let calls = 0;
      const functions = { mid: () => ++calls };
      expect(run('0 < mid() < 5', { functions })).to.equal(true);
      expect(calls).to.equal(1);
    });
  });

  describe('short-circuit', () => {
    const boom = (): never => {
      throw new Error('boom was called');
    };
    const functions = { boom };
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      ['false and boom()', false],
      ['0 && boom()', 0],
      ['true or boom()', true],
      ["'x' || boom()", 'x'],
      ['1 if true else boom()', 1],
      ['boom() if false else 2', 2],
      ['1 > 2 > boom()', false],
      ['[boom() for x in []]', []],
      ['[boom() for x in [1, 2] if false]', []],
    ];
    for (const [src, value] of cases) it(`${src} never calls boom`, () => expect(run(src, { functions })).to.deep.equal(value));

    it('does call boom when it must, wrapping its error with the call span', () => {
      const e = failure('true and boom()', { functions });
      expect(e).to.deep.equal({ message: 'boom(): boom was called', start: 9, end: 15 });
    });
  });

  describe('field paths and indexing', () => {
    const variables = {
      item: { quantity: 2, price: 3 },
      a: { b: { c: 'deep' } },
      xs: [10, 20, 30],
      d: { k: 'v', 1: 'one', n: null },
      s: 'héllo',
      empty: null,
    };
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      ['item.quantity', 2],
      ['a.b.c', 'deep'],
      ["a['b']['c']", 'deep'],
      ['xs[0]', 10],
      ['xs[-1]', 30],
      ['xs[1 + 1]', 30],
      ["d['k']", 'v'],
      ['d[1]', 'one'],
      ["d['1']", 'one'],
      ['d.n', null],
      ['s[1]', 'é'],
      ['s[-1]', 'o'],
      ["{'a': [1, {'b': 2}]}['a'][1].b", 2],
      ['[[1, 2], [3]][0][1]', 2],
    ];
    for (const [src, value] of cases) it(`${src} → ${JSON.stringify(value)}`, () => expect(run(src, { variables })).to.deep.equal(value));

    it('reports missing fields, bad indexes and wrong types with the path and span', () => {
      const cases: ReadonlyArray<readonly [string, string, number, number]> = [
        ['item.unit_price', 'item.unit_price: no field "unit_price" in {quantity, price}; did you mean "price"?', 0, 15],
        ['item.colour', 'item.colour: no field "colour" in {quantity, price}', 0, 11],
        ['1 + item.quantty', 'item.quantty: no field "quantty" in {quantity, price}; did you mean "quantity"?', 4, 16],
        ['a.b.xyz', 'a.b.xyz: no field "xyz" in {c}', 0, 7],
        ["d['zz']", 'd[\'zz\']: no field "zz" in {1, k, n}', 0, 7],
        ['xs[3]', 'xs[3]: index 3 out of range for a list of length 3', 0, 5],
        ['xs[-4]', 'xs[-4]: index -4 out of range for a list of length 3', 0, 6],
        ["xs['0']", "xs['0']: list indices must be integers, not string", 0, 7],
        ['xs[0.5]', 'xs[0.5]: list indices must be integers, not number', 0, 7],
        ['s[9]', 's[9]: index 9 out of range for a string of length 5', 0, 4],
        ['empty.name', 'empty.name: cannot read field "name" of null', 0, 10],
        ['xs.length', 'xs.length: cannot read field "length" of list', 0, 9],
        ['item.quantity.x', 'item.quantity.x: cannot read field "x" of number', 0, 15],
        ['item.price[0]', 'item.price[0]: cannot index number', 0, 13],
        ['d[null]', 'd[null]: dict keys are strings or numbers, not null', 0, 7],
        ['nope', 'unknown name "nope"', 0, 4],
        ['itme.price', 'unknown name "itme"; did you mean "item"?', 0, 4],
        ['{true: 1}', 'dict keys are strings or numbers, not bool', 1, 5],
      ];
      for (const [src, message, start, end] of cases) expect(failure(src, { variables }), src).to.deep.equal({ message, start, end });
    });

    it('reads variables from a lookup function (undefined = unknown)', () => {
      const lookup = (name: string): unknown => (name === 'prev' ? { field_name: 7 } : undefined);
      expect(run('prev.field_name * 2', { variables: lookup })).to.equal(14);
      expect(failure('next', { variables: lookup })).to.deep.equal({ message: 'unknown name "next"', start: 0, end: 4 });
    });

    it('reads an own property holding undefined as null', () => {
      expect(run('x', { variables: { x: undefined } })).to.equal(null);
    });

    it('builds dicts with any string key, including "__proto__", as plain data', () => {
      const v = run("{'__proto__': 1, 'constructor': 2}") as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
      expect(Object.keys(v)).to.deep.equal(['__proto__', 'constructor']);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });

  describe('safety: no way to JavaScript internals', () => {
    const variables = { x: { a: 1 }, xs: [1, 2], s: 'abc', f: () => 1, date: new Date(0) };
    const attempts = [
      'x.constructor',
      'x.__proto__',
      'x.prototype',
      "x['constructor']",
      "x['__proto__']",
      'x.hasOwnProperty',
      'x.toString',
      'x.valueOf',
      '[].constructor',
      '{}.constructor',
      "''.length",
      "'abc'.constructor",
      's.length',
      's.toUpperCase',
      'xs.length',
      'xs.map',
      "xs['length']",
      'xs.constructor',
      '(1).constructor',
      'true.constructor',
      'f.call',
      'f.constructor',
      'date.getTime',
      'date.constructor',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'Object',
      'globalThis',
      'process',
      'require',
      'this',
      'x.__proto__.polluted',
      "x.constructor.constructor('return process')",
    ];
    for (const src of attempts) {
      it(`${src} is an error, never a JavaScript value`, () => {
        const r = parseExpression(src);
        if (!r.ok) return; // a syntax error is fine too
        expect(() => evaluate(r.ast, { variables }), src).to.throw(ExprEvalError);
      });
    }

    it('function names only resolve to own registry keys and built-ins', () => {
      for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__']) {
        expect(failure(`${name}()`, { functions: { ok: () => 1 } }).message, name).to.match(/^unknown function/);
      }
      expect(failure('x.constructor()', { variables }).message).to.match(/^unknown function "x.constructor"/);
    });

    it('strings, lists and dicts have no methods unless registered', () => {
      expect(run("len('abc')")).to.equal(3);
      const functions = { upper: ([v]: readonly unknown[]) => String(v).toUpperCase() };
      expect(run('upper(s)', { variables, functions })).to.equal('ABC');
    });

    it('a value from a function or variable that is not a dict has no fields', () => {
      expect(failure('date.getTime', { variables }).message).to.equal('date.getTime: cannot read field "getTime" of Date');
      expect(failure('f.name', { variables }).message).to.equal('f.name: cannot read field "name" of function');
      expect(failure('mk().x', { functions: { mk: () => new Map([['x', 1]]) } }).message).to.equal('mk().x: cannot read field "x" of Map');
    });

    it('does not mutate the variables it is given', () => {
      const vars = { xs: [3, 1, 2], d: { a: 1 } };
      const snapshot = JSON.stringify(vars);
      run('[xs + [4], xs * 2, d]', { variables: vars });
      run('[x for x in xs]', { variables: vars });
      expect(JSON.stringify(vars)).to.equal(snapshot);
    });
  });

  describe('comprehensions', () => {
    it('iterate lists, string characters and dict keys', () => {
      expect(run('[x * 2 for x in [1, 2, 3] if x != 2]')).to.deep.equal([2, 6]);
      expect(run("[c for c in 'abc']")).to.deep.equal(['a', 'b', 'c']);
      expect(run("[k for k in {'a': 1, 'b': 2}]")).to.deep.equal(['a', 'b']);
      expect(run('[x * y for x in [1, 2] for y in [10, 20]]')).to.deep.equal([10, 20, 20, 40]);
      expect(run('[[y for y in [x, x + 1]] for x in [1, 3]]')).to.deep.equal([
        [1, 2],
        [3, 4],
      ]);
      expect(run('[y for x in [[1, 2], [3]] for y in x if y > 1]')).to.deep.equal([2, 3]);
    });

    it('scope their variables: visible inside, shadowing outer names, gone outside', () => {
      expect(run('[x for x in xs] + [x]', { variables: { x: 'outer', xs: [1, 2] } })).to.deep.equal([1, 2, 'outer']);
      expect(run('[x for x in x]', { variables: { x: [1, 2] } })).to.deep.equal([1, 2]);
      expect(failure('[y for y in [1]] + [y]')).to.deep.equal({ message: 'unknown name "y"', start: 20, end: 21 });
    });

    it('fail on something not iterable, pointing at it', () => {
      expect(failure('sum(x for x in n)', { variables: { n: 5 } })).to.deep.equal({ message: 'cannot iterate over number', start: 15, end: 16 });
    });

    it('are reentrant: an evaluator can be used again and in nested calls', () => {
      const r = parseExpression('sum(x for x in xs)');
      if (!r.ok) throw new Error('parse');
      const ast = r.ast;
      const functions = { inner: ([xs]: readonly unknown[]) => evaluate(ast, { variables: { xs: xs as number[] }, functions }) };
      expect(run('[inner([x, x]) for x in [1, 2]]', { functions })).to.deep.equal([2, 4]);
      expect(evaluate(ast, { variables: { xs: [1, 2, 3] } })).to.equal(6);
    });
  });

  describe('registered functions', () => {
    interface Ctx {
      readonly seq: number[];
    }
    const functions: FunctionRegistry<Ctx> = {
      args: (args, kwargs) => ({ args: [...args], kwargs: { ...kwargs } }),
      duration: defineFunction((_a, kw) => ((kw.hours as number) ?? 0) * 3600 + ((kw.minutes as number) ?? 0) * 60, {
        maxArgs: 0,
        keywords: ['hours', 'minutes'],
      }),
      next: (_a, _k, ctx) => ctx.seq.shift(),
      nothing: () => undefined,
      'faker.name': () => 'Ada Lovelace',
      faker: functionNamespace<Ctx>(
        (path) =>
          path === 'person.fullName'
            ? () => 'Grace Hopper'
            : path === 'internet.email'
              ? defineFunction(([p]) => `${String(p)}@example.com`, { maxArgs: 1 })
              : undefined,
        () => ['person.fullName', 'internet.email'],
      ),
      ref: defineFunction(([path]) => `ref:${String(path)}`, { minArgs: 1, maxArgs: 1, pathArgs: true }),
      fails: () => {
        throw new RangeError('bad range');
      },
    };
    const env = (variables: Record<string, unknown> = {}): EvalEnv<Ctx> => ({ variables, functions, context: { seq: [1, 2, 3] } });

    it('receive positional and keyword arguments in order', () => {
      expect(run("args(1, 'a', k=2, j=[3])", env())).to.deep.equal({ args: [1, 'a'], kwargs: { k: 2, j: [3] } });
      expect(run('args()', env())).to.deep.equal({ args: [], kwargs: {} });
      expect(run('duration(hours=1)', env())).to.equal(3600);
      expect(run('duration(minutes=2, hours=1)', env())).to.equal(3720);
    });

    it('receive the context', () => {
      expect(run('[next(), next(), next()]', env())).to.deep.equal([1, 2, 3]);
    });

    it('returning undefined gives null', () => {
      expect(run('nothing()', env())).to.equal(null);
    });

    it('resolve dotted names: exact key, then namespace', () => {
      expect(run('faker.name()', env())).to.equal('Ada Lovelace');
      expect(run('faker.person.fullName()', env())).to.equal('Grace Hopper');
      expect(run("faker.internet.email('ada')", env())).to.equal('ada@example.com');
      expect(failure('faker.nope()', env())).to.deep.equal({ message: 'unknown function "faker.nope"; did you mean "faker.name"?', start: 0, end: 10 });
    });

    it('pathArgs functions receive a field path as its text', () => {
      expect(run('ref(user.signup.user_id)', env())).to.equal('ref:user.signup.user_id');
      expect(run("ref('user.signup.plan')", env())).to.equal('ref:user.signup.plan');
    });

    it('enforce known arity and keywords during evaluation too', () => {
      expect(failure('duration(1)', env())).to.deep.equal({ message: 'duration() takes no positional arguments, got 1', start: 0, end: 11 });
      expect(failure('duration(hour=1)', env())).to.deep.equal({
        message: 'duration() has no keyword argument "hour"; did you mean "hours"?',
        start: 9,
        end: 15,
      });
      expect(failure('ref()', env()).message).to.equal('ref() takes exactly 1 argument, got 0');
    });

    it('a function that throws becomes an ExprEvalError spanning the call, keeping the cause', () => {
      try {
        run('1 + fails(2)', env());
        expect.fail('no error');
      } catch (e) {
        expect(e).to.be.instanceOf(ExprEvalError);
        const err = e as ExprEvalError;
        expect([err.message, err.start, err.end]).to.deep.equal(['fails(): bad range', 4, 12]);
        expect(err.cause).to.be.instanceOf(RangeError);
      }
    });

    it('errors in arguments are not blamed on the function', () => {
      expect(failure('args(1 / 0)', env())).to.deep.equal({ message: 'division by zero', start: 5, end: 10 });
    });

    it('the caller may override a built-in', () => {
      expect(run('len(1)', { functions: { len: () => 'mine' } })).to.equal('mine');
    });

    it('unknown functions fail when called (evaluate does not check)', () => {
      expect(run('false and nope()', env())).to.equal(false);
      expect(failure('sm([1])', env())).to.deep.equal({ message: 'unknown function "sm"; did you mean "sum"?', start: 0, end: 2 });
    });
  });

  describe('evaluator cache', () => {
    it('recompiles when the function registry changes', () => {
      const r = parseExpression('f()');
      if (!r.ok) throw new Error('parse');
      expect(evaluate(r.ast, { functions: { f: () => 1 } })).to.equal(1);
      expect(evaluate(r.ast, { functions: { f: () => 2 } })).to.equal(2);
    });
  });
});
