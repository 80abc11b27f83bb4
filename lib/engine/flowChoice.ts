/**
 * Which flow a free slot starts: one of the flows whose filters can all be satisfied now, chosen
 * by weight (the draw `Rng.weighted` makes over their weights, without building arrays for it).
 * A flow of weight 0 never starts; with a single candidate nothing is drawn.
 *
 * @example
 * const choice = new FlowChoice(model.flows, store, Rng.derive(seed, 'flows'));
 * const i = choice.choose(); // an index into model.flows, or -1 when no flow can start now
 * choice.filterIndexes[i]; // the indexes its filters pick from
 */
import type { Rng } from '../core/rng';
import type { EntityStore, SelectIndex } from '../entities/entityStore';
import type { FlowDef } from '../flows/flow';

/** Chooses the flow of each new session. */
export class FlowChoice {
  /** Per flow, the indexes of its filters. */
  readonly filterIndexes: ReadonlyArray<ReadonlyArray<SelectIndex>>;
  /** Scratch: indexes of the flows that can start now. */
  private readonly eligible: Int32Array;

  constructor(
    private readonly flows: ReadonlyArray<FlowDef>,
    private readonly store: EntityStore,
    private readonly rng: Rng,
  ) {
    this.eligible = new Int32Array(flows.length);
    this.filterIndexes = flows.map((f) => f.filters.map((s) => store.index(s.entity, s.where)));
  }

  /** The index of the flow to start, or -1 when none can start now. */
  choose(): number {
    const flows = this.flows;
    const eligible = this.eligible;
    let count = 0;
    let total = 0;
    for (let i = 0; i < flows.length; i++) {
      const w = flows[i].weight;
      if (w <= 0) continue;
      let ok = true;
      for (const idx of this.filterIndexes[i]) if (this.store.available(idx) === 0) ok = false;
      if (ok) {
        eligible[count++] = i;
        total += w;
      }
    }
    if (count === 0) return -1;
    let chosen = eligible[count - 1];
    if (count === 1) chosen = eligible[0];
    else {
      let r = this.rng.next() * total;
      for (let j = 0; j < count; j++) {
        r -= flows[eligible[j]].weight;
        if (r < 0) {
          chosen = eligible[j];
          break;
        }
      }
    }
    return chosen;
  }
}
