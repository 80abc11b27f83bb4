/**
 * What `deep-faker run FILE` will run, once its flags are checked: the model (a module or a YAML
 * model, loaded and its settings checked) or the story, its outputs, the notes after the summary,
 * and how to run one shard of it. The main thread makes the plan first (so a mistake is one
 * located message, exit 2, before anything runs); each worker of a `--workers` run makes the same
 * plan from the same arguments and runs its shard.
 *
 * @example
 * const plan = await planRun(file, flags, process.cwd(), say);
 * const summary = await plan.run({ outputs: plan.outputs, shard: WHOLE, stop: NEVER });
 */
import * as path from 'node:path';
import type { Observable } from 'rxjs';
import { formatConfigError } from '../config/configError';
import { isStoryFile } from '../config/story/isStory';
import { parseDuration } from '../core/duration';
import type { SimulationModel, SimulationSettings } from '../engine/model';
import { FOREVER, MAX_TIME, resolveSettings } from '../engine/model';
import type { RunStats } from '../engine/runStats';
import { type Shard, shardLabel, shareOf } from '../engine/shard';
import type { EntityType } from '../entities/entity';
import type { EntityStore } from '../entities/entityStore';
import type { RunSummary } from '../runtime/runSimulation';
import { RunError, runSimulation } from '../runtime/runSimulation';
import { seedOf } from '../runtime/simulate';
import type { SinkOperator } from '../sinks/sink';
import { deliveryFromFlags } from './deliveryFlags';
import { describeError } from './describeError';
import { describeHistory } from './formatSummary';
import { loadModule } from './loadModule';
import { locate, ModelError } from './modelError';
import { outputOperator } from './parseOutput';
import type { RunFlags } from './runArgs';

/**
 * The state history of a CLI run whose model does not set one: a window, so that a long run's
 * memory stays bounded while `store.query` (an output's, through `onStore`) still answers the
 * last hour. The engine never queries history itself, so the output is the same whatever it keeps.
 */
export const CLI_HISTORY = { keep: '1h' } as const;

/** How one shard of a plan runs. */
export interface ShardRun {
  readonly outputs: ReadonlyArray<SinkOperator>;
  readonly shard: Shard;
  /** The seed resolved once for every shard (`--workers`); undefined: the flag's, the model's, else a random one. */
  readonly seed?: number;
  /** The wall clock resolved once for `now` start times (`--workers`); undefined: the current time. */
  readonly now?: number;
  /** `--rate` is shared by this many threads (each paces at its part); default 1. */
  readonly rateShare?: number;
  readonly stop: Observable<unknown>;
  readonly onProgress?: (stats: RunStats) => void;
  readonly onStore?: (store: EntityStore) => void;
}

/** A run, planned. */
export interface RunPlan {
  /** The outputs: the `--output` values', else the model's, else stdout. */
  readonly outputs: ReadonlyArray<SinkOperator>;
  /** The state history kept (`describeHistory`), for the summary; undefined for stories. */
  readonly history?: string;
  /** The model's entity types (the progress line counts their live entities). */
  readonly entityTypes?: ReadonlyArray<EntityType<any>>;
  /** Initial entities per type declared `shared`: every shard has them, so totals count them once. */
  readonly sharedInitial: ReadonlyMap<string, number>;
  /** The seed of a run that gives none: the model's (or story's), else a random one. */
  readonly resolveSeed: () => number;
  /** The note after the summary of a run of `shards` (of `seed`, when every shard used it), or undefined. */
  readonly note: (shards: ReadonlyArray<Shard>, seed?: number) => (summary: RunSummary) => string | undefined;
  /** Runs one shard. */
  readonly run: (r: ShardRun) => Promise<RunSummary>;
  /** The message and exit code of a failed run's cause. */
  readonly failure: (cause: unknown) => { readonly message: string; readonly code: number };
}

const n = (x: number): string => x.toLocaleString('en-US');

/** Plans `run FILE`: a story, or a module / YAML model; `cwd` names the story in its errors, `say` gets its debug lines. */
export const planRun = async (file: string, flags: RunFlags, cwd: string, say: (line: string) => void): Promise<RunPlan> =>
  isStoryFile(file) ? planStory(file, flags, cwd, say) : planModel(file, flags);

const planModel = (file: string, flags: RunFlags): RunPlan => {
  const loaded = loadModule(file);
  const delivery = deliveryFromFlags(flags.deliveryValues, loaded.delivery);
  const overrides: Partial<Record<keyof SimulationSettings, unknown>> = {};
  if (flags.seed !== undefined) overrides.seed = flags.seed;
  if (flags.duration !== undefined) overrides.duration = flags.duration;
  if (flags.totalEvents !== undefined) overrides.totalEvents = flags.totalEvents;
  if (flags.start !== undefined) overrides.startTime = flags.start;
  if (flags.timeMultiplier !== undefined) overrides.timeMultiplier = flags.timeMultiplier;
  const historyByDefault = loaded.model.settings.history === undefined;
  if (historyByDefault) overrides.history = CLI_HISTORY;
  const model: SimulationModel = { ...loaded.model, settings: { ...loaded.model.settings, ...overrides } as SimulationSettings };
  checkSettings(model, flags.seed, file);
  const outputs = flags.outputs ?? (loaded.outputs.length > 0 ? [...loaded.outputs] : [outputOperator({ _tag: 'Stdout', format: 'json' })]);
  const duration = model.settings.duration;
  const forever = duration === undefined || duration === FOREVER;
  const endedBy = forever ? 'the model ended (every session finished)' : `the run reached its duration (${String(duration)} of virtual time)`;
  const hint = forever ? undefined : 'give a longer --duration for more';
  const initial = model.settings.initialEntities ?? {};
  return {
    outputs,
    history: describeHistory(model.settings.history!, historyByDefault),
    entityTypes: model.entities,
    sharedInitial: new Map(model.entities.filter((t) => t.shared === true).map((t) => [t.name, initial[t.name] ?? 0] as const)),
    resolveSeed: () => seedOf(model, flags.seed),
    note: (shards, seed) => {
      const events = totalEventsNote(flags.totalEvents, shards, endedBy, hint);
      const world = separateShardsNote(shards, model.settings.seed === undefined && flags.seed === undefined, (model.settings.startTime ?? 'now') === 'now');
      return (summary) =>
        [(forever ? endOfDatesNote(summary) : undefined) ?? events(summary), world(seed ?? summary.seed, summary)].filter((x) => x !== undefined).join('; ') ||
        undefined;
    },
    run: (r) =>
      runSimulation(model, {
        outputs: r.outputs,
        shard: r.shard,
        seed: r.seed,
        now: r.now,
        stop: r.stop,
        onProgress: r.onProgress,
        onStore: r.onStore,
        delivery,
        rate: flags.rate === undefined ? undefined : flags.rate / (r.rateShare ?? 1),
      }).catch((e: unknown) => {
        throw e instanceof RunError ? e : toModelError(e, file);
      }),
    failure: (cause) => ({ message: isModelMistake(cause) ? locate(cause as ModelError, file) : describeError(cause), code: isModelMistake(cause) ? 2 : 1 }),
  };
};

/** `run story.yaml`: a story into the outputs (default stdout), with the same summary and exit codes. */
const planStory = async (file: string, flags: RunFlags, cwd: string, say: (line: string) => void): Promise<RunPlan> => {
  // The story front end loads only for a story.
  const [{ loadStory }, { runStory }, { debugEnabled }] = await Promise.all([
    import('../config/story/loadStory'),
    import('../config/story/runStory'),
    import('../config/story/streamStory'),
  ]);
  const loaded = loadStory(file, { file: path.relative(cwd, file) || file });
  if (!loaded.ok) throw new ModelError(loaded.errors.map(formatConfigError).join('\n'));
  const story = loaded.story;
  const debug = flags.debug || debugEnabled(process.env.DEBUG) ? say : false;
  const delivery = deliveryFromFlags(flags.deliveryValues, undefined);
  return {
    outputs: flags.outputs ?? [outputOperator({ _tag: 'Stdout', format: 'json' })],
    sharedInitial: new Map(),
    resolveSeed: () => flags.seed ?? story.seed ?? 0,
    note: (shards) => {
      const events = totalEventsNote(flags.totalEvents, shards, 'the story ended (its schedule has no more occurrences)', undefined);
      const world = separateShardsNote(shards, false, flags.start === 'now');
      return (summary) => [events(summary), world(summary.seed, summary)].filter((x) => x !== undefined).join('; ') || undefined;
    },
    run: (r) =>
      runStory(story, {
        outputs: r.outputs,
        seed: r.seed ?? flags.seed,
        totalEvents: flags.totalEvents,
        timeMultiplier: flags.timeMultiplier,
        rate: flags.rate === undefined ? undefined : flags.rate / (r.rateShare ?? 1),
        // A story ends with its schedule: forever only lifts the extra bound.
        duration: flags.duration === undefined || flags.duration === FOREVER ? undefined : parseDuration(flags.duration),
        // "now" is resolved here, at the edge (once for every worker of a run).
        start: flags.start === 'now' ? (r.now ?? Date.now()) : flags.start,
        debug,
        stop: r.stop,
        onProgress: r.onProgress,
        delivery,
        shard: r.shard,
      }),
    failure: (cause) => ({ message: describeError(cause), code: 1 }),
  };
};

const isModelMistake = (e: unknown): boolean => e instanceof ModelError;

/**
 * The settings checked before the run (the engine checks them again when it starts): a mistake is
 * `file: setting: message`, exit 2, instead of a failed run with an empty summary.
 */
const checkSettings = (model: SimulationModel, seed: number | undefined, file: string): void => {
  try {
    resolveSettings(model, { seed, now: Date.now() });
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(`${path.relative(process.cwd(), file) || file}: ${e.message}`, { cause: e });
    throw e;
  }
};

/**
 * The note after a run that ended before `--total-events` was reached (its shards' share of it):
 * the model's duration (or its end) comes first, and saying so beats a silently short run.
 */
const totalEventsNote =
  (totalEvents: number | undefined, shards: ReadonlyArray<Shard>, endedBy: string, hint: string | undefined) =>
  (summary: RunSummary): string | undefined => {
    if (totalEvents === undefined) return undefined;
    const expected = shards.reduce((sum, s) => sum + shareOf(totalEvents, s), 0);
    if (summary.events >= expected) return undefined;
    const share = expected === totalEvents ? '' : ` (${shards.length === 1 ? `shard ${shardLabel(shards[0])}'s` : "these shards'"} share of ${n(totalEvents)})`;
    return `${endedBy} after ${n(summary.events)} of the ${n(expected)} events of --total-events${share}${hint === undefined ? '' : `; ${hint}`}`;
  };

/**
 * A process that runs some of the shards (`--shard i/N`), with a seed or start time of its own
 * drawing: the other shards' processes make one world with it only if they use the same ones.
 */
const separateShardsNote =
  (shards: ReadonlyArray<Shard>, randomSeed: boolean, startNow: boolean) =>
  (seed: number, summary: RunSummary): string | undefined => {
    if (shards.length >= shards[0].count || (!randomSeed && !startNow)) return undefined;
    const drew = [...(randomSeed ? [`a random seed (${seed})`] : []), ...(startNow ? [`the start time "now" (${summary.virtualStart})`] : [])];
    const give = [...(randomSeed ? [`--seed ${seed}`] : []), ...(startNow ? [`--start ${summary.virtualStart}`] : [])];
    return `this process ran ${shards.length === 1 ? `shard ${shardLabel(shards[0])}` : `${shards.length} of ${shards[0].count} shards`} with ${drew.join(' and ')}: the other shards make one world with it only when run with ${give.join(' ')}`;
  };

/** The run without a duration that got to the last date a JavaScript Date holds: it ended there, not by a bug. */
const endOfDatesNote = (summary: RunSummary): string | undefined =>
  summary.virtualEnd === new Date(MAX_TIME).toISOString()
    ? `virtual time reached ${summary.virtualEnd}, the last date JavaScript can represent, so the run ended there (the sessions still going are counted as truncated)`
    : undefined;

const toModelError = (e: unknown, file: string): unknown => (isModelMistake(e) ? new ModelError(locate(e as ModelError, file), { cause: e }) : e);
