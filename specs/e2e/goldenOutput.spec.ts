// The exact bytes every front end writes for a fixed seed, pinned as SHA-256 digests: the guard
// for refactors, which must not change a single byte (same seed, same model, same output). A
// change that means to alter the output updates the digest in the same commit and says why
// (`DEEP_FAKER_GOLDEN=print` prints the digests of this code instead of checking them).

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';

const REPO = path.resolve(__dirname, '../..');
const START = '2025-01-01T00:00:00Z';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const PRINT = process.env.DEEP_FAKER_GOLDEN === 'print';

/** Checks `actual` against the pinned digest(s), or prints it under DEEP_FAKER_GOLDEN=print. */
const pinned = (name: string, actual: unknown, expected: unknown): void => {
  if (PRINT) console.log(`${name}: ${JSON.stringify(actual)}`);
  else expect(actual).to.deep.equal(expected);
};

/** `deep-faker ARGS` in-process from the repository's folder; resolves when it exits 0. */
const cli = async (argv: ReadonlyArray<string>): Promise<void> => {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await main(argv, { stderr, cwd: REPO });
  expect(code, text).to.equal(0);
};

// [case, argv after `run FILE`, digest of the JSONL written]
const RUNS: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
  ['scenarios/ecommerce.ts', ['--total-events', '4000'], '47d5810c181e5b26d8464440be008d5ec281d711e6a514f6e4795a17ef107c70'],
  ['scenarios/trading.ts', ['--total-events', '4000'], 'c9b8f89d799005798fffe6b199c9e72e91c66aeb63fb0174fa0042ee48bb284a'],
  ['scenarios/shop.yaml', ['--total-events', '3000', '--time-multiplier', 'max'], '29730f655d69fe9600686ebfb63f8b605dbec283d45dd5060c5a36fef92307f5'],
  ['scenarios/library.yaml', ['--total-events', '3000', '--time-multiplier', 'max'], 'f1fdf9cebf7f0c80701d2cf24e04955394f4a9ca296ec37f486ea24ff8e35b44'],
  ['scenarios/saas.story.yaml', ['--total-events', '3000'], '02551f948d582a253a90457f9b42c3ae5eb97afe384e0c24bd1284769596f210'],
  ['scenarios/coldchain.story.yaml', ['--total-events', '3000'], 'c02f7ef5752deafd422241868861b189aec973a9733978b69a231fc25c35ab6a'],
  [
    'scenarios/ecommerce.ts',
    ['--total-events', '4000', '--late-rate', '0.1', '--out-of-order-rate', '0.1', '--duplicate-rate', '0.05', '--schema-version', '2:0.3', '--checksum'],
    '7cce12f53bed7c4110cbd3be4f97b7054d7926ce7ad116e48c13188fb66bf7fc',
  ],
];

describe('e2e: golden output (same seed, same bytes)', function () {
  this.timeout(300_000);
  let dir = '';
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-golden-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  RUNS.forEach(([file, args, digest], i) => {
    it(`run ${file} ${args.join(' ')}`, async () => {
      const out = path.join(dir, `run-${i}.jsonl`);
      await cli(['run', file, '--seed', '7', '--start', START, '--output', `file:${out}`, '--quiet', ...args]);
      pinned(`${file} ${args.join(' ')}`, sha256(out), digest);
    });
  });

  it('orders --n-orders 400: events.ndjson and stats.json', async () => {
    const out = path.join(dir, 'orders');
    await cli(['orders', '--out', out, '--n-orders', '400', '--seed', '7', '--start', START, '--quiet']);
    pinned(
      'orders',
      [sha256(path.join(out, 'events.ndjson')), sha256(path.join(out, 'stats.json'))],
      ['d560d829ed89ebfccfac02bb7b0db4543c5bb7abbf84abe6e849893cde7829e2', '85182bb56502cfd4b86d51f4b891ede8b121cf73a14bbc1f01ee19a702022670'],
    );
  });
});
