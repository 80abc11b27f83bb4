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
import { Observable } from '../core/rx';
import type { SchedulerAction, SchedulerLike, Subscriber } from 'rxjs';
import { Rng } from '../core/rng';
import type { RunStats } from '../engine/runStats';
import { ExprEvalError } from '../expr';
import { setOwn } from '../expr/values';
import { SeededFaker } from '../schema/seededFaker';
import { type DefState, definitionStates, pruneHistory, refValue, variablesOf } from './definitionStates';
import type { GeneratorContext } from './eventGenerator';
import { runGenerator } from './runGenerator';
import type { Story } from './story';
import { occurrenceTime } from './story';
import { dataSize } from './dataSize';
import { describeFailure, StoryError } from './storyError';
import { describeInstant, inStoryTime, STORY_TIME_LIMIT } from './storyTime';
import { type StoryEvent, storyEvent } from './storyEvent';

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

/** Plays `story` on `options.scheduler`. Cold: each subscription is an independent run. */
export const playStory = (story: Story, options: PlayStoryOptions): Observable<StoryEvent> =>
  new Observable<StoryEvent>((subscriber) => new Player(story, options, subscriber).start());

/** One run of a story: plans each definition's occurrences on the scheduler, makes and emits their events. */
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
  /** The first occurrence found past story time, reported when everything before it is out. */
  private outOfTime: StoryError | undefined;
  private stopped = false;
  private action: SchedulerAction<unknown> | undefined;
  private readonly stats: RunStats | undefined;

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
    const log = this.debug === undefined ? undefined : (line: string): void => this.log(line);
    this.states = definitionStates(story, seed, this.seeded.faker, (s, path, fallback) => refValue(this.states, story, s, path, fallback, log));
    for (const s of this.states) this.plan(s, false);
  }

  /** Virtual time, epoch ms. */
  private now(): number {
    return this.startMs + (this.scheduler.now() - this.t0);
  }

  /** Sets the state's next occurrence time (Infinity when it has no more). */
  private plan(s: DefState, log = true): void {
    const z = this.story.zone;
    const t = s.next < s.def.repeat ? occurrenceTime(z, this.startMs, s.def, s.next) : Infinity;
    // compileStory keeps schedules within story time; a start moved by the caller can still push
    // one out (NaN: past what a Date holds). Such a timestamp cannot be written: the stream ends
    // with this error once everything before it is emitted (story time only runs out forward).
    if (t !== Infinity && !(t >= this.end) && !inStoryTime(z, t)) {
      this.outOfTime ??= new StoryError(
        `${s.def.where}: occurrence #${s.next} of ${s.def.key} falls ${describeInstant(z, t)} (start ${describeInstant(z, this.startMs)}); ${STORY_TIME_LIMIT}`,
      );
      s.nextTime = Infinity;
      return;
    }
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
      this.log(
        `story ${this.story.file}: org ${this.story.orgId}, zone ${z.name}, start ${z.iso(this.startMs)}, end ${this.end === Infinity ? 'after the last event' : z.iso(this.end)}`,
      );
      for (const s of this.states) {
        const f = s.def.frequency;
        this.log(
          `schedule ${s.def.key}: ${s.def.repeat} × ${f.label} from ${s.nextTime === Infinity ? 'never (after the end)' : z.iso(s.nextTime)} (offset_days ${s.def.offsetDays})`,
        );
        for (const [path, r] of s.def.refs) {
          this.log(
            `  ref(${path}) → ${this.states[r.target].def.key} ${r.sameIndex ? 'by repetition index (both repeat ' + s.def.repeat + ' times), else the latest' : 'latest at or before each event'}`,
          );
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

  /** Ends the stream: all occurrences made (`outOfTime` then fails it), or `totalEvents` reached. */
  private complete(allMade = true): void {
    if (this.stopped) return;
    this.stopped = true;
    if (allMade && this.outOfTime !== undefined) this.subscriber.error(this.outOfTime);
    else this.subscriber.complete();
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
        this.subscriber.error(e instanceof StoryError ? e : this.failure(s, s.def.where, e));
        return;
      }
      if (this.stopped) return;
      if (this.emitted >= this.totalEvents) {
        this.complete(false);
        return;
      }
    }
    this.next();
  }

  /** Makes the next occurrence of `s` (its data fields in order, then its generator's) and emits it. */
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
    const variables = variablesOf(s, this.story.orgId);
    const limit = this.story.maxEventSize;
    let size = 0;
    for (const f of def.fields) {
      let v: unknown;
      try {
        v = f.evaluate(variables, ctx);
      } catch (e) {
        throw this.failure(s, f.locate(e instanceof ExprEvalError ? e.start : 0), e);
      }
      size += dataSize(v, limit - size);
      if (size > limit) throw this.failure(s, f.locate(0), new StoryError(tooLarge(limit)));
      setOwn(data, f.name, v);
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
      const out = runGenerator(gen, context, ctx, variables, (e) => this.failure(s, `${def.where} generator`, e));
      if (size + dataSize(out, limit - size) > limit) throw this.failure(s, `${def.where} generator`, new StoryError(tooLarge(limit)));
      for (const k of Object.keys(out)) setOwn(data, k, out[k]);
      if (this.debug !== undefined) this.log(`  generator → ${JSON.stringify(out)}`);
    }
    const e = storyEvent(def, { eventId, timestamp, time: now, runId: this.runId, orgId: this.story.orgId, data, shape: s.shape });
    // Bookkeeping before emitting: a subscriber that unsubscribes synchronously sees a consistent state.
    s.prev = data;
    s.latest = data;
    s.history?.set(index, data);
    s.count++;
    s.next++;
    this.plan(s);
    pruneHistory(this.states, s);
    this.emitted++;
    const stats = this.stats;
    if (stats !== undefined) {
      stats.events++;
      const byType = stats.eventsByType;
      setOwn(byType, def.event, (Object.hasOwn(byType, def.event) ? byType[def.event] : 0) + 1);
      stats.endTime = now;
    }
    this.subscriber.next(e);
  }

  private failure(s: DefState, where: string, e: unknown): StoryError {
    return new StoryError(`${where}: ${describeFailure(e)} (${s.def.key} #${s.index} at ${describeInstant(this.story.zone, this.now())})`, e);
  }

  private log(line: string): void {
    this.debug?.(`deep-faker:story ${line}`);
  }
}

/** Why an event stopped at `max_event_size`, and what to do. */
const tooLarge = (limit: number): string =>
  `the event's data passes max_event_size (${limit}, about its JSON size in characters); a value that grows with every event (str(prev), [prev.a, prev.a]) is the usual cause; a story may raise max_event_size`;
