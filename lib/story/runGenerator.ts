/**
 * Runs a definition's custom `EventGenerator` for one occurrence: binds it to the event (so
 * `resolveValue` evaluates story expressions in the event's scope, each text compiled once per
 * event, and `getContextValue` reads its names), calls `generate`, unbinds it, and checks that it
 * returned an object of fields.
 *
 * @example
 * const out = runGenerator(gen, context, ctx, variables, (e) => new StoryError(`story.yaml events[2] generator: ${e}`));
 * Object.assign(data, out);
 */
import { DeepFakerError } from '../core/errors';
import type { Variables } from '../expr';
import { ExprEvalError, compileExpression, formatExprError } from '../expr';
import { isDict } from '../expr/values';
import { jsonProblem } from './jsonProblem';
import type { EventGenerator, GeneratorContext } from './eventGenerator';
import { StoryError } from './storyError';
import type { StoryEvalContext } from './storyFunctions';
import { storyFunctions } from './storyFunctions';

const FUNCTIONS = storyFunctions();

/**
 * The fields `gen` makes for `context`; `ctx` and `variables` are the event's scope. A throwing
 * `generate`, or one that returns no object, is an error made by `fail`.
 *
 * @example
 * runGenerator(new InvoiceGenerator(), context, ctx, variables, fail); // { invoice_id: '…', total: 104 }
 */
export const runGenerator = (
  gen: EventGenerator,
  context: GeneratorContext,
  ctx: StoryEvalContext,
  variables: Variables,
  fail: (e: unknown) => Error,
): Readonly<Record<string, unknown>> => {
  const cache = new Map<string, (v: Variables) => unknown>();
  gen.bind({
    evaluate: (expression) => {
      let run = cache.get(expression);
      if (run === undefined) {
        const c = compileExpression<StoryEvalContext>(expression, { functions: FUNCTIONS });
        if (!c.ok) throw new StoryError(`resolveValue: ${c.errors.map((e) => formatExprError(expression, e)).join('\n')}`);
        run = (v) => c.evaluate(v, ctx);
        cache.set(expression, run);
      }
      try {
        return run(variables);
      } catch (e) {
        if (e instanceof ExprEvalError) throw new StoryError(`resolveValue: ${formatExprError(expression, e)}`, e);
        throw e;
      }
    },
    lookup: (name) => (typeof variables === 'function' ? variables(name) : undefined),
  });
  let out: Readonly<Record<string, unknown>>;
  let problem: string | undefined;
  try {
    out = gen.generate(context);
    // What it returned is the user's code too (a getter may throw): checked inside the try.
    problem = isDict(out) ? jsonProblem(out, '') : `generate() must return an object of fields, got ${describe(out)}`;
  } catch (e) {
    // Errors of deep-faker (resolveValue's) say what they are; the user's own code's are named as such.
    throw fail(e instanceof DeepFakerError ? e : new StoryError(`generate() threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, e));
  } finally {
    gen.bind(undefined);
  }
  if (problem !== undefined)
    throw fail(new StoryError(problem.startsWith('generate()') ? problem : `generate() returned a field that is not JSON: ${problem}`));
  return out;
};

/** A returned value in a message, without running anything of it. */
const describe = (v: unknown): string =>
  v === null || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'an object that is not plain'
        : `a ${typeof v}`;
