/**
 * Lorem text hints, Python-Faker style: `word`, `words(nb)`, `sentence(nb_words)`,
 * `paragraph(nb_sentences)`, `text(max_nb_chars)`, all taking `ext_word_list`.
 *
 * Words come from faker's lorem vocabulary (`localeTables`), drawn directly from `g.rng`; word and
 * sentence counts vary like Python Faker's (60%..140% of the asked number unless `variable_*` is
 * false).
 *
 * @example
 * compileGenerator('sentence', { nb_words: 10 }, site)(g); // 'Texo studio error vociferor vinco tantillus.'
 */
import type { Rng } from '../core/rng';
import type { GenContext } from './generator';
import type { BuiltinGenerator, GeneratorParams } from './generatorParams';
import { tablesOf } from './localeTables';

/** A compiled hint yielding strings. */
const str = (generate: (g: GenContext) => string) => ({ yields: 'string' as const, generate });

/** Python Faker's `randomize_nb_elements`: 60% to 140% of `n`, at least 1. */
const around = (rng: Rng, n: number): number => Math.max(1, Math.floor((n * (60 + ((rng.next() * 81) | 0))) / 100));

/** The vocabulary: `ext_word_list` if given (read by every word hint), else faker's lorem words. */
const vocabulary = (p: GeneratorParams): ((g: GenContext) => ReadonlyArray<string>) => {
  const ext = p.optionalArray('ext_word_list');
  if (ext !== undefined) {
    if (ext.length === 0 || !ext.every((w) => typeof w === 'string')) p.fail('ext_word_list must be a non-empty array of strings');
    const words = ext as string[];
    return () => words;
  }
  const tables = tablesOf();
  return (g) => tables(g.faker).loremWords;
};

const pickWord = (rng: Rng, words: ReadonlyArray<string>): string => words[(rng.next() * words.length) | 0];

const sentenceOf = (rng: Rng, words: ReadonlyArray<string>, n: number): string => {
  let s = pickWord(rng, words);
  s = s.charAt(0).toUpperCase() + s.slice(1);
  for (let i = 1; i < n; i++) s += ' ' + pickWord(rng, words);
  return s + '.';
};

const word: BuiltinGenerator = {
  positional: ['ext_word_list'],
  make: (p) => {
    const words = vocabulary(p);
    return str((g) => pickWord(g.rng, words(g)));
  },
};

/** `words(nb=3, ext_word_list)`: a list for a json field, space-separated otherwise. */
const words: BuiltinGenerator = {
  positional: ['nb', 'ext_word_list'],
  make: (p, site) => {
    const nb = p.intIn('nb', 3, 1, 10_000);
    const vocab = vocabulary(p);
    const list = (g: GenContext): string[] => {
      const w = vocab(g);
      const out: string[] = [];
      for (let i = 0; i < nb; i++) out.push(pickWord(g.rng, w));
      return out;
    };
    return site.type === 'json' ? { yields: 'json', generate: list } : str((g) => list(g).join(' '));
  },
};

const sentence: BuiltinGenerator = {
  positional: ['nb_words', 'variable_nb_words', 'ext_word_list'],
  make: (p) => {
    const nb = p.intIn('nb_words', 6, 1, 10_000);
    const variable = p.boolean('variable_nb_words', true);
    const vocab = vocabulary(p);
    return str((g) => sentenceOf(g.rng, vocab(g), variable ? around(g.rng, nb) : nb));
  },
};

const paragraphOf = (rng: Rng, words: ReadonlyArray<string>, sentences: number): string => {
  let s = sentenceOf(rng, words, around(rng, 6));
  for (let i = 1; i < sentences; i++) s += ' ' + sentenceOf(rng, words, around(rng, 6));
  return s;
};

const paragraph: BuiltinGenerator = {
  positional: ['nb_sentences', 'variable_nb_sentences', 'ext_word_list'],
  make: (p) => {
    const nb = p.intIn('nb_sentences', 3, 1, 10_000);
    const variable = p.boolean('variable_nb_sentences', true);
    const vocab = vocabulary(p);
    return str((g) => paragraphOf(g.rng, vocab(g), variable ? around(g.rng, nb) : nb));
  },
};

/** `text(max_nb_chars=200)`: words (< 25 chars), sentences (< 100) or `\n`-separated paragraphs, at most max_nb_chars long. */
const text: BuiltinGenerator = {
  positional: ['max_nb_chars', 'ext_word_list'],
  make: (p) => {
    const max = p.intIn('max_nb_chars', 200, 5, 1_000_000);
    const vocab = vocabulary(p);
    return str((g) => {
      const rng = g.rng;
      const w = vocab(g);
      if (max < 25) {
        let s = '';
        for (let tries = 0; tries < 100; tries++) {
          const next = pickWord(rng, w);
          const candidate = s === '' ? next.charAt(0).toUpperCase() + next.slice(1) : s + ' ' + next;
          if (candidate.length + 1 > max) {
            if (s !== '') break;
            continue;
          }
          s = candidate;
        }
        return (s === '' ? 'X' : s) + '.';
      }
      const unit = max < 100 ? () => sentenceOf(rng, w, around(rng, 6)) : () => paragraphOf(rng, w, around(rng, 3));
      const sep = max < 100 ? ' ' : '\n';
      let s = '';
      for (let tries = 0; tries < 100; tries++) {
        const next = unit();
        const candidate = s === '' ? next : s + sep + next;
        if (candidate.length > max) {
          if (s !== '') break;
          continue;
        }
        s = candidate;
      }
      return s === '' ? unit().slice(0, max - 1) + '.' : s;
    });
  },
};

/**
 * The lorem built-ins by hint name.
 *
 * @example
 * Object.keys(loremGenerators); // ['word', 'words', 'sentence', 'paragraph', 'text']
 */
export const loremGenerators: Readonly<Record<string, BuiltinGenerator>> = { word, words, sentence, paragraph, text };
