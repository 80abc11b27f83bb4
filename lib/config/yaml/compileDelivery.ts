/**
 * The `delivery:` section of a YAML configuration (deep-faker's extension of the seed-002 format)
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
 *   schema_versions:
 *     field: schema_version
 *     default_version: 1
 *     versions:
 *       - version: 2
 *         rate: 0.35
 *         event_types: [UserRegistered]
 *         add_fields: { promo_code: { type: string, generator: choice, params: { choices: [SPRING10, WELCOME5] } } }
 *         rename_fields: { email: email_address }
 *         drop_fields: [phone]
 * ```
 *
 * A version's transform adds `add_fields` (field specs exactly as under `schemas:`, generated from
 * the transform's `rng` at the event's time, appended after the event's fields; `derived` and
 * `conditional_choice` may read the system fields, the payload fields every targeted event type
 * has, and the fields added before), then applies `rename_fields` (a renamed field keeps its
 * place), then `drop_fields` (names after renaming). Mistakes are located like the rest of the
 * file: bad rates, windows and durations, unknown keys, event types and fields (did-you-mean),
 * system fields renamed or dropped, names that would overwrite a field, rates of one event type's
 * versions summing above 1, hash algorithms `node:crypto` lacks.
 *
 * @example
 * const settings = compileDelivery(doc.get('delivery'), problems, { table, payloads, model });
 * if (settings !== undefined) sim.withDelivery(settings);
 */
import { getHashes } from 'node:crypto';
import { type DurationInput, formatDuration, parseDuration } from '../../core/duration';
import type { Rng } from '../../core/rng';
import { SYSTEM_FIELDS, eventTime, type SimEvent } from '../../core/simEvent';
import type { DeliverySettings } from '../../delivery/delivery';
import { withMetaOf } from '../../delivery/deliveryMeta';
import type { SchemaVersion } from '../../delivery/schemaVersions';
import type { GenContext } from '../../schema/generator';
import { SeededFaker } from '../../schema/seededFaker';
import type { CompiledField, PayloadCompiler } from './compilePayload';
import { emptyScope } from './compilePayload';
import type { ModelCompiler } from './compileModel';
import type { Problems } from './configError';
import { child, describeNode, intAtLeast, mapOf, numberIn, seqOf, stringOf, suggestion } from './decode';
import type { FieldSpec, SchemaTable } from './fieldSpec';
import type { YNode } from './yamlTree';

/** What the delivery section may refer to: the document's schemas, compiler and event types. */
export interface DeliveryContext {
  readonly table: SchemaTable;
  readonly payloads: PayloadCompiler;
  /** Event types: declared (compiled or not) and compiled (with their payload schemas). */
  readonly model: Pick<ModelCompiler, 'events' | 'declaredEvents'>;
}

const PATH = 'delivery';
const KEYS = ['seed', 'ingest_time', 'ingest_order', 'out_of_order', 'duplicates', 'checksum', 'schema_versions'];
const INGEST_KEYS = ['late_rate', 'max_late', 'min_delay', 'max_delay', 'field'];
const VERSIONS_KEYS = ['field', 'default_version', 'versions'];
const VERSION_KEYS = ['version', 'rate', 'event_types', 'add_fields', 'rename_fields', 'drop_fields'];
const MS_PER_DAY = 86_400_000;
const DEFAULT_MAX_DELAY_MS = 2000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Ingest = NonNullable<DeliverySettings['ingest']>;

const isSystemField = (name: string): boolean => (SYSTEM_FIELDS as ReadonlyArray<string>).includes(name);

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
    const order = ingestOrderOf(orderNode, at('ingest_order'), p);
    if (order !== undefined) out.ingestOrder = order;
  }
  const ooo = mapOf(m.get('out_of_order'), at('out_of_order'), p, { required: ['rate'], optional: ['window'] });
  if (ooo !== undefined) {
    const rate = numberIn(ooo.get('rate'), child(at('out_of_order'), 'rate'), p, 0, 1) ?? 0;
    const window = ooo.get('window') === undefined ? undefined : intAtLeast(ooo.get('window'), child(at('out_of_order'), 'window'), p, 1);
    out.outOfOrder = window === undefined ? { rate } : { rate, window };
  }
  const dup = mapOf(m.get('duplicates'), at('duplicates'), p, { required: ['rate'], optional: ['max_delay_events'] });
  if (dup !== undefined) {
    const rate = numberIn(dup.get('rate'), child(at('duplicates'), 'rate'), p, 0, 1) ?? 0;
    const maxDelay = dup.get('max_delay_events');
    const maxDelayEvents = maxDelay === undefined ? undefined : intAtLeast(maxDelay, child(at('duplicates'), 'max_delay_events'), p, 0);
    out.duplicates = maxDelayEvents === undefined ? { rate } : { rate, maxDelayEvents };
  }
  const checksumNode = m.get('checksum');
  if (checksumNode !== undefined) {
    const checksum = checksumOf(checksumNode, at('checksum'), p, fields);
    if (checksum !== undefined) out.checksum = checksum;
  }
  const versionsNode = m.get('schema_versions');
  if (versionsNode !== undefined) out.versions = versionsOf(versionsNode, at('schema_versions'), p, ctx, fields);
  return out;
};

// ---------------------------------------------------------------------------------------------
// the fields delivery writes
// ---------------------------------------------------------------------------------------------

/** The fields the delivery stages add (ingest time, checksum, schema version): checked and remembered. */
class DeliveryFields {
  /** Field name → the section writing it. */
  readonly names = new Map<string, string>();

  constructor(
    private readonly p: Problems,
    private readonly ctx: DeliveryContext,
  ) {}

  /**
   * The field a section writes: `node` (its `field` key) or `fallback`; an error when it is a
   * system field, another section's field or a payload field (the stage would overwrite it).
   */
  claim(node: YNode | undefined, section: string, sectionNode: YNode, fallback: string): string | undefined {
    const path = child(section, 'field');
    const name = node === undefined ? fallback : stringOf(node, path, this.p);
    if (name === undefined) return undefined;
    const where = node ?? sectionNode;
    const wherePath = node === undefined ? section : path;
    const lead = node === undefined ? `its field "${name}"` : `"${name}"`;
    const hint = node === undefined ? '; set "field" to another name' : '';
    const owner = this.names.get(name);
    const payload = payloadOwners(this.ctx, name);
    if (isSystemField(name)) this.p.at(where.offset, wherePath, `${lead} is a system field${hint}`);
    else if (owner !== undefined) this.p.at(where.offset, wherePath, `${lead} is also the field of ${owner}${hint}`);
    else if (payload.length > 0) this.p.at(where.offset, wherePath, `${lead} is already a payload field of ${payload.join(', ')}${hint}`);
    else {
      this.names.set(name, section);
      return name;
    }
    return undefined;
  }
}

/** Compiled event types whose payload has `name`. */
const payloadOwners = (ctx: DeliveryContext, name: string): string[] =>
  [...ctx.model.events.values()].filter((ev) => ev.schema.fieldNames.includes(name)).map((ev) => ev.name);

// ---------------------------------------------------------------------------------------------
// stages
// ---------------------------------------------------------------------------------------------

/** A duration ("3d", "2s", or ms), checked by `parseDuration`; its text as written and its ms. */
const durationOf = (node: YNode | undefined, path: string, p: Problems): { readonly value: DurationInput; readonly ms: number } | undefined => {
  if (node === undefined) return undefined;
  const value = node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? node.value : undefined;
  if (value === undefined) {
    p.at(node.offset, path, `expected a duration such as "3d" or "2s", got ${describeNode(node)}`);
    return undefined;
  }
  try {
    return { value, ms: parseDuration(value) };
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
      p.at(m.get('max_late')!.offset, child(path, 'max_late'),
        `must be at least 1d when late_rate > 0 (a late event is ingested on a later UTC day), got ${describeNode(m.get('max_late')!)}`);
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
const ingestOrderOf = (node: YNode, path: string, p: Problems): DeliverySettings['ingestOrder'] => {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value ? undefined : false;
  if (node.kind !== 'map') {
    p.at(node.offset, path, `expected true, false or a mapping with "window", got ${describeNode(node)}`);
    return undefined;
  }
  const m = mapOf(node, path, p, { optional: ['window'] });
  const window = m?.get('window') === undefined ? undefined : intAtLeast(m.get('window'), child(path, 'window'), p, 1);
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
      p.at(algoNode.offset, child(path, 'algorithm'),
        `"${algorithm}" is not a hash algorithm of node:crypto${suggestion(algorithm, hashes) || ' (e.g. sha256, sha512, sha1, md5)'}`);
    }
    algorithm = known;
  }
  const out = { ...(m.get('field') === undefined || field === undefined ? {} : { field }), ...(algorithm === undefined ? {} : { algorithm }) };
  return Object.keys(out).length === 0 ? true : out;
};

// ---------------------------------------------------------------------------------------------
// schema versions
// ---------------------------------------------------------------------------------------------

type Versions = Exclude<NonNullable<DeliverySettings['versions']>, ReadonlyArray<SchemaVersion>>;

/** A decoded version and where its number and rate are written. */
interface CompiledVersion {
  readonly version: SchemaVersion;
  /** Its index in `versions`. */
  readonly index: number;
  readonly versionNode: YNode;
  readonly rateNode: YNode;
}

const versionsOf = (node: YNode, path: string, p: Problems, ctx: DeliveryContext, fields: DeliveryFields): Versions | undefined => {
  const m = mapOf(node, path, p, { optional: VERSIONS_KEYS });
  if (m === undefined) return undefined;
  const field = fields.claim(m.get('field'), path, node, 'schema_version');
  const defaultVersion = m.get('default_version') === undefined ? undefined : intAtLeast(m.get('default_version'), child(path, 'default_version'), p, 0);
  const listPath = child(path, 'versions');
  const faker = lazyFaker();
  const compiled: CompiledVersion[] = [];
  (seqOf(m.get('versions'), listPath, p) ?? []).forEach((item, i) => {
    const v = versionOf(item, i, child(listPath, i), p, ctx, fields, faker);
    if (v === undefined) return;
    const n = v.version.version;
    const vp = child(child(listPath, i), 'version');
    // One number per event type: another version may reuse it for other types.
    const twin = compiled.findIndex((w) => w.version.version === n && sharedType(w.version, v.version, ctx) !== undefined);
    if (twin >= 0) p.at(v.versionNode.offset, vp, `version ${n} is also versions[${compiled[twin].index}] for event type "${sharedType(compiled[twin].version, v.version, ctx)}"`);
    else if (n === (defaultVersion ?? 1)) p.at(v.versionNode.offset, vp, `version ${n} is the default_version${defaultVersion === undefined ? ' (1 by default)' : ''}`);
    compiled.push(v);
  });
  checkRateSums(compiled, ctx, p, listPath);
  return {
    versions: compiled.map((v) => v.version),
    ...(defaultVersion === undefined ? {} : { defaultVersion }),
    ...(m.get('field') === undefined || field === undefined ? {} : { field }),
  };
};

/** The first event type two versions both apply to. */
const sharedType = (a: SchemaVersion, b: SchemaVersion, ctx: DeliveryContext): string | undefined =>
  [...ctx.model.declaredEvents].find((t) => (a.eventTypes?.includes(t) ?? true) && (b.eventTypes?.includes(t) ?? true));

/** For each event type, the rates of the versions applying to it must sum to at most 1. */
const checkRateSums = (versions: ReadonlyArray<CompiledVersion>, ctx: DeliveryContext, p: Problems, listPath: string): void => {
  const reported = new Set<number>();
  for (const type of ctx.model.declaredEvents) {
    let sum = 0;
    const applying: number[] = [];
    versions.forEach((v, i) => {
      if (v.version.eventTypes !== undefined && !v.version.eventTypes.includes(type)) return;
      sum += v.version.rate;
      applying.push(v.version.version);
      if (sum > 1 + 1e-9 && !reported.has(i)) {
        reported.add(i);
        p.at(v.rateNode.offset, child(child(listPath, v.index), 'rate'),
          `the rates of versions ${applying.join(', ')} for event type "${type}" sum to ${Number(sum.toFixed(9))}, more than 1`);
      }
    });
  }
};

const lazyFaker = (): (() => SeededFaker) => {
  let faker: SeededFaker | undefined;
  return () => (faker ??= new SeededFaker());
};

const versionOf = (
  node: YNode, index: number, path: string, p: Problems, ctx: DeliveryContext, fields: DeliveryFields, faker: () => SeededFaker,
): CompiledVersion | undefined => {
  const m = mapOf(node, path, p, { required: ['version', 'rate'], optional: VERSION_KEYS });
  if (m === undefined) return undefined;
  const version = intAtLeast(m.get('version'), child(path, 'version'), p, 0);
  const rate = numberIn(m.get('rate'), child(path, 'rate'), p, 0, 1);
  const { eventTypes, complete } = eventTypesOf(m.get('event_types'), child(path, 'event_types'), p, ctx);
  const shape = new VersionShape(p, ctx, fields, eventTypes, complete);
  const adds = shape.adds(m.get('add_fields'), child(path, 'add_fields'));
  const renames = shape.renames(m.get('rename_fields'), child(path, 'rename_fields'));
  const drops = shape.drops(m.get('drop_fields'), child(path, 'drop_fields'));
  if (version === undefined || rate === undefined) return undefined;
  const changes = adds.length > 0 || renames.size > 0 || drops.size > 0;
  return {
    version: {
      version,
      rate,
      ...(eventTypes === undefined ? {} : { eventTypes }),
      ...(changes ? { transform: versionTransform(adds, renames, drops, faker) } : {}),
    },
    index,
    versionNode: m.get('version')!,
    rateNode: m.get('rate')!,
  };
};

/**
 * `event_types`: a non-empty list of the document's event types (did-you-mean); undefined when
 * absent (all types). `complete` is false when a name was wrong (field checks are then skipped).
 */
const eventTypesOf = (node: YNode | undefined, path: string, p: Problems, ctx: DeliveryContext): { eventTypes: string[] | undefined; complete: boolean } => {
  const list = seqOf(node, path, p);
  if (list === undefined || node === undefined) return { eventTypes: undefined, complete: node === undefined };
  if (list.length === 0) p.at(node.offset, path, 'an empty list (leave event_types out for every event type)');
  const known = [...ctx.model.declaredEvents];
  const out: string[] = [];
  list.forEach((item, i) => {
    const name = stringOf(item, child(path, i), p);
    if (name === undefined) return;
    if (!ctx.model.declaredEvents.has(name)) p.at(item.offset, child(path, i), `"${name}" is not an event type${suggestion(name, known) || ` (event types: ${known.join(', ')})`}`);
    else out.push(name);
  });
  return { eventTypes: out, complete: out.length === list.length && out.length > 0 };
};

/**
 * What a version does to the payload of the event types it targets, checked against their fields:
 * fields added, renamed (old → new, all at once), dropped (names after renaming).
 */
class VersionShape {
  /** Payload fields of every targeted type (undefined when one is not compiled: field checks are skipped). */
  private readonly perType: ReadonlyArray<readonly [string, ReadonlyArray<string>]> | undefined;
  private readonly added: string[] = [];
  private readonly renamed = new Map<string, string>();

  constructor(
    private readonly p: Problems,
    private readonly ctx: DeliveryContext,
    private readonly fields: DeliveryFields,
    private readonly eventTypes: ReadonlyArray<string> | undefined,
    complete: boolean,
  ) {
    const compiled = (eventTypes ?? [...ctx.model.declaredEvents]).map((t) => ctx.model.events.get(t));
    this.perType = complete && compiled.every((ev) => ev !== undefined) ? compiled.map((ev) => [ev.name, ev.schema.fieldNames] as const) : undefined;
  }

  /** Fields the targeted types have before renaming: their payload fields, then the added ones. */
  private before(): string[] {
    return [...new Set([...(this.perType ?? []).flatMap(([, f]) => f), ...this.added])];
  }

  /** `"x" is not a field of A or B; did you mean "y"?` */
  private unknown(name: string, known: ReadonlyArray<string>): string {
    const of = this.eventTypes === undefined ? 'any event type' : this.eventTypes.join(' or ');
    return `"${name}" is not a field of ${of}${suggestion(name, known) || ` (fields: ${known.join(', ')})`}`;
  }

  /** Why a field this version adds or renames to cannot be named `name` (`leaving`: names renamed away), or undefined. */
  private taken(name: string, leaving: ReadonlySet<string>): string | undefined {
    if (isSystemField(name)) return `"${name}" is a system field`;
    const section = this.fields.names.get(name);
    if (section !== undefined) return `"${name}" is the field ${section} writes`;
    if (leaving.has(name)) return undefined;
    if (this.added.includes(name)) return `"${name}" is also added by add_fields`;
    const owners = (this.perType ?? []).filter(([, f]) => f.includes(name)).map(([n]) => n);
    if (owners.length > 0) return `"${name}" is already a payload field of ${owners.join(', ')}`;
    return undefined;
  }

  /** `add_fields`: field specs as under `schemas:`, compiled. */
  adds(node: YNode | undefined, path: string): Array<readonly [string, CompiledField]> {
    const out: Array<readonly [string, CompiledField]> = [];
    const common = this.perType === undefined || this.perType.length === 0
      ? []
      : this.perType.map(([, f]) => f).reduce((a, b) => a.filter((x) => b.includes(x)));
    for (const e of mapOf(node, path, this.p)?.entries ?? []) {
      const fp = child(path, e.key);
      const why = this.taken(e.key, new Set());
      if (why !== undefined) this.p.at(e.keyOffset, fp, why);
      const spec = this.ctx.table.field(e.value, fp, e.key, false);
      this.added.push(e.key);
      if (spec === undefined || why !== undefined || !this.withoutEntities(spec, e.value, fp)) continue;
      // derived / conditional_choice read the system fields, the payload fields every targeted type has, and the fields added before.
      const compiled = this.ctx.payloads.field(spec, e.key, [...SYSTEM_FIELDS, ...common, ...out.map(([n]) => n)], true);
      if (compiled !== undefined) out.push([e.key, compiled]);
    }
    return out;
  }

  /** `from_entity` cannot be used here: no entity is consumed when an event is delivered. */
  private withoutEntities(spec: FieldSpec, node: YNode, path: string): boolean {
    const fe = findFromEntity(spec);
    if (fe === undefined) return true;
    const local = fe.path === path || fe.path.startsWith(`${path}.`);
    this.p.at(local ? fe.offset : node.offset, local ? child(fe.path, 'from_entity') : path,
      `from_entity${local ? '' : ` (in ${fe.path})`} cannot be used in add_fields: no entity is consumed when an event is delivered`);
    return false;
  }

  /** `rename_fields`: old name → new name, applied all at once (so two fields may swap names). */
  renames(node: YNode | undefined, path: string): ReadonlyMap<string, string> {
    const m = mapOf(node, path, this.p);
    const known = this.before();
    const valid: Array<readonly [string, string, YNode]> = [];
    for (const e of m?.entries ?? []) {
      const fp = child(path, e.key);
      const to = stringOf(e.value, fp, this.p);
      if (isSystemField(e.key)) this.p.at(e.keyOffset, fp, `"${e.key}" is a system field and cannot be renamed`);
      else if (this.perType !== undefined && !known.includes(e.key)) this.p.at(e.keyOffset, fp, this.unknown(e.key, known));
      else if (to !== undefined) valid.push([e.key, to, e.value]);
    }
    const leaving = new Set(valid.map(([from]) => from));
    for (const [from, to, value] of valid) {
      const twin = [...this.renamed].find(([, n]) => n === to);
      const why = to === from ? `"${to}" is its own name` : twin !== undefined ? `"${to}" is also the new name of "${twin[0]}"` : this.taken(to, leaving);
      if (why !== undefined) this.p.at(value.offset, child(path, from), why);
      else this.renamed.set(from, to);
    }
    return this.renamed;
  }

  /** `drop_fields`: names after renaming. */
  drops(node: YNode | undefined, path: string): ReadonlySet<string> {
    const out = new Set<string>();
    const known = this.before().map((f) => this.renamed.get(f) ?? f);
    (seqOf(node, path, this.p) ?? []).forEach((item, i) => {
      const ip = child(path, i);
      const name = stringOf(item, ip, this.p);
      if (name === undefined) return;
      const renamedTo = this.renamed.get(name);
      if (isSystemField(name)) this.p.at(item.offset, ip, `"${name}" is a system field and cannot be dropped`);
      else if (renamedTo !== undefined && !known.includes(name)) this.p.at(item.offset, ip, `"${name}" is renamed to "${renamedTo}" by rename_fields (drop_fields applies after renaming)`);
      else if (this.perType !== undefined && !known.includes(name)) this.p.at(item.offset, ip, this.unknown(name, known));
      else out.add(name);
    });
    return out;
  }
}

/** The first `from_entity` in a field spec, nested ones included. */
const findFromEntity = (spec: FieldSpec): FieldSpec['fromEntity'] =>
  spec.fromEntity ?? spec.properties?.map(([, f]) => findFromEntity(f)).find((f) => f !== undefined) ?? (spec.items === undefined ? undefined : findFromEntity(spec.items));

/**
 * A version's transform: adds `adds` (drawn from `rng`, at the event's time; appended), renames
 * (in place), drops. The input event is not changed.
 */
const versionTransform = (
  adds: ReadonlyArray<readonly [string, CompiledField]>,
  renames: ReadonlyMap<string, string>,
  drops: ReadonlySet<string>,
  faker: () => SeededFaker,
) => (e: SimEvent, rng: Rng): SimEvent => {
  const source = e as unknown as Record<string, unknown>;
  const added: Record<string, unknown> = {};
  if (adds.length > 0) {
    const now = eventTime(e);
    const g: GenContext = { rng, faker: faker().use(rng, now), now };
    const scope = { ...emptyScope(), local: added, root: source };
    for (const [name, c] of adds) added[name] = c.produce(g, scope);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(source)) {
    const name = renames.get(k) ?? k;
    if (!drops.has(name)) out[name] = source[k];
  }
  for (const k of Object.keys(added)) if (!drops.has(renames.get(k) ?? k)) out[renames.get(k) ?? k] = added[k];
  return withMetaOf(out as SimEvent, e);
};
