/**
 * One event definition of a story, compiled: each `data` field becomes a plan that evaluates it
 * for an occurrence — a mapping or list field by parts, a string as a story expression or
 * `${…}` template (quoted text stays text unless it is one whole call), anything else as itself.
 * Expression mistakes are reported at their character, with what was most likely meant; the
 * story-specific checks are `checkStoryExpression`.
 *
 * @example
 * const def = compileStoryEvent(draft, drafts, problems, source, { zone, start, end });
 * def?.fields.map((f) => f.name); // ['user_id', 'plan']
 */
import { compileExpression, compileTemplate, isTemplate, lineColumn, parseExpression } from '../../expr';
import type { EventDef, FieldPlan, RefTarget, ValuePlan } from '../../story/story';
import { CONTEXT_NAMES } from '../../story/story';
import type { StoryEvalContext } from '../../story/storyFunctions';
import { storyFunctions } from '../../story/storyFunctions';
import { setOwn } from '../../expr/values';
import type { FunctionRegistry } from '../../expr';
import type { EvalLimits } from '../../expr/budget';
import type { FakerLimits } from '../../schema/fakerArgs';
import type { Problems } from '../configError';
import { child } from '../decode';
import type { YNode } from '../yamlTree';
import { DEFAULT_GENERATION_LIMITS, type GenerationLimits, expressionLimitsOf, fakerLimitsOf } from '../generationLimits';
import { checkStoryExpression, type Schedule, type StoryCheckScope } from './checkStoryExpression';
import { constantFailure } from './constantFailure';
import type { Draft } from './draftEvents';

/** Where a story raises its limits (named in limit errors). */
const LIMITS_SETTING = 'limits';

/** How a story's expressions are compiled: its functions and limits, made once per story. */
export interface StoryGeneration {
  readonly functions: FunctionRegistry<StoryEvalContext>;
  readonly exprLimits: EvalLimits;
  readonly fakerLimits: FakerLimits;
}

/**
 * The functions and limits of a story whose `limits` are `limits`.
 *
 * @example
 * const generation = storyGeneration(DEFAULT_GENERATION_LIMITS);
 */
export const storyGeneration = (limits: GenerationLimits): StoryGeneration => {
  const fakerLimits = fakerLimitsOf(limits, LIMITS_SETTING);
  return { functions: storyFunctions(fakerLimits), exprLimits: expressionLimitsOf(limits, LIMITS_SETTING), fakerLimits };
};

/**
 * Compiles the data fields of `d` (a field sees the fields above it, `prev`, `index` and
 * `org_id`); `drafts` are every definition of the story, for `ref()`. Problems go to `p`; the
 * definition returned is only meaningful when `p.ok`.
 *
 * @example
 * compileStoryEvent(drafts[1], drafts, problems, source, schedule)?.refs; // Map { 'user.signup.user_id' => … }
 */
export const compileStoryEvent = (
  d: Draft,
  drafts: ReadonlyArray<Draft>,
  p: Problems,
  source: string,
  schedule: Schedule,
  generation: StoryGeneration = storyGeneration(DEFAULT_GENERATION_LIMITS),
): EventDef | undefined => {
  const { functions, exprLimits, fakerLimits } = generation;
  const dataPath = child(d.path, 'data');
  const fieldNames = d.data.map((f) => f.key);
  const refs = new Map<string, RefTarget>();
  const fields: FieldPlan[] = [];
  const checks: StoryCheckScope = { p, draft: d, drafts, schedule, refs, fakerLimits };

  const compileValue = (node: YNode, path: string, scope: ReadonlyArray<string>, later: ReadonlyArray<string>): ValuePlan => {
    switch (node.kind) {
      case 'map': {
        const parts = node.entries.map((e) => [e.key, compileValue(e.value, child(path, e.key), scope, later)] as const);
        return (v, ctx) => {
          const out: Record<string, unknown> = {};
          // setOwn: a key "__proto__" is a key of the output like any other.
          for (const [k, plan] of parts) setOwn(out, k, plan(v, ctx));
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
          ? compileTemplate<StoryEvalContext>(value, { functions, names, limits: exprLimits })
          : compileExpression<StoryEvalContext>(value, { functions, names, limits: exprLimits });
        if (!compiled.ok) {
          for (const e of compiled.errors) p.at(node.valueOffset(e.start), path, explain(e.message, value, later));
          return () => null;
        }
        const reported = p.errors.length;
        checkStoryExpression(compiled.ast, node.valueOffset, path, checks);
        const evaluate = compiled.evaluate;
        // A mistake the checks found would fail the trial evaluation too: say it once.
        const failure = p.errors.length === reported ? constantFailure(evaluate) : undefined;
        if (failure !== undefined) p.at(node.valueOffset(failure.start), path, failure.message);
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
  const { line, column } = lineColumn(source, d.node.offset);
  return {
    index: d.index,
    where: `${p.file}:${line}:${column} ${d.path}`,
    key: d.key,
    source: d.source,
    event: d.event,
    offsetDays: d.offsetDays,
    repeat: d.repeat,
    frequency: d.frequency,
    fields,
    fieldNames,
    generator: d.generator,
    refs,
  };
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
  if (/^[A-Za-z_]\w*$/.test(text.trim()))
    return `${message} (names in scope: the fields above, prev, index, org_id); to write the text ${text.trim()}, quote it: '${text.trim()}'`;
  return message;
};

/** A field's YAML text on one line, for debug logs (`[…]` / `{…}` for a list or mapping). */
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
