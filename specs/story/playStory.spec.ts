import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { HeapScheduler } from '../../lib/core/heapScheduler';
import { eventKey, eventTime } from '../../lib/core/simEvent';
import type { StreamStoryOptions } from '../../lib/config/story/streamStory';
import { debugEnabled, streamStory } from '../../lib/config/story/streamStory';
import type { GeneratorContext } from '../../lib/story/eventGenerator';
import { EventGenerator } from '../../lib/story/eventGenerator';
import { StoryError } from '../../lib/story/storyError';
import type { StoryEvent } from '../../lib/story/storyEvent';
import { marbleOf } from '../helpers/marbleOf';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** All events of a story on a fresh HeapScheduler (outside TestScheduler.run). */
const runAll = (text: string, options: StreamStoryOptions = {}): { events: StoryEvent[]; error: unknown } => {
  const scheduler = new HeapScheduler(0);
  const events: StoryEvent[] = [];
  let error: unknown;
  let done = false;
  streamStory(text, { ...options, scheduler, debug: options.debug ?? false }).subscribe({
    next: (e) => events.push(e),
    error: (e) => (error = e),
    complete: () => (done = true),
  });
  scheduler.flush();
  if (error === undefined) expect(done, 'completed').to.equal(true);
  return { events, error };
};

describe('story: playStory', () => {
  const testScheduler = () =>
    new TestScheduler((a, b) => {
      expect(a).to.deep.equal(b);
    });

  it('emits each occurrence at start + offset_days + k × frequency (marbles), definitions in file order at one instant', () => {
    const text = [
      'org_id: acme',
      'start_date: 2025-01-01',
      'events:',
      '  - {source: web, event: a, offset_days: 1, repeat: 3, frequency: 8h}',
      '  - {source: web, event: b, repeat: 2, frequency: daily}',
      '  - {source: web, event: c, offset_days: 2, repeat: 2, frequency: weekly}',
      '  - {source: web, event: d, repeat: 3, frequency: hourly}',
    ].join('\n');
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const types = streamStory(text, { scheduler: ts, debug: false }).pipe(map((e) => e.event_type));
      const frames: Array<[number, string]> = [
        [0, 'b'],
        [0, 'd'],
        [HOUR, 'd'],
        [2 * HOUR, 'd'],
        [DAY, 'a'],
        [DAY, 'b'],
        [DAY + 8 * HOUR, 'a'],
        [DAY + 16 * HOUR, 'a'],
        [2 * DAY, 'c'],
        [9 * DAY, 'c'],
      ];
      expectObservable(types).toBe(marbleOf(frames, 9 * DAY), { a: 'a', b: 'b', c: 'c', d: 'd' });
    });
  });

  it("follows the wall clock of the story's zone: daily at 09:00 New York is 23 h apart across the DST change, rendered with the offset", () => {
    const text =
      'org_id: acme\nstart_date: 2025-03-07T09:00:00\ntimezone: America/New_York\nevents:\n  - {source: s, event: tick, repeat: 4, frequency: daily, data: {at: "datetime(\'%H:%M %Z\')"}}\n';
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const stamps = streamStory(text, { scheduler: ts, debug: false }).pipe(map((e) => e.timestamp));
      expectObservable(stamps).toBe(
        marbleOf(
          [
            [0, 'a'],
            [DAY, 'b'],
            [2 * DAY - HOUR, 'c'],
            [3 * DAY - HOUR, 'd'],
          ],
          3 * DAY - HOUR,
        ),
        {
          a: '2025-03-07T09:00:00.000-05:00',
          b: '2025-03-08T09:00:00.000-05:00',
          c: '2025-03-09T09:00:00.000-04:00',
          d: '2025-03-10T09:00:00.000-04:00',
        },
      );
    });
    const { events } = runAll(text);
    expect(events.map((e) => e.data.at)).to.deep.equal(['09:00 EST', '09:00 EST', '09:00 EDT', '09:00 EDT']);
    expect(events.map(eventTime)).to.deep.equal(events.map((e) => Date.parse(e.timestamp)));
  });

  it('end_date bounds the stream: a date includes its whole day, occurrences after it are not emitted', () => {
    const { events } = runAll('org_id: a\nstart_date: 2025-01-01\nend_date: 2025-01-02\nevents:\n  - {source: s, event: e, repeat: 100, frequency: 6h}\n');
    expect(events).to.have.length(8);
    expect(events[7].timestamp).to.equal('2025-01-02T18:00:00.000Z');
  });

  it('carries org_id, source, event name and timestamp besides the data; a deterministic id per event; the org as message key', () => {
    const text = 'org_id: acme\nstart_date: 2025-01-01\nevents:\n  - {source: posthog, event: user.signup, repeat: 2, data: {id: uuid4()}}\n';
    const [a, b] = runAll(text, { seed: 3 }).events;
    expect(Object.keys(a)).to.deep.equal(['event_id', 'event_type', 'timestamp', 'session_id', 'flow', 'org_id', 'source', 'data']);
    expect(a).to.include({ event_type: 'user.signup', org_id: 'acme', source: 'posthog', flow: 'posthog/user.signup', timestamp: '2025-01-01T00:00:00.000Z' });
    expect(eventKey(a)).to.equal('acme');
    expect(a.event_id).to.not.equal(b.event_id);
    expect(JSON.stringify(runAll(text, { seed: 3 }).events)).to.equal(JSON.stringify([a, b]));
    expect(JSON.stringify(runAll(text, { seed: 4 }).events)).to.not.equal(JSON.stringify([a, b]));
  });

  it('prev is the previous occurrence of the same definition; on the first, every prev field is null', () => {
    const text =
      'org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: walk\n    repeat: 5\n    frequency: 1m\n    data:\n      n: (prev.n or 0) + 1\n      was: prev.n\n      i: index\n';
    expect(runAll(text).events.map((e) => e.data)).to.deep.equal([
      { n: 1, was: null, i: 0 },
      { n: 2, was: 1, i: 1 },
      { n: 3, was: 2, i: 2 },
      { n: 4, was: 3, i: 3 },
      { n: 5, was: 4, i: 4 },
    ]);
  });

  it('ref: the same repetition index when the counts line up, else the latest at or before this event', () => {
    const text = [
      'org_id: a',
      'start_date: 2025-01-01',
      'events:',
      '  - {source: s, event: signup, repeat: 3, frequency: daily, data: {n: index}}',
      '  - {source: s, event: same, offset_days: 5, repeat: 3, frequency: daily, data: {of: ref(signup.n)}}', // counts line up
      '  - {source: s, event: latest, repeat: 4, frequency: 12h, data: {of: ref(signup.n)}}', // 4 ≠ 3: latest
      '  - {source: s, event: ahead, repeat: 3, frequency: 1h, data: {of: ref(s.signup.n)}}', // lines up but signup #1 is not there yet
    ].join('\n');
    const events = runAll(text).events;
    const of = (t: string) => events.filter((e) => e.event_type === t).map((e) => e.data.of);
    expect(of('same')).to.deep.equal([0, 1, 2]);
    expect(of('latest')).to.deep.equal([0, 0, 1, 1]);
    expect(of('ahead')).to.deep.equal([0, 0, 0]);
  });

  it('ref with a default gives it while the target has not happened; a run-time failure names file, line, column, field and occurrence', () => {
    const withDefault =
      'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: pay, repeat: 3, data: {user: "ref(signup.id, \'none\')"}}\n  - {source: s, event: signup, offset_days: 1, data: {id: 7}}\n';
    expect(
      runAll(withDefault)
        .events.filter((e) => e.event_type === 'pay')
        .map((e) => e.data.user),
    ).to.deep.equal(['none', 'none', 7]); // at one instant, file order: pay #1 comes before signup #0
    const failing =
      "org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: sub\n    repeat: 3\n    data:\n      plan: choice(['free', 'team'])\n      amount: switch(plan, {'free': 0})\n";
    const { events, error } = runAll(failing, { seed: 1 });
    expect(error).to.be.instanceOf(StoryError);
    expect((error as Error).message).to.match(
      /^story\.yaml:9:15 events\[0\]\.data\.amount: switch\(\): no case for "team" \(cases: free\); add a default as third argument \(s\/sub #\d at 2025-01-0\dT00:00:00\.000Z\)$/,
    );
    expect(events.every((e) => e.data.plan === 'free')).to.equal(true);
  });

  it('EventGenerator: registered per source/event, generate(context) with resolveValue and getContextValue', () => {
    class Invoice extends EventGenerator {
      readonly seen: GeneratorContext[] = [];
      generate(context: GeneratorContext) {
        this.seen.push(context);
        return {
          total: ((this.getContextValue('prev.total') as number | null) ?? 100) + (this.resolveValue('random(1, 1)') as number),
          first: this.getContextValue('prev.total') === null,
          customer: this.resolveValue('ref(user.signup.id)'),
          label: this.resolveValue("'inv-' + str(index) + '-' + base"),
        };
      }
    }
    const gen = new Invoice();
    const text =
      'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: posthog, event: user.signup, repeat: 3, data: {id: uuid4()}}\n  - {source: stripe, event: invoice.paid, repeat: 3, data: {base: "x"}}\n';
    const { events } = runAll(text, { generators: { 'stripe/invoice.paid': gen } });
    const invoices = events.filter((e) => e.event_type === 'invoice.paid');
    const signups = events.filter((e) => e.event_type === 'user.signup');
    expect(invoices.map((e) => e.data.total)).to.deep.equal([101, 102, 103]);
    expect(invoices.map((e) => e.data.first)).to.deep.equal([true, false, false]);
    expect(invoices.map((e) => e.data.customer)).to.deep.equal(signups.map((e) => e.data.id));
    expect(invoices.map((e) => e.data.label)).to.deep.equal(['inv-0-x', 'inv-1-x', 'inv-2-x']);
    expect(invoices[0].data.base).to.equal('x');
    expect(gen.seen.map((c) => [c.source, c.event, c.index, c.timestamp, c.prev === null])).to.deep.equal([
      ['stripe', 'invoice.paid', 0, '2025-01-01T00:00:00.000Z', true],
      ['stripe', 'invoice.paid', 1, '2025-01-02T00:00:00.000Z', false],
      ['stripe', 'invoice.paid', 2, '2025-01-03T00:00:00.000Z', false],
    ]);
    expect(() => gen.resolveValue('1')).to.throw('resolveValue() can only be called inside generate()');
  });

  it('debug lines show the schedule, each event, each expression and each ref decision', () => {
    const lines: string[] = [];
    const text =
      'org_id: a\nstart_date: 2025-01-01\nend_date: 2025-01-01\nevents:\n  - {source: s, event: signup, repeat: 2, frequency: 12h, data: {plan: "choice([\'pro\'])"}}\n  - {source: s, event: sub, repeat: 2, frequency: 12h, data: {plan: ref(signup.plan), fee: "switch(plan, {\'pro\': 99})"}}\n  - {source: s, event: late, offset_days: 3}\n';
    runAll(text, { debug: (l) => lines.push(l) });
    expect(lines.slice(0, 6)).to.deep.equal([
      'deep-faker:story story story.yaml: org a, zone UTC, start 2025-01-01T00:00:00.000Z, end 2025-01-02T00:00:00.000Z',
      'deep-faker:story schedule s/signup: 2 × every 12h from 2025-01-01T00:00:00.000Z (offset_days 0)',
      'deep-faker:story schedule s/sub: 2 × every 12h from 2025-01-01T00:00:00.000Z (offset_days 0)',
      'deep-faker:story   ref(signup.plan) → s/signup by repetition index (both repeat 2 times), else the latest',
      'deep-faker:story schedule s/late: 1 × daily from never (after the end) (offset_days 3)',
      'deep-faker:story 2025-01-01T00:00:00.000Z s/signup #0',
    ]);
    expect(lines).to.include('deep-faker:story   plan = choice([\'pro\']) → "pro"');
    expect(lines).to.include('deep-faker:story   ref(signup.plan) → s/signup #1 (same repetition) = "pro"');
    expect(lines).to.include("deep-faker:story   fee = switch(plan, {'pro': 99}) → 99");
    expect(debugEnabled('deep-faker:*')).to.equal(true);
    expect(debugEnabled('*,-deep-faker:story')).to.equal(false);
    expect(debugEnabled('other')).to.equal(false);
    expect(debugEnabled(undefined)).to.equal(false);
  });

  it('is cold and stops on unsubscribe; totalEvents stops early', () => {
    const text = 'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: e, repeat: 10, frequency: 1m}\n';
    const scheduler = new HeapScheduler(0);
    const got: number[] = [];
    const sub = streamStory(text, { scheduler, debug: false }).subscribe((e) => {
      got.push(eventTime(e));
      if (got.length === 3) sub.unsubscribe();
    });
    scheduler.flush();
    expect(got).to.have.length(3);
    expect(scheduler.peekTime()).to.equal(undefined);
    expect(runAll(text, { totalEvents: 4 }).events).to.have.length(4);
    expect(runAll(text, { duration: 150_000 }).events).to.have.length(3);
  });
});
