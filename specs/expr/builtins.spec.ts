import { expect } from 'chai';
import { BUILTINS, roundTo } from '../../lib/expr/builtins';
import { parseExpression } from '../../lib/expr/parseExpression';
import { evaluate } from '../../lib/expr/evaluate';
import { ExprEvalError } from '../../lib/expr/errors';

const run = (src: string, variables: Record<string, unknown> = {}): unknown => {
  const r = parseExpression(src);
  if (!r.ok) throw new Error(`${src}: ${JSON.stringify(r.errors)}`);
  return evaluate(r.ast, { variables });
};

const message = (src: string): string => {
  try {
    run(src);
  } catch (e) {
    if (e instanceof ExprEvalError) return e.message;
    throw e;
  }
  throw new Error(`${src} did not fail`);
};

describe('expr/builtins', () => {
  it('has exactly the documented names and no inherited keys', () => {
    expect(Object.keys(BUILTINS).sort()).to.deep.equal(['abs', 'bool', 'float', 'int', 'len', 'max', 'min', 'round', 'str', 'sum']);
    expect(Object.getPrototypeOf(BUILTINS)).to.equal(null);
  });

  const cases: ReadonlyArray<readonly [string, unknown]> = [
    ['sum([1, 2, 3])', 6],
    ['sum([])', 0],
    ['sum([1, 2], 10)', 13],
    ['sum([1, 2], start=10)', 13],
    ['sum([0.1] * 10)', 1], // compensated like Python 3.12 (plain addition gives 0.9999999999999999)
    ['sum([1e100, 1, -1e100])', 1],
    ['min(3, 1, 2)', 1],
    ['max([3, 1, 2])', 3],
    ["min('b', 'a')", 'a'],
    ["max('abc')", 'c'],
    ['max([[1, 2], [1, 3]])', [1, 3]],
    ['min(x for x in [4, 2, 8])', 2],
    ["len('abc')", 3],
    ["len('héllo😀')", 6],
    ['len([1, [2, 3]])', 2],
    ["len({'a': 1, 'b': 2})", 2],
    ['abs(-3.5)', 3.5],
    ['abs(2)', 2],
    ['round(2.5)', 2],
    ['round(3.5)', 4],
    ['round(-2.5)', -2],
    ['round(0.5)', 0],
    ['round(1.5)', 2],
    ['round(2.4)', 2],
    ['round(-0.4)', 0],
    ['round(2.675, 2)', 2.67],
    ['round(0.125, 2)', 0.12],
    ['round(0.375, 2)', 0.38],
    ['round(1.005, 2)', 1],
    ['round(-0.125, 2)', -0.12],
    ['round(3.14159, 3)', 3.142],
    ['round(48.4399999, 2)', 48.44],
    ['round(5, 2)', 5],
    ['round(1234.5678, -2)', 1200],
    ['round(15, -1)', 20],
    ['round(25, -1)', 20],
    ['round(2.5, ndigits=0)', 2],
    ['int(3.9)', 3],
    ['int(-3.9)', -3],
    ["int(' 42 ')", 42],
    ["int('1_000')", 1000],
    ['int(true)', 1],
    ["float('2.5')", 2.5],
    ["float('-1e3')", -1000],
    ['float(2)', 2],
    ['str(2.5)', '2.5'],
    ['str(null)', ''],
    ['str([1])', '[1]'],
    ['bool([])', false],
    ["bool('x')", true],
  ];
  for (const [src, value] of cases) it(`${src} == ${JSON.stringify(value)}`, () => expect(run(src)).to.deep.equal(value));

  it('roundTo agrees with Python on a grid of ties and near-ties', () => {
    // Python: [round(x / 1000, 2) for x in range(0, 100, 5)]
    const python = [0.0, 0.01, 0.01, 0.01, 0.02, 0.03, 0.03, 0.04, 0.04, 0.04, 0.05, 0.06, 0.06, 0.07, 0.07, 0.07, 0.08, 0.09, 0.09, 0.1];
    expect(Array.from({ length: 20 }, (_, i) => roundTo((i * 5) / 1000, 2))).to.deep.equal(python);
  });

  it('fails with the function name and a clear reason', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["sum(['a'])", 'sum(): expected numbers, got string'],
      ['sum(5)', 'sum(): cannot iterate over number'],
      ['min([])', 'min(): arg is an empty sequence'],
      ["max(1, 'a')", 'max(): cannot compare string with number'],
      ['len(5)', 'len(): number has no length'],
      ["round('1')", 'round(): the value must be a number, not string'],
      ['round(1.5, 0.5)', 'round(): ndigits must be an integer'],
      ['abs(null)', 'abs(): the value must be a number, not null'],
      ["int('x')", 'int(): cannot convert "x" to an integer'],
      ["float('1,5')", 'float(): cannot convert "1,5" to a number'],
      ['len(1, 2)', 'len() takes exactly 1 argument, got 2'],
    ];
    for (const [src, msg] of cases) expect(message(src), src).to.equal(msg);
  });
});
