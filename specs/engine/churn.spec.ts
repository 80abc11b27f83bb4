import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { simulateOn, CHURN_FLOW } from '../../lib/engine/simulateOn';
import type { Env } from '../../lib/engine/simulateOn';
import { createRunStats } from '../../lib/engine/runStats';
import type { RunStats } from '../../lib/engine/runStats';
import { SettingsError, resolveSettings } from '../../lib/engine/model';
import type { SimulationModel, SimulationSettings } from '../../lib/engine/model';
import { FlowError } from '../../lib/engine/flowError';
import { event } from '../../lib/schema/event';
import { field } from '../../lib/schema/field';
import { entity } from '../../lib/entities/entity';
import type { ChurnOptions } from '../../lib/entities/churnRule';
import type { EntityType } from '../../lib/entities/entity';
import type { EntityChange } from '../../lib/entities/entityChange';
import type { EntityStore } from '../../lib/entities/entityStore';
import { newEvent, select, setState, wait } from '../../lib/flows/actions';
import { defineFlow } from '../../lib/flows/flow';
import type { FlowBody, FlowOptions } from '../../lib/flows/flow';
import type { SimEvent } from '../../lib/core/simEvent';
import { eventKey, eventTime } from '../../lib/core/simEvent';
import { expectRate } from '../helpers/expectRate';

const START = '2025-01-01T00:00:00.000Z';
const T0 = Date.parse(START);
const MIN = 60_000;

const Made = event('Made', { user_id: field.string({ primaryKey: true, faker: 'uuid4' }) });
const Visit = event('Visit', { user_id: field.string() });
const Left = event('Left', { user_id: field.string(), visits: field.int(), reason: field.enum(['asked', 'idle']) });

/** A User type with this churn rule (state: visits). */
const userWith = (churn: ChurnOptions<{ visits: number }>): EntityType<{ visits: number }> =>
  entity('User', { source: Made, primaryKey: 'user_id', state: { visits: field.int({ default: 0 }) }, churn });

const model = (type: EntityType<any>, settings: SimulationSettings, flows: ReadonlyArray<readonly [FlowOptions, FlowBody]>): SimulationModel => ({
  settings: { startTime: START, seed: 11, ...settings },
  entities: [type],
  flows: flows.map(([o, b]) => defineFlow(o, b)),
});

interface Ran {
  readonly events: SimEvent[];
  readonly error: unknown;
  readonly store: EntityStore;
  readonly stats: RunStats;
  /** Every change the store reported, in order. */
  readonly changes: EntityChange[];
}

const runAll = (m: SimulationModel, env: Partial<Env> = {}): Ran => {
  const scheduler = new HeapScheduler();
  const events: SimEvent[] = [];
  const changes: EntityChange[] = [];
  const stats = createRunStats();
  let error: unknown;
  let store: EntityStore | undefined;
  const onStore = (s: EntityStore): void => {
    store = s;
    s.watch((c) => changes.push(c));
  };
  simulateOn(m, { scheduler, stats, onStore, ...env }).subscribe({ next: (e) => events.push(e), error: (e) => (error = e) });
  scheduler.flush();
  return { events, error, store: store!, stats, changes };
};

/** Signs a user up, holds it `holdMs`, ends. */
const signup = (type: EntityType<any>, holdMs: number): FlowBody =>
  function* () {
    yield newEvent(Made, { saveEntity: type });
    if (holdMs > 0) yield wait({ ms: holdMs });
  };

/** Selects a random user, touches it, keeps it a random while. */
const visit = (type: EntityType<any>, maxHoldMs: number): FlowBody =>
  function* (ctx) {
    yield newEvent(Visit, { mutate: setState(type, [['visits', 'add', 1]]) });
    yield wait({ ms: ctx.rng.int(0, maxHoldMs) });
  };

const text = (r: Ran): string => r.events.map((e) => JSON.stringify(e)).join('\n');

describe('engine/churn', () => {
  describe('on TestScheduler (marbles)', () => {
    it('inactiveFor: an entity retires exactly that long after its last change (its release), emitting the event', () => {
      const User = userWith({ inactiveFor: '10s', event: Left, overrides: () => ({ visits: 0, reason: 'idle' }) });
      const ts = new TestScheduler((a, e) => {
        expect(a).to.deep.equal(e);
      });
      const keys: string[] = [];
      ts.run(({ expectObservable }) => {
        // A user signs up at 0, 15s and 30s; each session holds it 3s; 10s after each release it retires.
        const m = model(User, { duration: '40s', nFlows: 1, timeStep: '15s' }, [[{ name: 'signup' }, signup(User, 3_000)]]);
        const run = simulateOn(m, { scheduler: ts }).pipe(
          map((e) => {
            keys.push(`${e.event_type} ${e.user_id as string} ${e.flow} ${eventKey(e) ?? ''}`);
            return e.event_type[0].toLowerCase();
          }),
        );
        // The third would retire at 43s, after the end.
        expectObservable(run).toBe('m 12999ms l 1999ms m 12999ms l 1999ms m 9999ms |');
      });
      const [m1, l1, m2, l2] = keys.map((k) => k.split(' '));
      expect([l1[1], l1[2], l1[3]], 'about the first user, by the churn flow, keyed by it').to.deep.equal([m1[1], CHURN_FLOW, m1[1]]);
      expect(l2[1]).to.equal(m2[1]);
    });

    it('maxLive: before a new entity would exceed it, the longest-idle unheld one retires first', () => {
      const User = userWith({ maxLive: 2, event: Left, overrides: (u) => ({ visits: u.state.visits, reason: 'idle' }) });
      const ts = new TestScheduler((a, e) => {
        expect(a).to.deep.equal(e);
      });
      const keys: string[] = [];
      ts.run(({ expectObservable }) => {
        const m = model(User, { duration: '30s', nFlows: 1, timeStep: '10s' }, [[{ name: 'signup' }, signup(User, 2_000)]]);
        const run = simulateOn(m, { scheduler: ts }).pipe(
          map((e) => {
            keys.push(e.user_id as string);
            return e.event_type[0].toLowerCase();
          }),
        );
        // Users at 0 and 10s; at 20s two are live: the one idle since 2s leaves, then the third comes.
        expectObservable(run).toBe('m 9999ms m 9999ms (lm) 9996ms |');
      });
      expect(keys[2], 'the longest idle').to.equal(keys[0]);
    });
  });

  describe('on the project scheduler', () => {
    it('retires exactly at last change + inactiveFor, never a held entity, and leaves no idle one behind', () => {
      const D = 15 * MIN;
      const User = userWith({ inactiveFor: D, event: Left, overrides: (u) => ({ visits: u.state.visits, reason: 'idle' }) });
      const m = model(User, { duration: '12h', nFlows: 5, timeStep: '10s', initialEntities: { User: 20 } }, [
        [{ name: 'signup', weight: 1 }, signup(User, 30_000)],
        [{ name: 'visit', weight: 4, filter: select(User) }, visit(User, 10 * MIN)],
      ]);
      const r = runAll(m);
      expect(r.error).to.equal(undefined);
      const last = new Map<string, EntityChange>();
      for (const c of r.changes) last.set(c.key, c);
      const lastBefore = new Map<string, EntityChange>();
      let churned = 0;
      // Replay: changes and churn events in time order; each retirement's last change is D before it.
      let ci = 0;
      for (const e of r.events) {
        const t = eventTime(e);
        while (ci < r.changes.length && r.changes[ci].at <= t) {
          if (r.changes[ci].at < t || e.flow !== CHURN_FLOW) lastBefore.set(r.changes[ci].key, r.changes[ci]);
          ci++;
        }
        if (e.flow !== CHURN_FLOW) continue;
        churned++;
        const c = lastBefore.get(e.user_id as string)!;
        expect(c.heldBy, 'not held when it retired').to.equal(null);
        expect(t - c.at, `${e.user_id as string}: idle exactly D`).to.equal(D);
        expect(e.visits, 'the state as it left').to.equal(c.state.visits);
        expect(last.get(e.user_id as string), 'its last change: the retirement').to.deep.include({ at: t, retired: true, heldBy: null });
      }
      expect(churned).to.be.greaterThan(150);
      expect(r.stats.entities.User.retired).to.equal(churned);
      const end = T0 + 12 * 3_600_000;
      for (const u of r.store.all(User)) {
        const c = last.get(u.key)!;
        expect(c.retired).to.equal(undefined);
        expect(c.heldBy !== null || c.at > end - D, `${u.key} idle since ${c.at - T0} ms`).to.equal(true);
      }
    });

    it('the share that retires at inactiveFor is within 3σ of what uniform visits imply', () => {
      // N users, one visit a second to a uniformly drawn one (sessions end at once): after K = D/1s
      // visits a user was never visited with probability (1 - 1/N)^K, and those all retire at D.
      const N = 2_000;
      const K = 2_000;
      const User = userWith({ inactiveFor: K * 1_000, event: Left, overrides: () => ({ visits: 0, reason: 'idle' }) });
      const m = model(User, { duration: `${K * 1_000 + 500}ms`, nFlows: 1, timeStep: '1s', initialEntities: { User: N } }, [
        [
          { name: 'visit', filter: select(User) },
          function* () {
            yield newEvent(Visit);
          },
        ],
      ]);
      const r = runAll(m);
      const left = r.events.filter((e) => e.event_type === 'Left');
      expect(r.events.filter((e) => e.event_type === 'Visit')).to.have.length(K + 1);
      for (const e of left) expect(eventTime(e)).to.equal(T0 + K * 1_000);
      expectRate(left.length, N, (1 - 1 / N) ** K, 'users never visited in inactiveFor');
      const visited = new Set(r.events.filter((e) => e.event_type === 'Visit' && eventTime(e) < T0 + K * 1_000).map((e) => e.user_id));
      expect(left.length, 'exactly the users not visited').to.equal(N - visited.size);
    });

    it('with inactiveFor the live population levels off; without churn it grows with the run', () => {
      const D = 15 * MIN;
      const flows = (type: EntityType<any>): ReadonlyArray<readonly [FlowOptions, FlowBody]> => [
        [{ name: 'signup', weight: 1 }, signup(type, 0)],
        [{ name: 'visit', weight: 4, filter: select(type) }, visit(type, 5_000)],
      ];
      const settings: SimulationSettings = { duration: '2d', nFlows: 5, timeStep: '10s', history: 'none' };
      const Churning = userWith({ inactiveFor: D });
      const Forever = entity('User', { source: Made, primaryKey: 'user_id', state: { visits: field.int({ default: 0 }) } });
      const day = (type: EntityType<any>, duration: string) => runAll(model(type, { ...settings, duration }, flows(type))).store.count(type);
      const forever = day(Forever, '2d');
      const [one, two] = [day(Churning, '1d'), day(Churning, '2d')];
      // Each live, unheld user changed within the last D: at most one per session started then.
      const bound = 5 * (D / 10_000 + 2);
      expect(two).to.be.at.most(bound);
      expect(Math.abs(two - one) / one, `${one} after a day, ${two} after two`).to.be.below(0.25);
      expect(forever, 'without churn').to.be.greaterThan(10 * two);
    });

    it('maxLive bounds the live population at every instant, and retires created - live', () => {
      const User = userWith({ maxLive: 100, event: Left, overrides: (u) => ({ visits: u.state.visits, reason: 'idle' }) });
      const r = runAll(
        model(User, { duration: '1d', nFlows: 4, timeStep: '5s', initialEntities: { User: 100 } }, [
          [{ name: 'signup', weight: 1 }, signup(User, 20_000)],
          [{ name: 'visit', weight: 2, filter: select(User) }, visit(User, 60_000)],
        ]),
      );
      expect(r.error).to.equal(undefined);
      let live = 0;
      let most = 0;
      for (const e of r.events) {
        live += e.event_type === 'Made' ? 1 : e.event_type === 'Left' ? -1 : 0;
        most = Math.max(most, live);
      }
      expect(most).to.equal(100);
      const { created, retired } = r.stats.entities.User;
      expect(created).to.be.greaterThan(3_000);
      expect([retired, r.store.count(User)]).to.deep.equal([created - 100, 100]);
    });

    it('maxLive never retires a held entity; while every live one is held, the new one is created anyway', () => {
      const User = userWith({ maxLive: 1, event: Left, overrides: () => ({ visits: 0, reason: 'idle' }) });
      // Each session signs two users up (holding the first when it makes the second) and keeps them 5s.
      const r = runAll(
        model(User, { duration: '15s', nFlows: 1, timeStep: '10s' }, [
          [
            { name: 'two' },
            function* () {
              yield newEvent(Made, { saveEntity: User });
              yield newEvent(Made, { saveEntity: User });
              yield wait({ seconds: 5 });
            },
          ],
        ]),
      );
      const seen = r.events.map((e) => `${e.event_type}@${(eventTime(e) - T0) / 1000}`);
      // At 10s both are idle since 5s: they leave in the order they were queued, then two more come.
      expect(seen).to.deep.equal(['Made@0', 'Made@0', 'Left@10', 'Left@10', 'Made@10', 'Made@10']);
      const [u0, u1, l0, l1] = r.events.map((e) => e.user_id);
      expect([l0, l1]).to.deep.equal([u0, u1]);
      expect(r.store.count(User), 'over the cap while the session holds both').to.equal(2);
    });

    it('without an event, churn retires silently; stats count it', () => {
      const User = userWith({ inactiveFor: '1m' });
      const r = runAll(model(User, { duration: '10m', nFlows: 1, initialEntities: { User: 5 } }, []));
      expect(r.events.map((e) => e.event_type)).to.deep.equal(['Made', 'Made', 'Made', 'Made', 'Made']);
      expect(r.stats.entities.User).to.deep.equal({ created: 5, retired: 5 });
      expect(r.store.count(User)).to.equal(0);
    });

    it('is deterministic: same seed byte-identical (history full or none), another seed different; one session per type', () => {
      const User = userWith({
        inactiveFor: '20m',
        maxLive: 150,
        event: Left,
        overrides: (u, g) => ({ visits: u.state.visits, reason: g.rng.pick(['asked', 'idle'] as const) }),
      });
      const m = model(User, { duration: '1d', nFlows: 6, timeStep: '5s', initialEntities: { User: 50 } }, [
        [{ name: 'signup', weight: 1 }, signup(User, 5_000)],
        [{ name: 'visit', weight: 3, filter: select(User) }, visit(User, 120_000)],
      ]);
      const a = runAll(m);
      expect(a.stats.entities.User.retired).to.be.greaterThan(1_000);
      expect(text(runAll(m))).to.equal(text(a));
      expect(text(runAll({ ...m, settings: { ...m.settings, history: 'none' } }))).to.equal(text(a));
      expect(text(runAll(m, { seed: 12 }))).not.to.equal(text(a));
      expect(new Set(a.events.filter((e) => e.flow === CHURN_FLOW).map((e) => e.session_id)).size).to.equal(1);
    });

    it('a churn event that cannot be built ends the run with a FlowError of the churn flow', () => {
      const User = userWith({ inactiveFor: '1m', event: Left, overrides: () => null as never });
      const r = runAll(model(User, { duration: '10m', nFlows: 1, initialEntities: { User: 1 } }, []));
      expect(r.error).to.be.instanceOf(FlowError);
      expect((r.error as Error).message).to.match(
        /^flow "churn" \(session [0-9a-f]{8}\) failed: User\.churn\.overrides returned null; expected field values of Left$/,
      );
      const Bad = userWith({ inactiveFor: '1m', event: Left, overrides: () => ({ reason: 'gone' }) });
      const bad = runAll(model(Bad, { duration: '10m', nFlows: 1, initialEntities: { User: 1 } }, []));
      expect((bad.error as Error).message).to.match(/flow "churn" .* failed: Left\.reason: expected "asked" \| "idle", got "gone"$/);
    });

    it('more initial entities than maxLive is a SettingsError', () => {
      const User = userWith({ maxLive: 10 });
      expect(() => resolveSettings(model(User, { initialEntities: { User: 11 } }, []))).to.throw(
        SettingsError,
        "initialEntities.User: 11 is more than User's churn maxLive (10)",
      );
    });
  });
});
