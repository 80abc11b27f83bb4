#!/usr/bin/env node
'use strict';
// `npm run build`: compiles lib/ into dist/ (CommonJS with declarations), then writes the ESM
// entry dist/index.mjs, which re-exports the CommonJS build by name. One copy of the library
// serves both `require` and `import`, so an app mixing them never holds two engines.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: ['ignore', 2, 2], // stdout is npm pack's --json
});

const names = Object.keys(require(path.join(dist, 'index.js'))).filter((n) => n !== '__esModule' && n !== 'default');
const esm = [
  '// The ESM entry: the CommonJS build, re-exported by name (see scripts/build.js).',
  "import lib from './index.js';",
  '',
  `export const { ${names.join(', ')} } = lib;`,
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), esm);
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\n");
console.error(`dist/: CommonJS build and ESM entry (${names.length} exports)`);
