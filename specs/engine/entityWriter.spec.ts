import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { simulateOn } from '../../lib/engine/simulateOn';
import type { Env } from '../../lib/engine/simulateOn';
import { createRunStats } from '../../lib/engine/runStats';
import type { RunStats } from '../../lib/engine/runStats';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { SchemaError } from '../../lib/schema/schemaError';
import { entity } from '../../lib/entities/entity';
import type { EntityStore } from '../../lib/entities/entityStore';
import { newEvent, release, retire, select, setState, wait } from '../../lib/flows/actions';
import type { Action } from '../../lib/flows/actions';
import { defineFlow } from '../../lib/flows/flow';
import type { EntityView, FlowBody, FlowContext, FlowOptions } from '../../lib/flows/flow';
import type { SimEvent } from '../../lib/core/simEvent';
import { eventKey } from '../../lib/core/simEvent';
import { FlowError } from '../../lib/engine/flowError';

const START = '2025-01-01T00:00:00.000Z';

const Registered = event('Registered', { user_id: field.string({ primaryKey: true, faker: 'uuid4' }) });
const Touched = event('Touched', { user_id: field.string() });
const Left = event('Left', { user_id: field.string() });
const User = entity('User', { source: Registered, primaryKey: 'user_id', state: { visits: field.int({ default: 0 }) } });

const model = (settings: SimulationSettings, flows: ReadonlyArray<readonly [FlowOptions, FlowBody]>): SimulationModel => ({
  settings: { startTime: START, seed: 7, ...settings },
  entities: [User],
  flows: flows.map(([o, b]) => defineFlow(o, b)),
});

const runAll = (m: SimulationModel, env: Partial<Env> = {}): { events: SimEvent[]; error?: unknown; store: EntityStore; stats: RunStats } => {
  const scheduler = new HeapScheduler();
  const events: SimEvent[] = [];
  const stats = createRunStats();
  let error: unknown;
  let store: EntityStore | undefined;
  simulateOn(m, { scheduler, stats, onStore: (s) => (store = s), ...env }).subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
  scheduler.flush();
  return { events, error, store: store!, stats };
};

/** The message of the FlowError a one-flow model over one initial user ends with. */
const failure = (body: (ctx: FlowContext) => Generator<Action, void, unknown>): string => {
  const { error } = runAll(model({ duration: '1m', nFlows: 1, initialEntities: { User: 1 } }, [[{ name: 'f', filter: select(User) }, body]]));
  expect(error).to.be.instanceOf(FlowError);
  return (error as Error).message;
};

describe('engine/entityWriter: retiring entities', () => {
  it('retires at the exact virtual time; an event after it names no retired entity (marbles)', () => {
    const ts = new TestScheduler((a, e) => {
      expect(a).to.deep.equal(e);
    });
    const keys: string[] = [];
    ts.run(({ expectObservable }) => {
      const m = model({ duration: '30s', nFlows: 1, initialEntities: { User: 1 } }, [
        [
          { name: 'close', filter: select(User) },
          function* () {
            yield newEvent(Touched);
            yield wait({ seconds: 5 });
            yield newEvent(Left, { retireEntity: User });
            yield wait({ seconds: 5 });
            yield newEvent(Touched); // no User left: the field's own generator fills it
          },
        ],
      ]);
      const run = simulateOn(m, { scheduler: ts }).pipe(
        map((e) => {
          keys.push(e.user_id as string, eventKey(e) ?? '');
          return e.event_type[0].toLowerCase();
        }),
      );
      // r, t at 0; l at 5s; t at 10s; then no User to select until the end (retried every second).
      expectObservable(run).toBe('(rt) 4996ms l 4999ms t 19999ms |');
    });
    const [r, , , , left, leftKey, after] = keys;
    expect([left, leftKey], 'Left names the user and is keyed by it').to.deep.equal([r, r]);
    expect(after, 'the event after it does not name it').not.to.equal(r);
  });

  it("retire(Entity, { key }) retires that one of the session's entities", () => {
    let kept = '';
    const { events, store, stats, error } = runAll(
      model({ duration: '10s', nFlows: 1, initialEntities: { User: 3 } }, [
        [
          { name: 'two' },
          function* () {
            const a = (yield select(User)) as EntityView;
            const b = (yield select(User)) as EntityView;
            kept = b.key;
            yield retire(User, { key: a.key }); // not the latest
            yield newEvent(Touched);
            yield newEvent(Left, { retireEntity: User });
          },
        ],
      ]),
    );
    expect(error).to.equal(undefined);
    const [touched, left] = events.filter((e) => e.flow === 'two');
    expect(touched.user_id, 'bound to the one still held').to.equal(kept);
    expect(left.user_id, 'Left names it').to.equal(kept);
    expect(store.count(User)).to.equal(1);
    expect(stats.entities.User).to.deep.equal({ created: 3, retired: 2 });
  });

  it('a retired entity is never selected (by filter or key) nor referenced again, and is not counted', () => {
    const left: string[] = [];
    const { events, store, error } = runAll(
      model({ duration: '2h', nFlows: 4, initialEntities: { User: 30 } }, [
        [
          { name: 'leave', weight: 1, filter: select(User) },
          function* (ctx) {
            left.push(ctx.getEntity(User).key);
            yield newEvent(Left, { retireEntity: User });
          },
        ],
        [
          { name: 'visit', weight: 3, filter: select(User) },
          function* () {
            yield newEvent(Touched, { mutate: setState(User, [['visits', 'add', 1]]) });
            yield wait({ seconds: 30 });
          },
        ],
        [
          { name: 'again', weight: 2 },
          function* (ctx) {
            // by key: a retired user is not found; an unbound field never takes a retired key
            const gone = left[ctx.rng.int(0, Math.max(0, left.length - 1))];
            if (gone !== undefined) expect(yield select(User, [['user_id', 'is', gone]], { optional: true })).to.equal(undefined);
            yield newEvent(Touched);
            yield release(User);
          },
        ],
        [
          { name: 'signup', weight: 1 },
          function* () {
            yield newEvent(Registered, { saveEntity: User });
          },
        ],
      ]),
    );
    expect(error).to.equal(undefined);
    const retired = new Set<string>();
    for (const e of events) {
      if (e.event_type !== 'Left') expect(retired.has(e.user_id as string), `${e.event_type} names a retired user`).to.equal(false);
      else retired.add(e.user_id as string);
    }
    expect(retired.size).to.equal(left.length).and.to.be.greaterThan(100);
    expect(store.count(User)).to.equal(events.filter((e) => e.event_type === 'Registered').length - retired.size);
    for (const k of retired) expect(store.get(User, k)).to.equal(undefined);
    expect(store.countWhere(User, [])).to.equal(store.count(User));
  });

  it('mutating, retiring or reading an entity the session retired is a FlowError that says so', () => {
    expect(
      failure(function* () {
        yield retire(User);
        yield setState(User, [['visits', 'add', 1]]);
      }),
    ).to.match(
      /^flow "f" \(session [0-9a-f]{8}\) failed: SetState\(User\): User "[0-9a-f-]{36}" is retired \(this session retired it\); a retired entity cannot change$/,
    );
    expect(
      failure(function* () {
        yield newEvent(Left, { retireEntity: User });
        yield newEvent(Touched, { mutate: setState(User, [['visits', 'add', 1]]) });
      }),
    ).to.match(/SetState\(User\): User "[0-9a-f-]{36}" is retired \(this session retired it\); a retired entity cannot change$/);
    expect(
      failure(function* () {
        yield retire(User);
        yield retire(User);
      }),
    ).to.match(/retire\(User\): User "[0-9a-f-]{36}" is retired \(this session retired it\); a retired entity cannot change$/);
    expect(
      failure(function* () {
        yield newEvent(Left, { retireEntity: User });
        yield newEvent(Left, { retireEntity: User });
      }),
    ).to.match(/Left retireEntity: User "[0-9a-f-]{36}" is retired/);
    expect(
      failure(function* (ctx) {
        yield retire(User);
        ctx.getEntity(User);
      }),
    ).to.match(/getEntity\(User\): the session holds no User \(it retired "[0-9a-f-]{36}"\)$/);
  });

  it('retiring what the session does not hold is a FlowError; retire() and newEvent() check their arguments', () => {
    const { error } = runAll(
      model({ duration: '1m', nFlows: 1 }, [
        [
          { name: 'r' },
          function* () {
            yield retire(User, { key: 'u9' });
          },
        ],
      ]),
    );
    expect((error as Error).message).to.match(/failed: retire\(User\): the session holds no User with key "u9" \(select one, or create it with saveEntity\)$/);
    expect(() => retire({} as never)).to.throw(SchemaError, 'retire: the first argument must be an entity type (entity(...))');
    expect(() => newEvent(Registered, { saveEntity: User, retireEntity: User })).to.throw(
      SchemaError,
      'newEvent(Registered): cannot save and retire User in one event',
    );
    expect(() => newEvent(Left, { retireEntity: 'User' as never })).to.throw(SchemaError, 'newEvent(Left): retireEntity must be an entity type (entity(...))');
    const odd = runAll(
      model({ duration: '1m', nFlows: 1 }, [
        [
          { name: 'o' },
          function* () {
            yield { _tag: 'Retire' } as unknown as Action;
          },
        ],
      ]),
    );
    expect((odd.error as Error).message).to.match(/retire\(undefined\): not an entity type \(build the action with retire\(Entity\)\)$/);
  });
});
