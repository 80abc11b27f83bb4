import { expect } from 'chai';
import { entity } from '../../lib/entities/entity';
import { checkWhere, compileWhere } from '../../lib/entities/where';
import type { Where } from '../../lib/entities/where';
import { field } from '../../lib/schema/field';

const User = entity('User', {
  primaryKey: 'user_id',
  state: { plan: field.string({ default: 'free' }), age: field.int({ default: 30 }), cart_id: field.string({ default: null }) },
});

const target = (state: Record<string, unknown>, key = 'u1', heldBy: string | null = null) => ({ state, key, heldBy });

describe('entities/where', () => {
  it('compiles every operator', () => {
    const t = target({ plan: 'pro', age: 42, cart_id: null });
    const yes: Where<any> = [
      ['plan', 'is', 'pro'],
      ['plan', 'is_not', 'free'],
      ['age', 'greater_than', 41],
      ['age', 'less_than', 43],
      ['age', 'greater_or_equal', 42],
      ['age', 'less_or_equal', 42],
      ['plan', 'in', ['pro', 'team']],
      ['plan', 'not_in', ['free']],
      ['cart_id', 'is', null],
      ['user_id', 'is', 'u1'],
      ['flow_name', 'is', null],
    ];
    for (const cond of yes) expect(compileWhere(User, [cond])(t), JSON.stringify(cond)).to.equal(true);
    expect(compileWhere(User, yes)(t), 'conjunction').to.equal(true);
    expect(compileWhere(User, [['age', 'greater_than', 42]])(t)).to.equal(false);
    expect(compileWhere(User, [['flow_name', 'is', null]])(target({}, 'u1', 'session-1'))).to.equal(false);
    expect(compileWhere(User, [['age', 'greater_than', '41']])(t), 'no comparison across types').to.equal(false);
    expect(compileWhere(User, [])(t)).to.equal(true);
  });

  it('rejects mistakes with messages naming entity, condition and field', () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [
        [['plan', 'equals', 'pro']],
        'User where[0]: "equals" is not an operator (is, is_not, greater_than, less_than, greater_or_equal, less_or_equal, in, not_in)',
      ],
      [[['plann', 'is', 'pro']], 'User where[0]: "plann" is not a state field of User (state: plan, age, cart_id)'],
      [[['age', 'is', 'old']], 'User where[0]: User.age is integer, cannot compare with "old"'],
      [[['age', 'greater_than', null]], 'User where[0]: "greater_than" needs a number or string, got null'],
      [[['plan', 'in', 'pro']], 'User where[0]: "in" needs a list of values, got "pro"'],
      [[['plan', 'is']], 'User where[0]: a condition is [field, operator, value]'],
      ['plan', 'User where: conditions must be a list of [field, operator, value]'],
    ];
    for (const [where, message] of cases) {
      expect(() => checkWhere(User, where as Where<any>), message).to.throw(message);
      expect(() => compileWhere(User, where as Where<any>), message).to.throw(message);
    }
  });
});
