import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../lib/cli/main';
import { formatConfigError } from '../../../lib/config/configError';
import { loadStory } from '../../../lib/config/story/loadStory';
import { streamStory } from '../../../lib/config/story/streamStory';
import { HeapScheduler } from '../../../lib/core/heapScheduler';

const errorsOf = (text: string): string[] => {
  const r = loadStory(text, { file: 's.yaml' });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

const story = (events: string, head = 'org_id: a\nstart_date: 2025-01-01\n'): string => `${head}events:\n${events}`;
const LIMIT = 'story times must lie within the years 0000 to 9999 (ISO-8601 four-digit years)';

/** `deep-faker validate` on a story text: exit code and stderr. */
const validate = async (text: string): Promise<{ code: number; err: string }> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-story-'));
  fs.writeFileSync(path.join(dir, 's.yaml'), text);
  const err = new PassThrough();
  let errText = '';
  err.on('data', (d) => (errText += String(d)));
  const code = await main(['validate', 's.yaml'], { stderr: err, stdout: new PassThrough(), cwd: dir });
  return { code, err: errText };
};

describe('config/story: limits of the schedule and constant expressions', () => {
  it('offsets, repeats and frequencies past what story time can hold are located errors naming the limit', () => {
    expect(
      errorsOf(
        story(
          [
            '  - {source: s, event: e, offset_days: 1e9}',
            '  - {source: s, event: f, offset_days: 3652425}',
            '  - {source: s, event: g, repeat: 1e300}',
            '  - {source: s, event: h, frequency: 100000000000h}',
            '  - {source: s, event: i, offset_days: 1e308}',
          ].join('\n'),
        ),
      ),
    ).to.deep.equal([
      's.yaml:4:40 events[0].offset_days: expected an integer from 0 to 3652425 (10 000 years, the span of story time), got 1000000000',
      `s.yaml:5:40 events[1].offset_days: 3652425 days after start_date is after 9999-12-31; ${LIMIT}`,
      's.yaml:6:35 events[2].repeat: expected an integer between -9007199254740991 and 9007199254740991, got 1e+300',
      's.yaml:7:38 events[3].frequency: "100000000000h" is longer than 10 000 years, the span of story time',
      's.yaml:8:40 events[4].offset_days: expected an integer between -9007199254740991 and 9007199254740991, got 1e+308',
    ]);
  });

  it('the last occurrence must fall within story time, unless end_date stops the story first', () => {
    expect(
      errorsOf(story('  - {source: s, event: e, repeat: 3}\n  - {source: s, event: f, repeat: 3, frequency: hourly}\n', 'org_id: a\nstart_date: 9999-12-30\n')),
    ).to.deep.equal([
      `s.yaml:4:35 events[0].repeat: 3 × daily from 9999-12-30T00:00:00.000Z ends after 9999-12-31; ${LIMIT} (lower repeat, or add an end_date)`,
    ]);
    expect(errorsOf(story('  - {source: s, event: e, repeat: 1000000000}\n', 'org_id: a\nstart_date: 9999-12-30\nend_date: 9999-12-31\n'))).to.deep.equal([]);
  });

  it('dates whose offset moves them out of the years 0000 to 9999 are errors; years 0000 to 0099 are those years', () => {
    expect(
      errorsOf(story('  - {source: s, event: e}\n', 'org_id: a\nstart_date: 0000-01-01T00:00:00+01:00\nend_date: 9999-12-31T23:59:59-01:00\n')),
    ).to.deep.equal([
      `s.yaml:2:13 start_date: 0000-01-01T00:00:00+01:00 is outside story time in UTC; ${LIMIT}`,
      `s.yaml:3:11 end_date: 9999-12-31T23:59:59-01:00 is outside story time in UTC; ${LIMIT}`,
    ]);
    const loaded = loadStory(story('  - {source: s, event: e}\n', 'org_id: a\nstart_date: 0050-06-01\ntimezone: America/New_York\n'));
    expect(loaded.ok && loaded.story.zone.iso(loaded.story.start)).to.match(/^0050-06-01T00:00:00\.000-04:56$/);
  });

  it('a ref check next to an out-of-range schedule reports the schedule, not a JavaScript date error', () => {
    const errors = errorsOf(story('  - {source: s, event: e, offset_days: 3000000, data: {a: 1}}\n  - {source: s, event: f, data: {b: ref(e.a)}}\n'));
    expect(errors).to.deep.equal([`s.yaml:4:40 events[0].offset_days: 3000000 days after start_date is after 9999-12-31; ${LIMIT}`]);
  });

  it('a constant expression that fails for every event fails validation, at its character', () => {
    const text = story(
      [
        '  - source: s',
        '    event: e',
        '    data:',
        '      a: 1 / 0',
        "      b: len('x' * 10000000000)",
        '      c: duration(hours=1e308)',
        '      d: index / 0',
        '      e: "${1 // 0}"',
        '      f: len([random(1, 2) for x in [0] * 3])',
      ].join('\n'),
    );
    expect(errorsOf(text)).to.deep.equal([
      's.yaml:7:10 events[0].data.a: division by zero',
      's.yaml:8:14 events[0].data.b: result is larger than the limit of 1000000 characters or items (maxValueSize; raise it with limits.max_expression_size)',
      's.yaml:9:10 events[0].data.c: duration(): the total is not a finite number of seconds (Infinity)',
      's.yaml:11:13 events[0].data.e: division by zero',
    ]);
  });

  it('limits raises the expression and faker-js limits; its mistakes are located errors', () => {
    const events = ['  - source: s', '    event: e', '    data:', "      big: len('x' * 2000000)", '      words: faker.lorem.words(20000)'].join('\n');
    expect(errorsOf(story(events))).to.deep.equal([
      's.yaml:7:16 events[0].data.big: result is larger than the limit of 1000000 characters or items (maxValueSize; raise it with limits.max_expression_size)',
      's.yaml:8:14 events[0].data.words: faker.lorem.words(): faker method "lorem.words" argument 1 is 20000, more than the limit of 10000 (MAX_FAKER_SIZE; raise it with limits.max_faker_size)',
    ]);
    const head = 'org_id: a\nstart_date: 2025-01-01\nlimits: { max_expression_size: 3000000, max_faker_size: 20000 }\n';
    expect(errorsOf(story(events, head))).to.deep.equal([]);
    expect(
      errorsOf(story('  - {source: s, event: e}', 'org_id: a\nstart_date: 2025-01-01\nlimits: { max_expresion_size: 3000000, max_faker_size: -1 }\n')),
    ).to.deep.equal([
      's.yaml:3:11 limits.max_expresion_size: unknown key "max_expresion_size"; did you mean "max_expression_size"?',
      's.yaml:3:56 limits.max_faker_size: expected an integer >= 1, got -1',
    ]);
  });

  it('a raised limit holds at run time; over the default, the run stops naming the setting', () => {
    const run = (head: string) => {
      const scheduler = new HeapScheduler(0);
      const out: { events: number; error: unknown } = { events: 0, error: undefined };
      const text = story(['  - source: s', '    event: e', '    repeat: 3', '    data:', '      big: len(str(index) * 2000000)'].join('\n'), head);
      streamStory(text, { scheduler, debug: false }).subscribe({ next: () => out.events++, error: (e) => (out.error = e) });
      scheduler.flush();
      return out;
    };
    const failed = run('org_id: a\nstart_date: 2025-01-01\n');
    expect(failed.events).to.equal(0);
    expect(String((failed.error as Error).message)).to.match(/\(maxValueSize; raise it with limits\.max_expression_size\)/);
    expect(run('org_id: a\nstart_date: 2025-01-01\nlimits: { max_expression_size: 3000000 }\n')).to.deep.equal({ events: 3, error: undefined });
  });

  it('expressions nested thousands deep are located errors of the expression language', () => {
    const deep = `len(${'['.repeat(20_000)}${']'.repeat(20_000)})`;
    const errors = errorsOf(story(`  - source: s\n    event: e\n    data:\n      a: ${deep}\n`));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^s\.yaml:7:\d+ events\[0\]\.data\.a: expression is nested too deeply \(more than \d+ levels of brackets and operators\)$/);
  });

  it('the CLI exits 2 with located messages (and no JavaScript error text) for these', async () => {
    const { code, err } = await validate(story('  - {source: s, event: e, offset_days: 1e9, data: {a: 1 / 0}}\n'));
    expect(code).to.equal(2);
    expect(err).to.equal(
      's.yaml:4:40 events[0].offset_days: expected an integer from 0 to 3652425 (10 000 years, the span of story time), got 1000000000\n' +
        's.yaml:4:55 events[0].data.a: division by zero\n',
    );
  });
});
