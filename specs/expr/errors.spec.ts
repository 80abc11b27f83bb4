import { expect } from 'chai';
import { ExprEvalError, formatExprError, lineColumn } from '../../lib/expr/errors';
import { parseExpression } from '../../lib/expr/parseExpression';

describe('expr/errors', () => {
  it('lineColumn is 1-based and counts newlines', () => {
    expect(lineColumn('abc', 0)).to.deep.equal({ line: 1, column: 1 });
    expect(lineColumn('abc', 3)).to.deep.equal({ line: 1, column: 4 });
    expect(lineColumn('a\nbc', 3)).to.deep.equal({ line: 2, column: 2 });
  });

  it('formatExprError shows the line and carets under the span', () => {
    const src = 'sum(x for x in)';
    const r = parseExpression(src);
    if (r.ok) throw new Error('parsed');
    expect(formatExprError(src, r.errors[0])).to.equal('1:15: expected an expression after "in"\n  sum(x for x in)\n                ^');
    expect(formatExprError('1 +', { message: 'm', start: 3, end: 3 })).to.equal('1:4: m\n  1 +\n     ^');
    expect(formatExprError('a.bcd', new ExprEvalError('no', 2, 5))).to.equal('1:3: no\n  a.bcd\n    ^^^');
  });

  it('formatExprError finds the line of a multi-line source and honours offset', () => {
    const src = "switch(plan, {\n  'free': 0\n  'pro': 99\n})";
    const r = parseExpression(src, { offset: 100 });
    if (r.ok) throw new Error('parsed');
    expect(formatExprError(src, r.errors[0], 100)).to.equal('3:3: expected "," or "}"\n    \'pro\': 99\n    ^^^^^');
  });

  it('ExprEvalError is an Error with a name and positions', () => {
    const e = new ExprEvalError('division by zero', 4, 9, { cause: 'x' });
    expect(e).to.be.instanceOf(Error);
    expect([e.name, e.message, e.start, e.end, e.cause]).to.deep.equal(['ExprEvalError', 'division by zero', 4, 9, 'x']);
  });
});
