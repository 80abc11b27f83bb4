/**
 * A compiled story (the story format): its schedule and every event definition with its compiled
 * data fields — what `compileStory` (lib/config/story) produces and `playStory` plays. Also the
 * two questions both ask of it: when occurrence `k` of a definition is (`occurrenceTime`), and
 * what a `ref(path)` names (`resolveRef`).
 *
 * @example
 * occurrenceTime(story.zone, story.start, story.events[0], 2); // the third occurrence, epoch ms
 * resolveRef('user.signup.user_id', story.events[1], story.events); // { ok: true, ref: { target: 0, field: ['user_id'], … } }
 */
import type { Variables } from '../expr';
import { suggestion } from '../core/didYouMean';
import type { EventGenerator } from './eventGenerator';
import type { StoryEvalContext } from './storyFunctions';
import type { Zone } from './zonedTime';

/** How occurrences repeat: calendar days in the story's zone (daily, weekly) or a fixed span. */
export type Frequency =
  { readonly _tag: 'Calendar'; readonly days: number; readonly label: string } | { readonly _tag: 'Fixed'; readonly ms: number; readonly label: string };

/** A compiled value: evaluates against the event's variables and context. */
export type ValuePlan = (variables: Variables, ctx: StoryEvalContext) => unknown;

/** One top-level data field. */
export interface FieldPlan {
  readonly name: string;
  /** Its YAML text, for debug logs. */
  readonly text: string;
  /** `events[1].data.amount`, for runtime errors. */
  readonly path: string;
  /** `story.yaml:12:15 events[1].data.amount` for a character of the field's expression (0: its start). */
  readonly locate: (exprOffset: number) => string;
  readonly evaluate: ValuePlan;
}

/** What a `ref(path)` points at. */
export interface RefTarget {
  /** Index of the target definition. */
  readonly target: number;
  /** The field path inside the target's data (`['user_id']`). */
  readonly field: ReadonlyArray<string>;
  /** Same repetition index (the counts line up) rather than the latest. */
  readonly sameIndex: boolean;
}

/** One event definition. */
export interface EventDef {
  readonly index: number;
  /** `story.yaml:20:5 events[1]`: where the definition is written, for runtime errors. */
  readonly where: string;
  /** `posthog/user.signup` (`#2`, `#3`… for a repeated source/event pair). */
  readonly key: string;
  readonly source: string;
  readonly event: string;
  readonly offsetDays: number;
  readonly repeat: number;
  readonly frequency: Frequency;
  readonly fields: ReadonlyArray<FieldPlan>;
  readonly fieldNames: ReadonlyArray<string>;
  readonly generator: EventGenerator | undefined;
  /** Static refs by their path text. */
  readonly refs: ReadonlyMap<string, RefTarget>;
}

/** A checked story. */
export interface Story {
  readonly file: string;
  readonly orgId: string;
  readonly zone: Zone;
  /** Epoch ms of start_date. */
  readonly start: number;
  /** Exclusive end (epoch ms), Infinity without end_date. */
  readonly end: number;
  readonly seed: number | undefined;
  /** The most an event's data may hold, about its JSON size in characters (`max_event_size`). */
  readonly maxEventSize: number;
  readonly events: ReadonlyArray<EventDef>;
}

/** Names every expression may use besides the earlier fields (the player supplies them). */
export const CONTEXT_NAMES = ['prev', 'index', 'org_id'];

/**
 * The instant of occurrence `k` of `def` for a story starting at `start`: `offset_days` calendar
 * days in the story's zone, then `k` frequencies (calendar days, or a fixed span).
 *
 * @example
 * occurrenceTime(zone('UTC'), Date.parse('2025-01-01'), { offsetDays: 1, frequency: { _tag: 'Calendar', days: 7, label: 'weekly' } }, 1);
 * // Date.parse('2025-01-09'): one day in, then one week
 */
export const occurrenceTime = (z: Zone, start: number, def: Pick<EventDef, 'offsetDays' | 'frequency'>, k: number): number => {
  const first = z.addDays(start, def.offsetDays);
  const f = def.frequency;
  return f._tag === 'Calendar' ? z.addDays(first, k * f.days) : first + k * f.ms;
};

/**
 * Finds what a ref path names: the longest `[source.]event` prefix, then a field path; or why it
 * names nothing (ambiguous, itself, no such event or field, with a did-you-mean).
 *
 * @example
 * resolveRef('user.signup.user_id', { index: 1, repeat: 3 }, events); // { ok: true, ref: { target: 0, field: ['user_id'], sameIndex: false } }
 */
export const resolveRef = (
  path: string,
  from: { readonly index: number; readonly repeat: number },
  events: ReadonlyArray<Pick<EventDef, 'index' | 'source' | 'event' | 'repeat' | 'fieldNames' | 'generator'>>,
): { readonly ok: true; readonly ref: RefTarget } | { readonly ok: false; readonly message: string } => {
  const parts = path.split('.');
  for (let cut = parts.length - 1; cut >= 1; cut--) {
    const name = parts.slice(0, cut).join('.');
    const matches = events.filter((e) => e.event === name || `${e.source}.${e.event}` === name);
    if (matches.length === 0) continue;
    if (matches.length > 1) {
      return {
        ok: false,
        message: `ref(): "${name}" is ambiguous (${matches.length} definitions: ${matches.map((m) => `events[${m.index}] ${m.source}/${m.event}`).join(', ')}); qualify it with its source`,
      };
    }
    const target = matches[0];
    const field = parts.slice(cut);
    if (target.index === from.index) return { ok: false, message: `ref(): an event cannot refer to itself; use prev.${field.join('.')}` };
    const names = target.fieldNames;
    if (target.generator === undefined && !names.includes(field[0])) {
      return {
        ok: false,
        message: `ref(): ${target.event} has no field "${field[0]}"${suggestion(field[0], names) || ` (fields: ${names.join(', ') || 'none'})`}`,
      };
    }
    return { ok: true, ref: { target: target.index, field, sameIndex: target.repeat === from.repeat } };
  }
  const known = events.map((e) => e.event);
  const guess = parts.length > 1 ? parts.slice(0, -1).join('.') : path;
  return {
    ok: false,
    message: `ref(): no event "${guess}" in the story${suggestion(guess, known) || ` (events: ${known.join(', ')}); write ref(event.field), e.g. ref(user.signup.user_id)`}`,
  };
};
