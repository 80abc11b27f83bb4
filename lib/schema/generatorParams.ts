/**
 * The parameters of one built-in hint, read and checked once at compile time.
 *
 * A built-in factory reads each parameter it accepts through `GeneratorParams` (`p.int('min', 0)`), which
 * checks its type and remembers the name; `finish()` then rejects any parameter nobody read, with
 * a did-you-mean (`max_value` vs `max_valeu`). Every message names the field and the hint:
 * `Order.quantity: faker hint "random_int": min must be a number, got "one"`.
 * Python-style positional arguments (`args: [1, 10]`) are mapped to the hint's parameter names.
 *
 * @example
 * const p = new GeneratorParams('random_int', { min: 1, max: 3 }, site, ['min', 'max', 'step']);
 * const min = p.int('min', 0);
 * const max = p.int('max', 9999);
 * p.finish();
 */
import type { FieldSite, Generate } from './generator';
import { GeneratorError } from './generator';
import { suggestion } from '../core/didYouMean';

/**
 * What a compiled built-in yields, before it is adapted to the field's type. `instant` is epoch
 * ms (a datetime field gets ISO-8601), `day` is epoch ms at midnight UTC (a string field gets
 * `YYYY-MM-DD`), `datetime` is an ISO-8601 string already, `unknown` is checked per value.
 *
 * @example
 * const yields: Yields = 'instant'; // what `now` and `date_time` yield
 */
export type Yields = 'string' | 'int' | 'float' | 'boolean' | 'datetime' | 'instant' | 'day' | 'json' | 'unknown';

/**
 * A compiled built-in hint: its generator and what it yields.
 *
 * @example
 * const now: Compiled = { yields: 'instant', generate: (g) => g.now };
 */
export interface Compiled {
  readonly generate: Generate;
  readonly yields: Yields;
}

/**
 * A built-in hint: its parameter names, and the factory that reads them through `GeneratorParams`.
 *
 * @example
 * const dice: BuiltinGenerator = {
 *   positional: ['sides'],
 *   make: (p) => {
 *     const sides = p.intIn('sides', 6, 1, 1000);
 *     return { yields: 'int', generate: (g) => g.rng.int(1, sides) };
 *   },
 * };
 */
export interface BuiltinGenerator {
  /** Every parameter name, in Python-Faker order (for positional `args` and `provider.method` hints). */
  readonly positional?: ReadonlyArray<string>;
  readonly make: (p: GeneratorParams, site: FieldSite) => Compiled;
}

/**
 * A compiled built-in from what it yields and its generator.
 *
 * @example
 * const dice = compiled('int', (g) => 1 + ((g.rng.next() * 6) | 0));
 */
export const compiled = (yields: Yields, generate: Generate): Compiled => ({ generate, yields });

/**
 * A built-in without parameters.
 *
 * @example
 * const coin: BuiltinGenerator = simple('boolean', (g) => g.rng.next() < 0.5);
 */
export const simple = (yields: Yields, generate: Generate): BuiltinGenerator => ({ make: () => compiled(yields, generate) });

/** Shows a parameter value in an error message. */
const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
};

/** Reads and checks the parameters of one hint at one field. */
export class GeneratorParams {
  private readonly values: Record<string, unknown>;
  private readonly read = new Set<string>();

  constructor(
    readonly hint: string,
    params: Readonly<Record<string, unknown>>,
    readonly site: FieldSite,
    positional: ReadonlyArray<string> = [],
  ) {
    const { args, ...named } = params;
    this.values = named;
    if (args === undefined || args === null) return;
    if (!Array.isArray(args)) this.fail(`args must be an array, got ${show(args)}`);
    if (args.length > positional.length) {
      this.fail(
        positional.length === 0
          ? 'takes no positional args'
          : `takes at most ${positional.length} positional args (${positional.join(', ')}), got ${args.length}`,
      );
    }
    args.forEach((value, i) => {
      const name = positional[i];
      if (name in named) this.fail(`${name} is given both in args and by name`);
      this.values[name] = value;
    });
  }

  /** Throws a `GeneratorError` naming the field and the hint. */
  fail(message: string): never {
    throw new GeneratorError(`${this.site.where}: faker hint "${this.hint}": ${message}`);
  }

  /** The raw value of a parameter (`undefined` when absent or null, as Python's `None`). */
  raw(name: string): unknown {
    this.read.add(name);
    const v = this.values[name];
    return v === null ? undefined : v;
  }

  /** Whether a parameter was given. */
  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** A finite number, or `undefined` when absent. */
  optionalNumber(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${name} must be a number, got ${show(v)}`);
    return v;
  }

  /** A finite number, `fallback` when absent. */
  number(name: string, fallback: number): number {
    return this.optionalNumber(name) ?? fallback;
  }

  /** A safe integer, or `undefined` when absent. */
  optionalInt(name: string): number | undefined {
    const v = this.optionalNumber(name);
    if (v !== undefined && !Number.isSafeInteger(v)) this.fail(`${name} must be an integer, got ${show(v)}`);
    return v;
  }

  /** A safe integer, `fallback` when absent. */
  int(name: string, fallback: number): number {
    return this.optionalInt(name) ?? fallback;
  }

  /** An integer in [min, max], `fallback` when absent. */
  intIn(name: string, fallback: number, min: number, max: number): number {
    const v = this.int(name, fallback);
    if (v < min || v > max) this.fail(`${name} must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  /** `true` or `false`, `fallback` when absent. */
  boolean(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(`${name} must be true or false, got ${show(v)}`);
    return v;
  }

  /** A string, `fallback` when absent. */
  string(name: string, fallback: string): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'string') this.fail(`${name} must be a string, got ${show(v)}`);
    return v;
  }

  /** An array, or `undefined` when absent. */
  optionalArray(name: string): ReadonlyArray<unknown> | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(`${name} must be an array, got ${show(v)}`);
    return v;
  }

  /** Rejects parameters that the factory did not read: they are typos or belong to another hint. */
  finish(): void {
    for (const name of Object.keys(this.values)) {
      if (this.read.has(name)) continue;
      const accepted = [...this.read];
      this.fail(
        accepted.length === 0 ? `takes no params, got "${name}"` : `unknown param "${name}"${suggestion(name, accepted)} (accepted: ${accepted.join(', ')})`,
      );
    }
  }
}
