/**
 * What an expression can call: plain functions, functions with metadata (arity, keywords) and
 * namespaces of functions under a dotted prefix. The built-ins (builtins.ts) and the caller's
 * registry (functions.ts resolves both) are written in these types.
 */

/**
 * A function callable from expressions: positional arguments, keyword arguments (possibly a frozen
 * empty object), and the `context` the caller passed to evaluation (rng, simulation time, faker…).
 * Returning `undefined` is the same as returning `null`.
 */
export type ExprFunction<C = unknown> = (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, context: C) => unknown;

/** A function with static metadata, checked before evaluation (and enforced during it). */
export interface FunctionSpec<C = unknown> {
  readonly fn: ExprFunction<C>;
  /** Fewest positional arguments (default 0). */
  readonly minArgs?: number;
  /** Most positional arguments (default: no limit). */
  readonly maxArgs?: number;
  /** Accepted keyword names (default: any; `[]`: none). */
  readonly keywords?: readonly string[];
  /**
   * Positional arguments written as field paths are passed as their dotted text instead of being
   * evaluated, and are not checked against the names in scope: `ref(user.signup.user_id)` receives
   * `'user.signup.user_id'`. Other arguments (`ref('a.b')`) are evaluated as usual.
   */
  readonly pathArgs?: boolean;
}

/** A family of functions under a dotted prefix, resolved on demand (`faker.person.fullName`). */
export interface FunctionNamespace<C = unknown> {
  readonly _tag: 'FunctionNamespace';
  /** The function for the rest of the dotted name (`"person.fullName"`), or undefined. */
  readonly resolve: (name: string) => ExprFunction<C> | FunctionSpec<C> | undefined;
  /** Known names under the namespace, for "did you mean" suggestions. */
  readonly names?: () => Iterable<string>;
}

/** What a registry key may hold. */
export type FunctionEntry<C = unknown> = ExprFunction<C> | FunctionSpec<C> | FunctionNamespace<C>;

/** The caller's functions by (dotted) name; they take precedence over the built-ins. */
export type FunctionRegistry<C = unknown> = Readonly<Record<string, FunctionEntry<C>>>;
