/**
 * Running a simulation for real: the events of `simulate(model)` (simulate.ts) piped through the
 * outputs, in-flight events bounded by backpressure, and a summary at the end.
 *
 * @example
 * const summary = await runSimulation(sim, { outputs: [toFile('out/events.jsonl')] });
 */
import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { ReplaySubject, takeUntil, tap } from '../core/rx';
import type { DeliverySettings } from '../delivery/delivery';
import { deliveryFor } from '../delivery/delivery';
import type { SimEvent } from '../core/simEvent';
import type { SimulationModel } from '../engine/model';
import type { EntityStore } from '../entities/entityStore';
import type { RunStats } from '../engine/runStats';
import { createRunStats } from '../engine/runStats';
import type { SinkOperator } from '../sinks/sink';
import { Backpressure } from './backpressure';
import { seedOf, simulate } from './simulate';
import { DeepFakerError } from '../core/errors';
import { type Shard, shardSeed, WHOLE } from '../engine/shard';

/** Options of a run. */
export interface RunOptions {
  readonly outputs?: ReadonlyArray<SinkOperator>;
  readonly seed?: number;
  /**
   * Run shard `index` of `count` of the model's world (see lib/engine/shard.ts): its part of the
   * sessions, arrivals, initial entities and `totalEvents`, its own seed and entity keys. The
   * same (model, seed, shard) gives the same output wherever it runs. Default: the whole world.
   */
  readonly shard?: Shard;
  /** Wall-clock start for `startTime: "now"` (default: the current time). */
  readonly now?: number;
  /** Paces virtual time against the wall clock (1 = real time); default: the model's, else as fast as possible. */
  readonly timeMultiplier?: number;
  /**
   * Paces by events instead: on average at most this many events per wall-clock second (a
   * token bucket on the events the model generates; what delivery duplicates comes on top). The
   * output is the same as an unpaced run's, only spread out in time. The model's
   * `timeMultiplier` is ignored; with the `timeMultiplier` option too, the run fails with a
   * `SettingsError`.
   */
  readonly rate?: number;
  /**
   * Most events generated but not yet accepted by every output. Default: the largest `window` of
   * the outputs (500 for `toFile`, a batch per connection and one filling for `toMySQL`), or
   * 2 000 when an output states none (enough for two full output batches). Small enough that
   * in-flight events die young: a larger window gets them promoted out of the young generation
   * and the run spends its time in GC.
   */
  readonly highWaterMark?: number;
  /** Completing this stops generation early; outputs still flush (e.g. on SIGINT). */
  readonly stop?: Observable<unknown>;
  /** Called with the counters after every event accepted by all outputs (cheap: read, don't keep). */
  readonly onProgress?: (stats: RunStats) => void;
  /** Receives the run's entity store when it starts (to watch it, e.g. live entities per type in a progress line; don't change it). */
  readonly onStore?: (store: EntityStore) => void;
  /**
   * Delivery realism between the engine and the outputs (`delivery(...)` of lib/delivery); its seed
   * defaults to the run's. Events the stages hold (reorder buffers) do not count against
   * `highWaterMark`, so a reorder window larger than the mark cannot stall the run.
   */
  readonly delivery?: DeliverySettings;
}

/** What a run did. */
export interface RunSummary {
  readonly seed: number;
  readonly events: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly sessions: RunStats['sessions'];
  /** Per entity type that had entities: created (initial ones included), retired (by flows or churn), and live at the end. */
  readonly entities: Readonly<Record<string, { readonly created: number; readonly retired: number; readonly live: number }>>;
  /** Virtual time span covered (ISO-8601). */
  readonly virtualStart: string;
  readonly virtualEnd: string;
  readonly wallMs: number;
  /** Events acknowledged per output. */
  readonly outputs: ReadonlyArray<{ readonly name: string; readonly accepted: number }>;
}

/** A run that failed; `summary` says what was generated and acknowledged before it stopped. */
export class RunError extends DeepFakerError {
  override readonly name = 'RunError';
  constructor(
    readonly cause: unknown,
    readonly summary: RunSummary,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Events in flight when an output states no `window`. */
const DEFAULT_HIGH_WATER_MARK = 2_000;

/** The largest window of the outputs (each output must be able to stay busy). */
const defaultHighWaterMark = (outputs: ReadonlyArray<SinkOperator>): number => {
  let mark = 0;
  for (const o of outputs) mark = Math.max(mark, o.window ?? DEFAULT_HIGH_WATER_MARK);
  return mark > 0 ? mark : DEFAULT_HIGH_WATER_MARK;
};

/** What `runStream` hands the stream it runs: the counters to fill and the backpressure to obey. */
export interface StreamRun {
  readonly stats: RunStats;
  readonly backpressure: Backpressure;
  /** @deprecated Renamed `backpressure`. */
  readonly flowControl: Backpressure;
  /** Outputs that want the run's entity store (e.g. `toMySQL({ entityTables })`) get it here. */
  readonly onStore: (store: EntityStore) => void;
}

/** Options of `runStream`: where the events go and how the run is bounded. */
export interface RunStreamOptions extends Pick<RunOptions, 'outputs' | 'highWaterMark' | 'stop' | 'onProgress' | 'onStore'> {
  /**
   * Stages between the stream and the outputs (e.g. `delivery(...)`). They may hold events back,
   * drop or add some (duplicates): backpressure counts what leaves them, not what enters, so a
   * stage holding more than `highWaterMark` events cannot stall the run; bounding what it holds is
   * the stage's own job (the delivery stages have windows).
   */
  readonly transform?: MonoTypeOperatorFunction<SimEvent>;
}

/**
 * Runs any event stream into outputs, the way `runSimulation` runs a model: events in flight
 * bounded by backpressure (the stream calls `backpressure.emitted()` per event and waits when it
 * says so), every output flushed, a `RunSummary` from the counters the stream fills (a
 * `RunError` carrying it when the stream or an output fails). Front ends that do not compile to
 * a `SimulationModel` (stories) run through it.
 *
 * @example
 * const summary = await runStream(({ stats, backpressure }) => myEvents(stats, backpressure), { outputs: [toStdout()] });
 */
export const runStream = (events$: (run: StreamRun) => Observable<SimEvent>, options: RunStreamOptions = {}): Promise<RunSummary> => {
  const outputs = options.outputs ?? [];
  const stats = createRunStats();
  const backpressure = new Backpressure(options.highWaterMark ?? defaultHighWaterMark(outputs));
  const wallStart = performance.now();
  const acceptedBefore = outputs.map((o) => o.stats.accepted);
  // Replays: a `stop` that fires or completes synchronously on subscribe (before the events are
  // subscribed) must still stop the run.
  const stop = new ReplaySubject<void>(1);
  const summary = (): RunSummary => ({
    seed: stats.seed,
    events: stats.events,
    eventsByType: { ...stats.eventsByType },
    sessions: { ...stats.sessions },
    entities: Object.fromEntries(Object.entries(stats.entities).map(([name, c]) => [name, { ...c, live: c.created - c.retired }])),
    virtualStart: new Date(stats.startTime).toISOString(),
    virtualEnd: new Date(stats.endTime).toISOString(),
    wallMs: Math.round(performance.now() - wallStart),
    outputs: outputs.map((o, i) => ({ name: o.sinkName, accepted: o.stats.accepted - acceptedBefore[i] })),
  });
  const onStore = (store: EntityStore): void => {
    for (const o of outputs) o.onStore?.(store);
    options.onStore?.(store);
  };
  let events = events$({ stats, backpressure, flowControl: backpressure, onStore }).pipe(takeUntil(stop));
  const transform = options.transform;
  if (transform !== undefined) {
    // An event entering the stages is taken off the count, one leaving them is put on it.
    events = events.pipe(
      tap(() => backpressure.acked()),
      transform,
      tap(() => backpressure.emitted()),
    );
  }
  for (const o of outputs) events = events.pipe(o);
  const onProgress = options.onProgress;
  return new Promise<RunSummary>((resolve, reject) => {
    const stopSub = options.stop?.subscribe({ next: () => stop.next(), complete: () => stop.next() });
    events.subscribe({
      next: () => {
        backpressure.acked();
        onProgress?.(stats);
      },
      error: (e: unknown) => {
        stopSub?.unsubscribe();
        reject(new RunError(e, summary()));
      },
      complete: () => {
        stopSub?.unsubscribe();
        resolve(summary());
      },
    });
  });
};

/**
 * Runs a simulation into its outputs, through `options.delivery` when set; resolves with the
 * summary once every output has flushed.
 */
export const runSimulation = (model: SimulationModel, options: RunOptions = {}): Promise<RunSummary> => {
  const seed = seedOf(model, options.seed);
  const settings = options.delivery;
  const shard = options.shard ?? WHOLE;
  // Delivery realism draws from the shard's seed too, so shards do not repeat one another's choices.
  const transform = deliveryFor(settings, shardSeed(seed, shard));
  return runStream(
    ({ stats, backpressure, onStore }) =>
      simulate(model, { seed, shard, now: options.now, timeMultiplier: options.timeMultiplier, rate: options.rate, stats, backpressure, onStore }),
    { ...options, transform },
  );
};
