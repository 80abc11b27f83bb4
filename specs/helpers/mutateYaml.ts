/**
 * Seeded mutations of a YAML text, line by line, for the fuzz spec: the kinds of mistakes users
 * make (a line deleted or doubled, a value replaced by something extreme or of the wrong kind, a
 * key renamed to a reserved name, an alias that refers to itself or expands enormously, broken
 * indentation, a file cut short). The same seed gives the same mutant.
 *
 * @example
 * mutateYaml('a: 1\nb: 2\n', new Rng(7)); // { text: 'a: 1e308\nb: 2\n', what: 'line 1: value → 1e308' }
 */
import { Rng } from '../../lib/core/rng';

/** Values a scalar is replaced with: extremes, wrong kinds, reserved names, escapes. */
const VALUES = [
  '1e308',
  '-1e308',
  '-1',
  '0',
  '1e9',
  '100000000',
  '2.5',
  '.nan',
  '.inf',
  '-.inf',
  'null',
  '~',
  '[]',
  '{}',
  '""',
  '"line1\\nline2"',
  '__proto__',
  'constructor',
  'toString',
  "'{{constructor.constructor}}'",
  '"+275760-09-13T00:00:00Z"',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '"x" * 1000000',
  '[0] * 1000000',
  "'faker.lorem.paragraphs(10000000)'",
  'true',
  '"yes"',
];

/** Names a key is renamed to. */
const KEYS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf'];

/** Anchors and aliases that refer to themselves or expand to millions of nodes. */
const ALIASES = ['&self [1, *self]', '&m { a: *m }', '&a [x, x, x, x, x, x, x, x, x]'];

const BOMB = [
  'bomb_a: &a [x, x, x, x, x, x, x, x, x, x]',
  'bomb_b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'bomb_c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'bomb_d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'bomb_e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'bomb_f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
  'bomb_g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]',
];

/** One mutant of `text`, and what was done to it. */
export const mutateYaml = (text: string, rng: Rng): { readonly text: string; readonly what: string } => {
  const lines = text.split('\n');
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[rng.int(0, xs.length - 1)]!;
  const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '' && !l.trim().startsWith('#'));
  const [line, i] = pick(candidates);
  const at = `line ${i + 1}`;
  const kv = /^(\s*-?\s*)([^:#'"]+?):(\s+)(\S.*)$/.exec(line);
  const replace = (next: string, what: string) => {
    const out = [...lines];
    out[i] = next;
    return { text: out.join('\n'), what: `${at}: ${what}` };
  };
  switch (rng.int(0, 7)) {
    case 0:
      return { text: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'), what: `${at}: deleted` };
    case 1:
      return { text: [...lines.slice(0, i + 1), line, ...lines.slice(i + 1)].join('\n'), what: `${at}: doubled` };
    case 2:
    case 3: {
      if (kv === null) return replace(`${line} ${pick(VALUES)}`, 'value appended');
      const v = pick(VALUES);
      return replace(`${kv[1]}${kv[2]}:${kv[3]}${v}`, `value → ${v}`);
    }
    case 4: {
      if (kv === null) return replace(line.replace(/\S+/, pick(KEYS)), 'first word renamed');
      const k = pick(KEYS);
      return replace(`${kv[1]}${k}:${kv[3]}${kv[4]}`, `key ${kv[2]} → ${k}`);
    }
    case 5: {
      if (kv === null || rng.chance(0.3)) return { text: `${text}\n${BOMB.join('\n')}\n`, what: 'alias bomb appended' };
      const a = pick(ALIASES);
      return replace(`${kv[1]}${kv[2]}:${kv[3]}${a}`, `value → ${a}`);
    }
    case 6:
      return replace(rng.chance(0.5) ? `  ${line}` : line.replace(/^ {1,2}/, ''), 'indentation changed');
    default: {
      const cut = rng.int(0, text.length);
      return { text: text.slice(0, cut), what: `cut at character ${cut}` };
    }
  }
};
