/**
 * The story player's state per event definition: its seeded random stream and evaluation
 * context, its next occurrence, and what other definitions' `ref()` reads of it — the latest
 * data, and for refs by repetition index the data of each repetition, dropped once no referrer can
 * still ask for it.
 *
 * @example
 * const states = definitionStates(story, seed, seeded.faker, (s, path, fallback) => refValue(states, story, s, path, fallback, undefined));
 * variablesOf(states[0], story.orgId)('index'); // the repetition being made
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import { Rng } from '../core/rng';
import type { EventShape } from '../core/simEvent';
import type { Variables } from '../expr';
import { isDict } from '../expr/values';
import type { EventDef, RefTarget, Story } from './story';
import { resolveRef } from './story';
import { storyShape } from './storyEvent';
import type { StoryEvalContext } from './storyFunctions';

/** Per definition, while playing. */
export interface DefState {
  readonly def: EventDef;
  readonly rng: Rng;
  readonly ctx: StoryEvalContext;
  readonly shape: EventShape;
  /** Next occurrence index and its time (Infinity when done). */
  next: number;
  nextTime: number;
  /** Occurrences emitted. */
  count: number;
  latest: Record<string, unknown> | undefined;
  prev: Record<string, unknown>;
  /** Data by repetition, kept only while a same-index ref may still need it. */
  readonly history: Map<number, Record<string, unknown>> | undefined;
  lowest: number;
  /** Definitions that refer to this one by repetition index. */
  readonly sameIndexReferrers: DefState[];
  /** Scratch while an event is made. */
  data: Record<string, unknown>;
  index: number;
}

/** The second argument of `ref(path, default)`, when given. */
type Fallback = { readonly value: unknown } | undefined;

/**
 * A state per definition of `story` (file order), each with its own `Rng.derive(seed, 'story',
 * key)` stream, linked to the definitions that refer to it by repetition index. `faker` is the
 * player's (re-pointed at a definition's stream for each event); `ref` answers the definition's
 * `ref()` calls. Next occurrences are not planned yet (`nextTime` Infinity).
 *
 * @example
 * const states = definitionStates(story, 7, seeded.faker, ref);
 * states.length === story.events.length; // true
 */
export const definitionStates = (story: Story, seed: number, faker: Faker, ref: (s: DefState, path: string, fallback: Fallback) => unknown): DefState[] => {
  const sameIndexTargets = new Set<number>();
  for (const def of story.events) for (const r of def.refs.values()) if (r.sameIndex) sameIndexTargets.add(r.target);
  const states = story.events.map((def) => stateOf(def, seed, faker, story, sameIndexTargets.has(def.index), ref));
  for (const s of states) {
    for (const r of s.def.refs.values()) {
      const target = states[r.target];
      if (r.sameIndex && !target.sameIndexReferrers.includes(s)) target.sameIndexReferrers.push(s);
    }
  }
  return states;
};

const stateOf = (
  def: EventDef,
  seed: number,
  faker: Faker,
  story: Story,
  keepHistory: boolean,
  ref: (s: DefState, path: string, fallback: Fallback) => unknown,
): DefState => {
  const rng = Rng.derive(seed, 'story', def.key);
  const state: DefState = {
    def,
    rng,
    ctx: { rng, faker, now: 0, zone: story.zone, ref: (path, fallback) => ref(state, path, fallback) },
    shape: storyShape(def),
    next: 0,
    nextTime: Infinity,
    count: 0,
    latest: undefined,
    prev: Object.fromEntries(def.fieldNames.map((n) => [n, null])),
    history: keepHistory ? new Map() : undefined,
    lowest: 0,
    sameIndexReferrers: [],
    data: {},
    index: 0,
  };
  return state;
};

/**
 * The names an expression sees: the fields made so far, then prev, index, org_id.
 *
 * @example
 * variablesOf(s, 'acme')('org_id'); // 'acme'
 */
export const variablesOf =
  (s: DefState, orgId: string): Variables =>
  (name) => {
    if (Object.prototype.hasOwnProperty.call(s.data, name)) return s.data[name] ?? null;
    switch (name) {
      case 'prev':
        return s.prev;
      case 'index':
        return s.index;
      case 'org_id':
        return orgId;
      default:
        return undefined;
    }
  };

/**
 * Drops history no same-index referrer can still ask for (after `referrer` made an event).
 *
 * @example
 * pruneHistory(states, s);
 */
export const pruneHistory = (states: ReadonlyArray<DefState>, referrer: DefState): void => {
  for (const r of referrer.def.refs.values()) {
    if (!r.sameIndex) continue;
    const target = states[r.target];
    if (target.history === undefined) continue;
    let needed = Infinity;
    for (const x of target.sameIndexReferrers) needed = Math.min(needed, x.next);
    // The latest is kept apart; anything below every referrer's next index is done with.
    while (target.lowest < needed && target.lowest < target.count) target.history.delete(target.lowest++);
  }
};

/**
 * The value of `ref(path)` (with `fallback`, `ref(path, default)`) for the event `s` is making:
 * the target's data of the same repetition when both repeat alike and it has happened, else its
 * latest; the default, or an error, when the target has not happened yet. `log` gets a debug line.
 *
 * @example
 * refValue(states, story, s, 'user.signup.user_id', undefined, undefined); // the latest signup's user_id
 */
export const refValue = (
  states: ReadonlyArray<DefState>,
  story: Story,
  s: DefState,
  path: string,
  fallback: Fallback,
  log: ((line: string) => void) | undefined,
): unknown => {
  let r: RefTarget | undefined = s.def.refs.get(path);
  if (r === undefined) {
    const found = resolveRef(path, s.def, story.events);
    if (!found.ok) throw new Error(found.message);
    r = found.ref;
  }
  const target = states[r.target];
  let data: Record<string, unknown> | undefined;
  let which: string;
  if (r.sameIndex && target.count > s.index && target.history?.has(s.index) === true) {
    data = target.history.get(s.index);
    which = `#${s.index} (same repetition)`;
  } else {
    data = target.latest;
    which = `#${target.count - 1} (latest)`;
  }
  if (data === undefined) {
    if (fallback !== undefined) {
      if (log !== undefined) log(`  ref(${path}): ${target.def.key} has not happened yet → default ${JSON.stringify(fallback.value)}`);
      return fallback.value;
    }
    throw new Error(`${target.def.event} has not happened yet: nothing to refer to (give a default: ref(${path}, null))`);
  }
  let v: unknown = data;
  for (const key of r.field) {
    if (!isDict(v) || !Object.prototype.hasOwnProperty.call(v, key)) throw new Error(`${target.def.key} ${which} has no field "${r.field.join('.')}"`);
    v = v[key];
  }
  if (log !== undefined) log(`  ref(${path}) → ${target.def.key} ${which} = ${JSON.stringify(v)}`);
  return v ?? null;
};
