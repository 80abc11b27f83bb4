/**
 * The field generator registry: field hints → compiled generators.
 *
 * A hint is resolved, in this order, as
 * 1. a registered name (`builtinGenerators`): Python-Faker names (`uuid4`, `name`, `email`, `random_int`,
 *    `random_element`, `pyfloat`, `date_time`, `now`, `lexify`, `ean`, `ecommerce.product_name`, …),
 *    the YAML model format's built-ins (`uuid_v4`, `random_float`, `choice`, `current_timestamp`,
 *    `random_alphanumeric`), everyday Faker names (`phone_number`, `city`, `user_agent`, …), and
 *    anything added with `registerGenerator`; a leading `faker.` is ignored (`faker.email`);
 * 2. a faker-js method path (`person.fullName`, `number.int`, `faker.lorem.sentence`);
 * 3. a Python-style `provider.method` whose method is a registered name (`faker.address.city`).
 * A dotted hint whose last part is a registered built-in and whose params use that built-in's
 * parameter names is taken as the built-in even if faker-js has the path: a YAML model's
 * `faker.lorem.sentence` with `nb_words: 10` is Python Faker's `sentence(nb_words=10)`.
 *
 * Compilation happens once, when the schema is defined: parameters are checked (unknown ones are
 * rejected with a did-you-mean), the output is fitted to the field type (`generatorCoercion`), and every
 * problem is a `GeneratorError` naming the field, e.g.
 * `AccountCreated.email: unknown faker hint "emial"; did you mean "email"?`.
 * The compiled generator then only draws from `g.rng` / `g.faker` and reads `g.now`.
 *
 * @example
 * const site = { where: 'Order.quantity', name: 'quantity', type: 'int' } as const;
 * const quantity = compileGenerator('random_int', { min: 1, max: 3 }, site);
 * quantity({ rng, faker: sf.use(rng, now), now }); // 1, 2 or 3
 */
import type { FieldSite, Generate, GeneratorFactory } from './generator';
import { GeneratorError } from './generator';
import { GeneratorParams, type BuiltinGenerator } from './generatorParams';
import { adaptToField, coercerFor } from './generatorCoercion';
import { compileFakerPath, fakerMethodPaths, isFakerMethod } from './fakerPath';
import { didYouMean } from '../core/didYouMean';
import { builtinGenerators } from './builtinGenerators';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

type Entry = { readonly _tag: 'Builtin'; readonly hint: BuiltinGenerator } | { readonly _tag: 'User'; readonly factory: GeneratorFactory };

const registry = new Map<string, Entry>();
for (const [name, hint] of Object.entries(builtinGenerators)) registry.set(name, { _tag: 'Builtin', hint });

const FAKER_PREFIX = 'faker.';

const compileEntry = (entry: Entry, hint: string, params: Readonly<Record<string, unknown>>, site: FieldSite): Generate => {
  switch (entry._tag) {
    case 'Builtin': {
      const p = new GeneratorParams(hint, params, site, entry.hint.positional);
      const compiled = entry.hint.make(p, site);
      p.finish();
      return adaptToField(compiled, site, hint);
    }
    case 'User': {
      const generate = entry.factory(params, site);
      if (typeof generate !== 'function') {
        throw new GeneratorError(`${site.where}: the generator registered as "${hint}" did not return a function`);
      }
      if (site.type === 'boolean') return generate;
      const coerce = coercerFor(site.type);
      return (g) => coerce(generate(g));
    }
    default: {
      const never: never = entry;
      return never;
    }
  }
};

/** Whether `params` name a parameter of a built-in (Python-Faker style arguments). */
const usesParamsOf = (entry: Entry, params: Readonly<Record<string, unknown>>): boolean =>
  entry._tag === 'Builtin' && Object.keys(params).some((k) => entry.hint.positional?.includes(k) === true);

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/**
 * Compiles a field hint once, at schema definition, to a generator.
 *
 * `params` are the hint's parameters only (Python-Faker names: `min`, `max`, `elements`,
 * `min_value`, …; `args` for positional arguments). Throws `GeneratorError` naming `site.where` for an
 * unknown hint, bad or unknown parameters, or a hint whose values cannot fill the field type.
 *
 * @example
 * const gen = compileGenerator('random_element', { elements: ['free', 'premium'] },
 *   { where: 'User.plan', name: 'plan', type: 'string' });
 * gen(g); // 'free' or 'premium'
 */
export const compileGenerator = (hint: string, params: Readonly<Record<string, unknown>>, site: FieldSite): Generate => {
  const prefixed = hint.startsWith(FAKER_PREFIX);
  const bare = prefixed ? hint.slice(FAKER_PREFIX.length) : hint;
  const entry = registry.get(hint) ?? (prefixed ? registry.get(bare) : undefined);
  if (entry !== undefined) return compileEntry(entry, hint, params, site);
  const method = bare.includes('.') ? registry.get(bare.slice(bare.lastIndexOf('.') + 1)) : undefined;
  if (method !== undefined && (!isFakerMethod(bare) || usesParamsOf(method, params))) {
    return compileEntry(method, hint, params, site);
  }
  const compiled = compileFakerPath(bare, hint, params, site);
  if (compiled !== undefined) return adaptToField(compiled, site, hint);
  const candidates = bare.includes('.') ? [...registry.keys(), ...fakerMethodPaths()] : registry.keys();
  const best = didYouMean(bare, candidates);
  const hintText = best === undefined ? '' : `; did you mean "${prefixed ? FAKER_PREFIX : ''}${best}"?`;
  throw new GeneratorError(`${site.where}: unknown faker hint "${hint}"${hintText}`);
};

/**
 * Adds a hint, or replaces an existing one of the same name (built-ins included; a registered
 * name also takes precedence over a faker-js path of the same spelling). The factory runs once per
 * field at compile time and receives the field's params unchecked; throw `GeneratorError` there for bad
 * ones. Its generator's values are converted to the field type where obvious (`42` → `'42'` for a
 * string field, a `Date` → ISO-8601 for a datetime field).
 *
 * @example
 * registerGenerator('dice', (params) => {
 *   const sides = typeof params.sides === 'number' ? params.sides : 6;
 *   return (g) => g.rng.int(1, sides);
 * });
 * compileGenerator('dice', { sides: 20 }, { where: 'Roll.value', name: 'value', type: 'int' });
 */
export const registerGenerator = (name: string, factory: GeneratorFactory): void => {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.]*$/.test(name)) {
    throw new GeneratorError(`registerGenerator: invalid hint name ${JSON.stringify(name)} (letters, digits, "_" and ".")`);
  }
  if (typeof factory !== 'function') throw new GeneratorError(`registerGenerator: the factory of "${name}" is not a function`);
  registry.set(name, { _tag: 'User', factory });
};

/**
 * The registered hint names (built-in and user-registered), sorted; faker-js paths are not listed.
 *
 * @example
 * knownGenerators().includes('uuid4'); // true
 */
export const knownGenerators = (): string[] => [...registry.keys()].sort();

/** @deprecated Renamed `compileGenerator`. */
export const compileHint = compileGenerator;
/** @deprecated Renamed `knownGenerators`. */
export const knownHints = knownGenerators;

// ---------------------------------------------------------------------------------------------
// defaults
// ---------------------------------------------------------------------------------------------

/** Name patterns (snake_case, lower case) → hint, first match wins; skipped if the hint cannot fill the field type. */
const NAME_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(birth_?date|date_of_birth|dob|birthday)$/, 'date_of_birth'],
  [/^(timestamp|time|date|datetime|ts)$|_(at|time|timestamp|ts|date|datetime|on)$/, 'now'],
  [/^(id|uuid|guid)$|_(id|uuid|guid)$/, 'uuid4'],
  [/(^|_)e?mail(_address)?$/, 'email'],
  [/(^|_)(first_?name|given_name|forename)$/, 'first_name'],
  [/(^|_)(last_?name|surname|family_name)$/, 'last_name'],
  [/^(user_?name|login|handle|screen_name|nickname)$/, 'user_name'],
  [/^(name|full_?name|display_name|customer_name|contact_name|author)$|_full_name$/, 'name'],
  [/(^|_)product(_name)?$/, 'ecommerce.product_name'],
  [/^(company|company_name|employer|organi[sz]ation)$/, 'company'],
  [/(^|_)(phone|phone_number|mobile|telephone|cell_phone)$/, 'phone_number'],
  [/(^|_)ipv6$/, 'ipv6'],
  [/^(ip|ip_?address|ipv4|client_ip|remote_ip|remote_addr)$|_ip$/, 'ipv4'],
  [/(^|_)mac(_address)?$/, 'mac_address'],
  [/(^|_)city$/, 'city'],
  [/(^|_)country_code$/, 'country_code'],
  [/(^|_)country$/, 'country'],
  [/(^|_)(zip|zip_?code|post_?code|postal_code)$/, 'postcode'],
  [/(^|_)street(_address)?$/, 'street_address'],
  [/(^|_)address$/, 'address'],
  [/^(url|uri|website|homepage|link)$|_(url|uri)$/, 'url'],
  [/(^|_)(domain|domain_name|hostname)$/, 'domain_name'],
  [/(^|_)user_?agent$/, 'user_agent'],
  [/(^|_)currency(_code)?$/, 'currency_code'],
  [/(^|_)iban$/, 'iban'],
  [/^(lat|latitude)$/, 'latitude'],
  [/^(lng|lon|long|longitude)$/, 'longitude'],
  [/(^|_)colou?r$/, 'color_name'],
  [/^(password|passwd|pwd)$/, 'password'],
  [/^(job|job_title|occupation)$/, 'job'],
  [/^(description|comment|message|bio|summary|notes?|review)$/, 'sentence'],
  [/(^|_)(ean|barcode|gtin)$/, 'ean'],
];

const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * A realistic generator for a field without a hint, from its name and type: `user_id` → uuid,
 * `email` → e-mail, `full_name` → a person's name, `created_at` → simulation time, `city`,
 * `country`, `ip_address`, `url`, … (see `NAME_RULES`). Otherwise by type: int 0..1000, float
 * 0..1000 with 2 decimals, boolean a fair coin, json `{}`, string a lorem word, datetime now.
 *
 * @example
 * defaultGenerator({ where: 'User.email', name: 'email', type: 'string' })(g); // 'Ava.Kub21@yahoo.com'
 * defaultGenerator({ where: 'Order.qty', name: 'qty', type: 'int' })(g);        // 0..1000
 */
export const defaultGenerator = (site: FieldSite): Generate => {
  if (site.type !== 'boolean' && site.type !== 'json') {
    const name = snakeCase(site.name);
    for (const [pattern, hint] of NAME_RULES) {
      if (!pattern.test(name)) continue;
      try {
        return compileGenerator(hint, {}, site);
      } catch (e) {
        if (!(e instanceof GeneratorError)) throw e;
      }
    }
  }
  switch (site.type) {
    case 'string':
      return compileGenerator('word', {}, site);
    case 'datetime':
      return compileGenerator('now', {}, site);
    case 'int':
      return (g) => (g.rng.next() * 1001) | 0;
    case 'float':
      return (g) => ((g.rng.next() * 100_001) | 0) / 100;
    case 'boolean':
      return (g) => g.rng.next() < 0.5;
    case 'json':
      return () => ({});
    default: {
      const never: never = site.type;
      return never;
    }
  }
};
