import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The import graph of lib/ (type-only imports included: a type cycle ties files together just
 * the same for a reader): no cycles, nothing from scenarios/, specs/ or bench/, and each layer
 * imports only the layers before it (ARCHITECTURE.md, "Layers").
 */
const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'lib');

/** Relative specifiers of every `from '…'`, `import('…')` and `require('…')` in a file. */
export const importsOf = (source: string): string[] => {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)'(\.[^']*)'/g)) found.push(m[1]!);
  return found;
};

const resolveImport = (from: string, spec: string): string | undefined => {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
};

const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));

/** Every cycle of the graph, as the files of each strongly connected component (Tarjan). */
export const cyclesOf = (graph: ReadonlyMap<string, ReadonlyArray<string>>): string[][] => {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return cycles;
};

// A layer may import its own folder and the layers listed for it (lib/index.ts and
// lib/simulation.ts, the builder, sit above them all).
const LAYERS: Readonly<Record<string, ReadonlyArray<string>>> = {
  core: [],
  schema: ['core'],
  expr: ['core'],
  entities: ['core', 'schema'],
  flows: ['core', 'schema', 'entities'],
  delivery: ['core'],
  engine: ['core', 'schema', 'entities', 'flows', 'expr', 'delivery'],
  story: ['core', 'schema', 'expr', 'engine'],
};

describe('architecture: the import graph of lib/', () => {
  const files = filesUnder(LIB);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const f of files) {
    const deps: string[] = [];
    for (const spec of importsOf(fs.readFileSync(f, 'utf8'))) {
      const target = resolveImport(f, spec);
      if (target === undefined) unresolved.push(`${path.relative(ROOT, f)} → ${spec}`);
      else deps.push(target);
    }
    graph.set(f, deps);
  }
  const rel = (f: string): string => path.relative(ROOT, f);

  it('resolves every relative import', () => {
    expect(unresolved).to.deep.equal([]);
  });

  it('has no import cycles, type-only imports included', () => {
    expect(cyclesOf(graph).map((c) => c.map(rel))).to.deep.equal([]);
  });

  it('imports nothing from scenarios/, specs/ or bench/', () => {
    const outside = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !d.startsWith(LIB + path.sep) || /\/(scenarios|specs|bench)\//.test(d)).map((d) => `${rel(f)} → ${rel(d)}`),
    );
    // bin/registerTypeScript.js is the one file outside lib/ the CLI loads: the TypeScript hook the repository's bin shares.
    expect(outside.filter((x) => !x.endsWith('→ bin/registerTypeScript.js'))).to.deep.equal([]);
  });

  it('each pure layer imports only the layers below it', () => {
    const offenders: string[] = [];
    for (const [f, deps] of graph) {
      const layer = path.relative(LIB, f).split(path.sep)[0]!;
      const allowed = LAYERS[layer];
      if (allowed === undefined) continue;
      for (const d of deps) {
        const target = path.relative(LIB, d).split(path.sep)[0]!;
        if (target !== layer && !allowed.includes(target)) offenders.push(`${rel(f)} → ${rel(d)}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it('the checks would catch an offender', () => {
    expect(importsOf("import type { A } from './a';\n// import { B } from './b';\nconst c = require('../c');\nexport { d } from './d';")).to.deep.equal([
      './a',
      '../c',
      './d',
    ]);
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cyclesOf(cyclic)).to.deep.equal([['a', 'b', 'c']]);
  });
});
