/**
 * The open system's arrival clock: with `arrivals` a session starts at each arrival, however many
 * are running. `{ count: n, over }`: n start times drawn uniformly over [0, over), and the run
 * completes once every arrival has come and every session has ended. `{ rate }`: exponential gaps
 * until the end of the run.
 *
 * @example
 * const arrivals = new Arrivals(run, settings);
 * arrivals.start(settings.arrivals); // schedules the first arrival
 * arrivals.leave(slot); // an arrival's session ended
 */
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import { Rng } from '../core/rng';
import type { ResolvedArrivals, ResolvedSettings } from './model';
import type { Slot } from './session';
import { newSlot } from './session';

/** What the arrival clock drives. */
export interface ArrivalHost {
  readonly scheduler: SchedulerLike;
  readonly stopped: boolean;
  /** Virtual time, epoch ms. */
  now(): number;
  /** Starts a session in `slot` (or counts it unmatched and calls `leave`). */
  startSession(slot: Slot): void;
  /** Completes the run. */
  finish(): void;
}

/** Arrivals of one run. */
export class Arrivals {
  /** The live arrivals' slots. */
  readonly slots = new Set<Slot>();
  private action: SchedulerAction<void> | undefined;
  private left = 0;
  /** Position of the arrival clock: a fraction of `over` (count) or ms since start (rate). */
  private at = 0;

  constructor(
    private readonly run: ArrivalHost,
    private readonly settings: ResolvedSettings,
  ) {}

  /**
   * Starts the clock. With a count the sorted start times are generated in order without storing
   * them: the next one is x + (1 - x)(1 - u^(1/k)) with k arrivals left (the minimum of k uniforms
   * on [x, 1)).
   */
  start(arrivals: ResolvedArrivals): void {
    const rng = Rng.derive(this.settings.seed, 'arrivals');
    const { start } = this.settings;
    const next = (): number => {
      const u = rng.next();
      if (arrivals.kind === 'count') {
        this.at += (1 - this.at) * (1 - Math.pow(1 - u, 1 / this.left));
        return start + Math.floor(this.at * arrivals.overMs);
      }
      this.at += -Math.log(1 - u) * arrivals.meanGapMs;
      return start + Math.floor(this.at);
    };
    this.left = arrivals.kind === 'count' ? arrivals.count : Infinity;
    const run = this.run;
    if (this.left === 0) {
      run.finish();
      return;
    }
    const self = this;
    const first = next();
    if (first >= this.settings.end) return;
    this.action = run.scheduler.schedule(function (this: SchedulerAction<void>) {
      self.left--;
      const slot = newSlot(true);
      self.slots.add(slot);
      run.startSession(slot);
      if (run.stopped || self.left === 0) return;
      const at = next();
      if (at < self.settings.end) this.schedule(undefined, at - run.now());
    }, first - run.now()) as SchedulerAction<void>;
  }

  /** An arrival's session is over; the run completes when it was the last of a counted open system. */
  leave(slot: Slot): void {
    this.slots.delete(slot);
    if (this.left === 0 && this.slots.size === 0) this.run.finish();
  }

  /** Stops the clock (live sessions are the run's to stop). */
  stop(): void {
    this.action?.unsubscribe();
  }
}
