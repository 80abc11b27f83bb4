import { expect } from 'chai';
import { formatConfigError } from '../../../lib/config/configError';
import { isStoryText, loadStory } from '../../../lib/config/story/loadStory';
import { maskExpressions } from '../../../lib/config/story/maskExpressions';
import { EventGenerator } from '../../../lib/story/eventGenerator';

const errorsOf = (text: string, options = {}): string[] => {
  const r = loadStory(text, { file: 's.yaml', ...options });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

describe('config/story: loadStory validation', () => {
  it('reports every mistake at once, located inside expressions', () => {
    const text = [
      'org_id: acme', //                                   1
      'start_date: 2025-01-01', //                         2
      'timezone: America/New_Yrok', //                     3
      'events:', //                                        4
      '  - source: posthog', //                            5
      '    event: user.signup', //                         6
      '    offset_days: -1', //                            7
      '    repeat: -3', //                                 8
      '    frequency: dayly', //                           9
      '    data:', //                                      10
      '      user_id: uuid4()', //                         11
      "      plan: choise(['free', 'pro'])", //            12
      '      score: random(1, 10) +', //                   13
      '      bonus: prev.scroe', //                        14
      '  - source: stripe', //                             15
      '    event: subscription.created', //                16
      '    data:', //                                      17
      '      customer_id: ref(user.signin.user_id)', //    18
      '      plan: ref(user.signup.plann)', //             19
      "      amount: switch(plan, {'free': 0}) * rate", // 20
      '      note: active', //                             21
      "      when: datetime('%Y %Q')", //                  22
      '      stamp: faker.emial()', //                     23
      '    colour: red', //                                24
      '',
    ].join('\n');
    expect(errorsOf(text)).to.deep.equal([
      's.yaml:3:11 timezone: unknown time zone "America/New_Yrok"; did you mean "America/New_York"? (an IANA name such as "America/New_York", or "UTC")',
      's.yaml:7:18 events[0].offset_days: expected an integer >= 0, got -1',
      's.yaml:8:13 events[0].repeat: expected an integer >= 1, got -3',
      's.yaml:9:16 events[0].frequency: "dayly" is not a frequency; did you mean "daily"?',
      's.yaml:12:13 events[0].data.plan: unknown function "choise"; did you mean "choice"?',
      's.yaml:13:29 events[0].data.score: expected an expression after "+"',
      's.yaml:14:19 events[0].data.bonus: prev has no field "scroe"; did you mean "score"?',
      's.yaml:18:24 events[1].data.customer_id: ref(): no event "user.signin" in the story; did you mean "user.signup"?',
      's.yaml:19:17 events[1].data.plan: ref(): user.signup has no field "plann"; did you mean "plan"?',
      's.yaml:20:43 events[1].data.amount: unknown name "rate"',
      's.yaml:21:13 events[1].data.note: unknown name "active" (names in scope: the fields above, prev, index, org_id); to write the text active, quote it: \'active\'',
      's.yaml:22:22 events[1].data.when: datetime(): unknown strftime directive "%Q"',
      's.yaml:23:14 events[1].data.stamp: unknown function "faker.emial"; did you mean "faker.email"?',
      's.yaml:24:5 events[1].colour: unknown key "colour"',
    ]);
  });

  it('checks the document itself: required keys, dates, end after start, an empty event list', () => {
    expect(errorsOf('start_date: someday\nend_date: 2024-12-31\nevents: []\nsed: 1\n')).to.deep.equal([
      's.yaml:1:1 missing required key "org_id"',
      's.yaml:1:13 start_date: expected a date such as 2025-01-01 or a date-time such as 2025-01-01T09:00:00 (local to timezone) or 2025-01-01T09:00:00Z, got "someday"',
      's.yaml:3:9 events: a story needs at least one event',
      's.yaml:4:1 sed: unknown key "sed"; did you mean "seed"?',
    ]);
    expect(errorsOf('org_id: a\nstart_date: 2025-01-02\nend_date: 2025-01-01\nevents:\n  - {source: s, event: e}\n')).to.deep.equal([
      's.yaml:3:11 end_date: end_date is not after start_date',
    ]);
  });

  it('a ref with nothing to point at when the referring event first occurs is an error, unless it has a default', () => {
    const story = (ref: string, offset: number) =>
      `org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: pay\n    data:\n      user: ${ref}\n  - source: s\n    event: signup\n    offset_days: ${offset}\n    data:\n      id: uuid4()\n`;
    expect(errorsOf(story('ref(signup.id)', 1))).to.deep.equal([
      's.yaml:7:17 events[0].data.user: ref(): signup has not happened yet when pay first occurs (2025-01-01T00:00:00.000Z; signup first occurs 2025-01-02T00:00:00.000Z); change offset_days, or give a default: ref(signup.id, null)',
    ]);
    // Same instant, but defined below: at one instant definitions emit in file order.
    expect(errorsOf(story('ref(signup.id)', 0))[0]).to.contain('signup first occurs 2025-01-01T00:00:00.000Z, defined below');
    expect(errorsOf(story('ref(signup.id, None)', 1))).to.deep.equal([]);
    expect(errorsOf(story('ref(pay.user)', 0))[0]).to.equal('s.yaml:7:17 events[0].data.user: ref(): an event cannot refer to itself; use prev.user');
  });

  it('ambiguous refs need the source; forward references name the order rule', () => {
    const text =
      'org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: web, event: click, data: {x: 1}}\n  - {source: app, event: click, data: {x: 2}}\n  - source: s\n    event: e\n    data:\n      a: ref(click.x)\n      b: ref(app.click.x)\n      c: d + 1\n      d: 2\n';
    expect(errorsOf(text)).to.deep.equal([
      's.yaml:9:14 events[2].data.a: ref(): "click" is ambiguous (2 definitions: events[0] web/click, events[1] app/click); qualify it with its source',
      's.yaml:11:10 events[2].data.c: unknown name "d": "d" is defined below this field (fields are evaluated in order)',
    ]);
  });

  it('generators must match an event of the story', () => {
    class G extends EventGenerator {
      generate() {
        return {};
      }
    }
    expect(
      errorsOf('org_id: a\nstart_date: 2025-01-01\nevents:\n  - {source: s, event: user.signup}\n', { generators: { 's/user.signin': new G() } }),
    ).to.deep.equal(['s.yaml:1:1 generators["s/user.signin"]: no event of the story is "s/user.signin"; did you mean "s/user.signup"?']);
  });

  it("reads the story format's unquoted multi-line expressions, keeping every offset", () => {
    const src = "a: f({'k': 1,\n  'j': 2})\nb: 'quoted: text'\n";
    const m = maskExpressions(src);
    expect(m.text.length).to.equal(src.length);
    expect(m.text).to.equal(`a: ${'x'.repeat(21)}\nb: 'quoted: text'\n`);
    expect([...m.originals]).to.deep.equal([[3, "f({'k': 1,\n  'j': 2})"]]);
    // An error inside the second line of a multi-line switch points at that line.
    const bad =
      "org_id: a\nstart_date: 2025-01-01\nevents:\n  - source: s\n    event: e\n    data:\n      plan: 'pro'\n      amount: switch(plan, {\n        'free': 0,\n        'pro': 99 +\n      })\n";
    expect(errorsOf(bad)).to.deep.equal(['s.yaml:11:7 events[0].data.amount: expected an expression after "+"']);
  });

  it('tells stories from YAML models', () => {
    expect(isStoryText('org_id: a\nstart_date: 2025-01-01\nevents: []\n')).to.equal(true);
    expect(isStoryText('event_types:\n  A: {}\nevents: []\norg_id: x\n')).to.equal(false);
    expect(isStoryText('simulation_settings: {}\nevent_types: {}\n')).to.equal(false);
  });
});
