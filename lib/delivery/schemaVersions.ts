/**
 * `schemaVersions`: schema evolution. Every event gets a schema version in `field` (placed right
 * after `event_type`): one of `versions`, each with its own rate among the event types it applies
 * to, else `defaultVersion` (1). A chosen version's `transform` rewrites the event (the order simulator:
 * `order_created` v2 adds `promo_code` and `device_type`).
 *
 * Exactly: for an event of type T, the versions whose `eventTypes` include T (or have none) are
 * taken in the order given; one uniform draw u ∈ [0, 1) picks the first whose cumulative rate
 * exceeds u, so version v is chosen with probability `v.rate`. Their rates must sum to at most 1
 * for every event type (an error names the type otherwise). The draw depends only on `seed` and
 * `event_id` (`Rng.derive(seed, 'delivery.versions', event_id)`), so a duplicate gets the same
 * version; `transform` gets its own stream from the same derivation (`rng`), for new field values.
 * The transform's result keeps the event's metadata; a transform that throws ends the stream with
 * an error naming the version and the event type.
 *
 * @example
 * events$.pipe(schemaVersions({ seed: 42, versions: [{ version: 2, rate: 0.35, eventTypes: ['order_created'],
 *   transform: (e, rng) => ({ ...e, promo_code: rng.chance(0.3) ? 'SPRING10' : null, device_type: rng.pick(['desktop', 'mobile']) }) }] }));
 */
import { messageOf } from '../core/errors';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { Observable } from '../core/rx';
import { Rng } from '../core/rng';
import { SimEvent } from '../core/simEvent';
import { setField, withMetaOf } from './deliveryMeta';
import { DeliveryError } from './deliveryError';

/** One schema version beyond the default. */
export interface SchemaVersion {
  /** The version number written into the event. */
  readonly version: number;
  /** Probability of this version among events of the types it applies to (0..1). */
  readonly rate: number;
  /** Event types it applies to; all when absent. */
  readonly eventTypes?: ReadonlyArray<string>;
  /** Rewrites an event into this version (adds / renames / drops payload fields); identity when absent. */
  readonly transform?: (e: SimEvent, rng: Rng) => SimEvent;
}

/** Options of `schemaVersions`. */
export interface SchemaVersionsOptions {
  /** Seed of the draws. */
  readonly seed: number;
  /** The versions beyond the default, in draw order. */
  readonly versions: ReadonlyArray<SchemaVersion>;
  /** Version of events no other version was drawn for. Default 1. */
  readonly defaultVersion?: number;
  /** Field receiving the version. Default "schema_version". */
  readonly field?: string;
}

/**
 * Assigns schema versions by rate and applies their transforms (see the module doc).
 *
 * @example
 * events$.pipe(schemaVersions({ seed: 1, versions: [{ version: 2, rate: 0.5 }] }));
 */
export const schemaVersions = (options: SchemaVersionsOptions): MonoTypeOperatorFunction<SimEvent> => {
  const { seed, versions } = options;
  const defaultVersion = options.defaultVersion ?? 1;
  const field = options.field ?? 'schema_version';
  for (const v of versions) {
    if (!(v.rate >= 0 && v.rate <= 1)) throw new RangeError(`schemaVersions: rate of version ${v.version} must be between 0 and 1, got ${v.rate}`);
  }
  const byType = new Map<string, ReadonlyArray<SchemaVersion>>();
  const versionsFor = (type: string): ReadonlyArray<SchemaVersion> => {
    let list = byType.get(type);
    if (list === undefined) {
      list = versions.filter((v) => v.eventTypes === undefined || v.eventTypes.includes(type));
      const sum = list.reduce((s, v) => s + v.rate, 0);
      if (sum > 1 + 1e-9)
        throw new RangeError(
          `schemaVersions: the rates of versions ${list.map((v) => v.version).join(', ')} for event type "${type}" sum to ${sum}, more than 1`,
        );
      byType.set(type, list);
    }
    return list;
  };
  return (source) =>
    new Observable<SimEvent>((subscriber) =>
      source.subscribe({
        next: (e) => {
          let out: SimEvent;
          try {
            const list = versionsFor(e.event_type);
            let chosen: SchemaVersion | undefined;
            if (list.length > 0) {
              const rng = Rng.derive(seed, 'delivery.versions', e.event_id);
              const u = rng.next();
              let cum = 0;
              for (const v of list) {
                cum += v.rate;
                if (u < cum) {
                  chosen = v;
                  break;
                }
              }
              if (chosen?.transform) {
                try {
                  out = withMetaOf(chosen.transform(e, rng.fork('transform')), e);
                } catch (err) {
                  throw new DeliveryError(`schemaVersions: transform of version ${chosen.version} failed on a "${e.event_type}" event: ${messageOf(err)}`, {
                    cause: err,
                  });
                }
              } else out = e;
            } else out = e;
            out = setField(out, field, chosen?.version ?? defaultVersion, 'event_type');
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(out);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
};
