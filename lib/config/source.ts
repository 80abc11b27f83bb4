/**
 * Where a configuration's text comes from: a path to a `.yaml` / `.yml` file, or the text itself
 * (anything with a newline, or a colon and no YAML extension). Shared by the YAML and story loaders.
 *
 * @example
 * const src = readSource('scenarios/shop.yaml', undefined, 'config.yaml');
 * if (src.ok) parse(src.text, src.file);
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigError } from './configError';

/** The text and the name to use in messages, or why the file could not be read. */
export type Source = { readonly ok: true; readonly text: string; readonly file: string } | { readonly ok: false; readonly errors: ReadonlyArray<ConfigError> };

/** Whether `s` is the document's text rather than a path. */
export const isText = (s: string): boolean => s.includes('\n') || (!/\.ya?ml$/i.test(s) && s.includes(':'));

/**
 * Reads `pathOrText`: text is used as is (named `file`, else `fallbackName`); a path is read
 * (named `file`, else the path relative to the working directory).
 */
export const readSource = (pathOrText: string, file: string | undefined, fallbackName: string): Source => {
  if (isText(pathOrText)) return { ok: true, text: pathOrText, file: file ?? fallbackName };
  const name = file ?? path.relative(process.cwd(), pathOrText);
  try {
    return { ok: true, text: fs.readFileSync(pathOrText, 'utf8'), file: name };
  } catch (e) {
    return { ok: false, errors: [{ file: name, line: 1, col: 1, path: '', message: `cannot read the file: ${(e as Error).message}` }] };
  }
};
