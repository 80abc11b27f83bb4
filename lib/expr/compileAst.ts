/**
 * The interpreter: walks the syntax tree once and turns each node into a small closure (a
 * "closure-compiled" tree-walker — no `eval`, no `new Function`), so evaluating a field per event
 * costs a few closure calls. Function names are resolved here, once; comprehension variables get
 * numbered slots, so looking one up is an array read.
 *
 * @example
 * const parsed = parseExpression('sum(i.q * i.p for i in items)');
 * if (parsed.ok) compileAst(parsed.ast)({ items: [{ q: 2, p: 1.5 }] }); // 3
 */
import type { Call, Comprehension, Expr, Span } from './ast';
import { absurd, childrenOf, pathOf } from './ast';
import type { EvalLimits } from './budget';
import { ExprLimitError, checked, evalLimits, locate, maxValueSize, spend, tooLarge, withBudget } from './budget';
import { ExprEvalError } from './errors';
import { messageOf } from '../core/errors';
import type { FunctionRegistry } from './functions';
import { arityProblem, keywordProblem, knownFunctionNames, resolveFunction } from './functions';
import { binaryOperator, compare, negate, plus } from './operators';
import { suggest } from './suggest';
import { dictKey, iterate, setOwn, stringify, truthy, typeName } from './values';

const fail = (message: string, at: Span): never => {
  throw new ExprEvalError(message, at.start, at.end);
};

import type { Variables } from './access';
import { index, lookupName, member } from './access';

export type { Variables } from './access';

/** A compiled expression: evaluate it against variables and the caller's context. */
export type Evaluator<C = unknown, T = unknown> = (variables: Variables, context?: C) => T;

interface Frame {
  readonly variables: Variables;
  readonly locals: unknown[];
  readonly context: unknown;
}

type Ev = (f: Frame) => unknown;

interface State<C> {
  readonly functions: FunctionRegistry<C> | undefined;
  slots: number;
}

const EMPTY_LOCALS: unknown[] = [];
const EMPTY_KWARGS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Compiles a parsed (and ideally checked) expression; unknown functions fail when called. Each
 * evaluation runs under the budget `limits` raises over the defaults (see budget.ts).
 */
export const compileAst = <C = unknown>(ast: Expr, functions?: FunctionRegistry<C>, limits?: Partial<EvalLimits>): Evaluator<C> => {
  const state: State<C> = { functions, slots: 0 };
  const ev = compileNode(ast, new Map(), state);
  const slots = state.slots;
  const budget = evalLimits(limits);
  return (variables, context) => withBudget(budget, ast, ev, { variables, locals: slots === 0 ? EMPTY_LOCALS : new Array<unknown>(slots), context });
};

/** How many nodes `node` has: the steps one evaluation of it inside a comprehension counts. */
const nodeCount = (node: Expr): number => {
  let n = 0;
  const stack = [node];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    n++;
    for (const child of childrenOf(x)) stack.push(child);
  }
  return n;
};

// ---------------------------------------------------------------------------------------------
// nodes
// ---------------------------------------------------------------------------------------------

const compileNode = <C>(node: Expr, scope: ReadonlyMap<string, number>, st: State<C>): Ev => {
  switch (node._tag) {
    case 'Literal': {
      const v = node.value;
      return () => v;
    }
    case 'List': {
      const items = node.items.map((x) => compileNode(x, scope, st));
      const n = items.length;
      return (f) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = items[i](f);
        locate(node);
        return checked(out);
      };
    }
    case 'Dict': {
      const entries = node.entries.map((e) => [compileNode(e.key, scope, st), compileNode(e.value, scope, st), e.key] as const);
      return (f) => {
        const out: Record<string, unknown> = {};
        for (const [k, v, keyNode] of entries) {
          const kv = k(f);
          const key = dictKey(kv);
          if (key === undefined) fail(`dict keys are strings or numbers, not ${typeName(kv)}`, keyNode);
          setOwn(out, key!, v(f));
        }
        locate(node);
        return checked(out);
      };
    }
    case 'Name': {
      const slot = scope.get(node.name);
      if (slot !== undefined) return (f) => f.locals[slot];
      const name = node.name;
      return (f) => lookupName(f.variables, name, node);
    }
    case 'Member': {
      const obj = compileNode(node.object, scope, st);
      const key = node.property;
      return (f) => member(obj(f), key, node);
    }
    case 'Index': {
      const obj = compileNode(node.object, scope, st);
      const i = compileNode(node.index, scope, st);
      return (f) => index(obj(f), i(f), node);
    }
    case 'Call':
      return compileCall(node, scope, st);
    case 'Unary': {
      const operand = compileNode(node.operand, scope, st);
      const op = node.op;
      switch (op) {
        case '-':
          return (f) => {
            const v = operand(f);
            return typeof v === 'number' ? -v : negate(v, node);
          };
        case '+':
          return (f) => plus(operand(f), node);
        case 'not':
          return (f) => !truthy(operand(f));
        default:
          return absurd(op);
      }
    }
    case 'Binary': {
      const left = compileNode(node.left, scope, st);
      const right = compileNode(node.right, scope, st);
      const op = binaryOperator(node.op);
      if (node.op === '*') {
        return (f) => {
          const a = left(f);
          const b = right(f);
          if (typeof a === 'number' && typeof b === 'number') {
            const r = a * b;
            if (Number.isFinite(r)) return r;
          }
          return op(a, b, node);
        };
      }
      return (f) => op(left(f), right(f), node);
    }
    case 'Logical': {
      const left = compileNode(node.left, scope, st);
      const right = compileNode(node.right, scope, st);
      return node.op === 'and'
        ? (f) => {
            const a = left(f);
            return truthy(a) ? right(f) : a;
          }
        : (f) => {
            const a = left(f);
            return truthy(a) ? a : right(f);
          };
    }
    case 'Compare': {
      const first = compileNode(node.first, scope, st);
      let prevStart = node.first.start;
      const links = node.rest.map((l) => {
        const link = { op: l.op, right: compileNode(l.right, scope, st), span: { start: prevStart, end: l.right.end } };
        prevStart = l.right.start;
        return link;
      });
      if (links.length === 1) {
        const [{ op, right, span }] = links;
        return (f) => compare(op, first(f), right(f), span);
      }
      return (f) => {
        let a = first(f);
        for (const { op, right, span } of links) {
          const b = right(f);
          if (!compare(op, a, b, span)) return false;
          a = b;
        }
        return true;
      };
    }
    case 'Conditional': {
      const test = compileNode(node.test, scope, st);
      const then = compileNode(node.then, scope, st);
      const otherwise = compileNode(node.otherwise, scope, st);
      return (f) => (truthy(test(f)) ? then(f) : otherwise(f));
    }
    case 'Comprehension':
      return compileComprehension(node, scope, st);
    case 'Template': {
      const parts = node.parts.map((p) => (p._tag === 'Text' ? p.value : ([compileNode(p, scope, st), p] as const)));
      return (f) => {
        let s = '';
        for (const p of parts) {
          if (typeof p === 'string') s += p;
          else {
            const v = p[0](f);
            locate(p[1]);
            s += stringify(v, p[1]);
          }
          if (s.length > maxValueSize()) tooLarge();
        }
        return s;
      };
    }
    default:
      return absurd(node);
  }
};

type Sink = (f: Frame, out: unknown[]) => void;

const compileComprehension = <C>(node: Comprehension, outer: ReadonlyMap<string, number>, st: State<C>): Ev => {
  let scope = outer;
  // Steps: each clause and the element count their nodes every time they run; iterating counts its items.
  const steps: Array<{ readonly slot: number; readonly iter: Ev; readonly at: Span; readonly cost: number } | { readonly test: Ev; readonly cost: number }> =
    [];
  for (const clause of node.clauses) {
    if (clause._tag === 'For') {
      const iter = compileNode(clause.iterable, scope, st);
      const slot = st.slots++;
      scope = new Map(scope).set(clause.name, slot);
      steps.push({ slot, iter, at: clause.iterable, cost: nodeCount(clause.iterable) });
    } else {
      steps.push({ test: compileNode(clause.test, scope, st), cost: nodeCount(clause.test) });
    }
  }
  const element = compileNode(node.element, scope, st);
  const elementCost = nodeCount(node.element);
  let body: Sink = (f, out) => {
    locate(node);
    spend(elementCost);
    out.push(element(f));
  };
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    const inner = body;
    if ('test' in step) {
      const { test, cost } = step;
      body = (f, out) => {
        locate(node);
        spend(cost);
        if (truthy(test(f))) inner(f, out);
      };
    } else {
      const { slot, iter, at, cost } = step;
      body = (f, out) => {
        locate(node);
        spend(cost);
        const v = iter(f);
        locate(node);
        const items = iterate(v, at);
        for (let k = 0; k < items.length; k++) {
          f.locals[slot] = items[k];
          inner(f, out);
        }
      };
    }
  }
  const run = body;
  return (f) => {
    const out: unknown[] = [];
    run(f, out);
    locate(node);
    return checked(out);
  };
};

const compileCall = <C>(node: Call, scope: ReadonlyMap<string, number>, st: State<C>): Ev => {
  const name = node.callee;
  const spec = resolveFunction(name, st.functions);
  if (spec === undefined) {
    const message = `unknown function "${name}"${suggest(name, knownFunctionNames(st.functions))}`;
    return () => fail(message, { start: node.calleeStart, end: node.calleeEnd });
  }
  const arity = arityProblem(name, spec, node.args.length);
  if (arity !== undefined) return () => fail(arity, node);
  for (const kw of node.kwargs) {
    const problem = keywordProblem(name, spec, kw.name);
    if (problem !== undefined) return () => fail(problem, kw);
  }
  const args = node.args.map((a): Ev => {
    const path = spec.pathArgs === true ? pathOf(a) : undefined;
    return path !== undefined ? () => path : compileNode(a, scope, st);
  });
  const keys = node.kwargs.map((k) => k.name);
  const values = node.kwargs.map((k) => compileNode(k.value, scope, st));
  const n = args.length;
  const fn = spec.fn;
  return (f) => {
    const argv = new Array<unknown>(n);
    for (let i = 0; i < n; i++) argv[i] = args[i](f);
    let kwargs = EMPTY_KWARGS;
    if (keys.length > 0) {
      const kw: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) setOwn(kw, keys[i], values[i](f));
      kwargs = kw;
    }
    let result: unknown;
    locate(node);
    try {
      result = fn(argv, kwargs, f.context as C);
    } catch (e) {
      if (e instanceof ExprLimitError) throw e;
      const message = messageOf(e);
      throw new ExprEvalError(`${name}(): ${message}`, node.start, node.end, { cause: e });
    }
    if (result === undefined) return null;
    locate(node);
    return checked(result);
  };
};
