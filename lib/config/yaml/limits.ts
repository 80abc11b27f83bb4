/**
 * The YAML model format's limits on sizes, counts and spans: generous for real models, but an
 * extreme value (`max_items: 100000000`, a loop of a billion steps, a duration past the last date
 * JavaScript can represent) is a located error when the document is validated instead of a run that
 * hangs or runs out of memory. The size and count limits, and those of expressions and faker-js
 * arguments, can be raised explicitly with `simulation_settings.limits`; the others are fixed (see
 * docs/yaml-model.md, "Limits").
 *
 * @example
 * const limits = readLimits(settings?.get('limits'), problems); // { max_items: 10000, … }
 * intIn(node, 'schemas.P.max_items', problems, 0, limits.max_items, limitHint('max_items'));
 */
import type { Problems } from '../configError';
import { DEFAULT_GENERATION_LIMITS, type GenerationLimits, readLimitMap } from '../generationLimits';
import type { YNode } from '../yamlTree';

/** The limits `simulation_settings.limits` can raise (or lower), by key. */
export interface ModelLimits extends GenerationLimits {
  /** Items of one array field (`max_items`, `min_items`). */
  readonly max_items: number;
  /** Repetitions of one scenario step (`loop.min_count`, `loop.max_count`). */
  readonly max_loop_count: number;
  /** Initial entities of one type (`initial_entity_counts`). */
  readonly max_initial_entities: number;
  /** Session slots (`concurrent_sessions`). */
  readonly max_concurrent_sessions: number;
  /** Events a delivery stage may hold back (`ingest_order.window`, `out_of_order.window`, `duplicates.max_delay_events`). */
  readonly max_delivery_window: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: ModelLimits = {
  max_items: 10_000,
  max_loop_count: 10_000,
  max_initial_entities: 1_000_000,
  max_concurrent_sessions: 100_000,
  max_delivery_window: 1_000_000,
  ...DEFAULT_GENERATION_LIMITS,
};

/** The last instant a JavaScript `Date` can hold: +275760-09-13T00:00:00Z. */
export const MAX_DATE_MS = 8.64e15;
/** The longest `duration` or step delay: 10 000 years of simulated time. */
export const MAX_SPAN_MS = 10_000 * 365.25 * 86_400_000;
/** The most decimals a `precision` may ask for (a double holds about 17 significant digits). */
export const MAX_PRECISION = 20;
/** The largest weight (`frequency_weight`, `initiation_weight`, `weights`): sums of them stay exact enough. */
export const MAX_WEIGHT = 1e12;
/** The highest bcrypt cost of `static_hashed` (each step doubles the time of every hash; 12 takes about 0.3 s). */
export const MAX_BCRYPT_ROUNDS = 12;

/** Words for a message: which setting raises the limit. */
export const limitHint = (key: keyof ModelLimits): string => ` (the limit; raise it with simulation_settings.limits.${key})`;

/** Decodes `simulation_settings.limits` over the defaults. */
export const readLimits = (node: YNode | undefined, p: Problems): ModelLimits => readLimitMap(node, 'simulation_settings.limits', p, DEFAULT_LIMITS);
