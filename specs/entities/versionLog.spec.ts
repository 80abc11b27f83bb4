import { expect } from 'chai';
import { VersionLog } from '../../lib/entities/versionLog';

const CHUNK = 4_096;

/** Appends `n` versions of one entity, one per millisecond from `t`, each linked to the one before; returns the last entry. */
const appendRun = (log: VersionLog, t: number, n: number, prev: number): number => {
  for (let k = 0; k < n; k++) prev = log.append(t + k, t + k + 1, { k: t + k }, null, prev);
  return prev;
};

describe('entities/versionLog', () => {
  it('keeps every entry without a window, each linked to the one before', () => {
    const log = new VersionLog();
    const last = appendRun(log, 0, 3 * CHUNK, -1);
    expect([log.first, log.length, log.latest]).to.deep.equal([0, 3 * CHUNK, 3 * CHUNK]);
    expect(log.prev(last)).to.equal(last - 1);
    expect(log.state(0)).to.deep.equal({ k: 0 });
    expect(log.prev(0)).to.equal(-1);
  });

  it('with a window, releases whole chunks from the head when a chunk starts, once all their versions ended before it', () => {
    const log = new VersionLog(1_000);
    appendRun(log, 0, CHUNK, -1); // chunk 0: versions end at 1 … 4 096
    expect(log.length).to.equal(CHUNK);
    log.append(5_000, 5_096, {}, null, -1); // chunk 1 starts: chunk 0's last version ended at 4 096 >= 5 096 - 1 000
    expect([log.first, log.length]).to.deep.equal([0, CHUNK + 1]);
    appendRun(log, 6_000, CHUNK - 1, -1); // fills chunk 1, latest end 10 095
    log.append(20_000, 20_001, { last: true }, null, CHUNK); // chunk 2: chunks 0 and 1 ended before 19 001
    expect([log.first, log.length]).to.deep.equal([2 * CHUNK, 1]);
    expect(log.state(2 * CHUNK)).to.deep.equal({ last: true });
    expect(log.prev(2 * CHUNK), 'a link into a released chunk is kept as it is: below first').to.equal(CHUNK);
  });

  it('renumbers from 0 at idLimit: links into released chunks become -1, the others shift, and the owner is told', () => {
    const limit = VersionLog.idLimit;
    VersionLog.idLimit = 3 * CHUNK;
    try {
      const shifts: number[] = [];
      const log = new VersionLog(CHUNK / 2, (shift) => shifts.push(shift));
      const a = appendRun(log, 0, 3 * CHUNK, -1); // one entity over chunks 0–2; chunk 0 released on the way
      expect(log.first).to.equal(CHUNK);
      // Chunk 3 starts at entry 3 × CHUNK: chunk 1 is released, then what is left renumbered.
      const b = log.append(3 * CHUNK, 3 * CHUNK + 1, { b: true }, null, a);
      expect(shifts).to.deep.equal([2 * CHUNK]);
      expect([log.first, log.length, b]).to.deep.equal([0, CHUNK + 1, CHUNK]);
      expect(log.prev(b), 'its link, renumbered').to.equal(a - 2 * CHUNK);
      expect(log.state(b)).to.deep.equal({ b: true });
      expect(log.prev(0), 'the first entry held linked into chunk 1, released').to.equal(-1);
      expect(log.prev(1)).to.equal(0);
      expect(log.from(1)).to.equal(2 * CHUNK + 1);
    } finally {
      VersionLog.idLimit = limit;
    }
  });
});
