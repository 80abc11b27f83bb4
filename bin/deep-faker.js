#!/usr/bin/env node
'use strict';
// The installed package runs the compiled CLI in dist/. A checkout of the repository (lib/ is
// there, dist/ need not be) runs the TypeScript sources instead, so specs test what they edit.
const fs = require('node:fs');
const path = require('node:path');

const sources = path.join(__dirname, '..', 'lib', 'cli', 'main.ts');
let cli;
if (fs.existsSync(sources)) {
  require('./registerTypeScript').registerTypeScript();
  cli = require(sources);
} else {
  cli = require('../dist/cli/main.js');
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
