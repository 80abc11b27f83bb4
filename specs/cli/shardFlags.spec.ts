// `--shard`, `DEEP_FAKER_SHARD` and `--workers` (lib/cli/shardFlags.ts): the values they take, the
// usage errors that name them, the shards a process runs, and the summary's line on them.

import { expect } from 'chai';
import * as os from 'node:os';
import { UsageError } from '../../lib/cli/parseOutput';
import { describeShards, shardFlag, workerShards, workersFlag } from '../../lib/cli/shardFlags';
import { messageThrown } from '../helpers/thrown';

describe('cli: shardFlags', () => {
  it('--shard i/N, else DEEP_FAKER_SHARD, else the whole world', () => {
    expect(shardFlag('1/4', { DEEP_FAKER_SHARD: '2/8' })).to.deep.equal({ index: 1, count: 4 });
    expect(shardFlag(undefined, { DEEP_FAKER_SHARD: ' 2 / 8 ' })).to.deep.equal({ index: 2, count: 8 });
    expect(shardFlag(undefined, {})).to.deep.equal({ index: 0, count: 1 });
    expect(shardFlag(undefined, { DEEP_FAKER_SHARD: '' }), 'empty: none').to.deep.equal({ index: 0, count: 1 });
  });

  it('a bad value is a usage error naming where it came from', () => {
    const cases: ReadonlyArray<[string | undefined, NodeJS.ProcessEnv, string]> = [
      ['4/4', {}, '--shard: index must be an integer from 0 to 3, got 4'],
      ['-1/4', {}, '--shard: expected INDEX/COUNT, e.g. 0/4, got "-1/4"'],
      ['1', {}, '--shard: expected INDEX/COUNT, e.g. 0/4, got "1"'],
      ['0/10001', {}, '--shard: count must be an integer from 1 to 10000, got 10001'],
      [undefined, { DEEP_FAKER_SHARD: '3' }, 'DEEP_FAKER_SHARD: expected INDEX/COUNT, e.g. 0/4, got "3"'],
    ];
    for (const [flag, env, message] of cases) expect(messageThrown(() => shardFlag(flag, env), UsageError)).to.equal(message);
  });

  it('--workers: 1 by default, an integer from 1, or auto (one per core)', () => {
    expect(workersFlag(undefined)).to.equal(1);
    expect(workersFlag('3')).to.equal(3);
    expect(workersFlag('auto')).to.equal(os.availableParallelism());
    for (const bad of ['0', '1.5', '-2', 'two', '', '10001']) {
      expect(messageThrown(() => workersFlag(bad), UsageError, bad)).to.equal(
        `--workers: expected an integer from 1 to 10000, or "auto" (one per core), got "${bad}"`,
      );
    }
  });

  it('a process of shard i/M with N workers runs shards i·N … i·N+N−1 of M·N', () => {
    expect(workerShards({ index: 0, count: 1 }, 2)).to.deep.equal([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    expect(workerShards({ index: 1, count: 3 }, 2)).to.deep.equal([
      { index: 2, count: 6 },
      { index: 3, count: 6 },
    ]);
    // M processes of N workers together run every shard of M·N once.
    const all = [0, 1, 2].flatMap((index) => workerShards({ index, count: 3 }, 4)).map((s) => s.index);
    expect(all).to.deep.equal(Array.from({ length: 12 }, (_, i) => i));
  });

  it("the summary's line: none for the whole world, the shard of a process, each worker's shard with its events", () => {
    expect(describeShards([{ index: 0, count: 1 }], [])).to.equal(undefined);
    expect(describeShards([{ index: 3, count: 8 }], [])).to.equal('shard: 3/8');
    expect(
      describeShards(
        [
          { index: 2, count: 4 },
          { index: 3, count: 4 },
        ],
        [1_500, 1_499],
      ),
    ).to.equal('shards: 2 of 4 in 2 worker threads: 2/4 1,500 events, 3/4 1,499 events');
  });
});
