/**
 * Checks that every definition's occurrences stay within story time (the years 0000 to 9999 in
 * the story's zone, see `lib/story/storyTime.ts`): the first one (`start_date` + `offset_days`)
 * and, unless `end_date` cuts the run short, the last (`repeat` − 1 frequencies later). A date
 * past it cannot be written as ISO-8601, so it is a located error now rather than a failure
 * while running.
 *
 * @example
 * checkSchedule(drafts, { zone: z, start, end }, problems);
 * // s.yaml:8:18 events[0].offset_days: 1000000000 days after start_date is after 9999-12-31; story times must lie within …
 */
import { occurrenceTime } from '../../story/story';
import { describeInstant, inStoryTime, STORY_TIME_LIMIT } from '../../story/storyTime';
import type { Problems } from '../configError';
import { child } from '../decode';
import type { YNode } from '../yamlTree';
import type { Schedule } from './checkStoryExpression';
import type { Draft } from './draftEvents';

/** Where a definition's key is written (its value), else the definition itself. */
const nodeOf = (d: Draft, key: string): YNode => d.node.entries.find((e) => e.key === key)?.value ?? d.node;

/** Reports each definition whose first or last occurrence falls outside story time. */
export const checkSchedule = (drafts: ReadonlyArray<Draft>, schedule: Schedule, p: Problems): void => {
  const { zone: z, start, end } = schedule;
  for (const d of drafts) {
    const first = occurrenceTime(z, start, d, 0);
    if (!inStoryTime(z, first)) {
      p.at(
        nodeOf(d, 'offset_days').offset,
        child(d.path, 'offset_days'),
        `${d.offsetDays} days after start_date is ${describeInstant(z, first)}; ${STORY_TIME_LIMIT}`,
      );
      continue;
    }
    if (d.repeat === 1) continue;
    const last = occurrenceTime(z, start, d, d.repeat - 1);
    // Occurrences at or after end_date are never made, and end_date is within story time (or its
    // last midnight), so with one the run stops in time.
    if (end !== Infinity || inStoryTime(z, last)) continue;
    p.at(
      nodeOf(d, 'repeat').offset,
      child(d.path, 'repeat'),
      `${d.repeat} × ${d.frequency.label} from ${z.iso(first)} ends ${describeInstant(z, last)}; ${STORY_TIME_LIMIT} (lower repeat, or add an end_date)`,
    );
  }
};
