/**
 * What a schema version of the `delivery:` section does to the payload of the event types it
 * targets — fields added (`add_fields`), renamed (`rename_fields`), dropped (`drop_fields`) —
 * checked against their fields: system fields, names another stage writes, names already taken,
 * fields the types do not have (did-you-mean), `from_entity` (no entity is consumed on delivery).
 *
 * @example
 * const shape = new VersionShape(problems, ctx, fields, ['UserRegistered'], true);
 * const adds = shape.adds(m.get('add_fields'), 'delivery.schema_versions.versions[0].add_fields');
 */
import { SYSTEM_FIELDS } from '../../core/simEvent';
import type { CompiledField } from './compilePayload';
import type { Problems } from '../configError';
import { child, mapOf, quote, seqOf, stringOf, suggestion } from '../decode';
import { type DeliveryContext, type DeliveryFields, isSystemField } from './deliveryFields';
import type { FieldSpec } from './fieldSpec';
import type { YNode } from '../yamlTree';

/**
 * What a version does to the payload of the event types it targets, checked against their fields:
 * fields added, renamed (old → new, all at once), dropped (names after renaming).
 */
export class VersionShape {
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
    return `${quote(name)} is not a field of ${of}${suggestion(name, known) || ` (fields: ${known.join(', ')})`}`;
  }

  /** Why a field this version adds or renames to cannot be named `name` (`leaving`: names renamed away), or undefined. */
  private taken(name: string, leaving: ReadonlySet<string>): string | undefined {
    if (isSystemField(name)) return `${quote(name)} is a system field`;
    const section = this.fields.names.get(name);
    if (section !== undefined) return `${quote(name)} is the field ${section} writes`;
    if (leaving.has(name)) return undefined;
    if (this.added.includes(name)) return `${quote(name)} is also added by add_fields`;
    const owners = (this.perType ?? []).filter(([, f]) => f.includes(name)).map(([n]) => n);
    if (owners.length > 0) return `${quote(name)} is already a payload field of ${owners.join(', ')}`;
    return undefined;
  }

  /** `add_fields`: field specs as under `schemas:`, compiled. */
  adds(node: YNode | undefined, path: string): Array<readonly [string, CompiledField]> {
    const out: Array<readonly [string, CompiledField]> = [];
    const common =
      this.perType === undefined || this.perType.length === 0 ? [] : this.perType.map(([, f]) => f).reduce((a, b) => a.filter((x) => b.includes(x)));
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
    this.p.at(
      local ? fe.offset : node.offset,
      local ? child(fe.path, 'from_entity') : path,
      `from_entity${local ? '' : ` (in ${fe.path})`} cannot be used in add_fields: no entity is consumed when an event is delivered`,
    );
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
      if (isSystemField(e.key)) this.p.at(e.keyOffset, fp, `${quote(e.key)} is a system field and cannot be renamed`);
      else if (this.perType !== undefined && !known.includes(e.key)) this.p.at(e.keyOffset, fp, this.unknown(e.key, known));
      else if (to !== undefined) valid.push([e.key, to, e.value]);
    }
    const leaving = new Set(valid.map(([from]) => from));
    for (const [from, to, value] of valid) {
      const twin = [...this.renamed].find(([, n]) => n === to);
      const why =
        to === from ? `${quote(to)} is its own name` : twin !== undefined ? `${quote(to)} is also the new name of ${quote(twin[0])}` : this.taken(to, leaving);
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
      if (isSystemField(name)) this.p.at(item.offset, ip, `${quote(name)} is a system field and cannot be dropped`);
      else if (renamedTo !== undefined && !known.includes(name))
        this.p.at(item.offset, ip, `${quote(name)} is renamed to ${quote(renamedTo)} by rename_fields (drop_fields applies after renaming)`);
      else if (this.perType !== undefined && !known.includes(name)) this.p.at(item.offset, ip, this.unknown(name, known));
      else out.add(name);
    });
    return out;
  }
}

/** The first `from_entity` in a field spec, nested ones included. */
const findFromEntity = (spec: FieldSpec): FieldSpec['fromEntity'] =>
  spec.fromEntity ??
  spec.properties?.map(([, f]) => findFromEntity(f)).find((f) => f !== undefined) ??
  (spec.items === undefined ? undefined : findFromEntity(spec.items));
