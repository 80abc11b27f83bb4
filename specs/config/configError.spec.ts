import { expect } from 'chai';
import { ConfigErrors, Problems, formatConfigError, oneLine } from '../../lib/config/configError';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { loadStory } from '../../lib/config/story/loadStory';

const LOCATED = /^[\w.]+:\d+:\d+ /;

describe('config: located errors stay on one line', () => {
  it('escapes line breaks and control characters as JSON does, and leaves other text alone', () => {
    expect(oneLine('a\nb\r\tc\u001b[31m\u2028')).to.equal('a\\nb\\r\\tc\\u001b[31m\\u2028');
    expect(oneLine('unknown key "genrator"; did you mean "generator"?')).to.equal('unknown key "genrator"; did you mean "generator"?');
  });

  it('a value with a newline is quoted escaped in the YAML model format, keeping its location', () => {
    const r = loadConfig('event_types:\n  "A\\nB":\n    payload_schema: "#/x\\ny"\n    frequency_weigth: "say \\"hi\\""\n', { file: 'm.yaml' });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors.map(formatConfigError)).to.deep.equal([
      'm.yaml:3:21 event_types.A\\nB.payload_schema: "#/x\\ny" is not a schema reference (write "#/schemas/Name")',
      'm.yaml:4:5 event_types.A\\nB.frequency_weigth: unknown key "frequency_weigth"; did you mean "frequency_weight"?',
    ]);
    for (const line of new ConfigErrors(r.errors).message.split('\n')) expect(line).to.match(LOCATED);
  });

  it('a value with a newline stays on its located line in the story format too', () => {
    const r = loadStory('org_id: x\ntimezone: "line1\\nline2"\nstart_date: 2025-01-01\nend_date: 2025-01-02\nevents: []\n', { file: 's.story.yaml' });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    const lines = r.errors.map(formatConfigError);
    expect(lines[0]).to.equal('s.story.yaml:2:11 timezone: unknown time zone "line1\\nline2" (an IANA name such as "America/New_York", or "UTC")');
    for (const line of lines) expect(line).to.not.include('\n');
  });

  it('Problems keeps each reported message and path to one line', () => {
    const p = new Problems('f.yaml', 'a: 1\n');
    p.at(0, 'a\nb', 'bad value "x\ny"');
    expect(p.errors).to.deep.equal([{ file: 'f.yaml', line: 1, col: 1, path: 'a\\nb', message: 'bad value "x\\ny"' }]);
  });
});
