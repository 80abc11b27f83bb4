/**
 * faker's locale data, compiled once per faker instance into fast pickers that draw from `g.rng`.
 *
 * faker resolves patterns such as `{{person.firstName}} {{person.lastName}}` through its generic
 * mustache machinery on every call, which is slow (bench/generators.ts). Here the same patterns, read from
 * `faker.rawDefinitions`, are compiled once into closures that index the locale arrays directly,
 * with faker's own probabilities (sex-specific vs generic first names, prefixes and suffixes,
 * hyphenated last names, weighted name patterns). A token this compiler does not know falls back
 * to `g.faker.helpers.fake('{{token}}')`, so other locales still work, only slower.
 *
 * Tables are cached per faker instance in a `WeakMap`: there may be several instances, and a table
 * built from one locale must not serve another.
 *
 * @example
 * const sf = new SeededFaker();
 * const rng = new Rng(1);
 * const g = { rng, faker: sf.use(rng, 0), now: 0 };
 * localeTables(g.faker).fullName(g); // e.g. 'Mrs. Lila Kuhn'
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { Rng } from '../core/rng';
import type { GenContext } from './generator';

/** Draws one string; `sex` is 0 (female), 1 (male) or -1 (draw one, as faker does). */
type Picker = (g: GenContext, sex: number) => string;

/** Compiled locale data of one faker instance. Every function draws from `g.rng` only. */
export interface LocaleTables {
  /** Like `faker.person.fullName()`: weighted patterns with prefixes and suffixes. */
  readonly fullName: (g: GenContext) => string;
  /** Like `faker.person.firstName()`. */
  readonly firstName: (g: GenContext) => string;
  /** Like `faker.person.lastName()` (en: 5% hyphenated). */
  readonly lastName: (g: GenContext) => string;
  /** Like `faker.internet.username()`: `First.Last12`, `First_Last`, `First12`. */
  readonly userName: (g: GenContext) => string;
  /** Like `faker.internet.email()`: a user name at a free mail provider. */
  readonly email: (g: GenContext) => string;
  /** Like `faker.commerce.productName()`: `Ergonomic Steel Chair`. */
  readonly productName: (g: GenContext) => string;
  /** Like `faker.location.city()`. */
  readonly city: (g: GenContext) => string;
  /** faker's lorem words (also Python Faker's `word()` vocabulary). */
  readonly loremWords: ReadonlyArray<string>;
}

// ---------------------------------------------------------------------------------------------
// pickers
// ---------------------------------------------------------------------------------------------

const pickIn = (rng: Rng, items: ReadonlyArray<string>): string => items[(rng.next() * items.length) | 0];

const drawSex = (g: GenContext, sex: number): number => (sex >= 0 ? sex : g.rng.next() < 0.5 ? 0 : 1);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');

interface WeightedValue {
  readonly value: string;
  readonly weight: number;
}

const isWeightedArray = (v: unknown): v is WeightedValue[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && typeof x.value === 'string' && typeof x.weight === 'number');

/** Turns a string into the literal it becomes in the output (identity, or an e-mail-safe form). */
type Transform = (s: string) => string;

/** Builds pickers over `raw` (faker.rawDefinitions), applying `transform` to every literal. */
class PickerCompiler {
  /** True when `transform` erased a literal with letters or digits (e.g. a non-Latin name for e-mail). */
  lossy = false;
  private depth = 0;

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly transform: Transform,
    private readonly methods: Readonly<Record<string, Picker>>,
  ) {}

  private literal(s: string): string {
    const t = this.transform(s);
    if (t === '' && /[\p{L}\p{N}]/u.test(s)) this.lossy = true;
    return t;
  }

  /** `{{a.b}} text {{c}}` → a picker concatenating literals and token pickers. */
  template(pattern: string): Picker {
    const parts: Array<string | Picker> = [];
    const re = /\{\{\s*([^{}]+?)\s*\}\}/g;
    let last = 0;
    for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
      if (m.index > last) parts.push(this.literal(pattern.slice(last, m.index)));
      parts.push(this.token(m[1]));
      last = m.index + m[0].length;
    }
    if (last < pattern.length) parts.push(this.literal(pattern.slice(last)));
    if (parts.length === 1) {
      const only = parts[0];
      return typeof only === 'string' ? () => only : only;
    }
    return (g, sex) => {
      let s = '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        s += typeof p === 'string' ? p : p(g, sex);
      }
      return s;
    };
  }

  /** A uniform list of literals/templates, or a weighted list of templates. */
  choice(list: unknown): Picker | undefined {
    if (isStringArray(list)) {
      if (list.every((s) => !s.includes('{{'))) {
        const items = list.map((s) => this.literal(s));
        return (g) => pickIn(g.rng, items);
      }
      const items = list.map((s) => this.template(s));
      return (g, sex) => items[(g.rng.next() * items.length) | 0](g, sex);
    }
    if (isWeightedArray(list)) {
      const items = list.map((w) => this.template(w.value));
      const cumulative: number[] = [];
      let total = 0;
      for (const w of list) cumulative.push((total += Math.max(0, w.weight)));
      if (!(total > 0)) return undefined;
      return (g, sex) => {
        const r = g.rng.next() * total;
        let i = 0;
        while (i < cumulative.length - 1 && r >= cumulative[i]) i++;
        return items[i](g, sex);
      };
    }
    return undefined;
  }

  /**
   * A plain list, or faker's `{ generic, female, male }` shape chosen the way faker does: for a
   * given sex, the sex-specific list with weight 3·√n against the generic list with weight √n.
   */
  sexed(def: unknown): Picker | undefined {
    if (Array.isArray(def)) return this.choice(def);
    if (typeof def !== 'object' || def === null) return undefined;
    const d = def as Record<string, unknown>;
    const generic = this.choice(d.generic);
    const own = [this.choice(d.female), this.choice(d.male)];
    if (generic === undefined && own[0] === undefined && own[1] === undefined) return undefined;
    const size = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
    const pOwn = [d.female, d.male].map((list) => {
      const o = 3 * Math.sqrt(size(list));
      return o / (o + Math.sqrt(size(d.generic)));
    });
    return (g, sex) => {
      const s = drawSex(g, sex);
      const mine = own[s];
      if (mine === undefined) return generic !== undefined ? generic(g, s) : (own[1 - s] as Picker)(g, s);
      if (generic === undefined || g.rng.next() < pOwn[s]) return mine(g, s);
      return generic(g, s);
    };
  }

  /** Raw data at a dotted path, e.g. `person.last_name.generic`. */
  rawAt(path: string): unknown {
    let v: unknown = this.raw;
    for (const key of path.split('.')) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }

  /** A picker for one mustache token: a known method, raw locale data, or faker as fallback. */
  token(token: string): Picker {
    const method = this.methods[token];
    if (method !== undefined) return method;
    if (this.depth < 4) {
      this.depth++;
      try {
        const picker = this.sexed(this.rawAt(token));
        if (picker !== undefined) return picker;
      } finally {
        this.depth--;
      }
    }
    const pattern = `{{${token}}}`;
    return (g) => this.transform(g.faker.helpers.fake(pattern));
  }
}

// ---------------------------------------------------------------------------------------------
// tables
// ---------------------------------------------------------------------------------------------

/** What faker's `internet.email` keeps of a name: ASCII letters, digits and `._+-`. */
const emailSafe: Transform = (s) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._+-]/g, '');

/** Person pickers (first, last, prefix, suffix, middle name) whose literals go through `transform`. */
const personPickers = (raw: Record<string, unknown>, transform: Transform) => {
  const methods: Record<string, Picker> = {};
  const compiler = new PickerCompiler(raw, transform, methods);
  const person = (raw.person ?? {}) as Record<string, unknown>;
  const orFaker = (picker: Picker | undefined, call: (f: Faker) => string): Picker => picker ?? ((g) => transform(call(g.faker)));
  const sexOf = (sex: number): 'female' | 'male' => (sex === 0 ? 'female' : 'male');
  methods['person.firstName'] = orFaker(compiler.sexed(person.first_name), (f) => f.person.firstName());
  methods['person.middleName'] = orFaker(compiler.sexed(person.middle_name), (f) => f.person.middleName());
  methods['person.prefix'] = orFaker(compiler.sexed(person.prefix), (f) => f.person.prefix());
  methods['person.suffix'] = orFaker(compiler.sexed(person.suffix), (f) => f.person.suffix());
  methods['person.lastName'] = orFaker(
    person.last_name_pattern !== undefined ? compiler.sexed(person.last_name_pattern) : compiler.sexed(person.last_name),
    (f) => f.person.lastName(),
  );
  const fullName = compiler.choice(person.name);
  methods['person.fullName'] = fullName ?? ((g, sex) => transform(g.faker.person.fullName(sex < 0 ? {} : { sex: sexOf(sex) })));
  return { methods, compiler };
};

const build = (faker: Faker): LocaleTables => {
  const raw = faker.rawDefinitions as unknown as Record<string, unknown>;
  const display = personPickers(raw, (s) => s);
  const mail = personPickers(raw, emailSafe);
  const dm = display.methods;
  const commerce = (raw.commerce ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const product = commerce.product_name ?? {};
  dm['commerce.productAdjective'] = display.compiler.choice(product.adjective) ?? ((g) => g.faker.commerce.productAdjective());
  dm['commerce.productMaterial'] = display.compiler.choice(product.material) ?? ((g) => g.faker.commerce.productMaterial());
  dm['commerce.product'] = display.compiler.choice(product.product) ?? ((g) => g.faker.commerce.product());

  const first = dm['person.firstName'];
  const last = dm['person.lastName'];
  const full = dm['person.fullName'];
  const productName = display.compiler.choice(product.pattern) ?? ((g) => g.faker.commerce.productName());
  const location = (raw.location ?? {}) as Record<string, unknown>;
  const city = display.compiler.choice(location.city_pattern) ?? ((g) => g.faker.location.city());

  const internet = (raw.internet ?? {}) as Record<string, unknown>;
  const providers = isStringArray(internet.free_email) ? internet.free_email : undefined;
  const mailFirst = mail.methods['person.firstName'];
  const mailLast = mail.methods['person.lastName'];
  const fastUserName = !mail.compiler.lossy;
  // faker's internet.username(): separator, 0..99, and one of three shapes, equally likely.
  const userName = (g: GenContext): string => {
    const rng = g.rng;
    const f = mailFirst(g, -1);
    const l = mailLast(g, -1);
    const sep = rng.next() < 0.5 ? '.' : '_';
    const n = (rng.next() * 100) | 0;
    const shape = (rng.next() * 3) | 0;
    let s = shape === 0 ? f + sep + l + n : shape === 1 ? f + sep + l : f + n;
    if (s.length > 50) s = s.slice(0, 50);
    if (s.includes('..') || s.charCodeAt(0) === 46 || s.charCodeAt(s.length - 1) === 46) {
      s = s
        .replace(/\.{2,}/g, '.')
        .replace(/^\./, '')
        .replace(/\.$/, '');
    }
    return s;
  };
  const loremWords = isStringArray((raw.lorem as Record<string, unknown> | undefined)?.word)
    ? ((raw.lorem as Record<string, unknown>).word as string[])
    : ['lorem', 'ipsum', 'dolor', 'sit', 'amet'];

  return {
    fullName: (g) => full(g, g.rng.next() < 0.5 ? 0 : 1),
    firstName: (g) => first(g, -1),
    lastName: (g) => last(g, -1),
    userName: fastUserName ? userName : (g) => g.faker.internet.username(),
    email: fastUserName && providers !== undefined ? (g) => userName(g) + '@' + pickIn(g.rng, providers) : (g) => g.faker.internet.email(),
    productName: (g) => productName(g, -1),
    city: (g) => city(g, -1),
    loremWords,
  };
};

const cache = new WeakMap<Faker, LocaleTables>();

/**
 * The compiled tables of a faker instance, built on first use and cached per instance.
 *
 * @example
 * localeTables(g.faker).email(g); // e.g. 'Maye.Quitzon41@gmail.com'
 */
export const localeTables = (faker: Faker): LocaleTables => {
  let tables = cache.get(faker);
  if (tables === undefined) {
    tables = build(faker);
    cache.set(faker, tables);
  }
  return tables;
};

/**
 * A `localeTables` lookup that remembers the last faker instance it saw: one comparison per value
 * instead of a `WeakMap` lookup, since the engine keeps using the same instance.
 *
 * @example
 * const tables = tablesOf();
 * const gen: Generate<string> = (g) => tables(g.faker).city(g);
 */
export const tablesOf = (): ((faker: Faker) => LocaleTables) => {
  let lastFaker: Faker | undefined;
  let lastTables: LocaleTables | undefined;
  return (faker) => {
    if (faker !== lastFaker || lastTables === undefined) {
      lastTables = localeTables(faker);
      lastFaker = faker;
    }
    return lastTables;
  };
};
