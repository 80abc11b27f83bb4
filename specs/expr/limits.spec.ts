import { expect } from 'chai';
import {
  DEFAULT_LIMITS,
  ExprEvalError,
  MAX_NESTING,
  MAX_STEPS,
  MAX_VALUE_DEPTH,
  MAX_VALUE_SIZE,
  compileExpression,
  compileTemplate,
  evaluate,
  parseExpression,
} from '../../lib/expr';
import type { ExprError } from '../../lib/expr';

const STEPS = `evaluation takes more than the limit of ${MAX_STEPS} steps (maxSteps)`;
const SIZE = `result is larger than the limit of ${MAX_VALUE_SIZE} characters or items (maxValueSize)`;
const DEPTH = `result is nested deeper than the limit of ${MAX_VALUE_DEPTH} levels (maxValueDepth)`;
const NESTING = `expression is nested too deeply (more than ${MAX_NESTING} levels of brackets and operators)`;

/** The compile errors of `src` (which must fail to compile). */
const compileErrors = (src: string, names: string[] = []): readonly ExprError[] => {
  const r = compileExpression(src, { names });
  if (r.ok) throw new Error(`${src} compiled`);
  return r.errors;
};

/** The evaluation error of `src` with `variables`, as { message, start, end }. */
const runFailure = (src: string, variables: Record<string, unknown>): { message: string; start: number; end: number } => {
  const r = compileExpression(src, { names: Object.keys(variables) });
  if (!r.ok) throw new Error(`${src}: ${JSON.stringify(r.errors)}`);
  try {
    r.evaluate(variables);
  } catch (e) {
    if (!(e instanceof ExprEvalError)) throw e;
    return { message: e.message, start: e.start, end: e.end };
  }
  throw new Error(`${src} did not fail`);
};

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

describe('expr/limits', () => {
  it('exports the limits, generous for real use', () => {
    expect(DEFAULT_LIMITS).to.deep.equal({ maxSteps: 10_000_000, maxValueSize: 1_000_000, maxValueDepth: 100 });
    expect(MAX_NESTING).to.equal(100);
  });

  describe('parsing: deep nesting is a located syntax error, never a stack overflow', () => {
    const deep = 5000;
    const cases: ReadonlyArray<readonly [string, string, number]> = [
      ['lists', `${'['.repeat(deep)}${']'.repeat(deep)}`, MAX_NESTING],
      ['dicts', `${"{'a': ".repeat(deep)}1${'}'.repeat(deep)}`, MAX_NESTING * 6],
      ['calls', `${'f('.repeat(deep)}${')'.repeat(deep)}`, MAX_NESTING * 2 + 1],
      ['parentheses', `${'('.repeat(deep)}1${')'.repeat(deep)}`, MAX_NESTING],
      ['indexing', `x${'[x'.repeat(deep)}${']'.repeat(deep)}`, MAX_NESTING * 2 + 1],
      ['comprehension iterables', `${'[x for x in '.repeat(deep)}[1]${']'.repeat(deep)}`, MAX_NESTING * 12],
      ['unary minus', `${'-'.repeat(deep)}x`, MAX_NESTING],
      ['"!"', `${'!'.repeat(deep)}x`, MAX_NESTING],
      ['"not"', `${'not '.repeat(deep)}x`, MAX_NESTING * 4],
      ['conditionals', `${'1 if x else '.repeat(deep)}1`, MAX_NESTING * 12 + 7],
      ['powers', `2${' ** 2'.repeat(deep)}`, MAX_NESTING * 5 + 2],
    ];
    for (const [what, src, at] of cases) {
      it(`${what}: "${src.slice(0, 24)}…" fails at offset ${at}`, () => {
        const r = parseExpression(src);
        expect(r.ok).to.equal(false);
        if (!r.ok) {
          expect(r.errors[0].message).to.equal(NESTING);
          expect(r.errors[0].start).to.equal(at);
        }
      });
    }

    it('still parses 100 levels of brackets', () => {
      const r = compileExpression(`${'['.repeat(50)}${'('.repeat(49)}1${')'.repeat(49)}${']'.repeat(50)}`);
      expect(r.ok).to.equal(true);
    });
  });

  describe('constant expressions over a limit fail at compile time', () => {
    it('a comprehension cross product (V8 crashed with "invalid size")', () => {
      expect(compileErrors('[x for x in [0]*1000000 for y in [0]*1000000]')).to.deep.equal([{ message: STEPS, start: 0, end: 45 }]);
    });

    it('a list of large strings (ran out of heap when serialized)', () => {
      expect(compileErrors("['x' * 1000000] * 1000000")).to.deep.equal([{ message: SIZE, start: 0, end: 15 }]);
      expect(compileErrors("['x' * 600000] * 2")).to.deep.equal([{ message: SIZE, start: 0, end: 18 }]);
    });

    it('shared parts count every time they appear, and are measured once', () => {
      expect(compileErrors('[[[[[[[0]*10]*10]*10]*10]*10]*10]*10')).to.deep.equal([{ message: SIZE, start: 1, end: 32 }]);
    });

    it('text: concatenation, str() and templates', () => {
      expect(compileErrors("'x' * 1000000 + 'y'")).to.deep.equal([{ message: SIZE, start: 0, end: 19 }]);
      expect(compileErrors('str([0] * 1000000)')).to.deep.equal([{ message: SIZE, start: 0, end: 18 }]);
      const t = compileTemplate("${'x' * 600000}${'y' * 600000}");
      expect(t.ok).to.equal(false);
      if (!t.ok) expect(t.errors[0].message).to.equal(SIZE);
    });

    it('other failures of a constant expression stay at run time', () => {
      const r = compileExpression('1 / 0');
      expect(r.ok).to.equal(true);
    });

    it('values up to the limits are fine', () => {
      const r = compileExpression('len([0] * 1000000) + len("ab" * 500000)');
      expect(r.ok && r.evaluate({})).to.equal(2_000_000);
    });
  });

  describe('expressions with variables fail at run time, located', () => {
    it('steps: a quadratic comprehension', () => {
      expect(runFailure('[y for y in xs if y in xs]', { xs: Array.from({ length: 100_000 }, (_, i) => i) })).to.deep.equal({
        message: STEPS,
        start: 18,
        end: 25,
      });
      expect(runFailure('[s[0] for x in xs]', { xs: zeros(100_000), s: 'x'.repeat(1_000_000) })).to.deep.equal({ message: STEPS, start: 1, end: 5 });
    });

    it('size: repetition and comprehensions of large values', () => {
      expect(runFailure('xs * 1000000', { xs: [1, 2] })).to.deep.equal({ message: SIZE, start: 0, end: 12 });
      expect(runFailure('[s for x in xs]', { xs: zeros(10), s: 'x'.repeat(200_000) })).to.deep.equal({ message: SIZE, start: 0, end: 15 });
      expect(runFailure('xs + xs', { xs: zeros(600_000) })).to.deep.equal({ message: SIZE, start: 0, end: 7 });
    });

    it('depth: a value nested deeper than 100 levels', () => {
      let deep: unknown = 0;
      for (let i = 0; i < 100; i++) deep = [deep];
      expect(runFailure('[x]', { x: deep })).to.deep.equal({ message: DEPTH, start: 0, end: 3 });
    });

    it('comparing values from variables nested deeper than the stack allows is an error, not a crash', () => {
      let deep: unknown = 0;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const message = 'the values compared are nested more than 1000 levels deep';
      expect(runFailure('1 + 1 == 2 and x == y', { x: deep, y: [deep] })).to.deep.equal({ message, start: 15, end: 21 });
      expect(runFailure('x < y', { x: deep, y: [deep] })).to.deep.equal({ message, start: 0, end: 5 });
    });

    it('a limit error is not wrapped by the function that hit it', () => {
      expect(runFailure('sum(len(s) for x in xs)', { xs: zeros(20), s: 'x'.repeat(1_000_000) })).to.deep.equal({ message: STEPS, start: 4, end: 10 });
    });
  });

  describe('limits can be raised explicitly', () => {
    it('through compileExpression / compileTemplate', () => {
      const big = compileExpression("['x' * 600000] * 2", { limits: { maxValueSize: 2_000_000 } });
      expect(big.ok && (big.evaluate({}) as string[]).length).to.equal(2);
      const t = compileTemplate("${'x' * 600000}${'y' * 600000}", { limits: { maxValueSize: 2_000_000 } });
      expect(t.ok && t.evaluate({}).length).to.equal(1_200_000);
    });

    it('through evaluate', () => {
      const r = parseExpression('xs * 3');
      if (!r.ok) throw new Error('parse');
      const variables = { xs: zeros(400_000) };
      expect(() => evaluate(r.ast, { variables })).to.throw(ExprEvalError, SIZE);
      expect((evaluate(r.ast, { variables, limits: { maxValueSize: 2_000_000 } }) as unknown[]).length).to.equal(1_200_000);
    });

    it('and lowered', () => {
      const r = compileExpression('[x for x in xs]', { names: ['xs'], limits: { maxSteps: 100 } });
      expect(r.ok && r.evaluate({ xs: zeros(10) })).to.have.length(10);
      expect(() => r.ok && r.evaluate({ xs: zeros(100) })).to.throw(ExprEvalError, 'more than the limit of 100 steps (maxSteps)');
    });

    it('refuses a limit that is not a positive number', () => {
      expect(() => compileExpression('1', { limits: { maxSteps: 0 } })).to.throw(TypeError, 'expression limit maxSteps must be a positive number, got 0');
    });
  });
});
