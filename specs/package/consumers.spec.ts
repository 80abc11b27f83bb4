// The package as a user gets it: `npm pack`, the tarball and rxjs installed into a fresh project,
// then used from CommonJS, ESM, strict TypeScript (node16, nodenext and bundler resolution), a
// mocha spec with the consumer's own TestScheduler, and the installed CLI on every kind of
// scenario file. Nothing here reads the repository's sources: only what the tarball ships.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const TSC = require.resolve('typescript/bin/tsc');
const MOCHA = require.resolve('mocha/bin/mocha.js');

/** A small model in the builder API: `count` Ping events, one every 10 virtual seconds. */
const model = (importLine: string, exportLine: string): string => `${importLine}
const Ping = event('Ping', { n: field.int({ faker: 'random_int', min: 1, max: 9 }) });
const sim = simulation({ duration: '1h', startTime: '2025-01-01T00:00:00Z', nFlows: 1, seed: 7, totalEvents: 3 });
sim.flow({ name: 'ping' }, function* () {
  yield newEvent(Ping);
  yield wait({ seconds: 10 });
  yield newEvent(Ping);
  yield wait({ seconds: 10 });
  yield newEvent(Ping);
});
${exportLine}
`;

const write = (dir: string, files: Record<string, string>): void => {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
};

const run = (cwd: string, file: string, args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const node = (cwd: string, args: string[]) => run(cwd, process.execPath, args);

const STRICT = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: false,
  outDir: 'out',
  target: 'ES2022',
  lib: ['ES2022'],
  types: [],
};

describe('package: the packed tarball in fresh consumer projects', function () {
  this.timeout(600_000);
  let dir = '';
  let tarball = '';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-consumer-'));
    // `npm pack` runs `prepare`, which builds dist/ from the sources.
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    tarball = path.join(dir, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename);
    write(dir, { 'package.json': JSON.stringify({ name: 'consumer', private: true }) });
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'rxjs@^7.8'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ships dist, bin, README and LICENSE: no specs, bench, scenarios sources or CI files', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(listing).to.include.members([
      'package.json',
      'README.md',
      'LICENSE',
      'bin/deep-faker.js',
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/index.d.mts',
    ]);
    const strays = listing.filter((f) => !/^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$)/.test(f));
    expect(strays).to.deep.equal([]);
    expect(listing.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.mts'))).to.deep.equal([]);
  });

  it('installs with rxjs as a peer, without typescript, sucrase, ts-node or test tooling, in at most 36 MB of disk', () => {
    const modules = path.join(dir, 'node_modules');
    for (const dev of ['typescript', 'sucrase', 'ts-node', 'mocha', 'chai']) expect(fs.existsSync(path.join(modules, dev)), dev).to.equal(false);
    const rxjsCopies = execFileSync('find', [modules, '-type', 'd', '-name', 'rxjs', '-path', '*/node_modules/rxjs'], { encoding: 'utf8' }).trim().split('\n');
    expect(rxjsCopies).to.deep.equal([path.join(modules, 'rxjs')]);
    // What `du -sh node_modules` says: disk blocks, so thousands of small files count in full.
    const kb = Number(execFileSync('du', ['-sk', modules], { encoding: 'utf8' }).split('\t')[0]);
    expect(kb).to.be.at.most(36 * 1024);
  });

  it('runs from CommonJS require()', () => {
    write(dir, {
      'cjs/events.js': `${model("const { simulation, event, field, newEvent, wait, simulate } = require('deep-faker');", '')}
const { toArray } = require('rxjs');
simulate(sim).pipe(toArray()).subscribe((es) => console.log(JSON.stringify(es.map((e) => [e.event_type, e.timestamp]))));`,
    });
    const r = node(dir, ['cjs/events.js']);
    expect(r.stderr).to.equal('');
    expect(JSON.parse(r.stdout)).to.deep.equal([
      ['Ping', '2025-01-01T00:00:00.000Z'],
      ['Ping', '2025-01-01T00:00:10.000Z'],
      ['Ping', '2025-01-01T00:00:20.000Z'],
    ]);
  });

  it('runs from ESM import, sharing one rxjs and one library instance with require()', () => {
    write(dir, {
      'esm/events.mjs': `${model("import { simulation, event, field, newEvent, wait, simulate } from 'deep-faker';", '')}
import { Observable, toArray } from 'rxjs';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('deep-faker');
const stream = simulate(sim);
if (!(stream instanceof Observable)) throw new Error('not the consumer rxjs Observable');
if (cjs.simulate !== simulate) throw new Error('two copies of deep-faker');
stream.pipe(toArray()).subscribe((es) => console.log(es.length));`,
    });
    const r = node(dir, ['esm/events.mjs']);
    expect(r.stderr).to.equal('');
    expect(r.stdout.trim()).to.equal('3');
  });

  for (const resolution of ['node16', 'nodenext', 'bundler'] as const) {
    for (const type of resolution === 'bundler' ? (['module'] as const) : (['commonjs', 'module'] as const)) {
      it(`compiles with tsc (${resolution} resolution, "type": "${type}", strict flags, skipLibCheck false) and runs`, () => {
        const sub = `ts-${resolution}-${type}`;
        const module = resolution === 'bundler' ? 'esnext' : resolution;
        write(dir, {
          [`${sub}/package.json`]: JSON.stringify({ type }),
          [`${sub}/tsconfig.json`]: JSON.stringify({ compilerOptions: { ...STRICT, module, moduleResolution: resolution }, include: ['main.ts'] }),
          [`${sub}/main.ts`]: `${model(
            "import { simulation, event, field, newEvent, wait, simulate } from 'deep-faker';\nimport type { SimEvent, Simulation } from 'deep-faker';\nimport { toArray } from 'rxjs';",
            '',
          )}
const typed: Simulation = sim;
simulate(typed).pipe(toArray()).subscribe((es: SimEvent[]) => console.log(es.map((e) => e.event_type).join(',')));
`,
        });
        const tsc = node(path.join(dir, sub), [TSC, '-p', '.']);
        expect(tsc.stdout + tsc.stderr).to.equal('');
        if (resolution === 'bundler') return; // bundler output is for a bundler, not for node
        const r = node(path.join(dir, sub), ['out/main.js']);
        expect(r.stderr).to.equal('');
        expect(r.stdout.trim()).to.equal('Ping,Ping,Ping');
      });
    }
  }

  it("pins a simulation with the consumer's own TestScheduler marbles in a mocha spec", () => {
    write(dir, {
      'marbles/ping.spec.js': `${model("const { simulation, event, field, newEvent, wait, simulateOn } = require('deep-faker');", '')}
const { TestScheduler } = require('rxjs/testing');
const { map } = require('rxjs');
const assert = require('node:assert');
it('emits a Ping every 10 s', () => {
  const ts = new TestScheduler((actual, expected) => assert.deepStrictEqual(actual, expected));
  ts.run(({ expectObservable }) => {
    expectObservable(simulateOn(sim, { scheduler: ts }).pipe(map(() => 'p'))).toBe('p 9999ms p 9999ms (p|)');
  });
});`,
    });
    const r = node(dir, [MOCHA, '--reporter', 'dot', 'marbles/ping.spec.js']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/1 passing/);
  });

  describe('the installed CLI (npx deep-faker)', () => {
    const cli = (args: string[], cwd = dir) => run(cwd, 'npx', ['--no-install', 'deep-faker', ...args]);
    const runEvents = (file: string, cwd = dir): unknown[] => {
      const r = cli(['run', file, '--output', 'stdout'], cwd);
      expect(r.status, r.stderr).to.equal(0);
      return r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event_type: string }).event_type);
    };

    it('runs .js scenarios with module.exports = sim and = { sim }, an .mjs and a .cjs', () => {
      const req = "const { simulation, event, field, newEvent, wait } = require('deep-faker');";
      write(dir, {
        'cli/exports.js': model(req, 'module.exports = sim;'),
        'cli/named.js': model(req, 'module.exports = { sim };'),
        'cli/ping.cjs': model(req, 'module.exports = sim;'),
        'cli/ping.mjs': model("import { simulation, event, field, newEvent, wait } from 'deep-faker';", 'export default sim;'),
      });
      for (const f of ['cli/exports.js', 'cli/named.js', 'cli/ping.cjs', 'cli/ping.mjs']) expect(runEvents(f), f).to.deep.equal(['Ping', 'Ping', 'Ping']);
    });

    it('validates a YAML model', () => {
      fs.copyFileSync(path.join(REPO, 'scenarios/library.yaml'), path.join(dir, 'library.yaml'));
      const r = cli(['validate', 'library.yaml']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal('ok');
    });

    describe('TypeScript scenarios', () => {
      const imports = "import { simulation, event, field, newEvent, wait } from 'deep-faker';\nimport type { Simulation } from 'deep-faker';";
      const esm = "import { simulation, event, field, newEvent, wait } from 'deep-faker';";
      before(() =>
        write(dir, {
          'cli/ping.ts': model(imports, 'const typed: Simulation = sim;\nexport default typed;'),
          'cli/ping.mts': model(imports, 'export { sim };'),
          'cli/ping.cts': model(imports, 'export default sim;'),
          'cli/broken.ts': "import { simulation } from 'deep-faker';\nconst sim = simulation({ duration: '1m' };\nexport default sim;\n",
          'cli/badHint.ts':
            "import { event, field, simulation } from 'deep-faker';\n\nconst Signup = event('Signup', { emial: field.string({ faker: 'emial' }) });\nexport default simulation({ duration: '1m' });\n",
          'esm-pkg/package.json': JSON.stringify({ type: 'module' }),
          'esm-pkg/ping.js': model(esm, 'export default sim;'),
          'esm-pkg/ping.ts': model(esm, 'export const sim2 = sim;\nexport { sim };'),
        }),
      );
      const install = (pkg: string): void => {
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', pkg], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      };
      const runsEveryKind = (): void => {
        for (const f of ['cli/ping.ts', 'cli/ping.mts', 'cli/ping.cts', 'esm-pkg/ping.js', 'esm-pkg/ping.ts'])
          expect(runEvents(f), f).to.deep.equal(['Ping', 'Ping', 'Ping']);
      };
      const reportsSyntaxErrors = (): void => {
        const r = cli(['run', 'cli/broken.ts']);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.match(/^deep-faker: cli\/broken\.ts:2:\d+ syntax error: /);
        expect(r.stderr).not.to.match(/\n\s+at /);
        // A model mistake found at run time is located through the source map, in the .ts text.
        const hint = cli(['run', 'cli/badHint.ts']);
        expect(hint.status).to.equal(2);
        expect(hint.stderr).to.be.oneOf(
          [16, 21].map((col) => `deep-faker: cli/badHint.ts:3:${col} Signup.emial: unknown faker hint "emial"; did you mean "email"?\n`),
        );
      };

      it('without sucrase or typescript in the project: says what to install, exit 2 (on Node 22.18+: Node strips the types)', () => {
        if ((process.features as { typescript?: unknown }).typescript) {
          expect(runEvents('cli/ping.ts')).to.deep.equal(['Ping', 'Ping', 'Ping']);
          return;
        }
        const r = cli(['run', 'cli/ping.ts']);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.equal(
          'deep-faker: cli/ping.ts is TypeScript, and no transpiler was found to run it: install sucrase (npm install --save-dev sucrase) ' +
            'or typescript in the project, use Node 22.18 or later (it strips types itself), or compile the scenario to JavaScript\n',
        );
      });

      it('with the project\'s typescript: runs .ts, .mts and .cts, also in a "type": "module" package; syntax errors and model mistakes are file:line:col, exit 2', () => {
        install('typescript@~5.9');
        runsEveryKind();
        reportsSyntaxErrors();
      });

      it('with sucrase instead: the same', () => {
        execFileSync('npm', ['uninstall', '--no-audit', '--no-fund', 'typescript'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
        install('sucrase@^3.35');
        runsEveryKind();
        reportsSyntaxErrors();
      });
    });
  });
});
