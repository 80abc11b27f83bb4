/**
 * `runStory`: a story into outputs, like `runSimulation` for a model — virtual time driven on the
 * event loop (as fast as possible or paced), events in flight bounded by backpressure, every
 * output flushed, and the same `RunSummary` (sessions are all 0: a story has none).
 *
 * It is `runStream` (lib/runtime) around the story's event stream.
 *
 * @example
 * const summary = await runStory('scenarios/saas.story.yaml', { outputs: [toFile('out/story.jsonl')] });
 */
import type { Observable } from 'rxjs';
import type { RunStats } from '../../engine/runStats';
import type { RunSummary } from '../../runtime/runSimulation';
import { runStream } from '../../runtime/runSimulation';
import type { DeliverySettings } from '../../delivery/delivery';
import { deliveryFor } from '../../delivery/delivery';
import type { SinkOperator } from '../../sinks/sink';
import type { Story } from '../../story/story';
import type { SimEvent } from '../../core/simEvent';
import type { StreamStoryOptions } from './streamStory';
import { loadStoryOrThrow, storyEvents } from './streamStory';
import { shardSeed, WHOLE } from '../../engine/shard';

/** Options of `runStory`. */
export interface RunStoryOptions extends Omit<StreamStoryOptions, 'scheduler' | 'stats' | 'highWaterMark'> {
  readonly outputs?: ReadonlyArray<SinkOperator>;
  /** Delivery realism before the outputs (as `runSimulation`'s); its seed defaults to the story's. */
  readonly delivery?: DeliverySettings;
  /** Most events generated but not yet accepted by every output (default as `runSimulation`'s). */
  readonly highWaterMark?: number;
  /** Completing or emitting stops generation early; outputs still flush (e.g. on SIGINT). */
  readonly stop?: Observable<unknown>;
  /** Called with the counters after every event accepted by all outputs. */
  readonly onProgress?: (stats: RunStats) => void;
}

/** Runs a story (a path, YAML text, or a loaded `Story`) into its outputs; resolves with the summary. */
export const runStory = (story: string | Story, options: RunStoryOptions = {}): Promise<RunSummary> => {
  const s = typeof story === 'string' ? loadStoryOrThrow(story, options) : story;
  const { outputs, stop, onProgress, highWaterMark, delivery: settings, ...streamOptions } = options;
  const seed = streamOptions.seed ?? s.seed ?? 0;
  // Delivery realism draws from the shard's seed, as a sharded model's does.
  const transform = deliveryFor(settings, shardSeed(seed, streamOptions.shard ?? WHOLE));
  return runStream(({ stats, backpressure }) => storyEvents(s, { ...streamOptions, stats }, backpressure) as Observable<SimEvent>, {
    outputs,
    stop,
    onProgress,
    highWaterMark,
    transform,
  });
};
