// The documentation checks itself: every relative link in README.md, ARCHITECTURE.md, docs/*.md and
// bench/RESULTS.md points at a file that exists (and an `#anchor` at a heading of the target), and
// every ```ts block of README.md and docs/*.md compiles against the repository's lib/ as
// `import … from 'deep-faker'` (one TypeScript program for all of them).
//
// A ```ts block whose first line is `// not compiled: <why>` is left out (a deliberate fragment);
// one whose first line is `// continues the example above` is compiled together with the block
// before it on the same page, so a page can build one example up in steps.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '../..');

/** The pages whose links are checked, relative to the repository. */
const linkedPages = (): string[] => [
  'README.md',
  'ARCHITECTURE.md',
  'bench/RESULTS.md',
  ...fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** The pages whose ```ts blocks are compiled. */
const compiledPages = (): string[] => linkedPages().filter((p) => p === 'README.md' || p.startsWith('docs/'));

// ---------------------------------------------------------------------------------------------
// markdown
// ---------------------------------------------------------------------------------------------

/** A fenced code block: its info string's first word, its first content line (1-based), its text. */
interface CodeBlock {
  readonly lang: string;
  readonly line: number;
  readonly text: string;
}

/** A markdown page split into code blocks and the lines outside them (code blocks blanked). */
interface Page {
  readonly blocks: ReadonlyArray<CodeBlock>;
  /** Every line of the page, with the lines of code blocks (fences included) replaced by ''. */
  readonly prose: ReadonlyArray<string>;
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/;

const parsePage = (text: string): Page => {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  let open: { readonly fence: string; readonly lang: string; readonly line: number; readonly body: string[] } | undefined;
  lines.forEach((line, i) => {
    const m = FENCE.exec(line);
    if (open === undefined) {
      if (m !== null) {
        open = { fence: m[1], lang: m[2].toLowerCase(), line: i + 2, body: [] };
        prose.push('');
      } else prose.push(line);
      return;
    }
    prose.push('');
    if (m !== null && m[1][0] === open.fence[0] && m[1].length >= open.fence.length && m[2] === '') {
      blocks.push({ lang: open.lang, line: open.line, text: open.body.join('\n') });
      open = undefined;
    } else open.body.push(line);
  });
  if (open !== undefined) blocks.push({ lang: open.lang, line: open.line, text: open.body.join('\n') });
  return { blocks, prose };
};

/** Inline code spans, which hold no links. */
const withoutCodeSpans = (line: string): string => line.replace(/(`+)[\s\S]*?\1/g, (s) => ' '.repeat(s.length));

/** GitHub's heading anchor (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .replace(/<[^>]*>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a page's headings, with GitHub's `-1`, `-2` … for repeated ones. */
const anchorsOf = (text: string): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of parsePage(text).prose) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (m === null) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
};

/** What the link checker reads: the repository's files, or a sample in the spec below. */
interface Files {
  /** The text of a file, or undefined if there is none; directories read as ''. */
  read(file: string): string | undefined;
}

const repoFiles: Files = {
  read: (file) => {
    const abs = path.join(REPO, file);
    if (!fs.existsSync(abs)) return undefined;
    return fs.statSync(abs).isDirectory() ? '' : fs.readFileSync(abs, 'utf8');
  },
};

const LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
/** `[name]: target` — the definition of a reference-style link. */
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/;

/** Every broken relative link of `page` (a path relative to the repository), as `page:line target: why`. */
const linkProblems = (page: string, files: Files): string[] => {
  const text = files.read(page);
  if (text === undefined) return [`${page}: no such page`];
  const problems: string[] = [];
  parsePage(text).prose.forEach((line, i) => {
    const bare = withoutCodeSpans(line);
    const targets = [...bare.matchAll(LINK)].map((m) => m[1]);
    const definition = REFERENCE_DEFINITION.exec(bare);
    if (definition !== null) targets.push(definition[1]);
    for (const target of targets) {
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const hash = target.indexOf('#');
      const filePart = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const file = filePart === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(filePart)));
      const where = `${page}:${i + 1} ${target}`;
      if (file.startsWith('..')) {
        problems.push(`${where}: points outside the repository`);
        continue;
      }
      const targetText = files.read(file.replace(/\/$/, ''));
      if (targetText === undefined) problems.push(`${where}: no file ${file}`);
      else if (anchor !== undefined) {
        if (!file.endsWith('.md')) {
          if (!/^L\d+(-L\d+)?$/.test(anchor)) problems.push(`${where}: #${anchor} in a file that is not markdown`);
        } else if (!anchorsOf(targetText).has(anchor.toLowerCase())) problems.push(`${where}: ${file} has no heading #${anchor}`);
      }
    }
  });
  return problems;
};

// ---------------------------------------------------------------------------------------------
// ```ts blocks
// ---------------------------------------------------------------------------------------------

const SKIP = /^\s*\/\/\s*not compiled:/;
const CONTINUES = /^\s*\/\/\s*continues the example above/;

/** One file of the TypeScript program: blocks of one page joined, and where each line came from. */
interface Unit {
  readonly page: string;
  readonly lines: string[];
  /** The page's line number of each line of `lines`. */
  readonly origin: number[];
}

/** The compiled units of a page: each ```ts block, joined to the one before when it says it continues it. */
const unitsOf = (page: string, text: string): { readonly units: Unit[]; readonly blocks: number; readonly skipped: number } => {
  const units: Unit[] = [];
  let blocks = 0;
  let skipped = 0;
  for (const b of parsePage(text).blocks) {
    if (b.lang !== 'ts' && b.lang !== 'typescript') continue;
    if (SKIP.test(b.text)) {
      skipped++;
      continue;
    }
    blocks++;
    const lines = b.text.split('\n');
    const origin = lines.map((_, i) => b.line + i);
    const last = units[units.length - 1];
    if (CONTINUES.test(b.text) && last !== undefined) {
      last.lines.push(...lines);
      last.origin.push(...origin);
    } else units.push({ page, lines, origin });
  }
  return { units, blocks, skipped };
};

/** Compiler options: the project's strictness, ES modules (top-level await), 'deep-faker' → lib/. */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  typeRoots: [path.join(REPO, 'node_modules/@types')],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
  baseUrl: REPO,
  paths: {
    'deep-faker': ['lib/index.ts'],
    'deep-faker/scenarios/orders': ['lib/orders/ordersSimulation.ts'],
  },
};

/** Compiles the units in one program; the errors of each unit's page, as `page:line message`. */
const compileUnits = (units: ReadonlyArray<Unit>, dir: string): Map<string, string[]> => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, Unit>();
  units.forEach((u, i) => {
    const file = path.join(dir, `${u.page.replace(/[^A-Za-z0-9]+/g, '_')}_${i}.ts`);
    // `export {}` makes every unit a module of its own, so names do not clash between units.
    fs.writeFileSync(file, `${u.lines.join('\n')}\nexport {};\n`);
    byFile.set(path.resolve(file), u);
  });
  try {
    return diagnosticsByPage(ts.createProgram([...byFile.keys()], COMPILER_OPTIONS), byFile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

/** The program's errors by page (compiler-option errors under "(compiler options)"), located in the markdown. */
const diagnosticsByPage = (program: ts.Program, byFile: ReadonlyMap<string, Unit>): Map<string, string[]> => {
  const errors = new Map<string, string[]>();
  const add = (page: string, message: string): void => {
    errors.set(page, [...(errors.get(page) ?? []), message]);
  };
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    add('(compiler options)', ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  for (const [file, unit] of byFile) {
    const source = program.getSourceFile(file);
    if (source === undefined) {
      add(unit.page, `${file}: not in the program`);
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      add(unit.page, `${unit.page}:${unit.origin[line] ?? '?'} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return errors;
};

// ---------------------------------------------------------------------------------------------
// specs
// ---------------------------------------------------------------------------------------------

describe('docs', () => {
  describe('links', () => {
    for (const page of linkedPages()) {
      it(`${page}: every relative link and #anchor resolves`, () => {
        expect(linkProblems(page, repoFiles)).to.deep.equal([]);
      });
    }

    it('README.md links to every page of docs/', () => {
      const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
      const unlinked = linkedPages()
        .filter((p) => p.startsWith('docs/'))
        .filter((p) => !readme.includes(`](${p})`) && !readme.includes(`](${p}#`));
      expect(unlinked).to.deep.equal([]);
    });

    it('anchors are GitHub heading slugs', () => {
      expect([...anchorsOf('# MySQL / MariaDB\n## `delivery:` section\n## Outputs\n### Outputs\n```\n# not a heading\n```\n')]).to.deep.equal([
        'mysql--mariadb',
        'delivery-section',
        'outputs',
        'outputs-1',
      ]);
    });

    it('the checks would catch a broken link', () => {
      const sample: Record<string, string> = {
        'README.md': [
          '# Title',
          'See [engine](docs/engine.md#clock), [gone](docs/gone.md), [bad anchor](docs/engine.md#no-such-heading),',
          '[here](#title), [not here](#nowhere), [web](https://example.com/x.md), [up](../outside.md),',
          '`[in code](docs/gone.md)` and',
          '```md',
          '[in a block](docs/gone.md)',
          '```',
          '[a folder](docs/) [a line](lib/index.ts#L3) [a bad fragment](lib/index.ts#top)',
          '[ref]: docs/missing.md',
        ].join('\n'),
        'docs/engine.md': '# Engine\n## Clock\n',
        'lib/index.ts': 'export {};\n',
        docs: '',
      };
      const files: Files = { read: (f) => sample[f] };
      expect(linkProblems('README.md', files)).to.deep.equal([
        'README.md:2 docs/gone.md: no file docs/gone.md',
        'README.md:2 docs/engine.md#no-such-heading: docs/engine.md has no heading #no-such-heading',
        'README.md:3 #nowhere: README.md has no heading #nowhere',
        'README.md:3 ../outside.md: points outside the repository',
        'README.md:8 lib/index.ts#top: #top in a file that is not markdown',
        'README.md:9 docs/missing.md: no file docs/missing.md',
      ]);
    });
  });

  describe('```ts blocks compile against lib/ as deep-faker', () => {
    const SAMPLE = 'sample/broken.md';
    const pages = compiledPages();
    let errors = new Map<string, string[]>();
    let skipped = 0;
    let compiled = 0;

    before(() => {
      const units: Unit[] = [];
      for (const page of pages) {
        const r = unitsOf(page, fs.readFileSync(path.join(REPO, page), 'utf8'));
        units.push(...r.units);
        compiled += r.blocks;
        skipped += r.skipped;
      }
      // A sample page with a mistake, compiled in the same program: the check must report it.
      const sample = [
        '# Broken',
        '```ts',
        "import { field } from 'deep-faker';",
        'const f = field.string();',
        '```',
        '',
        '```ts',
        '// continues the example above',
        'const n: number = f.type; // a FieldType is no number',
        '```',
        '```ts',
        '// not compiled: a fragment',
        'this is not TypeScript',
        '```',
      ].join('\n');
      units.push(...unitsOf(SAMPLE, sample).units);
      errors = compileUnits(units, path.join(REPO, '.tmp', `docs-spec-${process.pid}`));
    });

    it('the compiler options are accepted', () => {
      expect(errors.get('(compiler options)') ?? []).to.deep.equal([]);
    });

    it('compiles the blocks, and few opt out', () => {
      expect(compiled).to.be.greaterThan(20);
      expect(skipped).to.be.at.most(compiled / 4);
    });

    for (const page of pages) {
      it(`${page}`, () => {
        expect(errors.get(page) ?? []).to.deep.equal([]);
      });
    }

    it('the check would catch a block that does not compile (a sample page)', () => {
      const found = errors.get(SAMPLE) ?? [];
      expect(found).to.have.length(1);
      expect(found[0]).to.match(/^sample\/broken\.md:9 Type '.*' is not assignable to type 'number'/);
    });
  });
});
