/**
 * Telling a story (the story format) from a model in the YAML model format by its text, without
 * parsing it: the CLI asks this before it loads either front end.
 */
import * as fs from 'node:fs';

/**
 * Whether YAML text is a story (the story format): a top-level `events:` list with `org_id` or
 * `start_date`. Files in the YAML model format have `event_types` instead.
 *
 * @example
 * isStoryText('org_id: acme\nstart_date: 2025-01-01\nevents: []\n'); // true
 */
export const isStoryText = (text: string): boolean =>
  /^events[ \t]*:/m.test(text) && /^(org_id|start_date)[ \t]*:/m.test(text) && !/^event_types[ \t]*:/m.test(text);

/** Whether the file at `file` is a story (reads its text). */
export const isStoryFile = (file: string): boolean => {
  try {
    return /\.ya?ml$/i.test(file) && isStoryText(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
};
