/**
 * `EventGenerator`: custom code that makes the data of one story event definition (the story
 * format's `class CustomGenerator(EventGenerator)`). Register an instance per source/event with
 * `streamStory(story, { generators: { 'stripe/invoice.paid': new InvoiceGenerator() } })` (or by
 * event name alone: `{ 'invoice.paid': … }`). For each occurrence, the definition's `data` (if
 * any) is evaluated first; then `generate(context)` runs and the fields it returns are added to
 * (or replace) those. Inside `generate`, `resolveValue` evaluates a story expression in the
 * event's scope (its data fields, `prev`, `index`, `org_id` and every story function), and
 * `getContextValue('prev.amount')` reads a dotted path null-safely (`null` when `prev` or a field
 * is missing, e.g. on the first occurrence).
 *
 * @example
 * class InvoiceGenerator extends EventGenerator {
 *   generate(context: GeneratorContext) {
 *     const previous = this.getContextValue('prev.total') as number | null;
 *     return {
 *       invoice_id: this.resolveValue('uuid4()'),
 *       total: (previous ?? 100) + (this.resolveValue('random(1, 10)') as number),
 *       number: context.index + 1,
 *     };
 *   }
 * }
 */
import type { Faker } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import type { Rng } from '../core/rng';
import { isDict } from '../expr/values';

/** What `generate` receives. */
export interface GeneratorContext {
  readonly orgId: string;
  readonly source: string;
  readonly event: string;
  /** The repetition (0-based). */
  readonly index: number;
  /** Virtual time, epoch ms. */
  readonly time: number;
  /** The event's timestamp (ISO-8601 in the story's zone). */
  readonly timestamp: string;
  /** Fields evaluated from the definition's `data`. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The previous occurrence's data, or null for the first. */
  readonly prev: Readonly<Record<string, unknown>> | null;
  /** The definition's seeded random stream. */
  readonly rng: Rng;
  /** Faker drawing from `rng`, dates relative to virtual time. */
  readonly faker: Faker;
}

/** How a generator reaches the event being made (set by the story player around `generate`). */
export interface GeneratorBinding {
  /** Compiles (cached) and evaluates a story expression in the event's scope; throws with the position on a mistake. */
  readonly evaluate: (expression: string) => unknown;
  /** A root name of the scope (a data field, `prev`, `index`, `org_id`), or undefined. */
  readonly lookup: (name: string) => unknown;
}

/** Base class of custom event data generators. */
export abstract class EventGenerator {
  private binding: GeneratorBinding | undefined = undefined;

  /** The event's data fields (merged over the evaluated `data` of the definition). */
  abstract generate(context: GeneratorContext): Readonly<Record<string, unknown>>;

  /** Evaluates a story expression (`"random(1, 10)"`, `"faker.email()"`, `"ref(user.signup.user_id)"`) for this event. */
  resolveValue(expression: string): unknown {
    return this.bound('resolveValue').evaluate(expression);
  }

  /** Reads a dotted path (`'prev.amount'`, `'plan'`) null-safely: null if any step is missing. */
  getContextValue(path: string): unknown {
    const [root, ...rest] = path.split('.');
    let v = this.bound('getContextValue').lookup(root);
    if (v === undefined) throw new Error(`getContextValue("${path}"): unknown name "${root}" (data fields, prev, index, org_id)`);
    for (const key of rest) {
      if (!isDict(v) || !Object.prototype.hasOwnProperty.call(v, key)) return null;
      v = v[key];
    }
    return v ?? null;
  }

  /** @internal The story player binds the generator to the event being made, then unbinds it. */
  bind(binding: GeneratorBinding | undefined): void {
    this.binding = binding;
  }

  private bound(method: string): GeneratorBinding {
    if (this.binding === undefined) throw new Error(`${method}() can only be called inside generate()`);
    return this.binding;
  }
}
