// Adding up the summaries of the shards of a run (lib/cli/sumSummaries.ts): every count summed,
// outputs of one name into one, the virtual span from the earliest start to the latest end, and
// a shared type's initial entities (which every shard holds) counted once.

import { expect } from 'chai';
import { sumEntityCounts, sumSummaries } from '../../lib/cli/sumSummaries';
import type { RunSummary } from '../../lib/runtime/runSimulation';

const part = (over: Partial<RunSummary>): RunSummary => ({
  seed: 42,
  events: 0,
  eventsByType: {},
  sessions: { started: 0, completed: 0, dropped: 0, unmatched: 0, truncated: 0, failed: 0 },
  entities: {},
  virtualStart: '2025-01-01T00:00:00.000Z',
  virtualEnd: '2025-01-01T00:00:00.000Z',
  wallMs: 0,
  outputs: [],
  ...over,
});

describe('cli: sumSummaries', () => {
  const a = part({
    events: 110,
    eventsByType: { AccountCreated: 10, ProductCreated: 50, constructor: 50 },
    sessions: { started: 20, completed: 15, dropped: 2, unmatched: 1, truncated: 2, failed: 0 },
    entities: { User: { created: 10, retired: 1, live: 9 }, Product: { created: 50, retired: 0, live: 50 } },
    virtualEnd: '2025-01-01T01:00:00.000Z',
    wallMs: 900,
    outputs: [
      { name: 'file:out/e-0.jsonl', accepted: 110 },
      { name: 'kafka:events', accepted: 110 },
    ],
  });
  const b = part({
    events: 70,
    eventsByType: { AccountCreated: 12, constructor: 58 },
    sessions: { started: 22, completed: 16, dropped: 3, unmatched: 0, truncated: 2, failed: 1 },
    entities: { User: { created: 12, retired: 2, live: 10 }, Product: { created: 52, retired: 1, live: 51 } },
    virtualStart: '2024-12-31T23:59:00.000Z',
    virtualEnd: '2025-01-01T00:30:00.000Z',
    wallMs: 1_000,
    outputs: [
      { name: 'file:out/e-1.jsonl', accepted: 69 },
      { name: 'kafka:events', accepted: 69 },
    ],
  });

  it('sums events, per type, sessions and outputs by name; the span is the union; the wall time is the run’s', () => {
    const s = sumSummaries([a, b], { wallMs: 1_234 });
    expect(s.seed).to.equal(42);
    expect(s.events).to.equal(180);
    expect(s.eventsByType).to.deep.equal({ AccountCreated: 22, ProductCreated: 50, constructor: 108 });
    expect(Object.hasOwn(s.eventsByType, 'constructor')).to.equal(true);
    expect(s.sessions).to.deep.equal({ started: 42, completed: 31, dropped: 5, unmatched: 1, truncated: 4, failed: 1 });
    expect(s.outputs).to.deep.equal([
      { name: 'file:out/e-0.jsonl', accepted: 110 },
      { name: 'kafka:events', accepted: 179 },
      { name: 'file:out/e-1.jsonl', accepted: 69 },
    ]);
    expect([s.virtualStart, s.virtualEnd]).to.deep.equal(['2024-12-31T23:59:00.000Z', '2025-01-01T01:00:00.000Z']);
    expect(s.wallMs).to.equal(1_234);
  });

  it("counts a shared type's initial entities once: what the shards made besides them is added", () => {
    const plain = sumSummaries([a, b], { wallMs: 1 });
    expect(plain.entities.Product).to.deep.equal({ created: 102, retired: 1, live: 101 });
    const s = sumSummaries([a, b], { wallMs: 1, sharedInitial: new Map([['Product', 50]]) });
    expect(s.entities).to.deep.equal({ User: { created: 22, retired: 3, live: 19 }, Product: { created: 52, retired: 1, live: 51 } });
  });

  it('one part is itself (with the given wall time)', () => {
    expect(sumSummaries([a], { wallMs: 900, sharedInitial: new Map([['Product', 50]]) })).to.deep.equal(a);
  });

  it('live entities of the progress line: summed per type, in order, shared initial entities once', () => {
    const counts = sumEntityCounts(
      [
        [
          ['User', 9],
          ['Product', 50],
        ],
        [
          ['User', 10],
          ['Product', 51],
        ],
        [],
      ],
      new Map([['Product', 50]]),
    );
    expect(counts).to.deep.equal([
      ['User', 19],
      ['Product', 51],
    ]);
  });
});
