/**
 * The event definitions of a story document (`events:`), decoded before their data is compiled:
 * source, event, schedule (`offset_days`, `repeat`, `frequency`), the data entries still as YAML,
 * a key per definition (`posthog/user.signup`, `#2` for a repeated source/event pair) and the
 * custom generator that matches it. Every definition is drafted before any is compiled, since an
 * expression's `ref()` may name a definition further down.
 *
 * @example
 * const drafts = draftEvents(doc.get('events'), problems);
 * assignKeys(drafts);
 * attachGenerators(drafts, { 'stripe/invoice.paid': new InvoiceGenerator() }, problems);
 */
import { parseDuration } from '../../core/duration';
import type { EventGenerator } from '../../story/eventGenerator';
import type { Frequency } from '../../story/story';
import { CONTEXT_NAMES } from '../../story/story';
import { STORY_SPAN_DAYS, STORY_SPAN_MS } from '../../story/storyTime';
import type { Problems } from '../configError';
import { child, intAtLeast, mapOf, seqOf, stringOf, suggestion } from '../decode';
import type { YNode } from '../yamlTree';

const EVENT_KEYS = ['source', 'event', 'offset_days', 'repeat', 'frequency', 'data', 'description'];
const DAILY: Frequency = { _tag: 'Calendar', days: 1, label: 'daily' };
// A Map: a frequency named "constructor" or "__proto__" must not find Object's own members.
const FREQUENCIES: ReadonlyMap<string, Frequency> = new Map<string, Frequency>([
  ['hourly', { _tag: 'Fixed', ms: 3_600_000, label: 'hourly' }],
  ['daily', DAILY],
  ['weekly', { _tag: 'Calendar', days: 7, label: 'weekly' }],
]);

/** One event definition as decoded; `key` and `generator` are set once every definition is known. */
export interface Draft {
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

/**
 * The definitions under `events:`, in file order; what is wrong is reported to `p`. A bad schedule
 * is reported and replaced by a stand-in so that the data is still checked.
 *
 * @example
 * draftEvents(doc.get('events'), problems)[0].frequency; // { _tag: 'Calendar', days: 1, label: 'daily' }
 */
export const draftEvents = (node: YNode | undefined, p: Problems): Draft[] => {
  const items = seqOf(node, 'events', p) ?? [];
  if (node?.kind === 'seq' && items.length === 0) p.at(node.offset, 'events', 'a story needs at least one event');
  const drafts: Draft[] = [];
  items.forEach((item, index) => {
    const path = child('events', index);
    const m = mapOf(item, path, p, { required: ['source', 'event'], optional: EVENT_KEYS });
    if (m === undefined) return;
    const source = stringOf(m.get('source'), child(path, 'source'), p);
    const event = stringOf(m.get('event'), child(path, 'event'), p);
    const offsetDays = intBetween(m.get('offset_days'), child(path, 'offset_days'), p, 0, STORY_SPAN_DAYS, '10 000 years, the span of story time', 0);
    const repeat = intBetween(m.get('repeat'), child(path, 'repeat'), p, 1, Number.MAX_SAFE_INTEGER, 'the largest exact integer', 1);
    const frequency = frequencyOf(m.get('frequency'), child(path, 'frequency'), p);
    if (m.get('description') !== undefined) stringOf(m.get('description'), child(path, 'description'), p);
    const dataNode = m.get('data');
    let data: Draft['data'] = [];
    if (dataNode !== undefined && !(dataNode.kind === 'scalar' && dataNode.value === null)) {
      const dm = mapOf(dataNode, child(path, 'data'), p);
      data = dm?.entries ?? [];
    }
    for (const f of data) {
      if (CONTEXT_NAMES.includes(f.key) && f.key === 'prev')
        p.at(f.keyOffset, child(child(path, 'data'), f.key), '"prev" is reserved (the previous occurrence of this event); rename the field');
      else if (!/^[A-Za-z_]\w*$/.test(f.key))
        p.at(f.keyOffset, child(child(path, 'data'), f.key), `field names are identifiers (letters, digits, "_"), got "${f.key}"`);
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
      frequency: frequency ?? DAILY,
      data,
      fieldNames: data.map((f) => f.key),
      generator: undefined,
      key: '',
    });
  });
  return drafts;
};

/** `hourly`, `daily`, `weekly`, or a duration such as `15m` (fixed time); daily when absent. */
const frequencyOf = (node: YNode | undefined, path: string, p: Problems): Frequency | undefined => {
  if (node === undefined) return DAILY;
  const text = stringOf(node, path, p);
  if (text === undefined) return undefined;
  const named = FREQUENCIES.get(text);
  if (named !== undefined) return named;
  let ms: number | undefined;
  try {
    ms = parseDuration(text);
  } catch {
    ms = undefined;
  }
  if (ms !== undefined && ms > STORY_SPAN_MS) {
    p.at(node.offset, path, `"${text}" is longer than 10 000 years, the span of story time`);
    return undefined;
  }
  if (ms !== undefined && ms > 0) return { _tag: 'Fixed', ms, label: `every ${text}` };
  const hint = suggestion(text, [...FREQUENCIES.keys()]);
  p.at(node.offset, path, `"${text}" is not a frequency${hint || ' (hourly, daily, weekly, or a duration such as "15m", "2h", "1h30m")'}`);
  return undefined;
};

/**
 * An integer in [min, max] (`fallback` when the key is absent); past `max` the message says why
 * (`what` the limit is).
 */
const intBetween = (node: YNode | undefined, path: string, p: Problems, min: number, max: number, what: string, fallback: number): number | undefined => {
  if (node === undefined) return fallback;
  const n = intAtLeast(node, path, p, min);
  if (n === undefined || n <= max) return n;
  p.at(node.offset, path, `expected an integer from ${min} to ${max} (${what}), got ${n}`);
  return undefined;
};

/** Keys definitions by `source/event`, numbering repeats of a pair (`#2`, `#3`, …). */
export const assignKeys = (drafts: Draft[]): void => {
  const seen = new Map<string, number>();
  for (const d of drafts) {
    const base = `${d.source}/${d.event}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    d.key = n === 1 ? base : `${base}#${n}`;
  }
};

/** Gives each definition the custom generator registered for it (by `source/event`, key or event name). */
export const attachGenerators = (drafts: Draft[], generators: Readonly<Record<string, EventGenerator>>, p: Problems): void => {
  for (const [key, gen] of Object.entries(generators)) {
    const matching = drafts.filter((d) => key === `${d.source}/${d.event}` || key === d.key || key === d.event);
    if (matching.length === 0) {
      const known = drafts.map((d) => `${d.source}/${d.event}`);
      p.at(0, '', `generators["${key}"]: no event of the story is "${key}"${suggestion(key, known) || ` (events: ${known.join(', ')})`}`);
    }
    for (const d of matching) d.generator = gen;
  }
};
