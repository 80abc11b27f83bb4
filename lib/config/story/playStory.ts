/**
 * Plays a compiled `Story` out on a scheduler: a cold `Observable<StoryEvent>` whose events are
 * emitted at their virtual times (so `TestScheduler` marbles pin them). Each event is a `SimEvent`
 * (system fields, then `org_id`, `source` and the evaluated `data`) with `EVENT_META`, so every
 * output (stdout, file, Kafka, MySQL) takes it as it is.
 *
 * - Occurrence `k` of a definition is at start_date + `offset_days` calendar days (in the story's
 *   zone) + `k` × frequency (calendar days for daily/weekly, exact time for hourly and durations).
 *   Occurrences at or after the end (end_date, `options.end`) are not emitted.
 * - At one instant, definitions emit in file order; the stream completes right after its last event.
 * - Randomness: one stream per definition, `Rng.derive(seed, 'story', key)` — adding a definition
 *   does not change the others' data.
 *
 * @example
 * const scheduler = new HeapScheduler();
 * playStory(story, { scheduler, seed: 1 }).subscribe((e) => console.log(e.timestamp, e.data));
 * scheduler.flush();
 */
import { Observable } from '../../core/rx';
import type { SchedulerAction, SchedulerLike, Subscriber } from 'rxjs';
import { Rng } from '../../core/rng';
import type { EventMeta, EventShape, SimEvent } from '../../core/simEvent';
import { EVENT_META } from '../../core/simEvent';
import type { RunStats } from '../../engine/runStats';
import { ExprEvalError, compileExpression, formatExprError } from '../../expr';
import type { Variables } from '../../expr';
import { isDict } from '../../expr/values';
import { SeededFaker } from '../../schema/seededFaker';
import type { EventDef, RefTarget, Story } from './compileStory';
import { occurrenceTime, resolveRef } from './compileStory';
import type { GeneratorContext } from './eventGenerator';
import type { StoryEvalContext } from './storyFunctions';
import { storyFunctions } from './storyFunctions';

/** The payload of a story event: who, where from, and the evaluated data. */
export type StoryPayload = {
  readonly org_id: string;
  readonly source: string;
  readonly data: Record<string, unknown>;
};

/**
 * An event of a story: `event_type` is the story's `event`, `flow` the definition's `source/event`.
 * (Also a `SimEvent<Record<string, unknown>>`, so every output takes it.)
 */
export type StoryEvent = SimEvent<Record<string, unknown> & StoryPayload>;

/** How to play a story. */
export interface PlayStoryOptions {
  /** Virtual time: `TestScheduler` in specs, `HeapScheduler` for runs. */
  readonly scheduler: SchedulerLike;
  /** Default: the story's `seed`, else 0. */
  readonly seed?: number;
  /** Overrides start_date (epoch ms). */
  readonly start?: number;
  /** An extra exclusive end (epoch ms), e.g. from `--duration`. */
  readonly end?: number;
  /** Stop after this many events. */
  readonly totalEvents?: number;
  /** Receives debug lines (scheduling decisions, how each expression resolved). */
  readonly debug?: (line: string) => void;
  /** Counters to fill while running. */
  readonly stats?: RunStats;
}

/** A story event that could not be made: names the file, line, column, field and occurrence. */
export class StoryError extends Error {
  override readonly name = 'StoryError';
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

const FUNCTIONS = storyFunctions();
const DATA_SHAPE = { type: 'json', primaryKey: false, nullable: false, ref: undefined } as const;
const TEXT_SHAPE = { type: 'string', primaryKey: false, nullable: false, ref: undefined } as const;

/** Per definition, while playing. */
interface DefState {
  readonly def: EventDef;
  readonly rng: Rng;
  readonly ctx: StoryEvalContext;
  readonly shape: EventShape;
  /** Next occurrence index and its time (Infinity when done). */
  next: number;
  nextTime: number;
  /** Occurrences emitted. */
  count: number;
  latest: Record<string, unknown> | undefined;
  prev: Record<string, unknown>;
  /** Data by repetition, kept only while a same-index ref may still need it. */
  readonly history: Map<number, Record<string, unknown>> | undefined;
  lowest: number;
  /** Definitions that refer to this one by repetition index. */
  readonly sameIndexReferrers: DefState[];
  /** Scratch while an event is made. */
  data: Record<string, unknown>;
  index: number;
}

/** Plays `story` on `options.scheduler`. Cold: each subscription is an independent run. */
export const playStory = (story: Story, options: PlayStoryOptions): Observable<StoryEvent> =>
  new Observable<StoryEvent>((subscriber) => new Player(story, options, subscriber).start());

class Player {
  private readonly scheduler: SchedulerLike;
  private readonly t0: number;
  private readonly startMs: number;
  private readonly end: number;
  private readonly states: DefState[];
  private readonly seeded = new SeededFaker();
  private readonly runId: string;
  private readonly debug: ((line: string) => void) | undefined;
  private readonly totalEvents: number;
  private emitted = 0;
  private stopped = false;
  private action: SchedulerAction<unknown> | undefined;

  constructor(
    private readonly story: Story,
    options: PlayStoryOptions,
    private readonly subscriber: Subscriber<StoryEvent>,
  ) {
    this.scheduler = options.scheduler;
    this.t0 = this.scheduler.now();
    this.startMs = options.start ?? story.start;
    this.end = Math.min(story.end, options.end ?? Infinity);
    this.totalEvents = options.totalEvents ?? Infinity;
    this.debug = options.debug;
    const seed = options.seed ?? story.seed ?? 0;
    this.runId = Rng.derive(seed, 'story-run').uuid();
    const stats = options.stats;
    if (stats !== undefined) {
      stats.seed = seed;
      stats.startTime = this.startMs;
      stats.endTime = this.startMs;
    }
    this.stats = stats;
    const sameIndexTargets = new Set<number>();
    for (const def of story.events) for (const r of def.refs.values()) if (r.sameIndex) sameIndexTargets.add(r.target);
    this.states = story.events.map((def) => this.stateOf(def, seed, sameIndexTargets.has(def.index)));
    for (const s of this.states) {
      for (const r of s.def.refs.values()) {
        const target = this.states[r.target];
        if (r.sameIndex && !target.sameIndexReferrers.includes(s)) target.sameIndexReferrers.push(s);
      }
    }
  }

  private readonly stats: RunStats | undefined;

  private stateOf(def: EventDef, seed: number, keepHistory: boolean): DefState {
    const rng = Rng.derive(seed, 'story', def.key);
    const state: DefState = {
      def,
      rng,
      ctx: { rng, faker: this.seeded.faker, now: 0, zone: this.story.zone, ref: (path, fallback) => this.ref(state, path, fallback) },
      shape: { name: def.event, fieldNames: ['org_id', 'source', 'data'], fields: { org_id: TEXT_SHAPE, source: TEXT_SHAPE, data: DATA_SHAPE } },
      next: 0,
      nextTime: Infinity,
      count: 0,
      latest: undefined,
      prev: Object.fromEntries(def.fieldNames.map((n) => [n, null])),
      history: keepHistory ? new Map() : undefined,
      lowest: 0,
      sameIndexReferrers: [],
      data: {},
      index: 0,
    };
    this.plan(state, false);
    return state;
  }

  /** Virtual time, epoch ms. */
  private now(): number {
    return this.startMs + (this.scheduler.now() - this.t0);
  }

  /** Sets the state's next occurrence time (Infinity when it has no more). */
  private plan(s: DefState, log = true): void {
    const t = s.next < s.def.repeat ? occurrenceTime(this.story.zone, this.startMs, s.def, s.next) : Infinity;
    if (t < this.end) {
      s.nextTime = t;
      return;
    }
    if (log && s.next < s.def.repeat && this.debug !== undefined) {
      this.log(`${s.def.key}: occurrences ${s.next}..${s.def.repeat - 1} fall at or after the end (${this.story.zone.iso(this.end)}): not emitted`);
    }
    s.nextTime = Infinity;
  }

  /** The state whose next occurrence comes first (time, then file order), or undefined. */
  private first(): DefState | undefined {
    let best: DefState | undefined;
    for (const s of this.states) if (s.nextTime !== Infinity && (best === undefined || s.nextTime < best.nextTime)) best = s;
    return best;
  }

  start(): () => void {
    if (this.debug !== undefined) {
      const z = this.story.zone;
      this.log(`story ${this.story.file}: org ${this.story.orgId}, zone ${z.name}, start ${z.iso(this.startMs)}, end ${this.end === Infinity ? 'after the last event' : z.iso(this.end)}`);
      for (const s of this.states) {
        const f = s.def.frequency;
        this.log(`schedule ${s.def.key}: ${s.def.repeat} × ${f.label} from ${s.nextTime === Infinity ? 'never (after the end)' : z.iso(s.nextTime)} (offset_days ${s.def.offsetDays})`);
        for (const [path, r] of s.def.refs) {
          this.log(`  ref(${path}) → ${this.states[r.target].def.key} ${r.sameIndex ? 'by repetition index (both repeat ' + s.def.repeat + ' times), else the latest' : 'latest at or before each event'}`);
        }
      }
    }
    this.next();
    return () => this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.action?.unsubscribe();
  }

  private next(): void {
    const s = this.first();
    if (s === undefined) {
      this.complete();
      return;
    }
    const delay = Math.max(0, s.nextTime - this.now());
    const action = this.action;
    if (action !== undefined && !action.closed) action.schedule(undefined, delay);
    else {
      const player = this;
      this.scheduler.schedule(function (this: SchedulerAction<unknown>) {
        player.action = this;
        player.tick();
      }, delay);
    }
  }

  private complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.subscriber.complete();
  }

  /** Emits every occurrence due now (in file order), then plans the next tick. */
  private tick(): void {
    if (this.stopped) return;
    const now = this.now();
    for (let s = this.first(); s !== undefined && s.nextTime <= now; s = this.first()) {
      try {
        this.emit(s, now);
      } catch (e) {
        this.stopped = true;
        this.subscriber.error(e);
        return;
      }
      if (this.stopped) return;
      if (this.emitted >= this.totalEvents) {
        this.complete();
        return;
      }
    }
    this.next();
  }

  private emit(s: DefState, now: number): void {
    const def = s.def;
    const index = s.next;
    const z = this.story.zone;
    const ctx = s.ctx;
    ctx.now = now;
    ctx.faker = this.seeded.use(s.rng, now);
    const timestamp = z.iso(now);
    if (this.debug !== undefined) this.log(`${timestamp} ${def.key} #${index}`);
    const eventId = s.rng.uuid();
    const data: Record<string, unknown> = {};
    s.data = data;
    s.index = index;
    const variables = this.variablesOf(s);
    for (const f of def.fields) {
      let v: unknown;
      try {
        v = f.evaluate(variables, ctx);
      } catch (e) {
        throw this.failure(s, f.locate(e instanceof ExprEvalError ? e.start : 0), e);
      }
      data[f.name] = v;
      if (this.debug !== undefined) this.log(`  ${f.name} = ${f.text} → ${JSON.stringify(v)}`);
    }
    const gen = def.generator;
    if (gen !== undefined) {
      const context: GeneratorContext = {
        orgId: this.story.orgId,
        source: def.source,
        event: def.event,
        index,
        time: now,
        timestamp,
        data: { ...data },
        prev: s.count === 0 ? null : s.prev,
        rng: s.rng,
        faker: ctx.faker,
      };
      const cache = new Map<string, (v: Variables) => unknown>();
      gen.bind({
        evaluate: (expression) => {
          let run = cache.get(expression);
          if (run === undefined) {
            const c = compileExpression<StoryEvalContext>(expression, { functions: FUNCTIONS });
            if (!c.ok) throw new StoryError(`resolveValue: ${c.errors.map((e) => formatExprError(expression, e)).join('\n')}`);
            run = (v) => c.evaluate(v, ctx);
            cache.set(expression, run);
          }
          try {
            return run(variables);
          } catch (e) {
            if (e instanceof ExprEvalError) throw new StoryError(`resolveValue: ${formatExprError(expression, e)}`, e);
            throw e;
          }
        },
        lookup: (name) => (typeof variables === 'function' ? variables(name) : undefined),
      });
      let out: Readonly<Record<string, unknown>>;
      try {
        out = gen.generate(context);
      } catch (e) {
        throw this.failure(s, `${this.story.file} events[${def.index}] generator`, e);
      } finally {
        gen.bind(undefined);
      }
      if (!isDict(out)) throw this.failure(s, `${this.story.file} events[${def.index}] generator`, new TypeError(`generate() must return an object of fields, got ${JSON.stringify(out)}`));
      Object.assign(data, out);
      if (this.debug !== undefined) this.log(`  generator → ${JSON.stringify(out)}`);
    }
    const e: Record<string | symbol, unknown> = {
      event_id: eventId,
      event_type: def.event,
      timestamp,
      session_id: this.runId,
      flow: def.key,
      org_id: this.story.orgId,
      source: def.source,
      data,
    };
    const meta: EventMeta = { time: now, key: this.story.orgId, schema: s.shape };
    e[EVENT_META] = meta;
    // Bookkeeping before emitting: a subscriber that unsubscribes synchronously sees a consistent state.
    s.prev = data;
    s.latest = data;
    s.history?.set(index, data);
    s.count++;
    s.next++;
    this.plan(s);
    this.prune(s);
    this.emitted++;
    const stats = this.stats;
    if (stats !== undefined) {
      stats.events++;
      stats.eventsByType[def.event] = (stats.eventsByType[def.event] ?? 0) + 1;
      stats.endTime = now;
    }
    this.subscriber.next(e as unknown as StoryEvent);
  }

  /** Drops history no same-index referrer can still ask for. */
  private prune(referrer: DefState): void {
    for (const r of referrer.def.refs.values()) {
      if (!r.sameIndex) continue;
      const target = this.states[r.target];
      if (target.history === undefined) continue;
      let needed = Infinity;
      for (const x of target.sameIndexReferrers) needed = Math.min(needed, x.next);
      // The latest is kept apart; anything below every referrer's next index is done with.
      while (target.lowest < needed && target.lowest < target.count) target.history.delete(target.lowest++);
    }
  }

  /** The names an expression sees: the fields made so far, then prev, index, org_id. */
  private variablesOf(s: DefState): Variables {
    return (name) => {
      if (Object.prototype.hasOwnProperty.call(s.data, name)) return s.data[name] ?? null;
      switch (name) {
        case 'prev':
          return s.prev;
        case 'index':
          return s.index;
        case 'org_id':
          return this.story.orgId;
        default:
          return undefined;
      }
    };
  }

  private ref(s: DefState, path: string, fallback: { readonly value: unknown } | undefined): unknown {
    let r: RefTarget | undefined = s.def.refs.get(path);
    if (r === undefined) {
      const found = resolveRef(path, s.def, this.story.events);
      if (!found.ok) throw new Error(found.message);
      r = found.ref;
    }
    const target = this.states[r.target];
    let data: Record<string, unknown> | undefined;
    let which: string;
    if (r.sameIndex && target.count > s.index && target.history?.has(s.index) === true) {
      data = target.history.get(s.index);
      which = `#${s.index} (same repetition)`;
    } else {
      data = target.latest;
      which = `#${target.count - 1} (latest)`;
    }
    if (data === undefined) {
      if (fallback !== undefined) {
        if (this.debug !== undefined) this.log(`  ref(${path}): ${target.def.key} has not happened yet → default ${JSON.stringify(fallback.value)}`);
        return fallback.value;
      }
      throw new Error(`${target.def.event} has not happened yet: nothing to refer to (give a default: ref(${path}, null))`);
    }
    let v: unknown = data;
    for (const key of r.field) {
      if (!isDict(v) || !Object.prototype.hasOwnProperty.call(v, key)) throw new Error(`${target.def.key} ${which} has no field "${r.field.join('.')}"`);
      v = v[key];
    }
    if (this.debug !== undefined) this.log(`  ref(${path}) → ${target.def.key} ${which} = ${JSON.stringify(v)}`);
    return v ?? null;
  }

  private failure(s: DefState, where: string, e: unknown): StoryError {
    const message = e instanceof Error ? e.message : String(e);
    return new StoryError(`${where}: ${message} (${s.def.key} #${s.index} at ${this.story.zone.iso(this.now())})`, e);
  }

  private log(line: string): void {
    this.debug?.(`deep-faker:story ${line}`);
  }
}
