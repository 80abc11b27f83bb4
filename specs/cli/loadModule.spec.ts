// Loading a module for `deep-faker run` (lib/cli/loadModule.ts, moduleShape.ts, describeError.ts):
// whatever the file holds, the message names the file and says what is wrong in the user's terms
// (exit 2), never JavaScript's own words ("f.filters is not iterable", "[object Object]",
// "Invalid or unexpected token") or a stack trace; a genuine internal error says it is one.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, isInternalError } from '../../lib/cli/describeError';
import { modelShapeProblems } from '../../lib/cli/moduleShape';
import { SinkError } from '../../lib/sinks/sink';
import { REPO, runCli } from '../helpers/cliRun';
import { tmpFiles } from '../helpers/jsonlFiles';

const fixture = (name: string): string => path.join(REPO, 'specs/fixtures', name);
const NO_STACK = /^\s+at /m;

const tmp = tmpFiles('deep-faker-load-');
/** Runs with the repository as cwd, so files are named relative to it (as `locate` does with process.cwd()). */
const run = (argv: ReadonlyArray<string>) => runCli(argv, REPO).done;
const shown = (file: string): string => path.relative(process.cwd(), file) || file;

describe('cli: loading a module', () => {
  it('a malformed exported simulation: every problem named by its path, exit 2, nothing run', async () => {
    const r = await run(['run', fixture('malformedExport.js')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      [
        'deep-faker: specs/fixtures/malformedExport.js: the exported simulation is malformed:',
        '  flows[0].weight: expected a number >= 0, got undefined',
        '  flows[0].filters: expected an array of selections (select(...)), got undefined',
        '  flows[0].body: expected a function (a generator function or one returning an Observable), got undefined',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.to.contain('is not iterable');
  });

  it('modelShapeProblems: settings, entities, flows and outputs, at most five problems and a count of the rest', () => {
    expect(modelShapeProblems({ settings: 5, entities: [{}], flows: [1] })).to.deep.equal([
      'settings: expected an object, got 5',
      'entities[0]: expected an entity type (entity(...)), got {}',
      'flows[0]: expected a flow (sim.flow(...) or defineFlow(...)), got 1',
    ]);
    expect(modelShapeProblems({ settings: {}, entities: [], flows: [], outputs: ['stdout'] })).to.deep.equal([
      "outputs: expected an array of outputs (toFile(...), toKafka(...), …), got [ 'stdout' ]",
    ]);
    const many = modelShapeProblems({ settings: {}, entities: [], flows: [1, 2, 3, 4, 5, 6, 7] });
    expect(many).to.have.length(6);
    expect(many[5]).to.equal('… and 2 more');
    const flow = { name: 'f', weight: 1, filters: [{ entity: 'User' }], body: () => undefined, description: undefined };
    expect(modelShapeProblems({ settings: {}, entities: [], flows: [flow] })).to.deep.equal([
      "flows[0].filters[0]: expected a selection of an entity type (select(...)), got { entity: 'User' }",
    ]);
  });

  it('a module that throws a non-Error: the value, on one line', async () => {
    const r = await run(['run', fixture('throwsNonError.js')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal("deep-faker: specs/fixtures/throwsNonError.js: the module threw { code: 42, reason: 'no config' } (not an Error)\n");
  });

  it('a JavaScript syntax error: the file and line', async () => {
    // Written here, not kept in specs/fixtures: the linters would refuse it.
    const file = path.join(tmp.dir(), 'syntaxError.js');
    fs.writeFileSync(file, '// a syntax error on line 3\nconst a = 1;\nconst b = ;\nmodule.exports = a + b;\n');
    const r = await run(['run', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`deep-faker: ${shown(file)}:3 SyntaxError: Unexpected token ';'\n`);
  });

  it('a binary file (an executable): not a JavaScript/TypeScript module, exit 2', async () => {
    const file = path.join(tmp.dir(), 'program');
    fs.writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe]));
    const r = await run(['run', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`deep-faker: ${shown(file)}: not a JavaScript/TypeScript module (a binary file)\n`);
    if (fs.existsSync('/bin/ls')) {
      const ls = await run(['run', '/bin/ls']);
      expect(ls.code).to.equal(2);
      expect(ls.stderr).to.equal(`deep-faker: ${shown('/bin/ls')}: not a JavaScript/TypeScript module (a binary file)\n`);
    }
  });

  it('a text file that is not JavaScript: not a module, with the syntax error and its line', async () => {
    const file = path.join(tmp.dir(), 'notes.txt');
    fs.writeFileSync(file, 'remember to buy milk\n');
    const r = await run(['run', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(new RegExp(`^deep-faker: ${shown(file)}: not a JavaScript/TypeScript module \\(SyntaxError: .+ on line 1\\)\\n$`));
  });

  it('a folder: not a file (a usage error)', async () => {
    const dir = path.join(tmp.dir(), 'scenario.ts');
    fs.mkdirSync(dir);
    const r = await run(['run', dir]);
    expect(r.code).to.equal(2);
    expect(r.stderr.split('\n')[0]).to.equal(`deep-faker: ${shown(dir)}: not a file (run takes a module, a YAML model or a story)`);
    expect(r.stderr).not.to.contain('Require stack');
  });

  it("a module whose dependency is missing: located in the user's file, without Node's require stack", async () => {
    const file = path.join(tmp.dir(), 'needsPackage.js');
    fs.writeFileSync(file, "const x = require('no-such-package-for-deep-faker');\nmodule.exports = x;\n");
    const r = await run(['run', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`deep-faker: ${shown(file)}:1:11 Cannot find module 'no-such-package-for-deep-faker'\n`);
    expect(r.stderr).not.to.match(NO_STACK);
  });

  it('a flow that throws a non-Error: the flow named and the value as JSON', async () => {
    const file = path.join(tmp.dir(), 'throwingObject.ts');
    const lib = path.join(REPO, 'lib');
    fs.writeFileSync(
      file,
      [
        `import { event, field, newEvent, simulation } from ${JSON.stringify(lib)};`,
        "const Tick = event('Tick', { n: field.int() });",
        "const sim = simulation({ duration: '1m', startTime: '2025-01-01T00:00:00Z', seed: 1, nFlows: 1 });",
        "sim.flow({ name: 'bad', weight: 1 }, function* () { yield newEvent(Tick, { overrides: { n: 1 } }); throw { code: 7 }; });",
        'export default sim;',
        '',
      ].join('\n'),
    );
    const r = await run(['run', file, '--output', `file:${tmp.file()}`]);
    expect(r.code).to.equal(1);
    expect(r.stderr.split('\n')[0]).to.match(/^deep-faker: flow "bad" \(session [0-9a-f]{8}\) failed: it threw \{"code":7\} \(not an Error\)$/);
  });

  it('describeError: its own and system errors by their message, anything else an internal error pointing to --debug', () => {
    expect(describeError(new SinkError('file:x', new Error('EACCES')))).to.equal('sink "file:x" failed: EACCES');
    const eacces = Object.assign(new Error("EACCES: permission denied, open 'x'"), { code: 'EACCES' });
    expect(isInternalError(eacces)).to.equal(false);
    expect(describeError(eacces)).to.equal("EACCES: permission denied, open 'x'");
    expect(describeError(new TypeError("Cannot read properties of undefined (reading 'x')"))).to.equal(
      "internal error: TypeError: Cannot read properties of undefined (reading 'x') (a bug: please report it; --debug prints the stack trace)",
    );
    expect(describeError({ code: 1 })).to.equal('internal error: a thrown { code: 1 } (a bug: please report it; --debug prints the stack trace)');
  });
});
