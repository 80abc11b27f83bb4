#!/usr/bin/env node
'use strict';
// The installed package runs the compiled CLI in dist/. A checkout of the repository (lib/ is
// there, dist/ need not be) runs the TypeScript sources instead, so specs test what they edit.
const fs = require('node:fs');
const path = require('node:path');
const { enableCompileCache } = require('node:module');

// Node 22.1+ keeps V8's compiled code of the modules between runs (NODE_DISABLE_COMPILE_CACHE=1
// turns it off); most of a short run's start-up is compiling them.
if (typeof enableCompileCache === 'function') enableCompileCache();

const sources = path.join(__dirname, '..', 'lib', 'cli', 'main.ts');
let cli;
if (fs.existsSync(sources)) {
  require('./registerTypeScript').registerTypeScript();
  cli = require(sources);
} else {
  cli = require('../dist/cli/main.js');
}
// Once main has resolved, every output has closed (or been given up on): the process exits as soon
// as the event loop is empty. If something still holds it (an output's open stuck in the OS, such
// as mkdir under /proc), it exits anyway shortly after; the timer is unref'd so it never delays a
// normal exit.
const LINGER_MS = 250;
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), LINGER_MS).unref();
});
