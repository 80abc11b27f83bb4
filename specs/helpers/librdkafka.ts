/**
 * Confluent's Kafka client (`@confluentinc/kafka-javascript`, librdkafka) for the specs of the
 * Kafka output's `client: 'librdkafka'`. It is an optional peer dependency of deep-faker, not a
 * dev dependency: its install downloads a prebuilt binary from GitHub, which a machine without
 * internet access cannot reach, and `npm ci` would fail. So the specs install it themselves, once,
 * into .services/librdkafka/ with `CKJS_LINKING=dynamic`, which builds the bundled librdkafka
 * against the system's OpenSSL and zlib instead (a minute or two; needs a C/C++ toolchain and the
 * OpenSSL headers), and link it into node_modules/ (npm does not install an optional peer
 * dependency into the project itself, even when asked by name). `npm ci` removes the link.
 *
 * @example
 * before(async function () { this.timeout(900_000); await ensureLibrdkafka(); });
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const PACKAGE = '@confluentinc/kafka-javascript';
const ROOT = path.resolve(__dirname, '..', '..');
const PREFIX = path.join(ROOT, '.services', 'librdkafka');
const LINK = path.join(ROOT, 'node_modules', ...PACKAGE.split('/'));

/**
 * Whether the package loads (installed and built for this Node). Asked only once it is there:
 * Node remembers a package.json it did not find, so a `require` tried before the install would
 * keep failing in this process after it.
 */
const loads = (): boolean => {
  if (!fs.existsSync(path.join(LINK, 'package.json'))) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(PACKAGE);
    return true;
  } catch {
    return false;
  }
};

let installing: Promise<void> | undefined;

/** Installs the package (the range of deep-faker's peer dependency) unless it already loads. */
export const ensureLibrdkafka = (): Promise<void> => {
  if (loads()) return Promise.resolve();
  installing ??= (async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    const spec = `${PACKAGE}@${manifest.peerDependencies[PACKAGE]}`;
    const installed = path.join(PREFIX, 'node_modules', ...PACKAGE.split('/'));
    if (!fs.existsSync(path.join(installed, 'package.json'))) {
      process.stderr.write(`  (installing ${spec} for the librdkafka specs into ${path.relative(ROOT, PREFIX)}: built from source, once)\n`);
      fs.mkdirSync(PREFIX, { recursive: true });
      if (!fs.existsSync(path.join(PREFIX, 'package.json'))) fs.writeFileSync(path.join(PREFIX, 'package.json'), '{ "private": true }\n');
      try {
        await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', spec], {
          cwd: PREFIX,
          env: { ...process.env, CKJS_LINKING: 'dynamic' },
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`could not install ${spec}: ${(err.stderr ?? err.message).split('\n').slice(-15).join('\n')}`, { cause: e });
      }
    }
    fs.mkdirSync(path.dirname(LINK), { recursive: true });
    fs.rmSync(LINK, { recursive: true, force: true });
    fs.symlinkSync(installed, LINK, 'dir');
    if (!loads()) throw new Error(`${spec} was installed into ${PREFIX} but does not load`);
  })();
  return installing;
};
