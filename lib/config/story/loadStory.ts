/**
 * `loadStory`: a story document (the story format; a path or its text) → a checked `Story`, or every
 * mistake at once, each located: `story.yaml:24:35 events[1].data.amount: unknown function
 * "swich"; did you mean "switch"?`. `isStoryText` tells a story from a model in the YAML model format.
 *
 * @example
 * const loaded = loadStory('scenarios/saas.story.yaml');
 * if (!loaded.ok) throw new ConfigErrors(loaded.errors);
 * loaded.story.events.length; // 2
 */
import { readSource } from '../source';
import type { ConfigError } from '../configError';
import { Problems } from '../configError';
import { parseYamlTree } from '../yamlTree';
import type { Story } from '../../story/story';
import type { CompileStoryOptions } from './compileStory';
import { compileStory } from './compileStory';
import { maskExpressions, unmask } from './maskExpressions';

/** The result of `loadStory`. */
export type LoadStoryResult = { readonly ok: true; readonly story: Story } | { readonly ok: false; readonly errors: ReadonlyArray<ConfigError> };

/** Options of `loadStory`. */
export interface LoadStoryOptions extends CompileStoryOptions {
  /** The file name used in messages when text is given (default `story.yaml`). */
  readonly file?: string;
}

export { isStoryFile, isStoryText } from './isStory';

/** Loads and checks a story; never throws for a mistake in the document. */
export const loadStory = (pathOrText: string, options: LoadStoryOptions = {}): LoadStoryResult => {
  const src = readSource(pathOrText, options.file, 'story.yaml');
  if (!src.ok) return src;
  const { text: source, file } = src;
  const problems = new Problems(file, source);
  const masked = maskExpressions(source);
  // Story data keys are data: __proto__ is a key of the event like any other (the player defines keys).
  const tree = parseYamlTree(masked.text, problems, { protoKeys: 'keep' });
  const story = tree === undefined ? undefined : compileStory(unmask(tree, masked.originals), source, problems, options);
  if (problems.ok && story !== undefined) return { ok: true, story };
  return { ok: false, errors: [...problems.errors].sort((a, b) => a.line - b.line || a.col - b.col) };
};
