// The CLI's progress line on a terminal (lib/cli/progressReporter.ts): a fake TTY and a fake
// clock drive it (what it draws and when), and a real run through `main` on a fake TTY shows the
// live entities per type from the run's entity store.

import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { progressReporter } from '../../lib/cli/progressReporter';
import { createRunStats } from '../../lib/engine/runStats';
import { REPO } from '../helpers/cliRun';
import { tmpFiles } from '../helpers/jsonlFiles';

const MB = 2 ** 20;
const CLEAR = '\r\x1b[2K';

/** A stream that says it is a terminal of `columns`, and what was written to it. */
const fakeTty = (columns = 120) => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => (text += c));
  return { stream, text: () => text };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('cli: progressReporter', () => {
  it('is silent (undefined) on a stream that is not a terminal', () => {
    expect(progressReporter(new PassThrough())).to.equal(undefined);
  });

  it('draws the line after 250 ms, at most every 250 ms, with the rate over the last seconds; done clears it once', async () => {
    const tty = fakeTty();
    let now = 10_000;
    const reporter = progressReporter(tty.stream, { now: () => now, rss: () => 50 * MB, timer: false })!;
    const stats = createRunStats();
    stats.endTime = Date.UTC(2025, 0, 1);
    reporter.watchEntities(() => [['User', stats.events / 10]]);
    const at = (ms: number, events: number) => {
      now = 10_000 + ms;
      stats.events = events;
      stats.endTime = Date.UTC(2025, 0, 1) + events * 1_000;
      reporter.update(stats);
    };
    at(100, 100); // too early: nothing
    at(250, 250);
    at(400, 400); // within 250 ms of the last line: nothing
    at(500, 1_000);
    reporter.done();
    reporter.done();
    at(1_000, 2_000); // after done: nothing
    await settle();
    expect(tty.text()).to.equal(
      `${CLEAR}250 events · 1,000 events/s · 2025-01-01T00:04:10.000Z · rss 50 MB · User 25` +
        `${CLEAR}1,000 events · 2,000 events/s · 2025-01-01T00:16:40.000Z · rss 50 MB · User 100` +
        CLEAR,
    );
  });

  it('fits the terminal it is drawn on', async () => {
    const tty = fakeTty(50);
    let now = 0;
    const reporter = progressReporter(tty.stream, { now: () => now, rss: () => MB, timer: false })!;
    now = 1_000;
    reporter.update({ ...createRunStats(), events: 123_456 });
    reporter.done();
    await settle();
    const line = tty.text().split(CLEAR)[1];
    expect(line).to.have.length(49);
    expect(line).to.equal('123,456 events · 123,456 events/s · 1970-01-01T0…');
  });

  describe('in a run (main, on a fake terminal)', () => {
    const tmp = tmpFiles('deep-faker-progress-');

    it('shows the live entities per type of the run, then the summary on a cleared line', async () => {
      // Paced at 2 000/s, 1 500 events take more than 0.65 s: lines are drawn after 250 ms.
      const tty = fakeTty(200);
      const argv = [
        'run',
        path.join(REPO, 'scenarios/ecommerce.ts'),
        '--seed',
        '1',
        '--start',
        '2025-01-01T00:00:00Z',
        '--total-events',
        '1500',
        '--rate',
        '2000/s',
      ];
      const code = await main([...argv, '--output', `file:${tmp.file()}`], { stderr: tty.stream, cwd: tmp.dir(), signals: new EventEmitter() });
      await settle();
      expect(code).to.equal(0);
      const [progress, summary] = [tty.text().slice(0, tty.text().lastIndexOf(CLEAR)), tty.text().slice(tty.text().lastIndexOf(CLEAR) + CLEAR.length)];
      const lines = progress.split(CLEAR).slice(1);
      expect(lines.length).to.be.at.least(1);
      for (const line of lines) {
        expect(line).to.match(/^[\d,]+ events · [\d,]+ events\/s · 2025-01-01T[\d:.]+Z · rss [\d,]+ MB · User [\d,]+ · Product 50$/);
      }
      expect(summary).to.match(/^deep-faker: done: 1,500 events in /);
    });

    it('nothing with -q', async () => {
      const tty = fakeTty();
      const argv = [
        'run',
        path.join(REPO, 'scenarios/ecommerce.ts'),
        '--seed',
        '1',
        '--start',
        '2025-01-01T00:00:00Z',
        '--total-events',
        '800',
        '--rate',
        '2000/s',
        '-q',
      ];
      const code = await main([...argv, '--output', `file:${tmp.file()}`], { stderr: tty.stream, cwd: tmp.dir(), signals: new EventEmitter() });
      await settle();
      expect(code).to.equal(0);
      expect(tty.text()).to.equal('');
    });
  });
});
