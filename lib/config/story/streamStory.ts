/**
 * `streamStory(pathOrText, options?)`: a story as a cold `Observable<StoryEvent>` that is also an
 * async iterable — the story format's `for event in stream_story("stories/basic.yaml")`:
 *
 * ```ts
 * for await (const e of streamStory('scenarios/saas.story.yaml')) process(e);
 * streamStory('scenarios/saas.story.yaml').pipe(filter((e) => e.source === 'stripe')).subscribe(…);
 * ```
 *
 * Without `options.scheduler` each subscription runs on its own virtual-time scheduler driven by
 * the event loop (as fast as possible, or paced with `timeMultiplier`); `for await` holds the run
 * back while more than `highWaterMark` events wait to be consumed. With `options.scheduler` (a
 * `TestScheduler` in marble specs) events are emitted on it and nothing drives it for you.
 *
 * A story with mistakes throws `ConfigErrors` (every error, `file:line:col path: message`) when
 * `streamStory` is called; an event that cannot be made (a `switch` without a matching case)
 * ends the stream with a `StoryError` naming file, line, column, field and occurrence.
 *
 * Debug lines (`deep-faker:story …`: the schedule, each event, each field's expression and value,
 * each ref's choice) go to `options.debug`: a function, `true` for stderr, or by default stderr
 * when the `DEBUG` environment variable matches `deep-faker:story` (`DEBUG=deep-faker:*`).
 *
 * @example
 * const events = await lastValueFrom(streamStory(text, { seed: 7 }).pipe(toArray()));
 */
import type { Observable, SchedulerLike } from 'rxjs';
import { Observable as RxObservable, tap } from '../../core/rx';
import { ConfigErrors } from '../configError';
import { Backpressure } from '../../runtime/backpressure';
import { onVirtualTime } from '../../runtime/onVirtualTime';
import { checkRate } from '../../runtime/rateLimit';
import type { RunStats } from '../../engine/runStats';
import type { Story } from '../../story/story';
import type { LoadStoryOptions } from './loadStory';
import { loadStory } from './loadStory';
import { playStory } from '../../story/playStory';
import type { StoryEvent } from '../../story/storyEvent';
import { parseStoryDate } from '../../story/zonedTime';
import { StoryError } from '../../story/storyError';
import { inStoryTime, STORY_TIME_LIMIT } from '../../story/storyTime';
import { checkShard, type Shard, shardSeed, shareOf, WHOLE } from '../../engine/shard';

/** Options of `streamStory`. */
export interface StreamStoryOptions extends LoadStoryOptions {
  /** Run on this scheduler (e.g. `TestScheduler`); default: a fresh one driven by the event loop. */
  readonly scheduler?: SchedulerLike;
  /** Default: the story's `seed`, else 0. */
  readonly seed?: number;
  /** Overrides start_date: ISO-8601 (local to the story's zone without an offset) or epoch ms. */
  readonly start?: string | number;
  /** An extra bound on virtual time from the start, in ms (the CLI parses `--duration 10d`). */
  readonly duration?: number;
  /** Stop after this many events. */
  readonly totalEvents?: number;
  /** Pace against the wall clock (1 = real time); default as fast as possible. */
  readonly timeMultiplier?: number;
  /** Pace by events instead: on average at most this many per wall-clock second (not with `timeMultiplier`: a `SettingsError`). */
  readonly rate?: number;
  /** Most events buffered for a slow `for await` consumer before the run waits (default 1000). */
  readonly highWaterMark?: number;
  /** Debug lines: a function, `true` for stderr, `false` for none; default from `DEBUG`. */
  readonly debug?: boolean | ((line: string) => void);
  /** Counters to fill while running (used by `runStory`). */
  readonly stats?: RunStats;
  /**
   * Play shard `index` of `count` (`deep-faker run --shard`, `--workers`). A story is one
   * organisation's timeline, so each shard plays it as another organisation: `org_id` becomes
   * `<org_id>-<index>` (when count > 1), the seed `shardSeed(seed, shard)` and `totalEvents` the
   * shard's share (`shareOf`). Default: the whole story, unchanged.
   */
  readonly shard?: Shard;
}

/** A story's events: an Observable you can also `for await`. */
export class StoryStream extends RxObservable<StoryEvent> implements AsyncIterable<StoryEvent> {
  constructor(
    private readonly open: (backpressure: Backpressure | undefined) => Observable<StoryEvent>,
    private readonly highWaterMark = 1_000,
  ) {
    super((subscriber) => open(undefined).subscribe(subscriber));
  }

  [Symbol.asyncIterator](): AsyncIterator<StoryEvent> {
    const flow = new Backpressure(this.highWaterMark);
    const buffer: StoryEvent[] = [];
    let head = 0;
    let done = false;
    let failure: { readonly error: unknown } | undefined;
    let waiting: { resolve: (r: IteratorResult<StoryEvent>) => void; reject: (e: unknown) => void } | undefined;
    const subscription = this.open(flow).subscribe({
      next: (e) => {
        if (waiting !== undefined) {
          const w = waiting;
          waiting = undefined;
          flow.acked();
          w.resolve({ value: e, done: false });
        } else buffer.push(e);
      },
      error: (error: unknown) => {
        failure = { error };
        if (waiting !== undefined) waiting.reject(error);
        waiting = undefined;
      },
      complete: () => {
        done = true;
        if (waiting !== undefined) waiting.resolve({ value: undefined, done: true });
        waiting = undefined;
      },
    });
    const finish = (): Promise<IteratorResult<StoryEvent>> => {
      subscription.unsubscribe();
      done = true;
      buffer.length = 0;
      head = 0;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (head < buffer.length) {
          const value = buffer[head++];
          if (head > 1024 && head * 2 > buffer.length) {
            buffer.splice(0, head);
            head = 0;
          }
          flow.acked();
          return Promise.resolve({ value, done: false });
        }
        if (failure !== undefined) return Promise.reject(failure.error);
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      return: finish,
    };
  }
}

/** Whether a `DEBUG` value (`deep-faker:*`, `*`, `a,b`, `-x`) enables `namespace`. */
export const debugEnabled = (spec: string | undefined, namespace = 'deep-faker:story'): boolean => {
  if (spec === undefined || spec.trim() === '') return false;
  let on = false;
  for (const raw of spec.split(/[\s,]+/)) {
    if (raw === '') continue;
    const negate = raw.startsWith('-');
    const pattern = new RegExp(`^${(negate ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (pattern.test(namespace)) on = !negate;
  }
  return on;
};

const toStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The debug sink for an option value (reads `DEBUG` when it is undefined). */
export const debugSink = (debug: StreamStoryOptions['debug']): ((line: string) => void) | undefined => {
  if (typeof debug === 'function') return debug;
  if (debug === true) return toStderr;
  if (debug === false) return undefined;
  return debugEnabled(process.env.DEBUG) ? toStderr : undefined;
};

/** Resolves a start override against the story's zone; a start outside story time is a `StoryError`. */
const startOf = (story: Story, start: string | number | undefined): number | undefined => {
  if (start === undefined) return undefined;
  const ms = typeof start === 'number' ? start : parseStoryDate(start, story.zone)?.ms;
  if (ms === undefined) throw new StoryError(`start: expected an ISO-8601 date or date-time, got ${JSON.stringify(start)}`);
  if (!inStoryTime(story.zone, ms)) throw new StoryError(`start: ${JSON.stringify(start)} is outside story time; ${STORY_TIME_LIMIT}`);
  return ms;
};

/** Loads a story or throws `ConfigErrors` with every mistake. */
export const loadStoryOrThrow = (pathOrText: string, options: LoadStoryOptions = {}): Story => {
  const loaded = loadStory(pathOrText, options);
  if (!loaded.ok) throw new ConfigErrors(loaded.errors);
  return loaded.story;
};

/**
 * The events of a loaded story with an optional backpressure: on `options.scheduler`, or on a
 * fresh virtual-time scheduler driven by the event loop that waits while `backpressure` is paused
 * (each event counts as emitted; the consumer acknowledges).
 */
export const storyEvents = (whole: Story, options: StreamStoryOptions = {}, backpressure?: Backpressure): Observable<StoryEvent> => {
  const shard = checkShard(options.shard ?? WHOLE);
  const story = shardOf(whole, shard);
  const start = startOf(story, options.start) ?? story.start;
  const seed = options.seed ?? story.seed ?? 0;
  const play = {
    seed: shardSeed(seed, shard),
    start,
    end: options.duration === undefined ? undefined : start + options.duration,
    totalEvents: options.totalEvents === undefined ? undefined : shareOf(options.totalEvents, shard),
    debug: debugSink(options.debug),
    stats: options.stats,
  };
  const played = (scheduler: SchedulerLike): Observable<StoryEvent> => reportSeed(playStory(story, { ...play, scheduler }), options.stats, seed);
  if (options.scheduler !== undefined) return played(options.scheduler);
  if (options.rate !== undefined) checkRate(options.rate, options.timeMultiplier);
  return onVirtualTime(
    (virtual) => {
      const events = played(virtual);
      return backpressure === undefined ? events : events.pipe(tap(() => backpressure.emitted()));
    },
    { startTime: start, timeMultiplier: options.timeMultiplier, rate: options.rate, backpressure },
  );
};

/** Shard i of N of a story: the same timeline for the organisation `<org_id>-<i>` (the story itself unsharded). */
const shardOf = (story: Story, shard: Shard): Story => (shard.count === 1 ? story : { ...story, orgId: `${story.orgId}-${shard.index}` });

/**
 * The run's counters name the story's seed, not the shard's (as a sharded model's summary does):
 * with the shard, it is what reproduces the run. The player sets its own on subscribe.
 */
const reportSeed = (events: Observable<StoryEvent>, stats: RunStats | undefined, seed: number): Observable<StoryEvent> =>
  stats === undefined
    ? events
    : new RxObservable<StoryEvent>((subscriber) => {
        const subscription = events.subscribe(subscriber);
        stats.seed = seed;
        return subscription;
      });

/** The events of a story (a path, YAML text, or a loaded `Story`). */
export const streamStory = (story: string | Story, options: StreamStoryOptions = {}): StoryStream => {
  const s = typeof story === 'string' ? loadStoryOrThrow(story, options) : story;
  startOf(s, options.start); // a bad start fails now, not on subscribe
  return new StoryStream((backpressure) => storyEvents(s, options, backpressure), options.highWaterMark);
};
