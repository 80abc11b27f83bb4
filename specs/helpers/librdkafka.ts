/**
 * Confluent's Kafka client (`@confluentinc/kafka-javascript`, librdkafka) for the specs of the
 * Kafka output's `client: 'librdkafka'`. It is an optional peer dependency of deep-faker, not a
 * dev dependency: its install downloads a prebuilt binary from GitHub, which a machine without
 * internet access cannot reach, and `npm ci` would fail. So the specs install it themselves, once,
 * with `npm install --no-save` and `CKJS_LINKING=dynamic`, which builds the bundled librdkafka
 * against the system's OpenSSL and zlib instead (a few minutes; needs a C/C++ toolchain and the
 * OpenSSL headers). `npm ci` removes it again, so CI builds it in every run.
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

/** Whether the package loads (installed and built for this Node). */
const loads = (): boolean => {
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
    process.stderr.write(`  (installing ${spec} for the librdkafka specs: built from source, once)\n`);
    try {
      await promisify(execFile)('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--foreground-scripts=false', spec], {
        cwd: ROOT,
        env: { ...process.env, CKJS_LINKING: 'dynamic' },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`could not install ${spec}: ${(err.stderr ?? err.message).split('\n').slice(-15).join('\n')}`, { cause: e });
    }
    if (!loads()) throw new Error(`${spec} was installed but does not load`);
  })();
  return installing;
};
