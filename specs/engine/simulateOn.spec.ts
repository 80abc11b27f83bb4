import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { concat, map, of, timer, toArray } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { Rng, deriveSeed } from '../../lib/core/rng';
import { simulateOn, FlowError } from '../../lib/engine/simulateOn';
import type { Env } from '../../lib/engine/simulateOn';
import { createRunStats } from '../../lib/engine/runStats';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { entity } from '../../lib/entities/entity';
import type { EntityType } from '../../lib/entities/entity';
import type { EntityStore } from '../../lib/entities/entityStore';
import { addDecay, newEvent, release, select, setState, wait } from '../../lib/flows/actions';
import type { Action } from '../../lib/flows/actions';
import { defineFlow } from '../../lib/flows/flow';
import { acquire } from '../../lib/flows/acquire';
import type { FlowBody, FlowOptions } from '../../lib/flows/flow';
import type { SimEvent } from '../../lib/core/simEvent';
import { eventKey, eventTime } from '../../lib/core/simEvent';

const START = '2025-01-01T00:00:00.000Z';
const T0 = Date.parse(START);

const A = event('A', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const B = event('B', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const C = event('C', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const Registered = event('Registered', {
  user_id: field.string({ primaryKey: true, faker: 'uuid4' }),
  plan: field.enum(['free', 'pro']),
});
const Touched = event('Touched', { user_id: field.string() });
const User = entity('User', {
  source: Registered,
  primaryKey: 'user_id',
  state: { active: field.boolean({ default: false }), plan: field.string({ fromField: 'plan' }), visits: field.int({ default: 0 }) },
});

const model = (
  settings: SimulationSettings,
  flows: ReadonlyArray<readonly [FlowOptions, FlowBody]>,
  entities: ReadonlyArray<EntityType<any>> = [User],
): SimulationModel => ({
  settings: { startTime: START, seed: 7, ...settings },
  entities,
  flows: flows.map(([o, b]) => defineFlow(o, b)),
});

/** Runs a model to completion on the project's own scheduler (outside TestScheduler.run). */
const runAll = (m: SimulationModel, env: Partial<Env> = {}): { events: SimEvent[]; error?: unknown; store?: EntityStore } => {
  const scheduler = new HeapScheduler();
  const events: SimEvent[] = [];
  let error: unknown;
  let store: EntityStore | undefined;
  let completed = false;
  simulateOn(m, { scheduler, onStore: (s) => (store = s), ...env }).subscribe({
    next: (e) => events.push(e),
    error: (e) => (error = e),
    complete: () => (completed = true),
  });
  scheduler.flush();
  expect(completed || error !== undefined, 'the stream ends').to.equal(true);
  return { events, error, store };
};

describe('engine/simulateOn', () => {
  describe('on TestScheduler (marbles)', () => {
    const testScheduler = () =>
      new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });

    it('emits at exact virtual times, truncating at start + duration', () => {
      const ts = testScheduler();
      ts.run(({ expectObservable }) => {
        const m = model(
          { duration: '1m', nFlows: 1 },
          [
            [
              { name: 'abc' },
              function* () {
                yield newEvent(A);
                yield wait({ seconds: 10 });
                yield newEvent(B);
                yield wait({ seconds: 20 });
                yield newEvent(C);
              },
            ],
          ],
          [],
        );
        const types = simulateOn(m, { scheduler: ts }).pipe(map((e) => e.event_type.toLowerCase()));
        expectObservable(types).toBe('a 9999ms b 19999ms (ca) 9996ms b 19999ms |');
      });
    });

    it('stamps timestamps from the start time plus virtual time', () => {
      const ts = testScheduler();
      ts.run(({ expectObservable }) => {
        const m = model(
          { duration: '25s', nFlows: 2, timeStep: '5s' },
          [
            [
              { name: 'tick' },
              function* () {
                yield newEvent(A);
                yield wait({ seconds: 3 });
              },
            ],
          ],
          [],
        );
        const stamps = simulateOn(m, { scheduler: ts }).pipe(map((e) => (Date.parse(e.timestamp) - T0) / 1000));
        // Two slots, each session takes 3s but a slot is held for at least timeStep = 5s.
        expectObservable(stamps).toBe('(ab) 4996ms (cd) 4996ms (ef) 4996ms (gh) 4996ms (ij) 4996ms |', {
          a: 0,
          b: 0,
          c: 5,
          d: 5,
          e: 10,
          f: 10,
          g: 15,
          h: 15,
          i: 20,
          j: 20,
        });
      });
    });

    it('drives an Observable flow that keeps time on ctx.scheduler', () => {
      const ts = testScheduler();
      ts.run(({ expectObservable }) => {
        const m = model(
          { duration: '20s', nFlows: 1 },
          [
            [
              { name: 'rx' },
              (ctx) =>
                concat(
                  of(newEvent(A) as Action),
                  timer(4000, ctx.scheduler).pipe(map((): Action => newEvent(B))),
                  of(wait({ seconds: 6 }) as Action, newEvent(C) as Action),
                ),
            ],
          ],
          [],
        );
        const types = simulateOn(m, { scheduler: ts }).pipe(map((e) => e.event_type.toLowerCase()));
        // a@0 b@4s c@10s; next session at 10s: a@10s b@14s; c would be at 20s = end.
        expectObservable(types).toBe('a 3999ms b 5999ms (ca) 3996ms b 5999ms |');
      });
    });

    it('locks a selected entity: one user, two slots, sessions never overlap', () => {
      const ts = testScheduler();
      ts.run(({ expectObservable }) => {
        const m = model({ duration: '30s', nFlows: 2, initialEntities: { User: 1 } }, [
          [
            { name: 'visit', filter: select(User) },
            function* () {
              yield newEvent(Touched);
              yield wait({ seconds: 10 });
            },
          ],
        ]);
        const types = simulateOn(m, { scheduler: ts }).pipe(map((e) => (e.event_type === 'Registered' ? 'r' : 't')));
        // The initial user's source event at 0, then one session at a time: 0, 10s, 20s (retries every 1s).
        expectObservable(types).toBe('(rt) 9996ms t 9999ms t 9999ms |');
      });
    });
  });

  describe('on the project scheduler (outside TestScheduler.run)', () => {
    it('runs a whole simulation and completes', () => {
      const { events } = runAll(
        model({ duration: '10m', nFlows: 3, initialEntities: { User: 5 } }, [
          [
            { name: 'signup', weight: 1 },
            function* () {
              yield newEvent(Registered, { saveEntity: User });
              yield wait({ seconds: { min: 5, max: 50 } });
              yield newEvent(Touched, { mutate: setState(User, [['active', 'is', true]]) });
            },
          ],
        ]),
      );
      expect(events.filter((e) => e.event_type === 'Registered').length).to.be.greaterThan(5);
      const times = events.map(eventTime);
      for (let i = 1; i < times.length; i++) expect(times[i]).to.be.at.least(times[i - 1]);
      expect(times[times.length - 1]).to.be.below(T0 + 600_000);
    });

    it("a slot's sessions reuse one context object, yet each flow sees only its own session for its whole life", () => {
      type Seen = { id: string; ctx: object; ids: string[]; ended: boolean };
      const seen: Seen[] = [];
      const { events } = runAll(
        model(
          { totalEvents: 600, nFlows: 2 },
          [
            [
              { name: 'steps' },
              function* (ctx) {
                const mine: Seen = { id: ctx.sessionId, ctx, ids: [], ended: false };
                seen.push(mine);
                try {
                  for (let i = 0; i < 3; i++) {
                    const e = (yield newEvent(A)) as SimEvent;
                    mine.ids.push(ctx.sessionId, e.session_id as string);
                    yield wait({ seconds: { min: 1, max: 30 } });
                    mine.ids.push(ctx.sessionId);
                  }
                } finally {
                  mine.ids.push(ctx.sessionId); // also when the run stops it
                  mine.ended = true;
                }
              },
            ],
          ],
          [],
        ),
      );
      expect(events).to.have.length(600);
      expect(seen.length).to.be.greaterThan(150);
      for (const s of seen) expect(new Set(s.ids), `session ${s.id}`).to.deep.equal(new Set([s.id]));
      // 2 slots: their sessions share 2 context objects, and one is reused only after its session ended.
      expect(new Set(seen.map((s) => s.ctx)).size).to.equal(2);
      for (let i = 0; i < seen.length; i++) {
        const next = seen.slice(i + 1).find((s) => s.ctx === seen[i].ctx);
        if (next !== undefined) expect(seen[i].ended, `session ${seen[i].id} ended before its context was reused`).to.equal(true);
      }
      // Each session's random stream starts afresh from its own seed (a reused Rng is reseeded):
      // the k-th session's id is the first uuid of deriveSeed(seed, 'session', k).
      seen.forEach((s, k) => expect(s.id, `session #${k}`).to.equal(new Rng(deriveSeed(7, 'session', k)).uuid()));
      expect(new Set(seen.map((s) => s.id)).size, 'session ids are unique').to.equal(seen.length);
    });

    it('stops after totalEvents', () => {
      const { events } = runAll(
        model(
          { totalEvents: 17, nFlows: 4 },
          [
            [
              { name: 'a' },
              function* () {
                yield newEvent(A);
                yield wait({ seconds: 1 });
              },
            ],
          ],
          [],
        ),
      );
      expect(events).to.have.length(17);
    });

    it('envelope: system fields first, then the payload in schema order; key is the main entity', () => {
      const { events } = runAll(
        model({ totalEvents: 3, nFlows: 1, initialEntities: { User: 0 } }, [
          [
            { name: 'signup' },
            function* () {
              yield newEvent(Registered, { saveEntity: User });
              yield newEvent(Touched);
            },
          ],
        ]),
      );
      expect(Object.keys(events[0])).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id', 'flow', 'user_id', 'plan']);
      expect(events[0].timestamp).to.equal(START);
      expect(events[1].user_id, 'bound to the session user').to.equal(events[0].user_id);
      expect(eventKey(events[1])).to.equal(events[0].user_id);
      expect(JSON.parse(JSON.stringify(events[0]))).to.deep.equal(Object.fromEntries(Object.entries(events[0])));
    });

    it('fromField and defaults initialise state; mutations produce versions', () => {
      const { events, store } = runAll(
        model({ duration: '1m', nFlows: 1 }, [
          [
            { name: 'signup' },
            function* () {
              yield newEvent(Registered, { saveEntity: User });
              yield wait({ seconds: 5 });
              yield setState(User, [['visits', 'add', 2]]);
              yield newEvent(Touched, { mutate: setState(User, [['active', 'is', true]]) });
            },
          ],
        ]),
      );
      const first = events[0];
      const u = store!.get(User, first.user_id as string)!;
      expect(u.state).to.deep.equal({ active: true, plan: first.plan, visits: 2 });
      const at = (s: number) => store!.query(User, [[User.primaryKey, 'is', first.user_id]], T0 + s * 1000)[0];
      expect(at(0).state).to.deep.include({ active: false, visits: 0 });
      expect(at(0).flowName).to.equal(first.session_id);
      expect(at(5).state).to.deep.include({ active: true, visits: 2 });
      expect(at(5).flowName, 'released when the session ended').to.equal(null);
    });

    it("a flow's views stay as they were taken while the entity changes, with history 'full' and 'none' alike", () => {
      for (const history of ['full', 'none'] as const) {
        const seen: Array<Record<string, unknown>> = [];
        const { events, store } = runAll(
          model({ duration: '1m', nFlows: 1, history, totalEvents: 3 }, [
            [
              { name: 'visits' },
              function* (ctx) {
                const created = (yield newEvent(Registered, { saveEntity: User })) as SimEvent;
                const atStart = ctx.getEntity(User);
                yield setState(User, [['visits', 'add', 1]]);
                const afterOne = ctx.getEntity(User);
                yield newEvent(Touched, {
                  mutate: setState(User, [
                    ['visits', 'add', 1],
                    ['active', 'is', true],
                  ]),
                });
                seen.push(atStart.state, afterOne.state, ctx.getEntity(User).state, { plan: created.plan });
              },
            ],
          ]),
        );
        const plan = seen[3].plan;
        expect(seen.slice(0, 3), history).to.deep.equal([
          { active: false, plan, visits: 0 },
          { active: false, plan, visits: 1 },
          { active: true, plan, visits: 2 },
        ]);
        expect(store!.get(User, events[0].user_id as string)!.state, history).to.deep.equal({ active: true, plan, visits: 2 });
      }
    });

    it("history 'none' emits exactly what 'full' emits", () => {
      const flows: ReadonlyArray<readonly [FlowOptions, FlowBody]> = [
        [
          { name: 'signup', weight: 1 },
          function* () {
            yield newEvent(Registered, { saveEntity: User });
          },
        ],
        [
          { name: 'visit', weight: 3, filter: select(User, [['visits', 'less_than', 3]]) },
          function* () {
            yield wait({ seconds: { min: 1, max: 20 } });
            yield newEvent(Touched, {
              mutate: setState(User, [
                ['visits', 'add', 1],
                ['active', 'is', true],
              ]),
            });
          },
        ],
      ];
      const json = (history: 'full' | 'none') => runAll(model({ duration: '2h', nFlows: 5, history }, flows)).events.map((e) => JSON.stringify(e));
      const full = json('full');
      expect(full.length).to.be.greaterThan(500);
      expect(json('none')).to.deep.equal(full);
    });

    it('drop-off: rate 1 ends every session at the decay, rate 0 never', () => {
      const flows = (rate: number) =>
        model(
          { duration: '5m', nFlows: 2 },
          [
            [
              { name: 'd' },
              function* () {
                yield newEvent(A);
                yield addDecay({ rate, seconds: 10 });
                yield newEvent(B);
              },
            ],
          ],
          [],
        );
      const stats1 = createRunStats();
      const dropAll = runAll(flows(1), { stats: stats1 }).events;
      expect(dropAll.every((e) => e.event_type === 'A')).to.equal(true);
      expect(stats1.sessions.dropped).to.equal(stats1.sessions.started - stats1.sessions.truncated);
      const keepAll = runAll(flows(0)).events;
      expect(keepAll.filter((e) => e.event_type === 'B').length).to.be.greaterThan(0);
    });

    it('select / release inside a flow, optional select yields undefined when nothing matches', () => {
      const seen: unknown[] = [];
      runAll(
        model({ duration: '3s', nFlows: 1, initialEntities: { User: 1 } }, [
          [
            { name: 's' },
            function* () {
              const u = yield select(User);
              seen.push((u as { key: string }).key);
              const none = yield select(User, [], { optional: true });
              seen.push(none);
              yield release(User);
              yield wait({ seconds: 5 });
            },
          ],
        ]),
      );
      expect(seen).to.have.length(2);
      expect(seen[1]).to.equal(undefined);
    });

    it('acquire: typed select; by primary key without an index; nothing when the entity is held', () => {
      const seen: Array<string | undefined> = [];
      let store: EntityStore | undefined;
      const m = model({ duration: '3s', nFlows: 1, initialEntities: { User: 3 } }, [
        [
          { name: 'k' },
          function* () {
            const any = yield* acquire(User);
            seen.push(any.state.plan);
            const same = yield* acquire(User, [['user_id', 'is', any.key]], { optional: true });
            seen.push(same?.key);
            yield release(User);
            const again = yield* acquire(User, [['user_id', 'is', any.key]]);
            seen.push(again.key === any.key ? 'same' : 'other');
            yield wait({ seconds: 5 });
          },
        ],
      ]);
      const scheduler = new HeapScheduler();
      simulateOn(m, { scheduler, onStore: (st) => (store = st) }).subscribe();
      scheduler.flush();
      const indexes = (store as unknown as { indexByKey: Map<string, unknown> }).indexByKey.size;
      expect(['free', 'pro']).to.include(seen[0]);
      expect(seen[1], 'held by this very session, so not available').to.equal(undefined);
      expect(seen[2]).to.equal('same');
      expect(indexes, 'only the index of the unconditional select, none per key').to.equal(1);
    });

    it('duplicate keys: an override of a taken key fails; a generated one is drawn again, up to 20 times', () => {
      const taken = runAll(
        model({ duration: '1m', nFlows: 1, initialEntities: { User: 1 } }, [
          [
            { name: 'dup' },
            function* () {
              const u = yield* acquire(User);
              yield release(User);
              yield newEvent(Registered, { saveEntity: User, overrides: { user_id: u.key } });
            },
          ],
        ]),
      );
      expect((taken.error as Error).message).to.match(/^flow "dup" .* failed: Registered\.user_id: User "[0-9a-f-]{36}" already exists$/);

      const Tiny = entity('Tiny', { primaryKey: 'tiny_id', key: field.string({ faker: 'lexify', text: '?' }), state: {} });
      const many = runAll(model({ duration: '1m', nFlows: 1, initialEntities: { Tiny: 12 } }, [], [Tiny]));
      expect(many.error, '12 distinct one-letter keys (52 letters), found by redrawing collisions').to.equal(undefined);
      expect(new Set(many.store!.all(Tiny).map((r) => r.key)).size).to.equal(12);
      const tooMany = runAll(model({ duration: '1m', nFlows: 1, initialEntities: { Tiny: 53 } }, [], [Tiny]));
      expect((tooMany.error as Error).message).to.match(/Tiny\.tiny_id: could not generate a new Tiny key after 20 attempts/);
    });

    it('a flow that throws ends the stream with a FlowError naming flow and session', () => {
      const stats = createRunStats();
      const { error, events } = runAll(
        model(
          { duration: '1m', nFlows: 1 },
          [
            [
              { name: 'broken' },
              function* () {
                yield newEvent(A);
                throw new Error('boom');
              },
            ],
          ],
          [],
        ),
        { stats },
      );
      expect(stats.sessions).to.deep.equal({ started: 1, completed: 0, dropped: 0, unmatched: 0, truncated: 0, failed: 1 });
      expect(events).to.have.length(1);
      expect(error).to.be.instanceOf(FlowError);
      expect((error as FlowError).message).to.match(/^flow "broken" \(session [0-9a-f]{8}\) failed: boom$/);
      expect((error as FlowError).sessionId).to.equal(events[0].session_id);
    });

    it('yielding something that is not an action is a FlowError', () => {
      const { error } = runAll(
        model(
          { duration: '1m', nFlows: 1 },
          [
            [
              { name: 'odd' },
              function* () {
                yield 42 as unknown as Action;
              },
            ],
          ],
          [],
        ),
      );
      expect((error as Error).message).to.match(/flow "odd" .* yielded 42, which is not an action/);
    });

    it('yielding a hand-built NewEvent without a schema is a FlowError that says so', () => {
      const { error } = runAll(
        model(
          { duration: '1m', nFlows: 1 },
          [
            [
              { name: 'odd' },
              function* () {
                yield { _tag: 'NewEvent' } as unknown as Action;
              },
            ],
          ],
          [],
        ),
      );
      expect((error as Error).message).to.match(/flow "odd" .* yielded a NewEvent without an event schema \(.*\); build it with newEvent\(schema, …\)$/);
    });

    it('mutating an entity the session does not hold is a FlowError', () => {
      const { error } = runAll(
        model({ duration: '1m', nFlows: 1 }, [
          [
            { name: 'm' },
            function* () {
              yield newEvent(A, { mutate: setState(User, [['active', 'is', true]]) });
            },
          ],
        ]),
      );
      expect((error as Error).message).to.contain('SetState(User): the session holds no User');
    });

    it('is deterministic: same seed identical, other seed different', () => {
      const m = model({ duration: '10m', nFlows: 3, initialEntities: { User: 3 } }, [
        [
          { name: 'signup' },
          function* () {
            yield newEvent(Registered, { saveEntity: User });
            yield addDecay({ rate: 0.3, seconds: { min: 1, max: 30 } });
            yield newEvent(Touched);
          },
        ],
      ]);
      const text = (seed: number) =>
        runAll(m, { seed })
          .events.map((e) => JSON.stringify(e))
          .join('\n');
      expect(text(1)).to.equal(text(1));
      expect(text(1)).not.to.equal(text(2));
    });

    it('is cold: two subscriptions are independent identical runs', () => {
      const scheduler = new HeapScheduler();
      const m = model(
        { totalEvents: 20, nFlows: 2 },
        [
          [
            { name: 'a' },
            function* () {
              yield newEvent(A);
              yield wait({ seconds: 2 });
            },
          ],
        ],
        [],
      );
      const out: string[][] = [];
      for (let i = 0; i < 2; i++)
        simulateOn(m, { scheduler })
          .pipe(
            map((e) => JSON.stringify(e)),
            toArray(),
          )
          .subscribe((a) => out.push(a));
      scheduler.flush();
      expect(out).to.have.length(2);
      expect(out[0]).to.deep.equal(out[1]);
    });
  });
});
