import { expect } from 'chai';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import type { StreamStoryOptions } from '../../lib/config/story/streamStory';
import { streamStory } from '../../lib/config/story/streamStory';
import { EventGenerator } from '../../lib/story/eventGenerator';
import { describeFailure, StoryError } from '../../lib/story/storyError';
import { jsonProblem } from '../../lib/story/jsonProblem';
import { dataSize } from '../../lib/story/dataSize';
import type { StoryEvent } from '../../lib/story/storyEvent';

/** All events of a story on a fresh HeapScheduler, and the error that ended it. */
const runAll = (text: string, options: StreamStoryOptions = {}): { events: StoryEvent[]; error: Error | undefined } => {
  const scheduler = new HeapScheduler(0);
  const events: StoryEvent[] = [];
  let error: Error | undefined;
  streamStory(text, { ...options, scheduler, debug: false }).subscribe({ next: (e) => events.push(e), error: (e: Error) => (error = e) });
  scheduler.flush();
  return { events, error };
};

/** A generator that returns what it is given (or throws it). */
class Returning extends EventGenerator {
  constructor(private readonly make: () => Readonly<Record<string, unknown>>) {
    super();
  }
  generate() {
    return this.make();
  }
}

const ONE = 'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, repeat: 2, data: {a: 1}}\n';

describe('story: failures while playing are StoryErrors that say where', () => {
  it('a start moved past story time emits what fits, then fails naming the definition and the limit', () => {
    const { events, error } = runAll('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, repeat: 5}\n', { start: '9999-12-30' });
    expect(events.map((e) => e.timestamp)).to.deep.equal(['9999-12-30T00:00:00.000Z', '9999-12-31T00:00:00.000Z']);
    expect(error).to.be.instanceOf(StoryError);
    expect(error!.message).to.equal(
      'story.yaml:4:5 events[0]: occurrence #2 of s/e falls after 9999-12-31 (start 9999-12-30T00:00:00.000Z); story times must lie within the years 0000 to 9999 (ISO-8601 four-digit years)',
    );
    // totalEvents reached first: a clean end.
    expect(
      runAll('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, repeat: 5}\n', { start: '9999-12-30', totalEvents: 2 }).error,
    ).to.equal(undefined);
    expect(() => streamStory(ONE, { start: 9e15 })).to.throw(StoryError, 'start: 9000000000000000 is outside story time');
  });

  it('an expression that fails only at run time is located, with the occurrence', () => {
    const { events, error } = runAll(
      "org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: e\n    repeat: 3\n    data:\n      a: len('x' * (index * 10000000000))\n",
    );
    expect(events).to.have.length(1);
    expect(error).to.be.instanceOf(StoryError);
    expect(error!.message).to.equal(
      'story.yaml:8:14 events[0].data.a: result is larger than the limit of 1000000 characters or items (maxValueSize; raise it with limits.max_expression_size) (s/e #1 at 2025-01-02T00:00:00.000Z)',
    );
  });

  it("a custom generator's own error is named as its, located at the definition", () => {
    const gen = new Returning(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    const { error } = runAll(ONE, { generators: { e: gen } });
    expect(error).to.be.instanceOf(StoryError);
    expect(error!.message).to.equal(
      "story.yaml:4:5 events[0] generator: generate() threw TypeError: Cannot read properties of undefined (reading 'x') (s/e #0 at 2025-01-01T00:00:00.000Z)",
    );
  });

  it('a custom generator must return JSON data: what is not is named by its field', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: Array<[() => Readonly<Record<string, unknown>>, string]> = [
      [() => ({ total: 10n }), 'total is a bigint'],
      [() => ({ total: NaN }), 'total is NaN (JSON has only finite numbers)'],
      [() => ({ items: [1, undefined] }), 'items[1] is undefined (use null)'],
      [() => ({ when: new Map() }), 'when is a Map (return plain objects, lists and values)'],
      [() => ({ a: cyclic }), 'a.self refers back to itself (a cycle)'],
    ];
    for (const [make, problem] of cases) {
      const { error } = runAll(ONE, { generators: { e: new Returning(make) } });
      expect(error?.message).to.equal(
        `story.yaml:4:5 events[0] generator: generate() returned a field that is not JSON: ${problem} (s/e #0 at 2025-01-01T00:00:00.000Z)`,
      );
    }
    const { error } = runAll(ONE, { generators: { e: new Returning(() => 42 as never) } });
    expect(error?.message).to.equal(
      'story.yaml:4:5 events[0] generator: generate() must return an object of fields, got 42 (s/e #0 at 2025-01-01T00:00:00.000Z)',
    );
    const throwing = {
      get x(): unknown {
        throw new RangeError('nope');
      },
    };
    expect(runAll(ONE, { generators: { e: new Returning(() => throwing) } }).error?.message).to.match(/generate\(\) threw RangeError: nope/);
    expect(jsonProblem({ a: [1, 'x', null, true, { b: new Date(0) }] }, '')).to.equal(undefined);
  });

  it('data that grows with every event stops at max_event_size, located at the field; a story may raise it', () => {
    const text = (head: string) =>
      `org_id: a\nstart_date: 2025-01-01\n${head}events:\n  - source: s\n    event: e\n    repeat: 100\n    data:\n      a: [prev.a, prev.a]\n`;
    const { events, error } = runAll(text(''));
    // The written size doubles with each event: about 5 × 2^21 characters at #20, past ten million.
    expect(events).to.have.length(20);
    expect(error).to.be.instanceOf(StoryError);
    expect(error!.message).to.equal(
      "story.yaml:8:10 events[0].data.a: the event's data passes max_event_size (10000000, about its JSON size in characters); a value that grows with every event (str(prev), [prev.a, prev.a]) is the usual cause; a story may raise max_event_size (s/e #20 at 2025-01-21T00:00:00.000Z)",
    );
    expect(runAll(text('max_event_size: 1000\n')).events).to.have.length(7);
    expect(runAll(text('max_event_size: 30000000\n')).events).to.have.length(22);
    const sample = { plan: 'pro', amount: 99, tags: ['a'], at: null };
    expect(dataSize(sample, 1000)).to.be.closeTo(JSON.stringify(sample).length, 5); // about the JSON size
    expect(dataSize('x'.repeat(2000), 1000)).to.equal(Infinity);
  });

  it('JavaScript limits are named as such, and anything else says it is internal', () => {
    expect(describeFailure(new RangeError('Invalid string length'))).to.equal(
      'the value is too large to make (a string or list longer than JavaScript can hold)',
    );
    expect(describeFailure(new RangeError('Maximum call stack size exceeded'))).to.equal('the value is nested too deeply to make');
    expect(describeFailure(new TypeError('x is not a function'))).to.equal('internal error of deep-faker (please report it): TypeError: x is not a function');
    expect(describeFailure(new StoryError('no case for "gold"'))).to.equal('no case for "gold"');
  });
});
