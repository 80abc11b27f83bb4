/**
 * `loadConfig`: a document in the YAML model format (a path or its text) → a `Simulation`, the same model the
 * builder API makes (run it with `sim.run()`, `simulate()` or `deep-faker run file.yaml`), or every
 * mistake in the document at once, each located: `shop.yaml:88:19 event_types.UserLoggedIn.
 * consumes_entities[0].selection_filter[0].operator: "equal" is not an operator; did you mean "equals"?`.
 *
 * @example
 * const loaded = loadConfig('scenarios/shop.yaml');
 * if (!loaded.ok) throw new Error(loaded.errors.map(formatConfigError).join('\n'));
 * await loaded.simulation.run();
 */
import { readSource } from '../source';
import type { EntityType } from '../../entities/entity';
import type { Action, Select } from '../../flows/actions';
import { select } from '../../flows/actions';
import type { FlowContext } from '../../flows/flow';
import { parseDuration } from '../../core/duration';
import { FOREVER, parseStartTime } from '../../engine/model';
import { Simulation, type SimulationOptions } from '../../simulation';
import type { ConfigError } from '../configError';
import { Problems } from '../configError';
import { child, describeNode, intAtLeast, intIn, mapOf, numberOf, own, quote, seqOf, stringOf, suggestion } from '../decode';
import { MAX_DATE_MS, MAX_SPAN_MS, MAX_WEIGHT, type ModelLimits, limitHint, readLimits } from './limits';
import { SchemaTable } from './fieldSpec';
import { PayloadCompiler } from './compilePayload';
import type { CompiledEvent } from './compileEventType';
import { ModelCompiler } from './compileModel';
import { entityDecls, entityInfo } from './entityDecls';
import { playEvent, startSession, waitSeconds } from '../../flows/playEvent';
import { compileOutputs } from './compileOutputs';
import { compileDelivery } from './compileDelivery';
import { checkPayloadPlans } from './payloadPlans';
import { readHistory } from './historySetting';
import { entry, parseYamlTree, toJs, type YNode } from '../yamlTree';

/** The result of `loadConfig`. */
export type LoadResult = { readonly ok: true; readonly simulation: Simulation } | { readonly ok: false; readonly errors: ReadonlyArray<ConfigError> };

/** Options of `loadConfig`. */
export interface LoadOptions {
  /** The file name used in messages when text is given (default `config.yaml`). */
  readonly file?: string;
}

const ROOT_KEYS = ['version', 'simulation_settings', 'schemas', 'entities', 'event_types', 'scenarios', 'outputs', 'delivery'];
const SETTINGS_KEYS = ['duration', 'total_events', 'initial_entity_counts', 'time_progression', 'random_seed', 'concurrent_sessions', 'limits', 'history'];

/** Whether `s` is YAML text rather than a path. */
/**
 * Loads a YAML configuration: a path to a `.yaml` / `.yml` file, or the document's text.
 * Never throws for a mistake in the document: they come back as `errors`.
 */
export const loadConfig = (pathOrText: string, options: LoadOptions = {}): LoadResult => {
  const src = readSource(pathOrText, options.file, 'config.yaml');
  if (!src.ok) return src;
  const { text: source, file } = src;
  const problems = new Problems(file, source);
  const root = parseYamlTree(source, problems);
  const simulation = root === undefined ? undefined : compileDocument(root, problems);
  if (problems.ok && simulation !== undefined) return { ok: true, simulation };
  const errors = [...problems.errors].sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, errors };
};

const compileDocument = (root: YNode, p: Problems): Simulation | undefined => {
  const doc = mapOf(root, '', p, { required: ['event_types'], optional: ROOT_KEYS });
  if (doc === undefined) return undefined;
  const version = doc.get('version');
  if (version !== undefined && (version.kind !== 'scalar' || (typeof version.value !== 'string' && typeof version.value !== 'number'))) {
    p.at(version.offset, 'version', 'expected a version such as "1.0"');
  } else if (version !== undefined && !String((version as { value: unknown }).value).startsWith('1')) {
    p.at(version.offset, 'version', `version ${JSON.stringify((version as { value: unknown }).value)} is not supported (this is format 1.x)`);
  }
  const limits = readLimits(entry(doc.get('simulation_settings'), 'limits'), p);
  const table = new SchemaTable(doc.get('schemas'), p, limits);
  const decls = entityDecls(doc.get('entities'), table, p);
  const aliases = collectAliases(doc.get('event_types'), doc.get('scenarios'));
  const declared = new Set(
    doc.get('entities')?.kind === 'map' ? (doc.get('entities') as { entries: ReadonlyArray<{ key: string }> }).entries.map((e) => e.key) : [],
  );
  const payloads = new PayloadCompiler(p, table, new Map(decls.map((d) => [d.name, entityInfo(d)])), aliases, declared);
  const model = new ModelCompiler(p, table, payloads, declared);
  model.compile(doc.get('event_types'), decls);
  table.checkAll();
  for (const name of table.names()) {
    const spec = table.resolve(`#/schemas/${name}`, 0, '');
    if (spec !== undefined) payloads.field(spec, name, [], false);
  }
  const maxLive = (name: string): number | undefined => model.entityTypes.get(name)?.churn?.maxLive;
  const settings = compileSettings(doc.get('simulation_settings'), p, [...model.declaredEntities], limits, maxLive);
  const entities = [...model.entityTypes.values()];
  checkPayloadPlans(model.events.values(), entities, p);
  const sim = new Simulation({ ...settings, entities });
  const flowNames = new Map<string, string>();
  for (const ev of model.events.values()) {
    if (ev.weight === undefined || ev.weight <= 0) continue;
    flowNames.set(ev.name, `event_types.${ev.name}`);
    sim.flow(eventFlow(ev), eventBody(ev));
  }
  compileScenarios(doc.get('scenarios'), p, model, flowNames, sim, limits);
  for (const o of compileOutputs(doc.get('outputs'), p, [...model.declaredEvents])) sim.addOutput(o);
  const delivery = compileDelivery(doc.get('delivery'), p, { table, payloads, model, limits });
  if (delivery !== undefined) sim.withDelivery(delivery);
  return p.ok ? sim : undefined;
};

const collectAliases = (eventTypes: YNode | undefined, scenarios: YNode | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  const scan = (list: YNode | undefined): void => {
    if (list?.kind !== 'seq') return;
    for (const c of list.items) {
      if (c.kind !== 'map') continue;
      const name = c.entries.find((e) => e.key === 'name')?.value;
      const alias = c.entries.find((e) => e.key === 'alias')?.value;
      if (name?.kind === 'scalar' && alias?.kind === 'scalar' && typeof alias.value === 'string') out.set(alias.value, String(name.value));
    }
  };
  for (const top of [eventTypes, scenarios]) {
    if (top?.kind !== 'map') continue;
    for (const e of top.entries) {
      if (e.value.kind !== 'map') continue;
      scan(e.value.entries.find((x) => x.key === 'consumes_entities')?.value);
      scan(e.value.entries.find((x) => x.key === 'requires_initial_entities')?.value);
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// settings
// ---------------------------------------------------------------------------------------------

/** A duration's ms; a mistake says "forever" is the way to have no end (`duration: forever`). */
const parseDurationOrForever = (text: string | number): number => {
  try {
    return parseDuration(text);
  } catch (e) {
    throw new Error(`${(e as Error).message}, or "forever" for no end`, { cause: e });
  }
};

const compileSettings = (
  node: YNode | undefined,
  p: Problems,
  entities: ReadonlyArray<string>,
  limits: ModelLimits,
  maxLive: (entity: string) => number | undefined,
): SimulationOptions => {
  const m = mapOf(node, 'simulation_settings', p, { optional: SETTINGS_KEYS });
  if (m === undefined) return {};
  const out: { -readonly [K in keyof SimulationOptions]: SimulationOptions[K] } = {};
  const at = (k: string): string => child('simulation_settings', k);
  const d = m.get('duration');
  if (d !== undefined) {
    const text = d.kind === 'scalar' && (typeof d.value === 'string' || typeof d.value === 'number') ? d.value : undefined;
    try {
      if (text === undefined) throw new Error(`expected a duration such as "10m", or "forever", got ${describeNode(d)}`);
      if (text === FOREVER) out.duration = FOREVER;
      else {
        const ms = parseDurationOrForever(text);
        if (ms <= 0) throw new Error('must be more than 0');
        if (ms > MAX_SPAN_MS) throw new Error(`expected at most 10000 years, got ${JSON.stringify(text)}`);
        out.duration = text;
      }
    } catch (e) {
      p.at(d.offset, at('duration'), (e as Error).message);
    }
  }
  if (m.get('total_events') !== undefined) out.totalEvents = intAtLeast(m.get('total_events'), at('total_events'), p, 1);
  if (m.get('random_seed') !== undefined) out.seed = intAtLeast(m.get('random_seed'), at('random_seed'), p, 0);
  if (m.get('concurrent_sessions') !== undefined)
    out.nFlows = intIn(m.get('concurrent_sessions'), at('concurrent_sessions'), p, 1, limits.max_concurrent_sessions, limitHint('max_concurrent_sessions'));
  const counts = mapOf(m.get('initial_entity_counts'), at('initial_entity_counts'), p);
  if (counts !== undefined) {
    // No prototype: the engine looks entity names up in it.
    const c: Record<string, number> = Object.create(null);
    for (const e of counts.entries) {
      const ep = child(at('initial_entity_counts'), e.key);
      if (!entities.includes(e.key))
        p.at(e.keyOffset, ep, `${quote(e.key)} is not an entity${suggestion(e.key, entities) || ` (entities: ${entities.join(', ') || 'none'})`}`);
      const n = intIn(e.value, ep, p, 0, limits.max_initial_entities, limitHint('max_initial_entities'));
      const cap = maxLive(e.key);
      if (n !== undefined && cap !== undefined && n > cap) p.at(e.value.offset, ep, `expected at most ${cap}, the churn max_live of ${e.key}, got ${n}`);
      else if (n !== undefined) c[e.key] = n;
    }
    out.initialEntities = c;
  }
  const tp = mapOf(m.get('time_progression'), at('time_progression'), p, { optional: ['start_time', 'time_multiplier'] });
  if (tp !== undefined) {
    const tpp = at('time_progression');
    const st = tp.get('start_time');
    if (st !== undefined) {
      const s = stringOf(st, child(tpp, 'start_time'), p);
      if (s !== undefined && s !== 'now') {
        try {
          parseStartTime(s);
          out.startTime = s;
        } catch {
          p.at(st.offset, child(tpp, 'start_time'), `expected an ISO-8601 date-time (e.g. "2025-05-06T10:00:00Z") or "now", got ${JSON.stringify(s)}`);
        }
      } else if (s === 'now') out.startTime = 'now';
    }
    const tm = tp.get('time_multiplier');
    if (tm !== undefined) {
      const x = numberOf(tm, child(tpp, 'time_multiplier'), p);
      if (x !== undefined && !(x > 0)) p.at(tm.offset, child(tpp, 'time_multiplier'), `expected a number > 0, got ${x}`);
      else if (x !== undefined) out.timeMultiplier = x;
    }
  }
  const history = readHistory(m.get('history'), at('history'), p);
  if (history !== undefined) out.history = history;
  if (out.startTime === undefined) out.startTime = 'now';
  const span = out.duration === undefined || out.duration === FOREVER ? undefined : parseDuration(out.duration);
  if (d !== undefined && span !== undefined && out.startTime !== 'now' && parseStartTime(out.startTime) + span > MAX_DATE_MS) {
    p.at(d.offset, at('duration'), `the run would end after ${new Date(MAX_DATE_MS).toISOString()}, the last date JavaScript can represent`);
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// flows
// ---------------------------------------------------------------------------------------------

/** The first consume per entity type becomes a flow filter (so the flow starts only when it can). */
const filtersOf = (consumes: CompiledEvent['consumes']): Select[] => {
  const seen = new Set<EntityType<any>>();
  const out: Select[] = [];
  for (const c of consumes) {
    if (seen.has(c.entity)) continue;
    seen.add(c.entity);
    out.push(select(c.entity, c.where));
  }
  return out;
};

const eventFlow = (ev: CompiledEvent) => ({ name: ev.name, weight: ev.weight, filter: filtersOf(ev.consumes), description: ev.description });

// Overrides have no prototype: the step player tests `name in overrides`, and a payload field named
// `toString` or `constructor` must not find what every object inherits.
const NO_OVERRIDES: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null));

const eventBody = (ev: CompiledEvent) => {
  const filtered = filtersOf(ev.consumes).map((s) => s.entity);
  return function* (ctx: FlowContext): Generator<Action, void, unknown> {
    yield* playEvent(ctx, ev, startSession(ctx, filtered), NO_OVERRIDES);
  };
};

interface Step {
  readonly event: CompiledEvent;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly delay: Action | undefined;
  readonly loop: { readonly min: number; readonly max: number; readonly delay: Action | undefined } | undefined;
}

const SCENARIO_KEYS = ['description', 'initiation_weight', 'requires_initial_entities', 'steps'];
const STEP_KEYS = ['event_type', 'payload_overrides', 'delay_after_previous_step', 'loop'];

const delayOf = (node: YNode | undefined, path: string, p: Problems): Action | undefined => {
  const m = mapOf(node, path, p, { required: ['min_seconds', 'max_seconds'] });
  if (m === undefined) return undefined;
  const min = numberOf(m.get('min_seconds'), child(path, 'min_seconds'), p);
  const max = numberOf(m.get('max_seconds'), child(path, 'max_seconds'), p);
  if (min === undefined || max === undefined) return undefined;
  if (min < 0) p.at(m.get('min_seconds')!.offset, child(path, 'min_seconds'), `expected a number >= 0, got ${min}`);
  else if (max > MAX_SPAN_MS / 1000)
    p.at(m.get('max_seconds')!.offset, child(path, 'max_seconds'), `expected at most ${MAX_SPAN_MS / 1000} (10000 years), got ${max}`);
  else if (min > max) p.at(m.get('min_seconds')!.offset, child(path, 'min_seconds'), `min_seconds (${min}) is greater than max_seconds (${max})`);
  else return waitSeconds(min, max);
  return undefined;
};

const compileScenarios = (
  node: YNode | undefined,
  p: Problems,
  model: ModelCompiler,
  flowNames: Map<string, string>,
  sim: Simulation,
  limits: ModelLimits,
): void => {
  const sm = mapOf(node, 'scenarios', p);
  for (const e of sm?.entries ?? []) {
    const path = child('scenarios', e.key);
    const m = mapOf(e.value, path, p, { required: ['steps'], optional: SCENARIO_KEYS });
    if (m === undefined) continue;
    const weight = m.get('initiation_weight') === undefined ? 1 : numberOf(m.get('initiation_weight'), child(path, 'initiation_weight'), p);
    if (weight !== undefined && weight < 0) p.at(m.get('initiation_weight')!.offset, child(path, 'initiation_weight'), `expected a number >= 0, got ${weight}`);
    if (weight !== undefined && weight > MAX_WEIGHT)
      p.at(m.get('initiation_weight')!.offset, child(path, 'initiation_weight'), `expected a number <= ${MAX_WEIGHT}, got ${weight}`);
    const description = m.get('description') === undefined ? undefined : stringOf(m.get('description'), child(path, 'description'), p);
    const requires = model.consumes(m.get('requires_initial_entities'), child(path, 'requires_initial_entities'));
    const steps: Step[] = [];
    const list = seqOf(m.get('steps'), child(path, 'steps'), p) ?? [];
    if (list.length === 0 && m.get('steps')?.kind === 'seq') p.at(m.get('steps')!.offset, child(path, 'steps'), 'a scenario needs at least one step');
    list.forEach((s, i) => {
      const sp = child(child(path, 'steps'), i);
      const st = mapOf(s, sp, p, { required: ['event_type'], optional: STEP_KEYS });
      if (st === undefined) return;
      const name = stringOf(st.get('event_type'), child(sp, 'event_type'), p);
      if (name === undefined) return;
      const ev = model.events.get(name);
      if (ev === undefined && model.declaredEvents.has(name)) return;
      if (ev === undefined) {
        const known = [...model.declaredEvents];
        p.at(
          st.get('event_type')!.offset,
          child(sp, 'event_type'),
          `${quote(name)} is not an event type${suggestion(name, known) || ` (event types: ${known.join(', ')})`}`,
        );
        return;
      }
      const overrides: Record<string, unknown> = Object.create(null);
      const om = mapOf(st.get('payload_overrides'), child(sp, 'payload_overrides'), p);
      for (const o of om?.entries ?? []) {
        const op = child(child(sp, 'payload_overrides'), o.key);
        const f = own(ev.schema.fields, o.key);
        if (f === undefined) {
          p.at(
            o.keyOffset,
            op,
            `${quote(o.key)} is not a field of ${name}'s payload${suggestion(o.key, ev.schema.fieldNames) || ` (fields: ${ev.schema.fieldNames.join(', ')})`}`,
          );
          continue;
        }
        const v = toJs(o.value);
        if (!f.codec.is(v)) p.at(o.value.offset, op, `expected ${f.codec.name}, got ${JSON.stringify(v)}`);
        else overrides[o.key] = v;
      }
      const delay =
        st.get('delay_after_previous_step') === undefined ? undefined : delayOf(st.get('delay_after_previous_step'), child(sp, 'delay_after_previous_step'), p);
      let loop: Step['loop'];
      const lm = mapOf(st.get('loop'), child(sp, 'loop'), p, { optional: ['min_count', 'max_count', 'delay_between_loops'] });
      if (lm !== undefined) {
        const lp = child(sp, 'loop');
        const count = (k: string): number | undefined => intIn(lm.get(k), child(lp, k), p, 0, limits.max_loop_count, limitHint('max_loop_count'));
        const min = lm.get('min_count') === undefined ? 1 : count('min_count');
        const max = lm.get('max_count') === undefined ? min : count('max_count');
        const ld = lm.get('delay_between_loops') === undefined ? undefined : delayOf(lm.get('delay_between_loops'), child(lp, 'delay_between_loops'), p);
        if (min !== undefined && max !== undefined && min > max)
          p.at(lm.get('min_count')!.offset, child(lp, 'min_count'), `min_count (${min}) is greater than max_count (${max})`);
        else if (min !== undefined && max !== undefined) loop = { min, max, delay: ld };
      }
      steps.push({ event: ev, overrides, delay, loop });
    });
    if (flowNames.has(e.key)) {
      p.at(e.keyOffset, path, `a flow named ${quote(e.key)} already exists (${flowNames.get(e.key)}); rename the scenario`);
      continue;
    }
    if (!p.ok || requires === undefined || weight === undefined) continue;
    flowNames.set(e.key, path);
    const filters = filtersOf(requires);
    const extra = requires.filter((c) => !filters.some((f) => f.entity === c.entity && f.where === c.where));
    const filtered = filters.map((f) => f.entity);
    sim.flow({ name: e.key, weight, filter: filters, description }, function* (ctx: FlowContext): Generator<Action, void, unknown> {
      const session = startSession(ctx, filtered);
      for (const c of extra) {
        const v = yield select(c.entity, c.where);
        if (v === undefined) return;
        session.held.push(v as never);
      }
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        if (i > 0 && step.delay !== undefined) yield step.delay;
        const n = step.loop === undefined ? 1 : ctx.rng.int(step.loop.min, step.loop.max);
        for (let j = 0; j < n; j++) {
          if (j > 0 && step.loop?.delay !== undefined) yield step.loop.delay;
          if (!(yield* playEvent(ctx, step.event, session, step.overrides))) return;
        }
      }
    });
  }
};
