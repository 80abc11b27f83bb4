/**
 * # lib/expr — a small, safe, Python-flavoured expression language
 *
 * Shared by the YAML front end (the YAML model format: `derived` fields such as
 * `sum(item.quantity * item.unit_price for item in items)`) and the story front end (the story format:
 * `random(1, 100)`, `duration(hours=1)`, `faker.name()`, `prev.field_name`, `"template ${value}"`,
 * `weighted({'google': 0.6, 'direct': 0.4})`, `ref(user.signup.user_id)`, `switch(plan, {...})`).
 *
 * It is parsed into a syntax tree with positions, checked statically, and interpreted by walking
 * the tree (compiled once into closures). There is no `eval`, no `new Function`, no access to
 * JavaScript globals or prototypes, and nothing here reads the clock, randomness or does I/O:
 * functions that need an rng, the simulation time or faker get them from the `context` the caller
 * passes to evaluation.
 *
 * ## API
 *
 * ```ts
 * parseExpression(src, { offset? }): ParseResult<Expr>        // { ok: true, ast } | { ok: false, errors }
 * parseTemplate(text, { offset? }): ParseResult<Template>
 * checkExpression(ast, { functions?, names? }): ExprError[]  // unknown functions/names, arity, keywords
 * evaluate(ast, { variables?, functions?, context?, limits? }): unknown   // throws ExprEvalError
 * compileExpression(src, { functions?, names?, offset?, limits? }): CompileResult  // { ok, ast, evaluate(variables, context?) }
 * compileTemplate(text, { functions?, names?, offset?, limits? }): CompileResult  // evaluate(...) returns a string
 * formatExprError(src, error): string                        // "1:5: message" + source line + carets
 * ```
 *
 * Every node and every error carries `start`/`end` character offsets (plus `offset`), so a front
 * end can point at the exact column in its YAML file.
 *
 * ## Grammar (EBNF-like; lowest precedence first)
 *
 * ```
 * expression  = or_expr [ "if" or_expr "else" expression ] ;          (* right-associative *)
 * or_expr     = and_expr { ( "or" | "||" ) and_expr } ;
 * and_expr    = not_expr { ( "and" | "&&" ) not_expr } ;
 * not_expr    = "not" not_expr | comparison ;
 * comparison  = sum { comp_op sum } ;                                  (* chained: a < b < c *)
 * comp_op     = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in" ;
 * sum         = term { ( "+" | "-" ) term } ;
 * term        = factor { ( "*" | "/" | "//" | "%" ) factor } ;
 * factor      = ( "-" | "+" | "!" ) factor | power ;
 * power       = postfix [ "**" factor ] ;                            (* right-assoc; -2 ** 2 == -4 *)
 * postfix     = primary { "." NAME | "[" expression "]" | "(" arguments ")" } ;
 *                                                     (* calls only on dotted names: f(), a.b.c() *)
 * arguments   = [ expression comp_for                                (* the sole argument *)
 *               | argument { "," argument } [ "," ] ] ;
 * argument    = NAME "=" expression | expression ;                  (* positional ones first *)
 * primary     = NUMBER | STRING | NAME
 *             | "true" | "false" | "null" | "True" | "False" | "None"
 *             | "(" expression [ comp_for ] ")"
 *             | "[" [ expression comp_for | expression { "," expression } [ "," ] ] "]"
 *             | "{" [ expression ":" expression { "," expression ":" expression } [ "," ] ] "}" ;
 * comp_for    = "for" NAME "in" or_expr { "for" NAME "in" or_expr | "if" or_expr } ;
 * NUMBER      = 12 | 1_000 | 2.5 | .5 | 1e-3 ;
 * STRING      = '…' | "…"   with \n \t \r \0 \\ \' \" \xHH \uHHHH (other escapes keep the backslash)
 * NAME        = [A-Za-z_][A-Za-z0-9_]*  (keywords: and or not in if else for true false null True False None)
 * ```
 *
 * Whitespace (newlines included) separates tokens anywhere, so a YAML block can spread a call
 * over lines. After `.`, any word is a field name (`x.in`, `x.for`).
 *
 * Templates (`parseTemplate`): text with `${expression}` parts; `$${` is a literal `${`; a `$`
 * not followed by `{` is text. Evaluating a template concatenates the text with each value as
 * text: strings as they are, `null` as '', numbers and booleans as JavaScript writes them (`0.1`,
 * `true`), lists and dicts as JSON. A template always gives a string, even `"${n}"`.
 *
 * ## Semantics (Python where it differs from JavaScript and matters)
 *
 * - Values are JSON-like: null, bool, number, string, list (array), dict (plain object). Other
 *   objects from variables or functions (a `Date`) can be passed around but have no fields.
 * - `/` is true division, `//` floor division (`-7 // 2 == -4`), `%` takes the divisor's sign
 *   (`-7 % 3 == 2`); dividing by zero is an error, and so is any arithmetic result that is not a
 *   finite number (overflow, `(-8) ** 0.5`). `**` is right-associative and binds tighter than a
 *   unary minus on its left.
 * - `+` adds numbers, concatenates strings and lists; `*` also repeats a string or list by an
 *   integer. Mixing types is an error (`'a' + 1`, `cannot multiply string by dict`): there is no
 *   implicit conversion (use `str(x)` or a template). Booleans are not numbers (`true + 1` fails).
 * - `==`/`!=` are structural: lists element-wise, dicts by keys and values; `1 == 1.0` but
 *   `1 != true` and `1 != '1'`. `<`, `<=`, `>`, `>=` compare numbers with numbers, strings with
 *   strings, lists lexicographically, anything else is an error. Comparisons chain:
 *   `0 < x <= 10` is `0 < x and x <= 10` with `x` evaluated once.
 * - `in` / `not in`: list element (structural), substring, or dict key.
 * - Truthiness is Python's: null, false, 0, '', [], {} are false. `and`/`or` (and `&&`/`||`)
 *   short-circuit and return an operand (`x or 'default'`); `not`/`!` return a bool. `!` binds
 *   like unary minus (`!a == b` is `(not a) == b`), `not` binds looser than comparisons.
 * - Field access `a.b` and indexing `a['b']` read own properties of dicts only; `__proto__`,
 *   `constructor` and `prototype` never resolve. A missing field is an error
 *   (`item.unit_price: no field "unit_price" in {quantity, price}`), a field holding null is null.
 *   Lists and strings are indexed by integers, negative from the end; out of range is an error.
 *   Strings and lists have no fields or methods (`len(s)`, not `s.length`).
 * - Dict literal keys are expressions (`{'a': 1}`, `{k: 1}` uses the variable `k`) that must be
 *   strings or numbers; numbers become their `String()` (`{1: 'a'}['1']` works too).
 * - Comprehensions `[e for x in xs if c]`, `(e for x in xs)` and `f(e for x in xs)` (the sole
 *   argument) evaluate to lists; they iterate list items, string characters, or dict keys; their
 *   variables are visible only inside them and shadow outer names.
 * - Calls go to named functions only: the caller's registry first (`"faker.name"`, or the longest
 *   registered namespace prefix such as `faker` asked for `"person.fullName"`), then the
 *   built-ins `sum`, `min`, `max`, `len`, `round`, `abs`, `int`, `float`, `str`, `bool`. `round`
 *   rounds half to even (`round(2.5) == 2`, `round(0.125, 2) == 0.12`), `sum` adds with
 *   compensated summation like Python 3.12. A function that throws becomes an `ExprEvalError`
 *   `name(): message` spanning the call.
 * - Variables: a record (own properties) or a lookup `(name) => value | undefined`; `undefined`
 *   values read as null.
 *
 * ## Limits
 *
 * Parsing refuses more than `MAX_NESTING` (100) levels of brackets and prefix operators and syntax
 * trees deeper than `MAX_DEPTH` (500), with a located syntax error. Each evaluation runs under a
 * budget (budget.ts): `maxSteps` (`MAX_STEPS`, 10 000 000: one per operation inside a
 * comprehension, one per item or character walked or built), `maxValueSize` (`MAX_VALUE_SIZE`,
 * 1 000 000: characters of a string, items of a list, entries of a dict, nested values included)
 * and `maxValueDepth` (`MAX_VALUE_DEPTH`, 100 levels of lists and dicts). Going over throws an
 * `ExprEvalError` naming the limit at the operation; a constant expression (no names, built-ins
 * only) that goes over is a compile error. `{ limits: { maxValueSize: 5_000_000 } }` in the
 * options of `compileExpression`, `compileTemplate`, `evaluate` or `compileAst` raises a limit.
 *
 * @example
 * import { compileExpression, compileTemplate, defineFunction } from './expr';
 *
 * const total = compileExpression('round(sum(item.quantity * item.unit_price for item in items), 2)', { names: ['items'] });
 * if (total.ok) total.evaluate({ items: [{ quantity: 2, unit_price: 19.99 }, { quantity: 1, unit_price: 5.49 }] }); // 45.47
 *
 * const functions = { duration: defineFunction((_args, kw) => ((kw.hours as number) ?? 0) * 3_600_000, { maxArgs: 0, keywords: ['hours'] }) };
 * const hello = compileTemplate('Hi ${user.name}, see you in ${duration(hours=1)} ms', { functions, names: ['user'] });
 * if (hello.ok) hello.evaluate({ user: { name: 'Ada' } }); // 'Hi Ada, see you in 3600000 ms'
 */

export type {
  Expr,
  Span,
  Literal,
  ListExpr,
  DictExpr,
  DictEntry,
  Name,
  Member,
  Index,
  Call,
  KeywordArg,
  Unary,
  Binary,
  Logical,
  Compare,
  CompareLink,
  Conditional,
  Comprehension,
  ForClause,
  IfClause,
  Template,
  TemplateText,
  UnaryOp,
  BinaryOp,
  LogicalOp,
  CompareOp,
} from './ast';
export { childrenOf, pathOf } from './ast';
export { ExprEvalError, formatExprError, lineColumn } from './errors';
export type { ExprError } from './errors';
export { parseExpression } from './parseExpression';
export { MAX_NESTING, MAX_DEPTH } from './tokenCursor';
export { MAX_STEPS, MAX_VALUE_SIZE, MAX_VALUE_DEPTH, DEFAULT_LIMITS, LIMIT_KEYS } from './budget';
export type { EvalLimits } from './budget';
export type { ParseResult, ParseOptions } from './parseExpression';
export { parseTemplate, isTemplate } from './parseTemplate';
export { checkExpression } from './checkExpression';
export type { CheckScope } from './checkExpression';
export { compileAst } from './compileAst';
export type { Evaluator, Variables } from './compileAst';
export { evaluate } from './evaluate';
export type { EvalEnv } from './evaluate';
export { compileExpression, compileTemplate } from './compileExpression';
export type { CompileOptions, CompileResult } from './compileExpression';
export { defineFunction, functionNamespace, resolveFunction, knownFunctionNames } from './functions';
export type { ExprFunction, FunctionSpec, FunctionNamespace, FunctionEntry, FunctionRegistry } from './functions';
export { BUILTINS } from './builtins';
export { typeName, truthy, equals, stringify } from './values';
