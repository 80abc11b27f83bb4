import type { SchedulerLike } from 'rxjs';
import type { EntityStore } from '../entities/entityStore';
import type { RunStats } from './runStats';
import type { Shard } from './shard';

/** What the engine runs on. */
export interface Env {
  /** Virtual time. `HeapScheduler` for runs, `TestScheduler` for marble specs. */
  readonly scheduler: SchedulerLike;
  /** Overrides the model's seed. */
  readonly seed?: number;
  /** Wall-clock epoch ms for `startTime: "now"` (the runtime resolves it; the engine never reads the clock). */
  readonly now?: number;
  /** Which part of a sharded world to run (see shard.ts). Default: all of it. */
  readonly shard?: Shard;
  /** Counters to fill while running. */
  readonly stats?: RunStats;
  /** Receives the entity store when the run starts (for temporal queries in specs and tools). */
  readonly onStore?: (store: EntityStore) => void;
}
