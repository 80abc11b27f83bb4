/**
 * Compiles `FieldSpec`s to value producers: `(g, scope) => value`. Leaves use the generator
 * registry (`uuid_v4`, `random_float`, `faker.email`, faker-js paths, registered generators) or
 * the YAML-only generators `derived` (an expression over the fields before it), `conditional_choice`
 * and `static_hashed`; `from_entity` reads the consumed entity instance from the scope; objects
 * and arrays nest. Problems are reported to `Problems` at the generator's line and column.
 *
 * @example
 * const c = new PayloadCompiler(problems, table, entities);
 * const payload = c.object(spec, 'PurchasePayload');
 * payload?.produce(g, emptyScope()); // { purchase_id: '…', items: [...], total_amount: 37.5, … }
 */
import type { PayloadScope, Produce } from '../../flows/stepEvent';
import type { FieldType, Generate } from '../../schema/generator';
import { GeneratorError } from '../../schema/generator';
import { compileGenerator, defaultGenerator } from '../../schema/generatorRegistry';
import { ExprEvalError, compileExpression } from '../../expr';
import type { Problems } from '../configError';
import { child, intIn, mapOf, numberOf, oneOf, quote, seqOf, stringOf, suggestion } from '../decode';
import { MAX_BCRYPT_ROUNDS, MAX_PRECISION, MAX_WEIGHT } from './limits';
import { expressionLimitsOf, fakerLimitsOf } from '../generationLimits';
import type { FieldSpec, SchemaTable } from './fieldSpec';
import { accepts, fieldTypeOf, yamlTypeName } from './fieldTypes';
import { toJs, type YNode } from '../yamlTree';
import { staticHashed } from './staticHashed';

/** A compiled field. */
export interface CompiledField {
  readonly produce: Produce;
  readonly type: FieldType;
  /** Can be null (nullable_probability, from_entity of a nullable attribute, a conditional without default). */
  readonly nullable: boolean;
  readonly spec: FieldSpec;
}

/** What the compiler needs to know about entities (for `from_entity`). */
export interface EntityInfo {
  readonly name: string;
  readonly primaryKey: string;
  /** Fields an instance has: schema fields and state attributes. */
  readonly fields: ReadonlyArray<string>;
  /** The type of each of `fields`. */
  readonly types: ReadonlyMap<string, FieldType>;
  /** Its schema failed to decode in part (field checks are skipped). */
  readonly incomplete: boolean;
}

const SPECIAL = ['derived', 'conditional_choice', 'static_hashed'];

const CASE_KEYS = [
  'condition_value_greater_than',
  'condition_value_less_than',
  'condition_value_equals',
  'condition_value_not_equals',
  'condition_value_greater_than_or_equal',
  'condition_value_less_than_or_equal',
  'default',
  'choices',
  'weights',
];

/** Rounds to `digits` decimals (half away from zero, on the decimal text so 1.005 → 1.01). */
export const roundTo = (x: number, digits: number): number => {
  if (!Number.isFinite(x)) return x;
  const r = Number(`${Math.round(Number(`${Math.abs(x)}e${digits}`))}e-${digits}`);
  return x < 0 ? -r : r;
};

const WHERE_MARK = '\u0000';

/** Where a YAML model raises its limits (named in limit errors). */
const LIMITS_SETTING = 'simulation_settings.limits';

/** `unknown faker hint "x"` → `unknown generator "x"`, without the field prefix. */
const generatorMessage = (e: GeneratorError): string => e.message.replace(`${WHERE_MARK}: `, '').replace(/faker hint/g, 'generator');

/** Compiles fields; one instance per document. */
export class PayloadCompiler {
  private readonly cache = new WeakMap<FieldSpec, CompiledField | undefined>();

  constructor(
    private readonly problems: Problems,
    private readonly table: SchemaTable,
    private readonly entities: ReadonlyMap<string, EntityInfo>,
    /** Aliases declared by consumes_entities anywhere, alias → entity name. */
    private readonly aliases: ReadonlyMap<string, string>,
    /** Entity names declared in the document (compiled or not). */
    private readonly declared: ReadonlySet<string>,
  ) {}

  /** What a `from_entity` may write for entity `name`: the name and every alias of it. */
  readonly namesOf = (name: string): string[] => [name, ...[...this.aliases].filter(([, e]) => e === name).map(([alias]) => alias)];

  /**
   * Compiles a field; `before` are the names a `derived` / `conditional_choice` field may read
   * (the enclosing object's earlier fields, then the payload's); `topLevel` marks payload fields.
   */
  field(spec: FieldSpec, name: string, before: ReadonlyArray<string>, topLevel: boolean): CompiledField | undefined {
    if (!topLevel && this.cache.has(spec) && before.length === 0) return this.cache.get(spec);
    const type = fieldTypeOf(spec);
    let produce: Produce | undefined;
    let nullable = spec.nullableProbability > 0;
    if (spec.type === 'object' && spec.generator === undefined) {
      produce = this.objectProducer(spec, before);
    } else if (spec.type === 'array' && spec.generator === undefined) {
      produce = this.arrayProducer(spec, name, before, topLevel);
    } else if (spec.generator !== undefined && SPECIAL.includes(spec.generator.name)) {
      const special = this.special(spec, name, type, before);
      if (special !== undefined) {
        produce = special.produce;
        nullable ||= special.nullable;
      }
    } else {
      const gen = this.hint(spec, name, type);
      if (gen !== undefined) produce = (g) => gen(g);
    }
    if (produce === undefined) {
      if (!topLevel) this.cache.set(spec, undefined);
      return undefined;
    }
    const fe = spec.fromEntity;
    if (fe !== undefined) {
      const info = this.entityOf(fe.entity, fe.offset, child(fe.path, 'from_entity'));
      if (info !== undefined && !info.incomplete && fe.field !== info.primaryKey && !info.fields.includes(fe.field)) {
        this.problems.at(
          fe.fieldOffset,
          child(fe.path, 'field'),
          `${quote(fe.field)} is not a field of entity ${info.name}${suggestion(fe.field, [info.primaryKey, ...info.fields]) || ` (fields: ${[info.primaryKey, ...info.fields].join(', ')})`}`,
        );
      }
      const from = info?.types.get(fe.field);
      if (from !== undefined && !accepts(type, from)) {
        const what = `${info!.name}.${fe.field} is ${yamlTypeName(from)}, but this field is ${yamlTypeName(type)}`;
        this.problems.at(fe.fieldOffset, child(fe.path, 'field'), what);
      }
      const fallback = produce;
      const key = fe.entity;
      const isKey = info?.primaryKey === fe.field;
      const f = fe.field;
      // The store keeps keys as text: a number field (an integer primary key) gets its number back.
      const keyOf = type === 'int' || type === 'float' ? (k: string): unknown => Number(k) : (k: string): unknown => k;
      produce = (g, s) => {
        const v = s.entities.get(key);
        if (v === undefined) return fallback(g, s);
        return isKey ? keyOf(v.key) : v.state[f];
      };
    }
    const p = spec.nullableProbability;
    if (p > 0) {
      const inner = produce;
      produce = (g, s) => (g.rng.next() < p ? null : inner(g, s));
    }
    const compiled: CompiledField = { produce, type, nullable, spec };
    if (!topLevel && before.length === 0) this.cache.set(spec, compiled);
    return compiled;
  }

  /** An object's fields, compiled (undefined entries were reported). */
  properties(spec: FieldSpec, outer: ReadonlyArray<string>, topLevel: boolean): Array<readonly [string, CompiledField]> {
    const out: Array<readonly [string, CompiledField]> = [];
    const seen: string[] = [];
    for (const [name, f] of spec.properties ?? []) {
      const c = this.field(f, name, [...seen, ...outer], topLevel);
      seen.push(name);
      if (c !== undefined) out.push([name, c]);
    }
    return out;
  }

  private entityOf(name: string, offset: number, path: string): EntityInfo | undefined {
    const info = this.entities.get(name) ?? this.entities.get(this.aliases.get(name) ?? '');
    if (info === undefined && !this.declared.has(name) && !this.declared.has(this.aliases.get(name) ?? '')) {
      this.problems.at(
        offset,
        path,
        `${quote(name)} is not an entity or alias${suggestion(name, [...this.declared, ...this.aliases.keys()]) || ` (entities: ${[...this.declared].join(', ') || 'none'})`}`,
      );
    }
    return info;
  }

  private objectProducer(spec: FieldSpec, outer: ReadonlyArray<string>): Produce {
    const props = this.properties(spec, outer, false);
    return (g, s) => {
      const out: Record<string, unknown> = {};
      const scope: PayloadScope = { ...s, local: out };
      for (const [name, c] of props) out[name] = c.produce(g, scope);
      return out;
    };
  }

  private arrayProducer(spec: FieldSpec, name: string, outer: ReadonlyArray<string>, topLevel: boolean): Produce | undefined {
    if (spec.items === undefined) return undefined;
    const item = this.field(spec.items, name, spec.items.type === 'object' ? [] : outer, false);
    if (item === undefined) return undefined;
    const min = spec.minItems ?? 0;
    const max = spec.maxItems ?? Math.max(min, 3);
    return (g, s) => {
      const perItem = topLevel ? s.items.get(name) : undefined;
      const n = perItem !== undefined ? perItem.length : g.rng.int(min, max);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const extra = perItem?.[i];
        const entities = extra === undefined ? s.entities : new Map([...s.entities, ...extra]);
        out.push(item.produce(g, { ...s, entities, local: {} }));
      }
      return out;
    };
  }

  private hint(spec: FieldSpec, name: string, type: FieldType): Generate | undefined {
    const site = { where: WHERE_MARK, name, type, fakerLimits: fakerLimitsOf(this.table.limits, LIMITS_SETTING) };
    const gen = spec.generator;
    try {
      if (gen === undefined) return defaultGenerator(site);
      const params = gen.params === undefined ? {} : (toJs(gen.params) as Record<string, unknown>);
      if (params === null || typeof params !== 'object' || Array.isArray(params)) return undefined;
      return compileGenerator(gen.name, params, site);
    } catch (e) {
      if (!(e instanceof GeneratorError)) throw e;
      const message = generatorMessage(e);
      // Point at the parameter the message is about, when there is one.
      const params = gen?.params?.kind === 'map' ? gen.params.entries : [];
      const mentioned = (k: string): number => message.search(new RegExp(`\\b${k}\\b`));
      const about = message.startsWith('unknown generator')
        ? undefined
        : params.filter((x) => mentioned(x.key) >= 0).sort((a, b) => mentioned(a.key) - mentioned(b.key))[0];
      if (about !== undefined && gen !== undefined) {
        const unknownParam = message.includes(`unknown param "${about.key}"`);
        this.problems.at(unknownParam ? about.keyOffset : about.value.offset, child(gen.paramsPath, about.key), message);
      } else this.problems.at(gen?.offset ?? spec.offset, gen?.path ?? spec.path, message);
      return undefined;
    }
  }

  private special(spec: FieldSpec, name: string, type: FieldType, before: ReadonlyArray<string>): { produce: Produce; nullable: boolean } | undefined {
    const gen = spec.generator!;
    const p = this.problems;
    const params = mapOf(
      gen.params,
      gen.paramsPath,
      p,
      {
        derived: { required: ['expression'], optional: ['precision'] },
        conditional_choice: { required: ['condition_field', 'cases'] },
        static_hashed: { required: ['raw_value_source'], optional: ['algorithm', 'rounds'] },
      }[gen.name],
    );
    if (params === undefined) {
      if (gen.params === undefined) p.at(gen.offset, gen.path, `generator ${gen.name} needs params`);
      return undefined;
    }
    switch (gen.name) {
      case 'derived':
        return this.derived(params.get('expression'), params.get('precision'), gen.paramsPath, type, before);
      case 'conditional_choice':
        return this.conditional(params.get('condition_field'), params.get('cases'), gen.paramsPath, before);
      case 'static_hashed': {
        if (type !== 'string' && type !== 'json')
          return void p.at(gen.offset, gen.path, `generator static_hashed yields strings, but the field is ${yamlTypeName(type)}`);
        const algoNode = params.get('algorithm');
        const algorithm =
          algoNode === undefined
            ? 'sha256'
            : oneOf(algoNode, child(gen.paramsPath, 'algorithm'), p, ['bcrypt', 'sha256', 'sha512', 'sha1', 'md5'], 'a hash algorithm');
        const rounds = params.get('rounds') === undefined ? 4 : intIn(params.get('rounds'), child(gen.paramsPath, 'rounds'), p, 4, MAX_BCRYPT_ROUNDS);
        const srcNode = params.get('raw_value_source');
        let source: Produce | undefined;
        if (srcNode === undefined) return undefined; // reported: a missing required key
        if (srcNode.kind === 'scalar' && typeof srcNode.value === 'string') {
          const text = srcNode.value;
          source = () => text;
        } else {
          const srcSpec = this.table.field(srcNode, child(gen.paramsPath, 'raw_value_source'), name, false, 'string');
          source = srcSpec === undefined ? undefined : this.field(srcSpec, name, before, false)?.produce;
        }
        if (algorithm === undefined || rounds === undefined || source === undefined) return undefined;
        const hash = staticHashed(algorithm, rounds);
        const src = source;
        return { produce: (g, s) => hash(String(src(g, s)), g), nullable: false };
      }
      default:
        return undefined;
    }
  }

  private derived(exprNode: YNode | undefined, precisionNode: YNode | undefined, path: string, type: FieldType, before: ReadonlyArray<string>) {
    const p = this.problems;
    const src = stringOf(exprNode, child(path, 'expression'), p);
    const precision = precisionNode === undefined ? undefined : intIn(precisionNode, child(path, 'precision'), p, 0, MAX_PRECISION);
    if (src === undefined || exprNode === undefined || exprNode.kind !== 'scalar') return undefined;
    const limits = expressionLimitsOf(this.table.limits, LIMITS_SETTING);
    const compiled = compileExpression(src, { names: [...new Set(before)], limits });
    if (!compiled.ok) {
      for (const e of compiled.errors) p.at(exprNode.valueOffset(e.start), child(path, 'expression'), e.message);
      return undefined;
    }
    const evaluate = compiled.evaluate;
    const exprPath = child(path, 'expression');
    const produce: Produce = (_g, s) => {
      let v: unknown;
      try {
        v = evaluate((n) => (Object.hasOwn(s.local, n) ? s.local[n] : s.root[n]));
      } catch (e) {
        throw new ExprEvalError(`${exprPath}: ${(e as Error).message}`, 0, 0, { cause: e });
      }
      if (typeof v === 'number') {
        if (precision !== undefined) v = roundTo(v, precision);
        else if (type === 'int') v = Math.round(v);
      }
      return v;
    };
    return { produce, nullable: true };
  }

  private conditional(fieldNode: YNode | undefined, casesNode: YNode | undefined, path: string, before: ReadonlyArray<string>) {
    const p = this.problems;
    const field = stringOf(fieldNode, child(path, 'condition_field'), p);
    if (field !== undefined && fieldNode !== undefined && !before.includes(field)) {
      p.at(
        fieldNode.offset,
        child(path, 'condition_field'),
        `${quote(field)} is not a field declared before this one${suggestion(field, before) || (before.length > 0 ? ` (fields: ${before.join(', ')})` : '')}`,
      );
    }
    const cases = seqOf(casesNode, child(path, 'cases'), p) ?? [];
    type Case = { test: (v: unknown) => boolean; choices: unknown[]; weights: number[] | undefined };
    const compiled: Case[] = [];
    let hasDefault = false;
    cases.forEach((c, i) => {
      const cp = child(child(path, 'cases'), i);
      const m = mapOf(c, cp, p, { optional: CASE_KEYS });
      if (m === undefined) return;
      const defNode = m.get('default');
      let body = m;
      if (defNode !== undefined && defNode.kind === 'map') body = mapOf(defNode, child(cp, 'default'), p, { optional: ['choices', 'weights'] }) ?? m;
      const choicesNode = body.get('choices');
      const choicesPath = child(body === m ? cp : child(cp, 'default'), 'choices');
      if (choicesNode === undefined) {
        p.at(body.node.offset, body === m ? cp : child(cp, 'default'), 'missing required key "choices"');
        return;
      }
      const choices = seqOf(choicesNode, choicesPath, p);
      if (choices === undefined) return;
      if (choices.length === 0) p.at(choicesNode.offset, choicesPath, 'choices must not be empty');
      const weights = this.weights(body.get('weights'), child(body === m ? cp : child(cp, 'default'), 'weights'), choices.length);
      const tests: Array<(v: unknown) => boolean> = [];
      const num = (k: string): number | undefined => (m.get(k) === undefined ? undefined : numberOf(m.get(k), child(cp, k), p));
      const gt = num('condition_value_greater_than');
      const lt = num('condition_value_less_than');
      const ge = num('condition_value_greater_than_or_equal');
      const le = num('condition_value_less_than_or_equal');
      if (gt !== undefined) tests.push((v) => typeof v === 'number' && v > gt);
      if (lt !== undefined) tests.push((v) => typeof v === 'number' && v < lt);
      if (ge !== undefined) tests.push((v) => typeof v === 'number' && v >= ge);
      if (le !== undefined) tests.push((v) => typeof v === 'number' && v <= le);
      if (m.get('condition_value_equals') !== undefined) {
        const eq = toJs(m.get('condition_value_equals')!);
        tests.push((v) => v === eq);
      }
      if (m.get('condition_value_not_equals') !== undefined) {
        const ne = toJs(m.get('condition_value_not_equals')!);
        tests.push((v) => v !== ne);
      }
      if (defNode !== undefined) {
        hasDefault = true;
        if (tests.length > 0) p.at(c.offset, cp, 'a default case has no conditions');
        if (i !== cases.length - 1) p.at(c.offset, cp, 'the default case must be the last one');
      } else if (tests.length === 0) {
        p.at(c.offset, cp, 'a case needs a condition (condition_value_greater_than, …) or "default"');
      }
      compiled.push({ test: (v) => tests.every((t) => t(v)), choices: choices.map(toJs), weights });
    });
    if (field === undefined) return undefined;
    const produce: Produce = (g, s) => {
      const v = Object.hasOwn(s.local, field) ? s.local[field] : s.root[field];
      for (const c of compiled) {
        if (!c.test(v)) continue;
        return c.weights === undefined ? g.rng.pick(c.choices) : c.choices[g.rng.weighted(c.weights)];
      }
      return null;
    };
    return { produce, nullable: !hasDefault };
  }

  private weights(node: YNode | undefined, path: string, n: number): number[] | undefined {
    const p = this.problems;
    const list = seqOf(node, path, p);
    if (list === undefined || node === undefined) return undefined;
    const ws = list.map((w, i) => numberOf(w, child(path, i), p) ?? 0);
    if (ws.length !== n) p.at(node.offset, path, `weights has ${ws.length} entries but choices has ${n}`);
    else if (ws.some((w) => w < 0) || !(ws.reduce((a, b) => a + b, 0) > 0)) p.at(node.offset, path, 'weights must be >= 0 and sum to more than 0');
    else if (ws.some((w) => w > MAX_WEIGHT)) p.at(node.offset, path, `weights must be <= ${MAX_WEIGHT}`);
    return ws;
  }
}

/** An empty scope (no entities), for producing outside a flow. */
export const emptyScope = (): PayloadScope => ({ local: {}, root: {}, entities: new Map(), items: new Map() });
