/**
 * The `delivery:` section of a YAML configuration (deep-faker's extension of the YAML model format)
 * → the `DeliverySettings` the simulation runs with (`sim.delivery`, applied by `sim.run()` and
 * `deep-faker run`). Every key is optional; the seed defaults to the run's.
 *
 * ```yaml
 * delivery:
 *   seed: 7
 *   ingest_time: { late_rate: 0.06, max_late: 3d, min_delay: 0s, max_delay: 2s, field: ingest_time }
 *   ingest_order: false                      # or { window: 10000 }
 *   out_of_order: { rate: 0.12, window: 5 }
 *   duplicates: { rate: 0.01, max_delay_events: 10 }
 *   checksum: true                           # or { field: checksum, algorithm: sha256 }
 *   schema_versions: { … }                   # see compileSchemaVersions.ts
 * ```
 *
 * This file decodes the stages; `schema_versions` is `compileSchemaVersions`, and the fields the
 * stages write are claimed in `DeliveryFields`. Mistakes are located like the rest of the file:
 * bad rates, windows and durations, unknown keys, event types and fields (did-you-mean), system
 * fields renamed or dropped, names that would overwrite a field, rates of one event type's
 * versions summing above 1, hash algorithms `node:crypto` lacks.
 *
 * @example
 * const settings = compileDelivery(doc.get('delivery'), problems, { table, payloads, model });
 * if (settings !== undefined) sim.withDelivery(settings);
 */
import { getHashes } from 'node:crypto';
import { type DurationInput, formatDuration, parseDuration } from '../../core/duration';
import type { DeliverySettings } from '../../delivery/delivery';
import { compileSchemaVersions } from './compileSchemaVersions';
import type { Problems } from '../configError';
import { child, describeNode, intAtLeast, intIn, mapOf, numberIn, quote, stringOf, suggestion } from '../decode';
import { MAX_SPAN_MS, type ModelLimits, limitHint } from './limits';
import { type DeliveryContext, DeliveryFields } from './deliveryFields';
import type { YNode } from '../yamlTree';

const PATH = 'delivery';
const KEYS = ['seed', 'ingest_time', 'ingest_order', 'out_of_order', 'duplicates', 'checksum', 'schema_versions'];
const INGEST_KEYS = ['late_rate', 'max_late', 'min_delay', 'max_delay', 'field'];
const MS_PER_DAY = 86_400_000;
const DEFAULT_MAX_DELAY_MS = 2000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Ingest = NonNullable<DeliverySettings['ingest']>;

/**
 * Decodes `delivery:`; undefined when the section is absent (or not a mapping, which is reported).
 * Problems go to `p`; the settings returned are only meaningful when `p.ok`.
 *
 * @example
 * compileDelivery(entry(root, 'delivery'), problems, { table, payloads, model });
 * // { ingest: { lateRate: 0.06, maxLate: '3d' }, checksum: true, versions: { versions: [{ version: 2, rate: 0.35, … }] } }
 */
export const compileDelivery = (node: YNode | undefined, p: Problems, ctx: DeliveryContext): DeliverySettings | undefined => {
  const m = mapOf(node, PATH, p, { optional: KEYS });
  if (m === undefined) return undefined;
  const at = (k: string): string => child(PATH, k);
  const out: Mutable<DeliverySettings> = {};
  const fields = new DeliveryFields(p, ctx);

  if (m.get('seed') !== undefined) out.seed = intAtLeast(m.get('seed'), at('seed'), p, 0);
  const ingestNode = m.get('ingest_time');
  if (ingestNode !== undefined) out.ingest = ingestOf(ingestNode, at('ingest_time'), p, fields);
  const orderNode = m.get('ingest_order');
  if (orderNode !== undefined) {
    if (ingestNode === undefined) p.at(orderNode.offset, at('ingest_order'), 'ingest_order needs ingest_time (it delivers events in ingest-time order)');
    const order = ingestOrderOf(orderNode, at('ingest_order'), p, ctx.limits);
    if (order !== undefined) out.ingestOrder = order;
  }
  const ooo = mapOf(m.get('out_of_order'), at('out_of_order'), p, { required: ['rate'], optional: ['window'] });
  if (ooo !== undefined) {
    const rate = numberIn(ooo.get('rate'), child(at('out_of_order'), 'rate'), p, 0, 1) ?? 0;
    const window = ooo.get('window') === undefined ? undefined : windowOf(ooo.get('window'), child(at('out_of_order'), 'window'), p, ctx.limits, 1);
    out.outOfOrder = window === undefined ? { rate } : { rate, window };
  }
  const dup = mapOf(m.get('duplicates'), at('duplicates'), p, { required: ['rate'], optional: ['max_delay_events'] });
  if (dup !== undefined) {
    const rate = numberIn(dup.get('rate'), child(at('duplicates'), 'rate'), p, 0, 1) ?? 0;
    const maxDelay = dup.get('max_delay_events');
    const maxDelayEvents = maxDelay === undefined ? undefined : windowOf(maxDelay, child(at('duplicates'), 'max_delay_events'), p, ctx.limits, 0);
    out.duplicates = maxDelayEvents === undefined ? { rate } : { rate, maxDelayEvents };
  }
  const checksumNode = m.get('checksum');
  if (checksumNode !== undefined) {
    const checksum = checksumOf(checksumNode, at('checksum'), p, fields);
    if (checksum !== undefined) out.checksum = checksum;
  }
  const versionsNode = m.get('schema_versions');
  if (versionsNode !== undefined) out.versions = compileSchemaVersions(versionsNode, at('schema_versions'), p, ctx, fields);
  return out;
};

/** A number of events a stage may hold back, within `max_delivery_window`. */
const windowOf = (node: YNode | undefined, path: string, p: Problems, limits: ModelLimits, min: number): number | undefined =>
  intIn(node, path, p, min, limits.max_delivery_window, limitHint('max_delivery_window'));

/** A duration ("3d", "2s", or ms), checked by `parseDuration`; its text as written and its ms. */
const durationOf = (node: YNode | undefined, path: string, p: Problems): { readonly value: DurationInput; readonly ms: number } | undefined => {
  if (node === undefined) return undefined;
  const value = node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? node.value : undefined;
  if (value === undefined) {
    p.at(node.offset, path, `expected a duration such as "3d" or "2s", got ${describeNode(node)}`);
    return undefined;
  }
  try {
    const ms = parseDuration(value);
    if (ms > MAX_SPAN_MS) throw new Error(`expected at most 10000 years, got ${JSON.stringify(value)}`);
    return { value, ms };
  } catch (e) {
    p.at(node.offset, path, (e as Error).message);
    return undefined;
  }
};

const ingestOf = (node: YNode, path: string, p: Problems, fields: DeliveryFields): Ingest | undefined => {
  const m = mapOf(node, path, p, { optional: INGEST_KEYS });
  if (m === undefined) return undefined;
  const out: Mutable<Ingest> = {};
  const lateRate = m.get('late_rate') === undefined ? undefined : numberIn(m.get('late_rate'), child(path, 'late_rate'), p, 0, 1);
  const maxLate = durationOf(m.get('max_late'), child(path, 'max_late'), p);
  const minDelay = durationOf(m.get('min_delay'), child(path, 'min_delay'), p);
  const maxDelay = durationOf(m.get('max_delay'), child(path, 'max_delay'), p);
  if (lateRate !== undefined) out.lateRate = lateRate;
  if (maxLate !== undefined) {
    out.maxLate = maxLate.value;
    if ((lateRate ?? 0) > 0 && maxLate.ms < MS_PER_DAY) {
      p.at(
        m.get('max_late')!.offset,
        child(path, 'max_late'),
        `must be at least 1d when late_rate > 0 (a late event is ingested on a later UTC day), got ${describeNode(m.get('max_late')!)}`,
      );
    }
  }
  if (minDelay !== undefined) out.minDelay = minDelay.value;
  if (maxDelay !== undefined) out.maxDelay = maxDelay.value;
  if (minDelay !== undefined && minDelay.ms > (maxDelay?.ms ?? DEFAULT_MAX_DELAY_MS)) {
    const max = maxDelay === undefined ? `${formatDuration(DEFAULT_MAX_DELAY_MS)} by default` : formatDuration(maxDelay.ms);
    p.at(m.get('min_delay')!.offset, child(path, 'min_delay'), `min_delay (${formatDuration(minDelay.ms)}) is greater than max_delay (${max})`);
  }
  const field = fields.claim(m.get('field'), path, node, 'ingest_time');
  if (m.get('field') !== undefined && field !== undefined) out.field = field;
  return out;
};

/** `false`, `true` (the default window) or `{ window }`. */
const ingestOrderOf = (node: YNode, path: string, p: Problems, limits: ModelLimits): DeliverySettings['ingestOrder'] => {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value ? undefined : false;
  if (node.kind !== 'map') {
    p.at(node.offset, path, `expected true, false or a mapping with "window", got ${describeNode(node)}`);
    return undefined;
  }
  const m = mapOf(node, path, p, { optional: ['window'] });
  const window = m?.get('window') === undefined ? undefined : windowOf(m.get('window'), child(path, 'window'), p, limits, 1);
  return window === undefined ? undefined : { window };
};

/** `true` / `false` or `{ field, algorithm }` (a `node:crypto` hash). */
const checksumOf = (node: YNode, path: string, p: Problems, fields: DeliveryFields): DeliverySettings['checksum'] => {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') {
    if (node.value) fields.claim(undefined, path, node, 'checksum');
    return node.value ? true : undefined;
  }
  if (node.kind !== 'map') {
    p.at(node.offset, path, `expected true, false or a mapping with "field" / "algorithm", got ${describeNode(node)}`);
    return undefined;
  }
  const m = mapOf(node, path, p, { optional: ['field', 'algorithm'] });
  if (m === undefined) return undefined;
  const field = fields.claim(m.get('field'), path, node, 'checksum');
  const algoNode = m.get('algorithm');
  let algorithm = algoNode === undefined ? undefined : stringOf(algoNode, child(path, 'algorithm'), p);
  if (algorithm !== undefined && algoNode !== undefined) {
    const hashes = getHashes();
    const known = hashes.find((h) => h.toLowerCase() === algorithm!.toLowerCase());
    if (known === undefined) {
      p.at(
        algoNode.offset,
        child(path, 'algorithm'),
        `${quote(algorithm)} is not a hash algorithm of node:crypto${suggestion(algorithm, hashes) || ' (e.g. sha256, sha512, sha1, md5)'}`,
      );
    }
    algorithm = known;
  }
  const out = { ...(m.get('field') === undefined || field === undefined ? {} : { field }), ...(algorithm === undefined ? {} : { algorithm }) };
  return Object.keys(out).length === 0 ? true : out;
};
