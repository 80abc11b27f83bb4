/**
 * The limits of generating values that both YAML front ends share: those of the expression
 * language (steps, sizes and depth of what an expression builds) and the bounds on faker-js
 * arguments. The YAML model format raises them in `simulation_settings.limits`, the story format in
 * its top-level `limits`, with the same keys; limit errors then name the key that raises them.
 *
 * @example
 * const limits = readLimitMap(doc.get('limits'), 'limits', problems, DEFAULT_GENERATION_LIMITS);
 * compileExpression(text, { limits: expressionLimitsOf(limits, 'limits') });
 */
import { DEFAULT_LIMITS as EXPRESSION_LIMITS, type EvalLimits, LIMIT_KEYS } from '../expr/budget';
import { DEFAULT_FAKER_LIMITS, FAKER_LIMIT_KEYS, type FakerLimits } from '../schema/fakerArgs';
import type { Problems } from './configError';
import { child, intIn, mapOf } from './decode';
import type { YNode } from './yamlTree';

/** The expression and faker-js limits, by their key in a `limits` setting. */
export interface GenerationLimits {
  /** Steps of one evaluation of an expression. */
  readonly max_expression_steps: number;
  /** Size of a string, list or dict an expression builds. */
  readonly max_expression_size: number;
  /** Nesting of the lists and dicts an expression builds. */
  readonly max_expression_depth: number;
  /** Counts, lengths and texts passed to a faker-js method. */
  readonly max_faker_size: number;
  /** Characters `helpers.fake`, `helpers.mustache` and `helpers.fromRegExp` may produce. */
  readonly max_faker_output: number;
  /** Placeholders one `helpers.fake` template expands. */
  readonly max_fake_placeholders: number;
}

/** The defaults: the expression language's and faker-js arguments' own. */
export const DEFAULT_GENERATION_LIMITS: GenerationLimits = Object.freeze({
  [LIMIT_KEYS.maxSteps]: EXPRESSION_LIMITS.maxSteps,
  [LIMIT_KEYS.maxValueSize]: EXPRESSION_LIMITS.maxValueSize,
  [LIMIT_KEYS.maxValueDepth]: EXPRESSION_LIMITS.maxValueDepth,
  [FAKER_LIMIT_KEYS.maxSize[1]]: DEFAULT_FAKER_LIMITS.maxSize,
  [FAKER_LIMIT_KEYS.maxOutput[1]]: DEFAULT_FAKER_LIMITS.maxOutput,
  [FAKER_LIMIT_KEYS.maxPlaceholders[1]]: DEFAULT_FAKER_LIMITS.maxPlaceholders,
} as GenerationLimits);

/** The expression language's limits of `limits`; `setting` (where they are raised) is named in limit errors. */
export const expressionLimitsOf = (limits: GenerationLimits, setting: string): EvalLimits => ({
  maxSteps: limits.max_expression_steps,
  maxValueSize: limits.max_expression_size,
  maxValueDepth: limits.max_expression_depth,
  setting,
});

/** The faker-js argument bounds of `limits`; `setting` (where they are raised) is named in messages. */
export const fakerLimitsOf = (limits: GenerationLimits, setting: string): FakerLimits => ({
  maxSize: limits.max_faker_size,
  maxOutput: limits.max_faker_output,
  maxPlaceholders: limits.max_fake_placeholders,
  setting,
});

/** Decodes a `limits` map at `path` over `defaults`, whose keys are the keys it may have: each a positive safe integer. */
export const readLimitMap = <L extends object>(node: YNode | undefined, path: string, p: Problems, defaults: L): L => {
  const keys = Object.keys(defaults);
  const m = mapOf(node, path, p, { optional: keys });
  if (m === undefined) return defaults;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const key of keys) {
    const n = m.get(key) === undefined ? undefined : intIn(m.get(key), child(path, key), p, 1, Number.MAX_SAFE_INTEGER);
    if (n !== undefined) out[key] = n;
  }
  return out as L;
};
