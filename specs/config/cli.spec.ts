import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';

const capture = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += String(d)));
  return { stream, text: () => text };
};

describe('cli: YAML configurations', () => {
  const cwd = path.resolve(__dirname, '../..');

  it('validate prints ok for the YAML model example', async () => {
    const out = capture();
    const err = capture();
    expect(await main(['validate', 'scenarios/shop.yaml'], { stderr: err.stream, stdout: out.stream, cwd })).to.equal(0);
    expect(out.text()).to.equal('ok\n');
  });

  it('validate prints every error and exits 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-yaml-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'event_types:\n  A:\n    payload_schema: "#/schemas/Nope"\n    frequency_weigth: 1\n');
    const err = capture();
    expect(await main(['validate', file], { stderr: err.stream, stdout: capture().stream, cwd: dir })).to.equal(2);
    expect(err.text()).to.equal(
      'bad.yaml:3:21 event_types.A.payload_schema: $ref "#/schemas/Nope" does not exist\n' +
        'bad.yaml:4:5 event_types.A.frequency_weigth: unknown key "frequency_weigth"; did you mean "frequency_weight"?\n',
    );
  });

  it('run executes a YAML file into the outputs given', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-yaml-'));
    const out = path.join(dir, 'events.jsonl');
    const code = await main(['run', 'scenarios/shop.yaml', '--total-events', '200', '--time-multiplier', '1000000', '--quiet', '--output', `file:${out}`], {
      stderr: capture().stream,
      cwd,
    });
    expect(code).to.equal(0);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).to.have.length(200);
    expect(lines.slice(0, 10).every((e) => e.event_type === 'ProductCreatedOrUpdated')).to.equal(true);
  });
});
