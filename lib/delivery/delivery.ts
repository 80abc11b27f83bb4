/**
 * `delivery`: the delivery-realism operators composed in one order that makes sense, each stage
 * optional:
 *
 * 0. `envelope` — the producer's wire format: a function reshaping each event (the order simulator's
 *    envelope nests the payload), applied first so the stages after it see the final shape;
 * 1. `schemaVersions` — the producer's version (and payload shape) of each event;
 * 2. `withChecksum` — computed by the producer over that final payload;
 * 3. `withIngestTime` — when the downstream system ingested it (late arrivals);
 * 4. `deliverInIngestOrder` — so late events arrive after events ingested before them (on by
 *    default when `ingest` is set, window 10 000 events; `ingestOrder: false` keeps event order);
 * 5. `outOfOrder` — local disorder on top (`rate`, `window`);
 * 6. `duplicates` — at-least-once redelivery last, so a copy lands a few events after its original
 *    (before the reordering it would sort right next to it: same ingest time).
 *
 * Every stage draws from its own labelled stream of `seed`, so turning one stage on or off does not
 * change the draws of the others. With no stage set, events pass unchanged.
 *
 * @example
 * events$.pipe(delivery({ seed: 42,
 *   versions: [{ version: 2, rate: 0.35, eventTypes: ['order_created'], transform: (e) => ({ ...e, device_type: 'ios' }) }],
 *   checksum: true, ingest: { lateRate: 0.06, maxLate: '3d' }, outOfOrder: { rate: 0.12 }, duplicates: { rate: 0.01 } }), toStdout());
 */
import { messageOf } from '../core/errors';
import type { MonoTypeOperatorFunction, OperatorFunction } from 'rxjs';
import { identity, map } from '../core/rx';
import { SimEvent } from '../core/simEvent';
import { withMetaOf } from './deliveryMeta';
import { DeliverInIngestOrderOptions, deliverInIngestOrder } from './deliverInIngestOrder';
import { DuplicatesOptions, duplicates } from './duplicates';
import { OutOfOrderOptions, outOfOrder } from './outOfOrder';
import { SchemaVersion, SchemaVersionsOptions, schemaVersions } from './schemaVersions';
import { WithChecksumOptions, withChecksum } from './withChecksum';
import { WithIngestTimeOptions, withIngestTime } from './withIngestTime';
import { DeliveryError } from './deliveryError';

/** Options of `delivery`: a seed and the stages wanted. */
export interface DeliveryOptions {
  /** Seed of every stage. */
  readonly seed: number;
  /**
   * Reshapes each event into the producer's wire format before anything else (keep the metadata
   * slots: build the result with `setField` or `withMetaOf`). A throw ends the run naming the event.
   */
  readonly envelope?: (e: SimEvent) => SimEvent;
  /** Schema versions: the list, or the options of `schemaVersions` without the seed. */
  readonly versions?: ReadonlyArray<SchemaVersion> | Omit<SchemaVersionsOptions, 'seed'>;
  /** A checksum field: `true` for the defaults. */
  readonly checksum?: boolean | WithChecksumOptions;
  /** Ingest time and late arrivals (options of `withIngestTime` without the seed). */
  readonly ingest?: Omit<WithIngestTimeOptions, 'seed'>;
  /** Reordering by ingest time; default `{ window: 10_000 }` when `ingest` is set; `false` for none. */
  readonly ingestOrder?: Omit<DeliverInIngestOrderOptions, 'ingestTime'> | false;
  /** Out-of-order delivery (options of `outOfOrder` without the seed). */
  readonly outOfOrder?: Omit<OutOfOrderOptions, 'seed'>;
  /** Duplicates (options of `duplicates` without the seed). */
  readonly duplicates?: Omit<DuplicatesOptions, 'seed'>;
}

/**
 * Delivery stages as a simulation or a run states them: `DeliveryOptions` whose seed may be left
 * out, in which case the run's seed is used (`runSimulation(model, { delivery })`, `sim.delivery`,
 * a YAML `delivery:` section, the `run` command's delivery flags).
 *
 * @example
 * const settings: DeliverySettings = { ingest: { lateRate: 0.06, maxLate: '3d' }, checksum: true };
 */
export type DeliverySettings = Omit<DeliveryOptions, 'seed'> & { readonly seed?: number };

/** Default reorder buffer of `delivery` (events). */
export const DEFAULT_REORDER_WINDOW = 10_000;

/**
 * The stages of `delivery(options)` in order, for inspection or to pipe yourself.
 *
 * @example
 * deliveryStages({ seed: 1, checksum: true }).length; // 1
 */
export const deliveryStages = (options: DeliveryOptions): Array<MonoTypeOperatorFunction<SimEvent>> => {
  const { seed } = options;
  const stages: Array<MonoTypeOperatorFunction<SimEvent>> = [];
  const envelope = options.envelope;
  if (envelope !== undefined) {
    stages.push(
      map((e) => {
        try {
          return withMetaOf(envelope(e), e);
        } catch (err) {
          throw new DeliveryError(`delivery envelope failed on a "${e.event_type}" event (${e.event_id}): ${messageOf(err)}`, { cause: err });
        }
      }),
    );
  }
  const versions = options.versions === undefined ? undefined : 'versions' in options.versions ? options.versions : { versions: options.versions };
  if (versions !== undefined) stages.push(schemaVersions({ ...versions, seed }));
  if (options.checksum !== undefined && options.checksum !== false) {
    const checksum = options.checksum === true ? {} : options.checksum;
    const exclude = checksum.exclude ?? [options.ingest?.field ?? 'ingest_time', versions?.field ?? 'schema_version'];
    stages.push(withChecksum({ ...checksum, exclude }));
  }
  if (options.ingest !== undefined) {
    stages.push(withIngestTime({ ...options.ingest, seed }));
    if (options.ingestOrder !== false) stages.push(deliverInIngestOrder(options.ingestOrder ?? { window: DEFAULT_REORDER_WINDOW }));
  }
  if (options.outOfOrder !== undefined) stages.push(outOfOrder({ ...options.outOfOrder, seed }));
  if (options.duplicates !== undefined) stages.push(duplicates({ ...options.duplicates, seed }));
  return stages;
};

/**
 * Applies the delivery-realism stages that `options` sets, in the order of the module doc.
 *
 * @example
 * events$.pipe(delivery({ seed: 7, ingest: { lateRate: 0.05 }, duplicates: { rate: 0.01 } }));
 */
export const delivery = (options: DeliveryOptions): MonoTypeOperatorFunction<SimEvent> => pipeStages(deliveryStages(options));

const pipeStages = (stages: ReadonlyArray<MonoTypeOperatorFunction<SimEvent>>): MonoTypeOperatorFunction<SimEvent> =>
  stages.reduce<OperatorFunction<SimEvent, SimEvent>>((acc, op) => (source) => op(acc(source)), identity);

/**
 * The operator a run applies for `settings` (seed defaulting to the run's `seed`), or undefined
 * when they set no stage.
 *
 * @example
 * deliveryFor({ duplicates: { rate: 0.01 } }, 42); // duplicates with seed 42
 * deliveryFor({}, 42); // undefined
 */
export const deliveryFor = (settings: DeliverySettings | undefined, seed: number): MonoTypeOperatorFunction<SimEvent> | undefined => {
  if (settings === undefined) return undefined;
  const stages = deliveryStages({ ...settings, seed: settings.seed ?? seed });
  return stages.length === 0 ? undefined : pipeStages(stages);
};
