/**
 * An entity's `churn:` in the YAML model format → the builder's `ChurnOptions`:
 * `churn: { inactive_for: 30d, max_live: 50000, event: AccountClosed }`. The event type's payload
 * is made as a flow step would make it, with the retiring entity bound to the entity's name and
 * every alias of it, so its `from_entity` fields read that entity. Mistakes are located: unknown
 * keys, durations, counts, an unknown event type, and an event whose payload does not name the
 * entity (no top-level `from_entity` of its primary key).
 *
 * @example
 * const churn = compileChurn(decl.churn, decl, scope); // ChurnOptions, or undefined with problems reported
 */
import { parseDuration } from '../../core/duration';
import type { ChurnOptions } from '../../entities/churnRule';
import type { EntityView } from '../../flows/flow';
import type { PayloadScope } from '../../flows/stepEvent';
import type { EventSchema } from '../../schema/event';
import type { Problems } from '../configError';
import { child, describeNode, intAtLeast, mapOf, quote, stringOf, suggestion } from '../decode';
import type { YNode } from '../yamlTree';
import type { CompiledField } from './compilePayload';
import type { EntityDecl } from './entityDecls';
import { MAX_SPAN_MS } from './limits';

/** An event type's payload as compiled, for churn to emit it. */
export interface ChurnEvent {
  /** Undefined when the payload has a mistake (reported already). */
  readonly schema: EventSchema<any> | undefined;
  readonly fields: ReadonlyArray<readonly [string, CompiledField]>;
}

/** What compiling a churn rule needs of the model compiler. */
export interface ChurnScope {
  readonly problems: Problems;
  /** The compiled payload of the event type `name`, undefined when no such event type is declared. */
  churnEvent(name: string): ChurnEvent | undefined;
  /** The names of the event types declared in the document. */
  readonly declaredEvents: ReadonlySet<string>;
  /** The entity's name and every alias of it in the document (what `from_entity` may write). */
  namesOf(entityName: string): ReadonlyArray<string>;
}

const KEYS = ['inactive_for', 'max_live', 'event'];

/** The churn rule of entity `d` (its `churn:` node); undefined when it has a mistake (reported). */
export const compileChurn = (node: YNode, d: EntityDecl, scope: ChurnScope): ChurnOptions | undefined => {
  const p = scope.problems;
  const path = child(d.path, 'churn');
  const m = mapOf(node, path, p, { optional: KEYS });
  if (m === undefined) return undefined;
  if (m.get('inactive_for') === undefined && m.get('max_live') === undefined) {
    p.at(node.offset, path, 'give inactive_for (a duration such as "30d"), max_live (a count) or both');
    return undefined;
  }
  let ok = true;
  const out: { -readonly [K in keyof ChurnOptions]: ChurnOptions[K] } = {};
  const inactive = m.get('inactive_for');
  if (inactive !== undefined) {
    const ms = durationOf(inactive, child(path, 'inactive_for'), p);
    if (ms === undefined) ok = false;
    else out.inactiveFor = ms;
  }
  if (m.get('max_live') !== undefined) {
    out.maxLive = intAtLeast(m.get('max_live'), child(path, 'max_live'), p, 1);
    if (out.maxLive === undefined) ok = false;
  }
  const eventNode = m.get('event');
  if (eventNode !== undefined) {
    const ep = child(path, 'event');
    const name = stringOf(eventNode, ep, p);
    const ev = name === undefined ? undefined : scope.churnEvent(name);
    if (name !== undefined && ev === undefined && !scope.declaredEvents.has(name)) {
      const known = [...scope.declaredEvents];
      p.at(eventNode.offset, ep, `${quote(name)} is not an event type${suggestion(name, known) || ` (event types: ${known.join(', ') || 'none'})`}`);
    }
    if (ev?.schema === undefined) return undefined;
    const names = scope.namesOf(d.name);
    const naming = ev.fields.some(
      ([, c]) => c.spec.fromEntity !== undefined && names.includes(c.spec.fromEntity.entity) && c.spec.fromEntity.field === d.primaryKey,
    );
    if (!naming) {
      p.at(
        eventNode.offset,
        ep,
        `${name}'s payload does not name the ${d.name} that leaves: give it a field { from_entity: ${d.name}, field: ${d.primaryKey} }`,
      );
      return undefined;
    }
    out.event = ev.schema;
    out.overrides = churnPayload(ev.fields, names);
  }
  return ok ? out : undefined;
};

/** The payload of a churn event, made by its fields' producers with the retiring entity bound to `names`. */
const churnPayload =
  (fields: ReadonlyArray<readonly [string, CompiledField]>, names: ReadonlyArray<string>) =>
  (entity: EntityView, g: Parameters<CompiledField['produce']>[0]): Record<string, unknown> => {
    const payload: Record<string, unknown> = {};
    const scope: PayloadScope = { local: payload, root: payload, entities: new Map(names.map((n) => [n, entity])), items: new Map() };
    for (const [name, c] of fields) payload[name] = c.produce(g, scope);
    return payload;
  };

/** A duration of more than 0 and at most 10 000 years, in ms. */
const durationOf = (node: YNode, path: string, p: Problems): number | undefined => {
  const value = node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? node.value : undefined;
  if (value === undefined) {
    p.at(node.offset, path, `expected a duration such as "30d" or "45m", got ${describeNode(node)}`);
    return undefined;
  }
  try {
    const ms = parseDuration(value);
    if (!(ms > 0)) throw new Error('must be more than 0');
    if (ms > MAX_SPAN_MS) throw new Error(`expected at most 10000 years, got ${JSON.stringify(value)}`);
    return ms;
  } catch (e) {
    p.at(node.offset, path, (e as Error).message);
    return undefined;
  }
};
