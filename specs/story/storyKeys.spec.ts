import { expect } from 'chai';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { formatConfigError } from '../../lib/config/configError';
import { loadStory } from '../../lib/config/story/loadStory';
import { streamStory } from '../../lib/config/story/streamStory';
import { createRunStats } from '../../lib/engine/runStats';
import { EventGenerator } from '../../lib/story/eventGenerator';
import type { StoryEvent } from '../../lib/story/storyEvent';

const eventsOf = (text: string, options: Parameters<typeof streamStory>[1] = {}): StoryEvent[] => {
  const scheduler = new HeapScheduler(0);
  const events: StoryEvent[] = [];
  streamStory(text, { ...options, scheduler, debug: false }).subscribe({
    next: (e) => events.push(e),
    error: (e: Error) => {
      throw e;
    },
  });
  scheduler.flush();
  return events;
};

const errorsOf = (text: string): string[] => {
  const r = loadStory(text, { file: 's.yaml' });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

describe("story: user keys are keys, never JavaScript's", () => {
  it('__proto__, constructor and toString in data are real keys of the output, at every level', () => {
    const text =
      'org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: e\n    data:\n      __proto__: 1\n      constructor: 2\n      toString: 3\n      nested: {__proto__: {x: 1}, constructor: [4]}\n      sum: constructor + toString\n';
    const [e] = eventsOf(text);
    expect(JSON.stringify(e.data)).to.equal('{"__proto__":1,"constructor":2,"toString":3,"nested":{"__proto__":{"x":1},"constructor":[4]},"sum":5}');
    expect(Object.getPrototypeOf(e.data)).to.equal(Object.prototype);
  });

  it("a custom generator's __proto__ field is a field too", () => {
    class Gen extends EventGenerator {
      generate() {
        return JSON.parse('{"__proto__": {"polluted": true}, "b": 2}') as Record<string, unknown>;
      }
    }
    const [e] = eventsOf('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, data: {a: 1}}\n', { generators: { e: new Gen() } });
    expect(JSON.stringify(e.data)).to.equal('{"a":1,"__proto__":{"polluted":true},"b":2}');
    expect((e.data as { polluted?: unknown }).polluted).to.equal(undefined);
  });

  it('event and source names such as constructor and __proto__ are counted as themselves', () => {
    const stats = createRunStats();
    const text = 'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: __proto__, event: constructor, repeat: 2}\n  - {source: s, event: __proto__}\n';
    const events = eventsOf(text, { stats });
    expect(events.map((e) => [e.source, e.event_type, e.flow])).to.deep.equal([
      ['__proto__', 'constructor', '__proto__/constructor'],
      ['s', '__proto__', 's/__proto__'],
      ['__proto__', 'constructor', '__proto__/constructor'],
    ]);
    expect(JSON.stringify(stats.eventsByType)).to.equal('{"constructor":2,"__proto__":1}');
  });

  it('names that would find Object members are unknown, and prev.__proto__ (which expressions never read) is a located error', () => {
    expect(errorsOf('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, frequency: constructor}\n')).to.deep.equal([
      's.yaml:4:38 events[0].frequency: "constructor" is not a frequency (hourly, daily, weekly, or a duration such as "15m", "2h", "1h30m")',
    ]);
    expect(errorsOf('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, data: {__proto__: 1, b: prev.__proto__}}\n')).to.deep.equal([
      's.yaml:4:56 events[0].data.b: prev.__proto__ cannot be read: expressions never read a field named __proto__, constructor, prototype; rename the field',
    ]);
  });
});
