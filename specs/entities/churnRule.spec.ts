import { expect } from 'chai';
import { entity } from '../../lib/entities/entity';
import { churnRule } from '../../lib/entities/churnRule';
import type { ChurnOptions } from '../../lib/entities/churnRule';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { SchemaError } from '../../lib/schema/schemaError';
import { ModelError } from '../../lib/core/errors';

const Closed = event('Closed', { user_id: field.string(), reason: field.enum(['idle', 'asked']) });
const Referring = event('Referring', { who: field.string({ ref: 'User' }) });
const Anonymous = event('Anonymous', { reason: field.string() });

const rule = (options: ChurnOptions<any>) => churnRule('User', 'user_id', options);
const mistake = (options: unknown): string => {
  try {
    rule(options as ChurnOptions<any>);
  } catch (e) {
    expect(e).to.be.instanceOf(SchemaError);
    expect(e).to.be.instanceOf(ModelError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('entities/churnRule', () => {
  it('resolves durations, the cap, the event and fixed overrides', () => {
    const r = rule({ inactiveFor: '30d', maxLive: 50_000, event: Closed, overrides: { reason: 'idle' } });
    expect([r.inactiveForMs, r.maxLive, r.event]).to.deep.equal([30 * 86_400_000, 50_000, Closed]);
    expect(r.overrides!({ type: 'User', key: 'u1', state: {} }, undefined as never)).to.deep.equal({ reason: 'idle' });
    expect(rule({ maxLive: 3 })).to.deep.equal({ inactiveForMs: undefined, maxLive: 3, event: undefined, overrides: undefined });
    expect(rule({ inactiveFor: 90_000, event: Referring }).inactiveForMs, 'a ref field names the entity').to.equal(90_000);
    expect(rule({ inactiveFor: '1h', event: Anonymous, overrides: (u) => ({ reason: u.key }) }).event, 'a function may fill what names it').to.equal(Anonymous);
  });

  it('is part of entity(): the type carries it; a type without churn has none', () => {
    const Source = event('Made', { user_id: field.string({ primaryKey: true }) });
    const User = entity('User', { source: Source, primaryKey: 'user_id', churn: { inactiveFor: '10m' } });
    expect(User.churn?.inactiveForMs).to.equal(600_000);
    expect(entity('Plain', { primaryKey: 'id' }).churn).to.equal(undefined);
    expect(() => entity('User', { primaryKey: 'user_id', churn: { maxLive: 0 } })).to.throw(SchemaError, 'User.churn.maxLive: must be an integer >= 1, got 0');
  });

  it('says what is wrong, naming the option', () => {
    expect(mistake({})).to.equal('User.churn: give inactiveFor, maxLive or both');
    expect(mistake(null)).to.equal('User.churn: expected { inactiveFor?, maxLive?, event?, overrides? }');
    expect(mistake({ inactivFor: '1d' })).to.equal('User.churn: unknown option "inactivFor"; did you mean "inactiveFor"?');
    expect(mistake({ ttl: '1d' })).to.equal('User.churn: unknown option "ttl" (options: inactiveFor, maxLive, event, overrides)');
    expect(mistake({ inactiveFor: 'soon' })).to.match(/^User\.churn\.inactiveFor: invalid duration "soon"/);
    expect(mistake({ inactiveFor: 0 })).to.equal('User.churn.inactiveFor: must be more than 0');
    expect(mistake({ maxLive: 2.5 })).to.equal('User.churn.maxLive: must be an integer >= 1, got 2.5');
    expect(mistake({ maxLive: '10' })).to.equal('User.churn.maxLive: must be an integer >= 1, got "10"');
    expect(mistake({ maxLive: 5, event: 'Closed' })).to.equal('User.churn.event: must be an event schema (event(...))');
    expect(mistake({ maxLive: 5, overrides: { reason: 'idle' } })).to.equal('User.churn.overrides: needs an event');
    expect(mistake({ maxLive: 5, event: Closed, overrides: { reason: 'bored' } })).to.equal(
      'User.churn.overrides: Closed.reason: expected "idle" | "asked", got "bored"',
    );
    expect(mistake({ maxLive: 5, event: Closed, overrides: { why: 'x' } })).to.equal(
      'User.churn.overrides: Closed.why: no such field (fields: user_id, reason)',
    );
    expect(mistake({ maxLive: 5, event: Anonymous })).to.equal(
      'User.churn.event: Anonymous has no field "user_id" (or with ref "User") to name the User that leaves',
    );
  });
});
