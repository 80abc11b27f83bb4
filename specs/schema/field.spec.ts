import { expect } from 'chai';
import { Rng } from '../../lib/core/rng';
import { event } from '../../lib/schema/event';
import { FieldError, field } from '../../lib/schema/field';
import type { GenContext } from '../../lib/schema/generator';

describe('schema/field: a ready-made generator', () => {
  it('generate is used instead of a hint, with the run context', () => {
    const e = event('Scored', { score: field.int({ generate: (g: GenContext) => g.rng.int(1, 6) * 10 }) });
    const g = { rng: new Rng(1), faker: undefined, now: 0 } as unknown as GenContext;
    const values = Array.from({ length: 50 }, () => e.generators[0](g) as number);
    expect(values.every((v) => v % 10 === 0 && v >= 10 && v <= 60)).to.equal(true);
    expect(new Set(values).size).to.be.greaterThan(3);
  });

  it('generate cannot be combined with a faker hint, and must be a function', () => {
    expect(() => field.string({ faker: 'email', generate: () => 'x' })).to.throw(FieldError, 'cannot be combined with a faker hint');
    expect(() => field.string({ generate: 'x' as never })).to.throw(FieldError, 'generate must be a function');
  });
});
