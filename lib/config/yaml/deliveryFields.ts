/**
 * The fields the delivery stages write (ingest time, checksum, schema version) and what the
 * `delivery:` section may refer to. A stage's field must not be a system field, another stage's
 * field or a payload field: the stage would overwrite it.
 *
 * @example
 * const fields = new DeliveryFields(problems, ctx);
 * fields.claim(m.get('field'), 'delivery.checksum', node, 'checksum'); // 'checksum', or undefined (reported)
 */
import { SYSTEM_FIELDS } from '../../core/simEvent';
import type { PayloadCompiler } from './compilePayload';
import type { ModelCompiler } from './compileModel';
import type { Problems } from '../configError';
import { child, quote, stringOf } from '../decode';
import type { SchemaTable } from './fieldSpec';
import type { ModelLimits } from './limits';
import type { YNode } from '../yamlTree';

/** What the delivery section may refer to: the document's schemas, compiler and event types. */
export interface DeliveryContext {
  readonly table: SchemaTable;
  readonly payloads: PayloadCompiler;
  /** Event types: declared (compiled or not) and compiled (with their payload schemas). */
  readonly model: Pick<ModelCompiler, 'events' | 'declaredEvents'>;
  /** The document's limits (`simulation_settings.limits`). */
  readonly limits: ModelLimits;
}

/** Whether `name` is one of the fields every event has (`event_id`, `timestamp`, …). */
export const isSystemField = (name: string): boolean => (SYSTEM_FIELDS as ReadonlyArray<string>).includes(name);

/** The fields the delivery stages add (ingest time, checksum, schema version): checked and remembered. */
export class DeliveryFields {
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
    const lead = node === undefined ? `its field ${quote(name)}` : `${quote(name)}`;
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
