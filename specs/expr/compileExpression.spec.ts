import { expect } from 'chai';
import { compileExpression, compileTemplate } from '../../lib/expr/compileExpression';
import { ExprEvalError } from '../../lib/expr/errors';
import type { FunctionRegistry } from '../../lib/expr/functions';
import { defineFunction, functionNamespace } from '../../lib/expr/functions';
import { isDict } from '../../lib/expr/values';

// ---------------------------------------------------------------------------------------------
// a story front end in miniature (the story format): its functions take what they need from the context
// ---------------------------------------------------------------------------------------------

interface StoryContext {
  readonly next: () => number; // seeded uniform [0, 1)
  readonly now: number; // simulation time, ms
  readonly events: Readonly<Record<string, Readonly<Record<string, unknown>>>>; // last payload per "source.event"
}

const seeded = (seed: number) => (): number => {
  seed = (seed * 16807) % 2147483647;
  return (seed - 1) / 2147483646;
};

const num = (v: unknown): number => {
  if (typeof v !== 'number') throw new TypeError(`expected a number, got ${typeof v}`);
  return v;
};

const story: FunctionRegistry<StoryContext> = {
  random: defineFunction(([lo, hi], _kw, ctx) => num(lo) + Math.floor(ctx.next() * (num(hi) - num(lo) + 1)), { minArgs: 2, maxArgs: 2, keywords: [] }),
  gaussian: defineFunction(
    ([mean, sd], _kw, ctx) => {
      const u = 1 - ctx.next();
      const v = ctx.next();
      return num(mean) + num(sd) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    { minArgs: 2, maxArgs: 2 },
  ),
  datetime: defineFunction(
    ([format], _kw, ctx) => {
      const iso = new Date(ctx.now).toISOString();
      return String(format ?? '%Y-%m-%dT%H:%M:%S')
        .replace('%Y', iso.slice(0, 4))
        .replace('%m', iso.slice(5, 7))
        .replace('%d', iso.slice(8, 10))
        .replace('%H', iso.slice(11, 13))
        .replace('%M', iso.slice(14, 16))
        .replace('%S', iso.slice(17, 19));
    },
    { maxArgs: 1 },
  ),
  duration: defineFunction((_a, kw) => num(kw.days ?? 0) * 86_400_000 + num(kw.hours ?? 0) * 3_600_000 + num(kw.minutes ?? 0) * 60_000, {
    maxArgs: 0,
    keywords: ['days', 'hours', 'minutes'],
  }),
  uuid4: defineFunction((_a, _k, ctx) => `uuid-${Math.floor(ctx.next() * 1e6)}`, { maxArgs: 0 }),
  faker: functionNamespace<StoryContext>(
    (name) => {
      if (name === 'name') return () => 'Ada Lovelace';
      if (name === 'email') return defineFunction((_a, kw) => `ada@${String(kw.domain ?? 'example.com')}`, { maxArgs: 0, keywords: ['domain'] });
      return undefined;
    },
    () => ['name', 'email'],
  ),
  choice: defineFunction(
    ([xs], _kw, ctx) => {
      if (!Array.isArray(xs) || xs.length === 0) throw new TypeError('expected a non-empty list');
      return xs[Math.floor(ctx.next() * xs.length)];
    },
    { minArgs: 1, maxArgs: 1 },
  ),
  weighted: defineFunction(
    ([table], _kw, ctx) => {
      if (!isDict(table)) throw new TypeError('expected a dict of weights');
      let r = ctx.next() * Object.values(table).reduce((a: number, w) => a + num(w), 0);
      for (const [k, w] of Object.entries(table)) if ((r -= num(w)) < 0) return k;
      return Object.keys(table)[0];
    },
    { minArgs: 1, maxArgs: 1 },
  ),
  ref: defineFunction(
    ([path], _kw, ctx) => {
      const parts = String(path).split('.');
      const field = parts.pop()!;
      const payload = ctx.events[parts.join('.')];
      if (payload === undefined) throw new Error(`no ${parts.join('.')} event yet`);
      return payload[field];
    },
    { minArgs: 1, maxArgs: 1, pathArgs: true },
  ),
  switch: defineFunction(
    ([value, cases], kw) => {
      if (!isDict(cases)) throw new TypeError('expected a dict of cases');
      const key = String(value);
      return Object.prototype.hasOwnProperty.call(cases, key) ? cases[key] : (kw.default ?? null);
    },
    { minArgs: 2, maxArgs: 2, keywords: ['default'] },
  ),
};

const context = (seed = 42): StoryContext => ({
  next: seeded(seed),
  now: Date.UTC(2025, 0, 1, 9, 30),
  events: { 'user.signup': { user_id: 'uuid-1', plan: 'pro' } },
});

const NAMES = ['prev', 'plan', 'value'];

const compile = (src: string) => {
  const c = compileExpression(src, { functions: story, names: NAMES });
  if (!c.ok) throw new Error(`${src}: ${JSON.stringify(c.errors)}`);
  return c.evaluate;
};

// ---------------------------------------------------------------------------------------------

describe('expr/compileExpression', () => {
  describe("the story format's field expressions", () => {
    const variables = { prev: { field_name: 'previous value' }, plan: 'enterprise', value: 7 };

    it('compile once and evaluate deterministically per context', () => {
      const fields: Record<string, string> = {
        value1: 'random(1, 100)',
        value2: 'gaussian(50, 10)',
        timestamp: "datetime('%Y-%m-%d')",
        interval: 'duration(hours=1)',
        user_id: 'uuid4()',
        name: 'faker.name()',
        email: "faker.email(domain='corp.test')",
        reference: 'prev.field_name',
        plan: "choice(['free', 'pro', 'enterprise'])",
        source: "weighted({'google': 0.6, 'direct': 0.3, 'referral': 0.1})",
        customer_id: 'ref(user.signup.user_id)',
        ref_plan: 'ref(user.signup.plan)',
        amount: "switch(plan, {\n  'free': 0,\n  'pro': 99,\n  'enterprise': 499\n})",
        literal: "'static'",
      };
      const compiled = Object.entries(fields).map(([k, src]) => [k, compile(src)] as const);
      const generate = (seed: number) => Object.fromEntries(compiled.map(([k, ev]) => [k, ev(variables, context(seed))]));
      const a = generate(42);
      expect(generate(42), 'same seed, same values').to.deep.equal(a);
      expect(a.value1).to.be.a('number').within(1, 100);
      expect(Number.isInteger(a.value1)).to.equal(true);
      expect(a.value2).to.be.a('number').within(0, 100);
      expect(a).to.include({
        timestamp: '2025-01-01',
        interval: 3_600_000,
        name: 'Ada Lovelace',
        email: 'ada@corp.test',
        reference: 'previous value',
        customer_id: 'uuid-1',
        ref_plan: 'pro',
        amount: 499,
        literal: 'static',
      });
      expect(a.user_id).to.match(/^uuid-\d+$/);
      expect(['free', 'pro', 'enterprise']).to.include(a.plan);
      expect(['google', 'direct', 'referral']).to.include(a.source);
    });

    it('computed: "template ${value}" as a template', () => {
      const t = compileTemplate('template ${value} for ${faker.name()} on ${datetime("%Y-%m-%d")}', { functions: story, names: NAMES });
      if (!t.ok) throw new Error(JSON.stringify(t.errors));
      expect(t.evaluate({ value: 7 }, context())).to.equal('template 7 for Ada Lovelace on 2025-01-01');
    });

    it('weighted() follows its weights (fixed seed, 3σ bounds)', () => {
      const ev = compile("weighted({'google': 0.6, 'direct': 0.3, 'referral': 0.1})");
      const ctx = context(7);
      const n = 3000;
      let google = 0;
      for (let i = 0; i < n; i++) if (ev({}, ctx) === 'google') google++;
      const sigma = Math.sqrt(n * 0.6 * 0.4);
      expect(Math.abs(google - n * 0.6)).to.be.at.most(3 * sigma);
    });
  });

  describe('errors', () => {
    it('returns syntax errors', () => {
      const c = compileExpression('random(1, )+', { functions: story });
      expect(c.ok ? [] : c.errors).to.deep.equal([{ message: 'expected an expression after "+"', start: 12, end: 12 }]);
    });

    it('returns every check error, with positions shifted by offset', () => {
      const c = compileExpression('randm(1, 100) + faker.nme() + duration(hour=1) + pre.x', { functions: story, names: NAMES, offset: 10 });
      expect(c.ok ? [] : c.errors).to.deep.equal([
        { message: 'unknown function "randm"; did you mean "random"?', start: 10, end: 15 },
        { message: 'unknown function "faker.nme"; did you mean "faker.name"?', start: 26, end: 35 },
        { message: 'duration() has no keyword argument "hour"; did you mean "hours"?', start: 49, end: 53 },
        { message: 'unknown name "pre"; did you mean "prev"?', start: 59, end: 62 },
      ]);
    });

    it('skips name checks when no names are given', () => {
      expect(compileExpression('anything.at.all + 1').ok).to.equal(true);
    });

    it('evaluation errors carry positions and wrap function failures', () => {
      const ev = compile("choice([]) if value > 5 else 'ok'");
      expect(ev({ value: 1 }, context())).to.equal('ok');
      expect(() => ev({ value: 9 }, context())).to.throw(ExprEvalError, 'choice(): expected a non-empty list');
      const e = (() => {
        try {
          compile('ref(order.placed.id)')({}, context());
        } catch (err) {
          return err as ExprEvalError;
        }
        return undefined;
      })();
      expect(e && [e.message, e.start, e.end]).to.deep.equal(['ref(): no order.placed event yet', 0, 20]);
    });
  });

  it('the evaluator is reusable and independent of earlier calls', () => {
    const ev = compile('[x * value for x in [1, 2, 3] if x != value]');
    expect(ev({ value: 2 })).to.deep.equal([2, 6]);
    expect(ev({ value: 3 })).to.deep.equal([3, 6]);
    expect(ev({ value: 2 })).to.deep.equal([2, 6]);
  });

  it('agrees with the YAML derived field on many random purchases', () => {
    const ev = compileExpression('sum(item.quantity * item.unit_price for item in items)', { names: ['items'] });
    if (!ev.ok) throw new Error('compile');
    const rand = seeded(3);
    for (let n = 0; n < 200; n++) {
      const items = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => ({
        quantity: 1 + Math.floor(rand() * 3),
        unit_price: Math.round(rand() * 99_900 + 99) / 100,
      }));
      const expected = items.reduce((a, i) => a + i.quantity * i.unit_price, 0);
      expect(ev.evaluate({ items }) as number).to.be.closeTo(expected, 1e-9);
    }
  });
});
