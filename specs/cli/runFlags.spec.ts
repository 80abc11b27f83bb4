// The numeric and time flags of `deep-faker run` (lib/cli/runFlags.ts), in-process through
// `main`: negative values after a flag, seeds exact in a JavaScript number, digits only, the same
// usage error for every kind of model, the start's year range, `--time-multiplier max`, the
// note when the duration ends a run before --total-events, `--duration forever` and `--rate`.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { USAGE } from '../../lib/cli/main';
import { UsageError } from '../../lib/cli/parseOutput';
import { joinNegativeValues, rateFlag, seedFlag } from '../../lib/cli/runFlags';
import { performance } from 'node:perf_hooks';
import { REPO, runCli, summaryEvents } from '../helpers/cliRun';
import { readJsonl, tmpFiles } from '../helpers/jsonlFiles';

const ECOMMERCE = path.join(REPO, 'scenarios/ecommerce.ts');
const SHOP = path.join(REPO, 'scenarios/shop.yaml');
const LIBRARY = path.join(REPO, 'scenarios/library.yaml');
const STORY = path.join(REPO, 'scenarios/basic.story.yaml');
const START = '2025-01-01T00:00:00Z';
const NO_STACK = /^\s+at /m;

const tmp = tmpFiles('deep-faker-flags-');
const run = (argv: ReadonlyArray<string>) => runCli(argv, tmp.dir()).done;

/** Exit 2, the message on the first line, the usage after it, no stack trace. */
const expectUsageError = async (argv: ReadonlyArray<string>, message: string): Promise<void> => {
  const r = await run(argv);
  expect(r.code, r.stderr).to.equal(2);
  expect(r.stderr.split('\n')[0]).to.equal(`deep-faker: ${message}`);
  expect(r.stderr).to.contain(USAGE.trim());
  expect(r.stderr).not.to.match(NO_STACK);
};

describe('cli: run flags', () => {
  describe('joinNegativeValues', () => {
    const options = { seed: { type: 'string' }, quiet: { type: 'boolean' } } as const;

    it('joins a string flag with a negative number after it, and nothing else', () => {
      expect(joinNegativeValues(['--seed', '-1', 'x.ts'], options)).to.deep.equal(['--seed=-1', 'x.ts']);
      expect(joinNegativeValues(['--seed', '-.5'], options)).to.deep.equal(['--seed=-.5']);
      expect(joinNegativeValues(['--quiet', '-1'], options)).to.deep.equal(['--quiet', '-1']);
      expect(joinNegativeValues(['--seed', '-q'], options)).to.deep.equal(['--seed', '-q']);
      expect(joinNegativeValues(['--seed=-1'], options)).to.deep.equal(['--seed=-1']);
      expect(joinNegativeValues(['--', '--seed', '-1'], options)).to.deep.equal(['--', '--seed', '-1']);
    });
  });

  describe('--seed', () => {
    it('takes a negative seed after a space like after "=": the same events', async () => {
      const a = tmp.file();
      const b = tmp.file();
      const base = ['run', ECOMMERCE, '--start', START, '--total-events', '50'];
      const spaced = await run([...base, '--seed', '-1', '--output', `file:${a}`]);
      const joined = await run([...base, '--seed=-1', '--output', `file:${b}`]);
      expect(spaced.code, spaced.stderr).to.equal(0);
      expect(joined.code, joined.stderr).to.equal(0);
      expect(spaced.stderr).to.contain(', seed -1\n');
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(true);
      expect(readJsonl(a)).to.have.length(50);
    });

    it('takes every integer exact in a JavaScript number, and no other', async () => {
      expect(seedFlag('seed', '9007199254740991')).to.equal(Number.MAX_SAFE_INTEGER);
      expect(seedFlag('seed', '-9007199254740991')).to.equal(-Number.MAX_SAFE_INTEGER);
      expect(seedFlag('seed', '007')).to.equal(7);
      for (const v of ['9007199254740992', '99999999999999999999', '1e3', '0x10', '1.0', '+5', '', ' ', '--1']) {
        expect(() => seedFlag('seed', v), v).to.throw(UsageError, `--seed: expected an integer from -9007199254740991 to 9007199254740991`);
      }
      await expectUsageError(
        ['run', ECOMMERCE, '--seed', '99999999999999999999'],
        '--seed: expected an integer from -9007199254740991 to 9007199254740991 (digits, optionally a minus), got "99999999999999999999"',
      );
      await expectUsageError(
        ['run', ECOMMERCE, '--seed', '1e3'],
        '--seed: expected an integer from -9007199254740991 to 9007199254740991 (digits, optionally a minus), got "1e3"',
      );
      await expectUsageError(
        ['run', ECOMMERCE, '--seed', '0x10'],
        '--seed: expected an integer from -9007199254740991 to 9007199254740991 (digits, optionally a minus), got "0x10"',
      );
    });
  });

  describe("negative and zero values: the flag's own message, never 'argument is ambiguous'", () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [['--total-events', '-5'], '--total-events: expected an integer from 1 to 9007199254740991 (digits only), got "-5"'],
      [['--total-events', '1e3'], '--total-events: expected an integer from 1 to 9007199254740991 (digits only), got "1e3"'],
      [
        ['--duration', '-1m'],
        '--duration: invalid duration "-1m": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"; or "forever" for no end',
      ],
      [
        ['--rate', '-5/s'],
        '--rate: expected events per second, minute or hour, more than 0, such as 5000/s, 300/m or 10/h (a plain number is per second), got "-5/s"',
      ],
      [['--time-multiplier', '-2'], '--time-multiplier: expected a number > 0, or "max" for as fast as possible, got "-2"'],
      [['--time-multiplier', 'Infinity'], '--time-multiplier: expected a number > 0, or "max" for as fast as possible, got "Infinity"'],
      [['--late-rate', '-0.5'], '--late-rate: expected a number between 0 and 1, got "-0.5"'],
    ];
    for (const [flags, message] of cases) {
      it(flags.join(' '), () => expectUsageError(['run', ECOMMERCE, ...flags], message));
    }
  });

  describe('--duration 0s: the same usage error for every kind of model', () => {
    for (const [kind, file] of [
      ['a TypeScript module', ECOMMERCE],
      ['a YAML model', SHOP],
      ['a story', STORY],
    ] as const) {
      it(kind, async () => {
        const out = tmp.file();
        await expectUsageError(
          ['run', file, '--duration', '0s', '--output', `file:${out}`],
          '--duration: must be more than 0, got "0s"; or "forever" for no end',
        );
        expect(fs.existsSync(out)).to.equal(false);
      });
    }

    it("a module's own duration of 0: exit 2, the file and the setting named, no summary of a run", async () => {
      const r = await run(['run', path.join(REPO, 'specs/fixtures/badSetting.ts')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal('deep-faker: specs/fixtures/badSetting.ts: duration: must be more than 0\n');
    });
  });

  describe('--start', () => {
    const message = (v: string) => `--start: expected an ISO-8601 date-time from year 0000 to 9999 (e.g. 2025-01-01T00:00:00Z) or "now", got "${v}"`;
    for (const v of ['+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '2025-02-30', '2025-13-01T00:00:00Z', '1', '2025-01-01Tnoon']) {
      it(`${v}: a usage error, not a failed run`, () => expectUsageError(['run', ECOMMERCE, '--start', v], message(v)));
    }

    it('the last year runs', async () => {
      const file = tmp.file();
      const r = await run(['run', ECOMMERCE, '--start', '9999-12-31T22:00:00Z', '--total-events', '20', '--seed', '1', '--output', `file:${file}`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(readJsonl(file)).to.have.length(20);
    });
  });

  describe('--time-multiplier max', () => {
    it('runs a real-time model (the YAML model format, time_multiplier: 1.0) as fast as possible, with the same events', async () => {
      const fast = tmp.file();
      const huge = tmp.file();
      const base = ['run', SHOP, '--seed', '5', '--start', START, '--total-events', '200', '-q'];
      const a = await run([...base, '--time-multiplier', 'max', '--output', `file:${fast}`]);
      const b = await run([...base, '--time-multiplier', '1e12', '--output', `file:${huge}`]);
      expect(a.code, a.stderr).to.equal(0);
      expect(b.code, b.stderr).to.equal(0);
      expect(readJsonl(fast)).to.have.length(200);
      expect(fs.readFileSync(fast).equals(fs.readFileSync(huge))).to.equal(true);
    });
  });

  describe('--total-events beyond what the duration allows', () => {
    it("a note after the summary when the model's duration ended the run first", async () => {
      const file = tmp.file();
      const r = await run(['run', ECOMMERCE, '--seed', '1', '--start', START, '--total-events', '20000', '--output', `file:${file}`]);
      expect(r.code, r.stderr).to.equal(0);
      const events = summaryEvents(r.stderr, 'done');
      expect(events).to.be.below(20_000);
      expect(readJsonl(file)).to.have.length(events);
      expect(r.stderr).to.contain(
        `\ndeep-faker: note: the run reached its duration (1h of virtual time) after ${events.toLocaleString('en-US')} of the 20,000 events of --total-events; give a longer --duration for more\n`,
      );
    });

    it('no note when --total-events was reached, or with -q', async () => {
      const reached = await run([
        'run',
        ECOMMERCE,
        '--seed',
        '1',
        '--start',
        START,
        '--total-events',
        '3000',
        '--duration',
        '1d',
        '--output',
        `file:${tmp.file()}`,
      ]);
      expect(reached.code, reached.stderr).to.equal(0);
      expect(summaryEvents(reached.stderr, 'done')).to.equal(3000);
      expect(reached.stderr).not.to.contain('note:');
      const quiet = await run(['run', ECOMMERCE, '--seed', '1', '--start', START, '--total-events', '20000', '-q', '--output', `file:${tmp.file()}`]);
      expect(quiet.code).to.equal(0);
      expect(quiet.stderr).to.equal('');
    });

    it('a story that ends first says so too', async () => {
      const r = await run(['run', STORY, '--total-events', '100000', '--output', `file:${tmp.file()}`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(
        /\ndeep-faker: note: the story ended \(its schedule has no more occurrences\) after [\d,]+ of the 100,000 events of --total-events\n/,
      );
    });
  });

  describe('--duration forever', () => {
    it("lifts the model's duration (a YAML model of 2h): --total-events still ends the run, with no note", async () => {
      const bounded = tmp.file();
      const forever = tmp.file();
      // Without delivery realism (its reordering at the end of a run): the bounded run is the beginning of the other.
      const base = ['run', LIBRARY, '--seed', '3', '--start', START, '--total-events', '1000', '--no-delivery'];
      const a = await run([...base, '--output', `file:${bounded}`]);
      expect(a.code, a.stderr).to.equal(0);
      expect(summaryEvents(a.stderr, 'done')).to.be.below(1_000);
      const b = await run([...base, '--duration', 'forever', '--output', `file:${forever}`]);
      expect(b.code, b.stderr).to.equal(0);
      expect(summaryEvents(b.stderr, 'done')).to.equal(1_000);
      expect(b.stderr).not.to.contain('note:');
      expect(readJsonl(forever)).to.have.length(1_000);
      expect(fs.readFileSync(forever, 'utf8').startsWith(fs.readFileSync(bounded, 'utf8'))).to.equal(true);
    });

    it('a story plays its schedule to its end', async () => {
      const plain = tmp.file();
      const forever = tmp.file();
      expect((await run(['run', STORY, '-q', '--output', `file:${plain}`])).code).to.equal(0);
      expect((await run(['run', STORY, '-q', '--duration', 'forever', '--output', `file:${forever}`])).code).to.equal(0);
      expect(fs.readFileSync(forever).equals(fs.readFileSync(plain))).to.equal(true);
    });

    it('a run that reaches the last date JavaScript can represent ends there, with a note instead of "Invalid time value"', async () => {
      const file = tmp.file();
      const r = await run(['run', path.join(REPO, 'specs/fixtures/centuries.ts'), '--duration', 'forever', '--output', `file:${file}`]);
      expect(r.code, r.stderr).to.equal(0);
      const events = summaryEvents(r.stderr, 'done');
      expect(readJsonl(file)).to.have.length(events);
      expect(r.stderr).to.contain('  virtual time 2025-01-01T00:00:00.000Z → +275760-09-13T00:00:00.000Z\n');
      expect(r.stderr).to.contain(
        '\ndeep-faker: note: virtual time reached +275760-09-13T00:00:00.000Z, the last date JavaScript can represent, so the run ended there (the sessions still going are counted as truncated)\n',
      );
      expect(r.stderr).not.to.contain('Invalid time value');
    });
  });

  describe('--rate', () => {
    it('reads events per second, minute or hour; a plain number is per second', () => {
      expect(rateFlag('rate', '5000/s')).to.equal(5000);
      expect(rateFlag('rate', '300/m')).to.equal(5);
      expect(rateFlag('rate', '36/h')).to.equal(0.01);
      expect(rateFlag('rate', '5000')).to.equal(5000);
      expect(rateFlag('rate', ' 2.5 / s ')).to.equal(2.5);
      expect(rateFlag('rate', undefined)).to.equal(undefined);
      for (const bad of ['', 'fast', '0/s', '0', '5000/d', '5e3/s', '1/2/s', '/s', 'max']) expect(() => rateFlag('rate', bad), bad).to.throw(UsageError);
    });

    for (const [flags, message] of [
      [
        ['--rate', 'fast'],
        '--rate: expected events per second, minute or hour, more than 0, such as 5000/s, 300/m or 10/h (a plain number is per second), got "fast"',
      ],
      [
        ['--rate', '0/s'],
        '--rate: expected events per second, minute or hour, more than 0, such as 5000/s, 300/m or 10/h (a plain number is per second), got "0/s"',
      ],
      [['--rate', '5000/s', '--time-multiplier', '60'], '--rate and --time-multiplier: pace a run by one of them, not both'],
      [['--time-multiplier', 'max', '--rate', '1/h'], '--rate and --time-multiplier: pace a run by one of them, not both'],
    ] as const) {
      it(`${flags.join(' ')}: a usage error before anything is loaded, for every kind of model`, async () => {
        for (const file of [ECOMMERCE, SHOP, STORY]) {
          const out = tmp.file();
          await expectUsageError(['run', file, ...flags, '--output', `file:${out}`], message);
          expect(fs.existsSync(out)).to.equal(false);
        }
      });
    }

    it('writes the same bytes as an unpaced run, and N events at rate R take at least (N − 2 × 0.05 R) / R seconds', async () => {
      // Only lower bounds on time: the bucket holds 0.05 s of events and may hand out twice that at once.
      const COLDCHAIN = path.join(REPO, 'scenarios/coldchain.story.yaml');
      for (const [file, events, rate] of [
        [ECOMMERCE, 1_200, 2_000],
        [LIBRARY, 600, 1_000], // with --duration forever: its 2h hold fewer
        [COLDCHAIN, 287, 500], // the whole story
      ] as const) {
        const [unpaced, paced] = [tmp.file(), tmp.file()];
        const base = ['run', file, '--seed', '9', '--start', START, '--duration', 'forever', '--total-events', String(events), '-q'];
        expect((await run([...base, '--time-multiplier', 'max', '--output', `file:${unpaced}`])).code).to.equal(0);
        const t0 = performance.now();
        const r = await run([...base, '--rate', `${rate}/s`, '--output', `file:${paced}`]);
        expect(performance.now() - t0, file).to.be.at.least(((events - 2 * 0.05 * rate) / rate) * 1000);
        expect(r.code, r.stderr).to.equal(0);
        expect(readJsonl(paced).length, file).to.be.at.least(events); // and the duplicates of delivery realism
        expect(fs.readFileSync(paced).equals(fs.readFileSync(unpaced)), file).to.equal(true);
      }
    });
  });
});
