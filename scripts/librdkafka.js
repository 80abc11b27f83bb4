#!/usr/bin/env node
'use strict';
/**
 * Confluent's Kafka client (`@confluentinc/kafka-javascript`, librdkafka) for the Kafka output's
 * `client: 'librdkafka'` in this repository: the specs and the benchmarks use it. It is an
 * optional peer dependency of deep-faker, not a dev dependency: its install downloads a prebuilt
 * binary from GitHub, which a machine without internet access cannot reach, and `npm ci` would
 * fail. So this script installs it, once, into .services/librdkafka/ with `CKJS_LINKING=dynamic`,
 * which builds the bundled librdkafka against the system's OpenSSL and zlib instead (a minute or
 * two; needs a C/C++ toolchain and the OpenSSL headers), and links it into node_modules/ (npm does
 * not install an optional peer dependency into the project itself, even when asked by name).
 * `npm ci` removes the link; the next use makes it again.
 *
 * Usage (from the repository root):
 *
 *   node scripts/librdkafka.js install   # install (once) and link; exit 0 once it loads
 *
 * From Node (spec setup, the outputs benchmark):
 *
 *   await require('./scripts/librdkafka.js').ensureLibrdkafka();
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE = '@confluentinc/kafka-javascript';
const ROOT = path.resolve(__dirname, '..');
const PREFIX = path.join(ROOT, '.services', 'librdkafka');
const LINK = path.join(ROOT, 'node_modules', ...PACKAGE.split('/'));

/**
 * Whether the package loads (installed and built for this Node). Asked only once it is there:
 * Node remembers a package.json it did not find, so a `require` tried before the install would
 * keep failing in this process after it.
 */
function loads() {
  if (!fs.existsSync(path.join(LINK, 'package.json'))) return false;
  try {
    require(PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** `npm install` with `args` in `cwd`, its stderr kept for the error. */
function npmInstall(args, cwd) {
  return new Promise((resolve, reject) => {
    childProcess.execFile(
      'npm',
      ['install', ...args],
      { cwd, env: { ...process.env, CKJS_LINKING: 'dynamic' }, maxBuffer: 64 * 1024 * 1024 },
      (err, _out, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve()),
    );
  });
}

let installing;

/** Installs the package (the range of deep-faker's peer dependency) unless it already loads. */
function ensureLibrdkafka() {
  if (loads()) return Promise.resolve();
  installing ??= (async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const spec = `${PACKAGE}@${manifest.peerDependencies[PACKAGE]}`;
    const installed = path.join(PREFIX, 'node_modules', ...PACKAGE.split('/'));
    if (!fs.existsSync(path.join(installed, 'package.json'))) {
      process.stderr.write(`  (installing ${spec} into ${path.relative(ROOT, PREFIX)}: built from source, once)\n`);
      fs.mkdirSync(PREFIX, { recursive: true });
      if (!fs.existsSync(path.join(PREFIX, 'package.json'))) fs.writeFileSync(path.join(PREFIX, 'package.json'), '{ "private": true }\n');
      try {
        await npmInstall(['--no-audit', '--no-fund', '--no-package-lock', spec], PREFIX);
      } catch (e) {
        throw new Error(`could not install ${spec}: ${(e.stderr || e.message).split('\n').slice(-15).join('\n')}`, { cause: e });
      }
    }
    fs.mkdirSync(path.dirname(LINK), { recursive: true });
    fs.rmSync(LINK, { recursive: true, force: true });
    fs.symlinkSync(installed, LINK, 'dir');
    if (!loads()) throw new Error(`${spec} was installed into ${PREFIX} but does not load`);
  })();
  return installing;
}

module.exports = { ensureLibrdkafka };

if (require.main === module) {
  const command = process.argv[2];
  if (command !== 'install') {
    process.stderr.write('usage: node scripts/librdkafka.js install\n');
    process.exit(2);
  }
  ensureLibrdkafka().then(
    () => process.stdout.write(`${PACKAGE} loads (${path.relative(ROOT, LINK)})\n`),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
