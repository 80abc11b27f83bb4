/**
 * Temporary JSONL files for specs that run outputs into real files: a fresh folder per suite,
 * removed afterwards, and strict parsing (every line complete JSON).
 *
 * @example
 * const tmp = tmpFiles('deep-faker-run-');   // at the top of a spec file or in a describe block
 * const rows = readJsonl(tmp.file());
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temp folder for a suite: its path, and fresh file paths in it. */
export interface TmpFiles {
  dir(): string;
  file(): string;
}

/** Registers before/after hooks that make and remove a temp folder. */
export const tmpFiles = (prefix: string): TmpFiles => {
  let dir = '';
  let n = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, file: () => path.join(dir, `events-${++n}.jsonl`) };
};

/** Every line of a JSONL text, parsed; fails on an incomplete or non-JSON line. */
export const parseJsonl = (text: string): Array<Record<string, unknown>> => {
  if (text === '') return [];
  expect(text.endsWith('\n'), 'ends with a complete line').to.equal(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`line ${i + 1} is not JSON: ${line.slice(0, 120)}`);
      }
    });
};

/** Every line of a JSONL file, parsed. */
export const readJsonl = (file: string): Array<Record<string, unknown>> => parseJsonl(fs.readFileSync(file, 'utf8'));
