// SIGINT and SIGTERM always end a run (lib/cli/runReporting.ts, bin/deep-faker.js): generation
// stops and the outputs flush what was generated; if they have not finished within the grace
// period (INTERRUPT_GRACE_MS) or on a second signal, the CLI exits anyway, naming the outputs that
// did not finish. Exit 130 for SIGINT, 143 for SIGTERM. An output whose open never finishes (a file
// under /proc on Linux, like a hung mount) fails the run after its open time-out. Times are only
// bounded by mocha's timeouts; the specs assert exit codes, messages and what is in the files.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTERRUPT_GRACE_MS } from '../../lib/cli/runReporting';
import { REPO, runCli, spawnBin, summaryEvents } from '../helpers/cliRun';
import { readJsonl, tmpFiles } from '../helpers/jsonlFiles';

const ENDLESS = path.join(REPO, 'specs/fixtures/endless.ts');
const STUCK = path.join(REPO, 'specs/fixtures/stuckOutput.ts');
/** mkdir -p under /proc never settles on Linux: an output stuck in the OS. */
const STUCK_PATH = '/proc/deep-faker-no-such/dir/events.jsonl';
const onLinux = process.platform === 'linux';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tmp = tmpFiles('deep-faker-signals-');

/** Waits (within mocha's timeout) until `ready` holds. */
const until = async (ready: () => boolean): Promise<void> => {
  while (!ready()) await sleep(5);
};
const hasBytes = (file: string, n: number) => () => fs.existsSync(file) && fs.statSync(file).size > n;

describe('cli: SIGINT and SIGTERM', function () {
  this.timeout(60_000);

  describe('in-process', () => {
    it('an output that never finishes opening: exit 130 after the grace period, the output named', async () => {
      const c = runCli(['run', STUCK], tmp.dir());
      await sleep(200);
      c.signals.emit('SIGINT');
      const r = await c.done;
      expect(r.code).to.equal(130);
      expect(r.stderr).to.equal(
        `deep-faker: interrupted (SIGINT); the outputs did not finish flushing within ${INTERRUPT_GRACE_MS / 1000} s, exiting anyway; events the outputs had not written are lost\n` +
          '  outputs: stuck 0 acknowledged\n',
      );
      expect(c.signals.listenerCount('SIGINT')).to.equal(0);
    });

    it('a second signal gives up at once: exit 143 for a first SIGTERM', async () => {
      const c = runCli(['run', STUCK, '-q'], tmp.dir());
      await sleep(200);
      c.signals.emit('SIGTERM');
      c.signals.emit('SIGINT');
      const r = await c.done;
      expect(r.code).to.equal(143);
      expect(r.stderr.split('\n')[0]).to.equal(
        'deep-faker: interrupted again (SIGINT); exiting without waiting for the outputs to flush; events the outputs had not written are lost',
      );
    });
  });

  describe('bin/deep-faker.js (child process)', () => {
    it('SIGTERM on a long run: exit 143, the summary says interrupted, every generated event is in the file', async () => {
      const file = tmp.file();
      const p = spawnBin(['run', ENDLESS, '--output', `file:${file}`]);
      try {
        await until(hasBytes(file, 10_000));
        p.child.kill('SIGTERM');
        const { code } = await p.exited;
        expect(code, p.stderr()).to.equal(143);
        const count = summaryEvents(p.stderr(), 'interrupted');
        expect(readJsonl(file)).to.have.length(count);
        expect(p.stderr()).to.contain(`outputs: file:${file} ${count.toLocaleString('en-US')} acknowledged`);
      } finally {
        p.child.kill('SIGKILL');
      }
    });

    describe('--duration forever: runs until stopped, and a stop loses nothing', () => {
      /** Lines in `file` so far (0 before it exists). */
      const lines = (file: string): number => (fs.existsSync(file) ? fs.readFileSync(file, 'latin1').split('\n').length - 1 : 0);

      for (const [what, args] of [
        ['a TypeScript module (the e-commerce scenario)', ['run', 'scenarios/ecommerce.ts', '--duration', 'forever']],
        ['a YAML model (the library, whose own duration is 2h)', ['run', 'scenarios/library.yaml', '--duration', 'forever', '--no-delivery']],
        ['paced by --rate', ['run', 'scenarios/ecommerce.ts', '--duration', 'forever', '--rate', '20000/s']],
      ] as const) {
        it(`${what}: SIGTERM after some thousands of events, exit 143, "interrupted", the file holds exactly the events of the summary`, async () => {
          const file = tmp.file();
          const p = spawnBin([...args, '--output', `file:${file}`]);
          try {
            await until(() => lines(file) >= 5_000);
            p.child.kill('SIGTERM');
            const { code } = await p.exited;
            expect(code, p.stderr()).to.equal(143);
            const count = summaryEvents(p.stderr(), 'interrupted');
            expect(count).to.be.at.least(5_000); // more than either model holds in its own duration
            expect(readJsonl(file)).to.have.length(count); // and every line complete JSON
            expect(p.stderr()).to.contain(`outputs: file:${file} ${count.toLocaleString('en-US')} acknowledged`);
            expect(p.stderr()).not.to.contain('note:');
          } finally {
            p.child.kill('SIGKILL');
          }
        });
      }
    });

    (onLinux ? it : it.skip)('SIGTERM while an output is stuck opening in the OS: exit 143 after the grace period, the output named', async () => {
      // A working output first: what it writes shows the run is going (and then held back by the stuck one).
      const file = tmp.file();
      const p = spawnBin(['run', ENDLESS, '--output', `file:${file}`, '--output', `file:${STUCK_PATH}`]);
      try {
        await until(hasBytes(file, 0));
        p.child.kill('SIGTERM');
        const { code, signal } = await p.exited;
        expect(signal).to.equal(null);
        expect(code, p.stderr()).to.equal(143);
        expect(p.stderr().split('\n')[0]).to.equal(
          'deep-faker: interrupted (SIGTERM); the outputs did not finish flushing within 2 s, exiting anyway; events the outputs had not written are lost',
        );
        const written = readJsonl(file).length;
        expect(written).to.be.greaterThan(0);
        expect(p.stderr()).to.contain(`  outputs: file:${file} ${written.toLocaleString('en-US')} acknowledged; file:${STUCK_PATH} 0 acknowledged\n`);
      } finally {
        p.child.kill('SIGKILL');
      }
    });

    (onLinux ? it : it.skip)('SIGINT twice while stuck: exit 130 at once', async () => {
      const file = tmp.file();
      const p = spawnBin(['run', ENDLESS, '--output', `file:${file}`, '--output', `file:${STUCK_PATH}`, '-q']);
      try {
        await until(hasBytes(file, 0));
        p.child.kill('SIGINT');
        await sleep(100);
        p.child.kill('SIGINT');
        const { code } = await p.exited;
        expect(code, p.stderr()).to.equal(130);
        expect(p.stderr()).to.contain('deep-faker: interrupted again (SIGINT)');
      } finally {
        p.child.kill('SIGKILL');
      }
    });

    (onLinux ? it : it.skip)('an output stuck opening, no signal: the run fails after the open time-out (10 s), exit 1, the output named', async () => {
      const p = spawnBin(['run', ENDLESS, '--output', `file:${STUCK_PATH}`]);
      try {
        const { code } = await p.exited;
        expect(code, p.stderr()).to.equal(1);
        expect(p.stderr().split('\n')[0]).to.equal(
          `deep-faker: sink "file:${STUCK_PATH}" failed: could not create the folder and open the file within 10000 ms (is the file system stuck or unreachable?)`,
        );
        expect(p.stderr()).to.contain(`outputs: file:${STUCK_PATH} 0 acknowledged`);
      } finally {
        p.child.kill('SIGKILL');
      }
    });
  });
});
