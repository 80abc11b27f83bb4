#!/usr/bin/env node
'use strict';
// Loads TypeScript simulation modules (and deep-faker's own sources) through ts-node with the
// sucrase transpiler (fast start), without type-checking at run time (`npm test` type-checks).
require('ts-node').register({
  transpileOnly: true,
  transpiler: require.resolve('./sucraseTranspiler.js'),
  skipProject: true,
  ignore: ['(?:^|/)node_modules/(?!deep-faker/)'],
  compilerOptions: { module: 'commonjs', target: 'ES2022', esModuleInterop: true },
});
require('../lib/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
