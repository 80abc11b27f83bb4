import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One job per file: no file under lib/ grows past 400 lines (split it along its seams instead). */
const LIB = path.resolve(__dirname, '../../lib');
const MAX_LINES = 400;

const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));

describe('architecture: file size', () => {
  it(`no file under lib/ is over ${MAX_LINES} lines`, () => {
    const files = filesUnder(LIB);
    expect(files.length).to.be.greaterThan(100);
    const long = files
      .map((f) => [path.relative(LIB, f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > MAX_LINES)
      .map(([f, lines]) => `${f}: ${lines} lines`);
    expect(long).to.deep.equal([]);
  });
});
