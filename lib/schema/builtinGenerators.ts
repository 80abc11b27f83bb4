/**
 * Every built-in hint, by name: the generators behind the provider names of the YAML model format
 * (Python Faker's `uuid4`, `pystr`, `ean`, `password`, `random_int`, `date_time`, …, the format's
 * own `uuid_v4`, `random_float`, `choice`, `current_timestamp`) and the everyday faker names. The
 * generator registry starts from this table; `registerGenerator` adds to it or replaces entries.
 *
 * | table | file | what |
 * | --- | --- | --- |
 * | `identifierGenerators` | identifierGenerators.ts | UUIDs, short ids, hash-shaped hex, EAN barcodes, IP addresses |
 * | `nameGenerators` | nameGenerators.ts | people's names, e-mails, user names, cities, product names |
 * | `numberGenerators` | numberGenerators.ts | integers, floats, digits, booleans, coordinates |
 * | `choiceGenerators` | choiceGenerators.ts | `random_element`, `choice`: one of given values, maybe weighted |
 * | `textGenerators` | textGenerators.ts | patterns (`lexify`, `bothify`, …), `pystr`, `password`, letters |
 * | `loremGenerators` | loremGenerators.ts | words, sentences, paragraphs, text |
 * | `dateGenerators` | dateGenerators.ts | instants and days: `now`, `date_time`, `date_between`, … |
 * | `fakerAliases` | fakerAliases.ts | everyday names that call faker-js (`phone_number`, `user_agent`, …) |
 *
 * Every event of a simulation runs several of the first seven kinds, so they draw from `g.rng`
 * directly rather than through faker's per-call pattern machinery; parameter names and defaults
 * follow Python Faker, so examples written for it port unchanged.
 *
 * @example
 * builtinGenerators['random_int'].positional; // ['min', 'max', 'step']
 */
import { choiceGenerators } from './choiceGenerators';
import { dateGenerators } from './dateGenerators';
import { fakerAliases } from './fakerAliases';
import type { BuiltinGenerator } from './generatorParams';
import { identifierGenerators } from './identifierGenerators';
import { loremGenerators } from './loremGenerators';
import { nameGenerators } from './nameGenerators';
import { numberGenerators } from './numberGenerators';
import { textGenerators } from './textGenerators';

/**
 * The built-in hints by name (no name is in two tables).
 *
 * @example
 * Object.keys(builtinGenerators).includes('pystr'); // true
 */
export const builtinGenerators: Readonly<Record<string, BuiltinGenerator>> = {
  ...identifierGenerators,
  ...nameGenerators,
  ...numberGenerators,
  ...choiceGenerators,
  ...textGenerators,
  ...loremGenerators,
  ...dateGenerators,
  ...fakerAliases,
};
