/**
 * The checks of a story expression that the generic checker (`lib/expr`) cannot make: `ref()`
 * paths (an event and field of the story, that has happened by the first occurrence of the
 * referring event, unless a default is given), `prev.x` for a field the definition has, strftime
 * directives of `datetime()`, and the literal arguments of `faker.*()`, `weighted()` and `choice()`.
 * Each mistake is reported at its character.
 *
 * @example
 * checkStoryExpression(compiled.ast, node.valueOffset, 'events[1].data.user', { p, draft, drafts, schedule, refs });
 * refs.get('user.signup.user_id'); // { target: 0, field: ['user_id'], sameIndex: false }
 */
import type { Expr } from '../../expr';
import { childrenOf, pathOf } from '../../expr';
import { BLOCKED_KEYS } from '../../expr/values';
import type { RefTarget } from '../../story/story';
import { occurrenceTime, resolveRef } from '../../story/story';
import { compileFakerCall } from '../../story/storyFunctions';
import type { FakerLimits } from '../../schema/fakerArgs';
import type { Zone } from '../../story/zonedTime';
import { badDirective } from '../../story/zonedTime';
import { inStoryTime } from '../../story/storyTime';
import type { Problems } from '../configError';
import { suggestion } from '../decode';
import type { Draft } from './draftEvents';

/** The story's time span: its zone, start and exclusive end (epoch ms). */
export interface Schedule {
  readonly zone: Zone;
  readonly start: number;
  readonly end: number;
}

/** What the checks of one definition's expressions read, and the refs they find. */
export interface StoryCheckScope {
  readonly p: Problems;
  /** The definition the expression belongs to. */
  readonly draft: Draft;
  readonly drafts: ReadonlyArray<Draft>;
  readonly schedule: Schedule;
  /** Filled with the static refs found, by their path text. */
  readonly refs: Map<string, RefTarget>;
  /** Bounds on `faker.*()` arguments (the story's `limits`). */
  readonly fakerLimits?: FakerLimits;
}

/** Whether `e` is a literal, or a list, dict or sign of literals: a value known when compiling. */
const isConstant = (e: Expr): boolean =>
  e._tag === 'Literal' || ((e._tag === 'List' || e._tag === 'Dict') && childrenOf(e).every(isConstant)) || (e._tag === 'Unary' && isConstant(e.operand));

/** The value of a constant expression (see `isConstant`). */
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

/**
 * Static checks the generic checker does not know: refs, prev fields, literal arguments. `at`
 * maps a character of the expression to its offset in the document; problems are located at `path`.
 *
 * @example
 * checkStoryExpression(ast, (i) => node.offset + i, 'events[0].data.plan', scope);
 */
export const checkStoryExpression = (ast: Expr, at: (i: number) => number, path: string, scope: StoryCheckScope): void => {
  const { p, draft: d } = scope;
  const fieldNames = d.fieldNames;
  const visit = (node: Expr): void => {
    if (node._tag === 'Call') {
      if (node.callee === 'ref' && node.args.length >= 1) checkRef(node.args[0], node.args.length > 1, at, path, scope);
      if (node.callee === 'datetime' && node.args[0]?._tag === 'Literal' && typeof node.args[0].value === 'string') {
        const bad = badDirective(node.args[0].value);
        if (bad !== undefined) p.at(at(node.args[0].start), path, `datetime(): unknown strftime directive "${bad}"`);
      }
      if (node.callee.startsWith('faker.') && node.args.every(isConstant) && node.kwargs.every((k) => isConstant(k.value))) {
        try {
          const kwargs = Object.fromEntries(node.kwargs.map((k) => [k.name, constantValue(k.value)]));
          compileFakerCall(node.callee.slice('faker.'.length), node.args.map(constantValue), kwargs, `${node.callee}()`, scope.fakerLimits);
        } catch (e) {
          if (!/unknown faker hint/.test((e as Error).message)) p.at(at(node.start), path, (e as Error).message);
        }
      }
      if (node.callee === 'weighted' && node.args[0]?._tag === 'Dict' && isConstant(node.args[0])) {
        const weights = Object.entries(constantValue(node.args[0]) as Record<string, unknown>);
        const bad = weights.find(([, w]) => typeof w !== 'number' || !(w >= 0));
        if (bad !== undefined) p.at(at(node.args[0].start), path, `weighted(): the weight of "${bad[0]}" must be a number >= 0, got ${JSON.stringify(bad[1])}`);
        else if (!(weights.reduce((s, [, w]) => s + (w as number), 0) > 0))
          p.at(at(node.args[0].start), path, 'weighted(): the weights must sum to more than 0');
      }
      if (node.callee === 'choice' && node.args[0]?._tag === 'List' && node.args[0].items.length === 0)
        p.at(at(node.args[0].start), path, 'choice(): the list is empty');
      if (node.callee === 'ref') {
        for (const a of node.args.slice(1)) visit(a);
        return;
      }
    }
    if (node._tag === 'Member' && node.object._tag === 'Name' && node.object.name === 'prev' && BLOCKED_KEYS.has(node.property)) {
      p.at(
        at(node.propertyStart),
        path,
        `prev.${node.property} cannot be read: expressions never read a field named ${[...BLOCKED_KEYS].join(', ')}; rename the field`,
      );
      return;
    }
    if (node._tag === 'Member' && d.generator === undefined) {
      const full = pathOf(node);
      if (full !== undefined && full.startsWith('prev.') && full.split('.').length === 2 && !fieldNames.includes(node.property)) {
        p.at(
          at(node.propertyStart),
          path,
          `prev has no field "${node.property}"${suggestion(node.property, fieldNames) || ` (fields of ${d.event}: ${fieldNames.join(', ') || 'none'})`}`,
        );
        return;
      }
    }
    for (const c of childrenOf(node)) visit(c);
  };
  visit(ast);
};

/** A `ref()` argument: a path naming an event field that exists (and, without a default, has happened). */
const checkRef = (arg: Expr, hasFallback: boolean, at: (i: number) => number, path: string, scope: StoryCheckScope): void => {
  const { p, draft: d, drafts, schedule, refs } = scope;
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
  // A first occurrence outside story time is already reported (checkSchedule).
  if (!inStoryTime(schedule.zone, mine) || !inStoryTime(schedule.zone, theirs)) return;
  const before = theirs < mine || (theirs === mine && target.index < d.index);
  if (mine < schedule.end && (!before || theirs >= schedule.end)) {
    p.at(
      at(arg.start),
      path,
      `ref(): ${target.event} has not happened yet when ${d.event} first occurs (${schedule.zone.iso(mine)}; ${target.event} first occurs ${theirs >= schedule.end ? 'after end_date' : `${schedule.zone.iso(theirs)}${theirs === mine ? ', defined below' : ''}`}); change offset_days, or give a default: ref(${text}, null)`,
    );
  }
};
