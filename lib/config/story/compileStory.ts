/**
 * Decodes and checks a story document (the story format) — the located YAML tree — into a
 * `Story`: the schedule of every event definition and its compiled data fields. This file reads
 * the document's own keys (org_id, dates, zone, seed); the definitions are drafted by
 * `draftEvents` and compiled by `compileStoryEvent`. Every mistake is reported at once to
 * `Problems`, located at the exact line and column (inside expressions too): unknown keys (with
 * did-you-mean), wrong types, negative offsets or repeats, bad dates, zones and frequencies,
 * expression syntax, unknown functions and names, `prev.x` for a field the definition does not
 * have, `ref(e.f)` to an undefined event or field, or to an event that has not happened by the
 * first occurrence of the referring one.
 *
 * @example
 * const problems = new Problems('s.yaml', text);
 * const story = compileStory(parseYamlTree(text, problems)!, text, problems, {});
 */
import type { EventDef, Story } from '../../story/story';
import type { EventGenerator } from '../../story/eventGenerator';
import type { Zone } from '../../story/zonedTime';
import { knownZones, parseStoryDate, zone } from '../../story/zonedTime';
import { inStoryTime, STORY_TIME_LIMIT } from '../../story/storyTime';
import { DEFAULT_MAX_EVENT_SIZE } from '../../story/dataSize';
import type { Problems } from '../configError';
import { describeNode, intAtLeast, mapOf, stringOf, suggestion } from '../decode';
import type { YNode } from '../yamlTree';
import { DEFAULT_GENERATION_LIMITS, readLimitMap } from '../generationLimits';
import { checkSchedule } from './checkSchedule';
import { compileStoryEvent, storyGeneration } from './compileStoryEvent';
import { assignKeys, attachGenerators, draftEvents } from './draftEvents';

/** Options of the compiler. */
export interface CompileStoryOptions {
  /** Custom generators by `source/event` or event name. */
  readonly generators?: Readonly<Record<string, EventGenerator>>;
}

const ROOT_KEYS = ['org_id', 'start_date', 'end_date', 'timezone', 'events', 'seed', 'max_event_size', 'limits', 'description'];

/** Compiles the document; undefined if anything is wrong (the problems say what). */
export const compileStory = (root: YNode, source: string, p: Problems, options: CompileStoryOptions = {}): Story | undefined => {
  const doc = mapOf(root, '', p, { required: ['org_id', 'start_date', 'events'], optional: ROOT_KEYS });
  if (doc === undefined) return undefined;
  const orgNode = doc.get('org_id');
  let orgId: string | undefined;
  if (orgNode?.kind === 'scalar' && (typeof orgNode.value === 'string' || typeof orgNode.value === 'number') && String(orgNode.value) !== '')
    orgId = String(orgNode.value);
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
  const maxEventSize = doc.get('max_event_size') === undefined ? DEFAULT_MAX_EVENT_SIZE : intAtLeast(doc.get('max_event_size'), 'max_event_size', p, 1);
  if (doc.get('description') !== undefined) stringOf(doc.get('description'), 'description', p);
  const limits = readLimitMap(doc.get('limits'), 'limits', p, DEFAULT_GENERATION_LIMITS);

  const drafts = draftEvents(doc.get('events'), p);
  assignKeys(drafts);
  attachGenerators(drafts, options.generators ?? {}, p);
  if (start === undefined || orgId === undefined) return undefined;
  const schedule = { zone: z, start: start.ms, end };
  checkSchedule(drafts, schedule, p);
  const generation = storyGeneration(limits);
  const events = drafts.map((d) => compileStoryEvent(d, drafts, p, source, schedule, generation));
  if (!p.ok) return undefined;
  return { file: p.file, orgId, zone: z, start: start.ms, end, seed, maxEventSize: maxEventSize ?? DEFAULT_MAX_EVENT_SIZE, events: events as EventDef[] };
};

/** `start_date` / `end_date`: a date or date-time, local to the story's zone unless it has an offset. */
const dateOf = (node: YNode | undefined, path: string, p: Problems, z: Zone): { ms: number; dateOnly: boolean } | undefined => {
  if (node === undefined) return undefined;
  const text = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const parsed = text === undefined ? undefined : parseStoryDate(text, z);
  if (parsed === undefined) {
    p.at(
      node.offset,
      path,
      `expected a date such as 2025-01-01 or a date-time such as 2025-01-01T09:00:00 (local to timezone) or 2025-01-01T09:00:00Z, got ${describeNode(node)}`,
    );
  } else if (!inStoryTime(z, parsed.ms)) {
    // Four-digit years, but an offset can still move the instant out (0000-01-01T00:00:00+01:00).
    p.at(node.offset, path, `${text} is outside story time in ${z.name}; ${STORY_TIME_LIMIT}`);
    return undefined;
  }
  return parsed;
};
