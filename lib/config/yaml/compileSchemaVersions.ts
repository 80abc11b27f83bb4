/**
 * `delivery.schema_versions` of a YAML model → the schema versions the delivery stage stamps on
 * events (`DeliverySettings['versions']`), each with its transform.
 *
 * ```yaml
 * schema_versions:
 *   field: schema_version
 *   default_version: 1
 *   versions:
 *     - version: 2
 *       rate: 0.35
 *       event_types: [UserRegistered]
 *       add_fields: { promo_code: { type: string, generator: choice, params: { choices: [SPRING10, WELCOME5] } } }
 *       rename_fields: { email: email_address }
 *       drop_fields: [phone]
 * ```
 *
 * A version's transform adds `add_fields` (field specs exactly as under `schemas:`, generated from
 * the transform's `rng` at the event's time, appended after the event's fields; `derived` and
 * `conditional_choice` may read the system fields, the payload fields every targeted event type
 * has, and the fields added before), then applies `rename_fields` (a renamed field keeps its
 * place), then `drop_fields` (names after renaming). A version number is used once per event type
 * and is not the default version; the rates of one event type's versions sum to at most 1.
 *
 * @example
 * compileSchemaVersions(m.get('schema_versions')!, 'delivery.schema_versions', problems, ctx, fields);
 * // { versions: [{ version: 2, rate: 0.35, eventTypes: ['UserRegistered'], transform }] }
 */
import type { Rng } from '../../core/rng';
import { eventTime, type SimEvent } from '../../core/simEvent';
import type { DeliverySettings } from '../../delivery/delivery';
import { withMetaOf } from '../../delivery/deliveryMeta';
import type { SchemaVersion } from '../../delivery/schemaVersions';
import type { GenContext } from '../../schema/generator';
import { SeededFaker } from '../../schema/seededFaker';
import type { CompiledField } from './compilePayload';
import { emptyScope } from './compilePayload';
import type { Problems } from '../configError';
import { child, intAtLeast, mapOf, numberIn, quote, seqOf, stringOf, suggestion } from '../decode';
import type { DeliveryContext, DeliveryFields } from './deliveryFields';
import { VersionShape } from './versionShape';
import type { YNode } from '../yamlTree';

const VERSIONS_KEYS = ['field', 'default_version', 'versions'];
const VERSION_KEYS = ['version', 'rate', 'event_types', 'add_fields', 'rename_fields', 'drop_fields'];

type Versions = Exclude<NonNullable<DeliverySettings['versions']>, ReadonlyArray<SchemaVersion>>;

/** A decoded version and where its number and rate are written. */
interface CompiledVersion {
  readonly version: SchemaVersion;
  /** Its index in `versions`. */
  readonly index: number;
  readonly versionNode: YNode;
  readonly rateNode: YNode;
}

/**
 * Decodes `schema_versions` (`node`, at `path`); the field it writes is claimed in `fields`.
 * Problems go to `p`; the versions returned are only meaningful when `p.ok`.
 *
 * @example
 * compileSchemaVersions(node, 'delivery.schema_versions', problems, ctx, fields); // { versions: [...], defaultVersion: 1 }
 */
export const compileSchemaVersions = (node: YNode, path: string, p: Problems, ctx: DeliveryContext, fields: DeliveryFields): Versions | undefined => {
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
    if (twin >= 0)
      p.at(
        v.versionNode.offset,
        vp,
        `version ${n} is also versions[${compiled[twin].index}] for event type ${quote(sharedType(compiled[twin].version, v.version, ctx) ?? '')}`,
      );
    else if (n === (defaultVersion ?? 1))
      p.at(v.versionNode.offset, vp, `version ${n} is the default_version${defaultVersion === undefined ? ' (1 by default)' : ''}`);
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
        p.at(
          v.rateNode.offset,
          child(child(listPath, v.index), 'rate'),
          `the rates of versions ${applying.join(', ')} for event type ${quote(type)} sum to ${Number(sum.toFixed(9))}, more than 1`,
        );
      }
    });
  }
};

const lazyFaker = (): (() => SeededFaker) => {
  let faker: SeededFaker | undefined;
  return () => (faker ??= new SeededFaker());
};

const versionOf = (
  node: YNode,
  index: number,
  path: string,
  p: Problems,
  ctx: DeliveryContext,
  fields: DeliveryFields,
  faker: () => SeededFaker,
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
    if (!ctx.model.declaredEvents.has(name))
      p.at(item.offset, child(path, i), `${quote(name)} is not an event type${suggestion(name, known) || ` (event types: ${known.join(', ')})`}`);
    else out.push(name);
  });
  return { eventTypes: out, complete: out.length === list.length && out.length > 0 };
};

/**
 * A version's transform: adds `adds` (drawn from `rng`, at the event's time; appended), renames
 * (in place), drops. The input event is not changed.
 */
const versionTransform =
  (adds: ReadonlyArray<readonly [string, CompiledField]>, renames: ReadonlyMap<string, string>, drops: ReadonlySet<string>, faker: () => SeededFaker) =>
  (e: SimEvent, rng: Rng): SimEvent => {
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
