import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The pure core never reads the clock or Math.random and does no I/O; dependencies point down the
 * pipeline only (ARCHITECTURE.md). Checked on the source text, comments stripped.
 */
const ROOT = path.resolve(__dirname, '../../lib');
const PURE = ['core', 'schema', 'entities', 'flows', 'engine', 'expr', 'delivery', 'story'];

const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bMath\.random\s*\(/, 'Math.random'],
  [/\bDate\.now\s*\(/, 'Date.now'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() without arguments'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'timers'],
  [/\bperformance\.now\s*\(/, 'performance.now'],
  [/\b(asyncScheduler|asapScheduler|queueScheduler|animationFrameScheduler)\b/, 'a global RxJS scheduler'],
  [/from '(kafkajs|mysql2[^']*|node:fs[^']*|fs|fs\/promises|node:net|net|node:child_process)'/, 'I/O modules'],
  [/from '\.\.\/(sinks|config|cli|runtime)(\/[^']*)?'/, 'a layer further down the pipeline'],
  [/from '\.\.\/simulation'/, 'the builder (which runs things)'],
];

const stripComments = (src: string): string => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []))
    : [];

describe('architecture: the pure core', () => {
  const files = PURE.flatMap((d) => filesUnder(path.join(ROOT, d)));

  it('covers the pure folders', () => {
    expect(files.length).to.be.greaterThan(20);
  });

  for (const [pattern, what] of FORBIDDEN) {
    it(`uses no ${what}`, () => {
      const offenders = files.filter((f) => pattern.test(stripComments(fs.readFileSync(f, 'utf8')))).map((f) => path.relative(ROOT, f));
      expect(offenders).to.deep.equal([]);
    });
  }

  it('the checks would catch an offender', () => {
    const sample = "import { x } from '../sinks/sink';\nconst t = Date.now();\n// Math.random() in a comment is fine\n";
    const hits = FORBIDDEN.filter(([p]) => p.test(stripComments(sample))).map(([, w]) => w);
    expect(hits).to.deep.equal(['Date.now', 'a layer further down the pipeline']);
  });

  it('lib/index.ts exports by name only (no export *)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'index.ts'), 'utf8')).not.to.match(/export \*/);
  });
});
