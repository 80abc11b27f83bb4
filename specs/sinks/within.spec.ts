// Bounding an output's wait on the world in time (lib/sinks/within.ts).

import { expect } from 'chai';
import { openWithin, within } from '../../lib/sinks/within';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('within', () => {
  it('settles as the work does when it is in time', async () => {
    expect(await within(Promise.resolve(7), 1_000, () => 'late')).to.equal(7);
    let failed: unknown;
    await within(Promise.reject(new Error('no')), 1_000, () => 'late').catch((e: unknown) => (failed = e));
    expect((failed as Error).message).to.equal('no');
  });

  it('rejects with the message when the work is late', async () => {
    let failed: unknown;
    await within(later(500, 1), 20, () => 'took too long').catch((e: unknown) => (failed = e));
    expect((failed as Error).message).to.equal('took too long');
  });

  it('openWithin closes what opens too late, once it has opened', async () => {
    const closed: string[] = [];
    let failed: unknown;
    await openWithin(
      () => later(100, 'handle'),
      20,
      'open the thing',
      async (h) => void closed.push(h),
    ).catch((e: unknown) => (failed = e));
    expect((failed as Error).message).to.equal('could not open the thing within 20 ms (is the file system stuck or unreachable?)');
    expect(closed).to.deep.equal([]);
    await later(150, undefined);
    expect(closed).to.deep.equal(['handle']);
  });
});
