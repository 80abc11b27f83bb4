/**
 * Decodes and checks a story document (the story format) — the located YAML tree — into a `Story`: the
 * schedule of every event definition and its compiled data fields. Every mistake is reported at
 * once to `Problems`, located at the exact line and column (inside expressions too): unknown keys
 * (with did-you-mean), wrong types, negative offsets or repeats, bad dates, zones and frequencies,
 * expression syntax, unknown functions and names, `prev.x` for a field the definition does not
 * have, `ref(e.f)` to an undefined event or field, or to an event that has not happened by the
 * first occurrence of the referring one.
 *
 * @example
 * const problems = new Problems('s.yaml', text);
 * const story = compileStory(parseYamlTree(text, problems)!, problems, {});
 */
import type { Expr } from '../../expr';
import { childrenOf, compileExpression, compileTemplate, isTemplate, lineColumn, parseExpression, pathOf } from '../../expr';
import { parseDuration } from '../../core/duration';
import type { EventGenerator } from '../../story/eventGenerator';
import type { EventDef, FieldPlan, Frequency, RefTarget, Story, ValuePlan } from '../../story/story';
import { CONTEXT_NAMES, occurrenceTime, resolveRef } from '../../story/story';
import type { StoryEvalContext } from '../../story/storyFunctions';
import { compileFakerCall, storyFunctions } from '../../story/storyFunctions';
import type { Zone } from '../../story/zonedTime';
import { badDirective, knownZones, parseStoryDate, zone } from '../../story/zonedTime';
import type { Problems } from '../yaml/configError';
import { child, describeNode, intAtLeast, mapOf, seqOf, stringOf, suggestion } from '../yaml/decode';
import type { YNode } from '../yaml/yamlTree';

/** Options of the compiler. */
export interface CompileStoryOptions {
  /** Custom generators by `source/event` or event name. */
  readonly generators?: Readonly<Record<string, EventGenerator>>;
}

const ROOT_KEYS = ['org_id', 'start_date', 'end_date', 'timezone', 'events', 'seed', 'description'];
const EVENT_KEYS = ['source', 'event', 'offset_days', 'repeat', 'frequency', 'data', 'description'];
const FREQUENCIES: Readonly<Record<string, Frequency>> = {
  hourly: { _tag: 'Fixed', ms: 3_600_000, label: 'hourly' },
  daily: { _tag: 'Calendar', days: 1, label: 'daily' },
  weekly: { _tag: 'Calendar', days: 7, label: 'weekly' },
};

// ---------------------------------------------------------------------------------------------
// document
// ---------------------------------------------------------------------------------------------

interface Draft {
  readonly index: number;
  readonly node: YNode & { kind: 'map' };
  readonly path: string;
  readonly source: string;
  readonly event: string;
  readonly offsetDays: number;
  readonly repeat: number;
  readonly frequency: Frequency;
  readonly data: ReadonlyArray<{ readonly key: string; readonly keyOffset: number; readonly value: YNode }>;
  readonly fieldNames: ReadonlyArray<string>;
  generator: EventGenerator | undefined;
  key: string;
}

/** Compiles the document; undefined if anything is wrong (the problems say what). */
export const compileStory = (root: YNode, source: string, p: Problems, options: CompileStoryOptions = {}): Story | undefined => {
  const doc = mapOf(root, '', p, { required: ['org_id', 'start_date', 'events'], optional: ROOT_KEYS });
  if (doc === undefined) return undefined;
  const orgNode = doc.get('org_id');
  let orgId: string | undefined;
  if (orgNode?.kind === 'scalar' && (typeof orgNode.value === 'string' || typeof orgNode.value === 'number') && String(orgNode.value) !== '') orgId = String(orgNode.value);
  else if (orgNode !== undefined) p.at(orgNode.offset, 'org_id', `expected an organisation id (text), got ${describeNode(orgNode)}`);

  let z: Zone = zone('UTC');
  const tzNode = doc.get('timezone');
  const tz = stringOf(tzNode, 'timezone', p);
  if (tz !== undefined) {
    try {
      z = zone(tz);
    } catch {
      p.at(tzNode!.offset, 'timezone', `unknown time zone "${tz}"${suggestion(tz, knownZones())} (an IANA name such as "America/New_York", or "UTC")`);
    }
  }
  const start = dateOf(doc.get('start_date'), 'start_date', p, z);
  const endDate = dateOf(doc.get('end_date'), 'end_date', p, z);
  // A date-only end_date includes its whole day: the story ends at the next local midnight.
  const end = endDate === undefined ? Infinity : endDate.dateOnly ? z.addDays(endDate.ms, 1) : endDate.ms;
  if (start !== undefined && end <= start.ms) p.at(doc.get('end_date')!.offset, 'end_date', 'end_date is not after start_date');
  const seed = doc.get('seed') === undefined ? undefined : intAtLeast(doc.get('seed'), 'seed', p, 0);
  if (doc.get('description') !== undefined) stringOf(doc.get('description'), 'description', p);

  const drafts = draftEvents(doc.get('events'), p);
  assignKeys(drafts);
  attachGenerators(drafts, options.generators ?? {}, p);
  if (start === undefined || orgId === undefined) return undefined;
  const events = drafts.map((d) => compileEvent(d, drafts, p, source, { zone: z, start: start.ms, end }));
  if (!p.ok) return undefined;
  return { file: p.file, orgId, zone: z, start: start.ms, end, seed, events: events as EventDef[] };
};

const dateOf = (node: YNode | undefined, path: string, p: Problems, z: Zone): { ms: number; dateOnly: boolean } | undefined => {
  if (node === undefined) return undefined;
  const text = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const parsed = text === undefined ? undefined : parseStoryDate(text, z);
  if (parsed === undefined) {
    p.at(node.offset, path, `expected a date such as 2025-01-01 or a date-time such as 2025-01-01T09:00:00 (local to timezone) or 2025-01-01T09:00:00Z, got ${describeNode(node)}`);
  }
  return parsed;
};

const draftEvents = (node: YNode | undefined, p: Problems): Draft[] => {
  const items = seqOf(node, 'events', p) ?? [];
  if (node?.kind === 'seq' && items.length === 0) p.at(node.offset, 'events', 'a story needs at least one event');
  const drafts: Draft[] = [];
  items.forEach((item, index) => {
    const path = child('events', index);
    const m = mapOf(item, path, p, { required: ['source', 'event'], optional: EVENT_KEYS });
    if (m === undefined) return;
    const source = stringOf(m.get('source'), child(path, 'source'), p);
    const event = stringOf(m.get('event'), child(path, 'event'), p);
    const offsetDays = m.get('offset_days') === undefined ? 0 : intAtLeast(m.get('offset_days'), child(path, 'offset_days'), p, 0);
    const repeat = m.get('repeat') === undefined ? 1 : intAtLeast(m.get('repeat'), child(path, 'repeat'), p, 1);
    const frequency = frequencyOf(m.get('frequency'), child(path, 'frequency'), p);
    if (m.get('description') !== undefined) stringOf(m.get('description'), child(path, 'description'), p);
    const dataNode = m.get('data');
    let data: Draft['data'] = [];
    if (dataNode !== undefined && !(dataNode.kind === 'scalar' && dataNode.value === null)) {
      const dm = mapOf(dataNode, child(path, 'data'), p);
      data = dm?.entries ?? [];
    }
    for (const f of data) {
      if (CONTEXT_NAMES.includes(f.key) && f.key === 'prev') p.at(f.keyOffset, child(child(path, 'data'), f.key), '"prev" is reserved (the previous occurrence of this event); rename the field');
      else if (!/^[A-Za-z_]\w*$/.test(f.key)) p.at(f.keyOffset, child(child(path, 'data'), f.key), `field names are identifiers (letters, digits, "_"), got "${f.key}"`);
    }
    if (source === undefined || event === undefined) return;
    if (event.trim() === '') p.at(m.get('event')!.offset, child(path, 'event'), 'the event name is empty');
    // A bad schedule is already reported; the data is still checked (with a stand-in schedule).
    drafts.push({
      index: drafts.length,
      node: m.node,
      path,
      source,
      event,
      offsetDays: offsetDays ?? 0,
      repeat: repeat ?? 1,
      frequency: frequency ?? FREQUENCIES.daily,
      data,
      fieldNames: data.map((f) => f.key),
      generator: undefined,
      key: '',
    });
  });
  return drafts;
};

const frequencyOf = (node: YNode | undefined, path: string, p: Problems): Frequency | undefined => {
  if (node === undefined) return FREQUENCIES.daily;
  const text = stringOf(node, path, p);
  if (text === undefined) return undefined;
  const named = FREQUENCIES[text];
  if (named !== undefined) return named;
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new Error('must be more than 0');
    return { _tag: 'Fixed', ms, label: `every ${text}` };
  } catch {
    const hint = suggestion(text, Object.keys(FREQUENCIES));
    p.at(node.offset, path, `"${text}" is not a frequency${hint || ' (hourly, daily, weekly, or a duration such as "15m", "2h", "1h30m")'}`);
    return undefined;
  }
};

const assignKeys = (drafts: Draft[]): void => {
  const seen = new Map<string, number>();
  for (const d of drafts) {
    const base = `${d.source}/${d.event}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    d.key = n === 1 ? base : `${base}#${n}`;
  }
};

const attachGenerators = (drafts: Draft[], generators: Readonly<Record<string, EventGenerator>>, p: Problems): void => {
  for (const [key, gen] of Object.entries(generators)) {
    const matching = drafts.filter((d) => key === `${d.source}/${d.event}` || key === d.key || key === d.event);
    if (matching.length === 0) {
      const known = drafts.map((d) => `${d.source}/${d.event}`);
      p.at(0, '', `generators["${key}"]: no event of the story is "${key}"${suggestion(key, known) || ` (events: ${known.join(', ')})`}`);
    }
    for (const d of matching) d.generator = gen;
  }
};

// ---------------------------------------------------------------------------------------------
// events and expressions
// ---------------------------------------------------------------------------------------------

interface Schedule {
  readonly zone: Zone;
  readonly start: number;
  readonly end: number;
}

const FUNCTIONS = storyFunctions();

const isConstant = (e: Expr): boolean =>
  e._tag === 'Literal' || ((e._tag === 'List' || e._tag === 'Dict') && childrenOf(e).every(isConstant)) || (e._tag === 'Unary' && isConstant(e.operand));

const constantValue = (e: Expr): unknown => {
  switch (e._tag) {
    case 'Literal':
      return e.value;
    case 'List':
      return e.items.map(constantValue);
    case 'Dict':
      return Object.fromEntries(e.entries.map((x) => [String(constantValue(x.key)), constantValue(x.value)]));
    case 'Unary': {
      const v = constantValue(e.operand);
      return e.op === '-' ? -(v as number) : e.op === '+' ? v : !v;
    }
    default:
      return undefined;
  }
};

const compileEvent = (d: Draft, drafts: ReadonlyArray<Draft>, p: Problems, source: string, schedule: Schedule): EventDef | undefined => {
  const dataPath = child(d.path, 'data');
  const fieldNames = d.data.map((f) => f.key);
  const refs = new Map<string, RefTarget>();
  const fields: FieldPlan[] = [];

  /** Static checks the generic checker does not know: refs, prev fields, literal arguments. */
  const inspect = (ast: Expr, at: (i: number) => number, path: string): void => {
    const visit = (node: Expr): void => {
      if (node._tag === 'Call') {
        if (node.callee === 'ref' && node.args.length >= 1) inspectRef(node.args[0], node.args.length > 1, at, path);
        if (node.callee === 'datetime' && node.args[0]?._tag === 'Literal' && typeof node.args[0].value === 'string') {
          const bad = badDirective(node.args[0].value);
          if (bad !== undefined) p.at(at(node.args[0].start), path, `datetime(): unknown strftime directive "${bad}"`);
        }
        if (node.callee.startsWith('faker.') && node.args.every(isConstant) && node.kwargs.every((k) => isConstant(k.value))) {
          try {
            const kwargs = Object.fromEntries(node.kwargs.map((k) => [k.name, constantValue(k.value)]));
            compileFakerCall(node.callee.slice('faker.'.length), node.args.map(constantValue), kwargs, `${node.callee}()`);
          } catch (e) {
            if (!/unknown faker hint/.test((e as Error).message)) p.at(at(node.start), path, (e as Error).message);
          }
        }
        if (node.callee === 'weighted' && node.args[0]?._tag === 'Dict' && isConstant(node.args[0])) {
          const weights = Object.entries(constantValue(node.args[0]) as Record<string, unknown>);
          const bad = weights.find(([, w]) => typeof w !== 'number' || !(w >= 0));
          if (bad !== undefined) p.at(at(node.args[0].start), path, `weighted(): the weight of "${bad[0]}" must be a number >= 0, got ${JSON.stringify(bad[1])}`);
          else if (!(weights.reduce((s, [, w]) => s + (w as number), 0) > 0)) p.at(at(node.args[0].start), path, 'weighted(): the weights must sum to more than 0');
        }
        if (node.callee === 'choice' && node.args[0]?._tag === 'List' && node.args[0].items.length === 0) p.at(at(node.args[0].start), path, 'choice(): the list is empty');
        if (node.callee === 'ref') {
          for (const a of node.args.slice(1)) visit(a);
          return;
        }
      }
      if (node._tag === 'Member' && d.generator === undefined) {
        const full = pathOf(node);
        if (full !== undefined && full.startsWith('prev.') && full.split('.').length === 2 && !fieldNames.includes(node.property)) {
          p.at(at(node.propertyStart), path, `prev has no field "${node.property}"${suggestion(node.property, fieldNames) || ` (fields of ${d.event}: ${fieldNames.join(', ') || 'none'})`}`);
          return;
        }
      }
      for (const c of childrenOf(node)) visit(c);
    };
    visit(ast);
  };

  const inspectRef = (arg: Expr, hasFallback: boolean, at: (i: number) => number, path: string): void => {
    const text = pathOf(arg) ?? (arg._tag === 'Literal' && typeof arg.value === 'string' ? arg.value : undefined);
    if (text === undefined) {
      p.at(at(arg.start), path, 'ref() takes an event field path such as ref(user.signup.user_id)');
      return;
    }
    const r = resolveRef(text, d, drafts);
    if (!r.ok) {
      p.at(at(arg.start), path, r.message);
      return;
    }
    refs.set(text, r.ref);
    if (hasFallback) return;
    // Nothing to point at for the first occurrence: a clear error now rather than at run time.
    const target = drafts[r.ref.target];
    const mine = occurrenceTime(schedule.zone, schedule.start, d, 0);
    const theirs = occurrenceTime(schedule.zone, schedule.start, target, 0);
    const before = theirs < mine || (theirs === mine && target.index < d.index);
    if (mine < schedule.end && (!before || theirs >= schedule.end)) {
      p.at(
        at(arg.start),
        path,
        `ref(): ${target.event} has not happened yet when ${d.event} first occurs (${schedule.zone.iso(mine)}; ${target.event} first occurs ${theirs >= schedule.end ? 'after end_date' : `${schedule.zone.iso(theirs)}${theirs === mine ? ', defined below' : ''}`}); change offset_days, or give a default: ref(${text}, null)`,
      );
    }
  };

  const compileValue = (node: YNode, path: string, scope: ReadonlyArray<string>, later: ReadonlyArray<string>): ValuePlan => {
    switch (node.kind) {
      case 'map': {
        const parts = node.entries.map((e) => [e.key, compileValue(e.value, child(path, e.key), scope, later)] as const);
        return (v, ctx) => {
          const out: Record<string, unknown> = {};
          for (const [k, plan] of parts) out[k] = plan(v, ctx);
          return out;
        };
      }
      case 'seq': {
        const items = node.items.map((n, i) => compileValue(n, child(path, i), scope, later));
        return (v, ctx) => items.map((plan) => plan(v, ctx));
      }
      case 'scalar': {
        const value = node.value;
        if (typeof value !== 'string') return () => value;
        const quoted = `'"|>`.includes(source[node.offset] ?? '');
        const template = isTemplate(value);
        // Quoted text is text, unless it is one whole call (so flow mappings can hold calls: {plan: "choice(['a', 'b'])"}).
        if (quoted && !template && !isWholeCall(value)) return () => value;
        const names = [...scope, ...CONTEXT_NAMES];
        const compiled = template
          ? compileTemplate<StoryEvalContext>(value, { functions: FUNCTIONS, names })
          : compileExpression<StoryEvalContext>(value, { functions: FUNCTIONS, names });
        if (!compiled.ok) {
          for (const e of compiled.errors) p.at(node.valueOffset(e.start), path, explain(e.message, value, later));
          return () => null;
        }
        inspect(compiled.ast, node.valueOffset, path);
        const evaluate = compiled.evaluate;
        return (v, ctx) => evaluate(v, ctx);
      }
      default: {
        const never: never = node;
        return never;
      }
    }
  };

  d.data.forEach((f, i) => {
    const path = child(dataPath, f.key);
    const plan = compileValue(f.value, path, fieldNames.slice(0, i), fieldNames.slice(i + 1));
    const at = f.value.kind === 'scalar' ? f.value.valueOffset : () => f.value.offset;
    const locate = (i: number): string => {
      const { line, column } = lineColumn(source, at(i));
      return `${p.file}:${line}:${column} ${path}`;
    };
    fields.push({ name: f.key, text: textOf(f.value), path, locate, evaluate: plan });
  });
  return { index: d.index, key: d.key, source: d.source, event: d.event, offsetDays: d.offsetDays, repeat: d.repeat, frequency: d.frequency, fields, fieldNames, generator: d.generator, refs };
};

/** Whether `text` is exactly one function call (`choice(['a'])`, `faker.name()`). */
const isWholeCall = (text: string): boolean => {
  if (!/^\s*[A-Za-z_][\w.]*\s*\(/.test(text)) return false;
  const parsed = parseExpression(text);
  return parsed.ok && parsed.ast._tag === 'Call' && parsed.ast.end >= text.trimEnd().length;
};

/** Adds what the user most likely meant to an "unknown name" message. */
const explain = (message: string, text: string, later: ReadonlyArray<string>): string => {
  const m = /^unknown name "([^"]+)"/.exec(message);
  if (m === null) return message;
  if (later.includes(m[1])) return `${message}: "${m[1]}" is defined below this field (fields are evaluated in order)`;
  if (/^[A-Za-z_]\w*$/.test(text.trim())) return `${message} (names in scope: the fields above, prev, index, org_id); to write the text ${text.trim()}, quote it: '${text.trim()}'`;
  return message;
};

const textOf = (node: YNode): string => {
  switch (node.kind) {
    case 'scalar':
      return typeof node.value === 'string' ? node.value.replace(/\s*\n\s*/g, ' ') : JSON.stringify(node.value);
    case 'seq':
      return '[…]';
    case 'map':
      return '{…}';
    default: {
      const never: never = node;
      return never;
    }
  }
};
