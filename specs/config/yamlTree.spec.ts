import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Problems, formatConfigError } from '../../lib/config/configError';
import { YAML_TREE_LIMITS, parseYamlTree, toJs } from '../../lib/config/yamlTree';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { loadStory } from '../../lib/config/story/loadStory';
import { main } from '../../lib/cli/main';

const parse = (text: string) => {
  const problems = new Problems('t.yaml', text);
  const tree = parseYamlTree(text, problems);
  return { tree, errors: problems.errors.map(formatConfigError) };
};

/** "Billion laughs": nine levels of nine aliases each, 9^9 scalars once expanded. */
const aliasBomb = (): string => {
  let text = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(97 + i - 1);
    const cur = String.fromCharCode(97 + i);
    text += `${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
  }
  return text;
};

describe('config: the located YAML tree', () => {
  it('expands aliases as before', () => {
    const { tree, errors } = parse('a: &x { b: [1, 2] }\nc: *x\n');
    expect(errors).to.deep.equal([]);
    expect(toJs(tree!)).to.deep.equal({ a: { b: [1, 2] }, c: { b: [1, 2] } });
  });

  it('refuses an alias inside the node its anchor marks, located at the alias', () => {
    expect(parse('a: &x [1, *x]\n').errors).to.deep.equal(['t.yaml:1:11 alias *x refers to itself (it is used inside the node its anchor &x marks)']);
    const { tree, errors } = parse('a:\n  b: &m { c: { d: *m } }\n');
    expect(tree).to.equal(undefined);
    expect(errors).to.deep.equal(['t.yaml:2:19 alias *m refers to itself (it is used inside the node its anchor &m marks)']);
  });

  it('refuses an alias without an anchor and keys that are lists or mappings', () => {
    expect(parse('a: *nope\n').errors).to.deep.equal(['t.yaml:1:4 alias *nope has no anchor &nope before it']);
    expect(parse('[1, 2]: 3\n').errors).to.deep.equal(['t.yaml:1:1 a key must be a name (a string), not a list']);
  });

  it('stops an alias bomb at the alias node limit', () => {
    const { tree, errors } = parse(aliasBomb());
    expect(tree).to.equal(undefined);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(new RegExp(`^t\\.yaml:\\d+:\\d+ alias \\*[a-i] expands to more than ${YAML_TREE_LIMITS.aliasNodes} nodes`));
  });

  it('stops nesting deeper than the depth limit, and reports the parser running out of stack as nesting', () => {
    const n = YAML_TREE_LIMITS.depth + 5;
    expect(parse(`a: ${'['.repeat(n)}${']'.repeat(n)}\n`).errors).to.deep.equal([
      `t.yaml:1:${4 + YAML_TREE_LIMITS.depth} lists and mappings nest more than ${YAML_TREE_LIMITS.depth} levels deep`,
    ]);
    const errors = parse(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).errors;
    expect(errors).to.have.length.greaterThan(0);
    for (const e of errors) expect(e).to.match(/^t\.yaml:\d+:\d+ lists and mappings nest too deeply/);
  });

  it('protects both YAML front ends: the YAML model format and the story format', () => {
    const model = loadConfig('event_types:\n  A: &e { payload_schema: *e }\n', { file: 'm.yaml' });
    expect(model.ok).to.equal(false);
    if (!model.ok)
      expect(model.errors.map(formatConfigError)).to.deep.equal(['m.yaml:2:27 alias *e refers to itself (it is used inside the node its anchor &e marks)']);
    const story = loadStory(`story: x\n${aliasBomb()}`, { file: 's.story.yaml' });
    expect(story.ok).to.equal(false);
    if (!story.ok) expect(story.errors.map(formatConfigError).join('\n')).to.match(/^s\.story\.yaml:\d+:\d+ alias \*[a-i] expands to more than/m);
  });

  it('deep-faker validate exits 2 on an alias bomb', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df-yaml-'));
    fs.writeFileSync(path.join(dir, 'bomb.yaml'), `version: "1.0"\nevent_types: {}\n${aliasBomb()}`);
    const err = new PassThrough();
    let text = '';
    err.on('data', (d) => (text += String(d)));
    expect(await main(['validate', 'bomb.yaml'], { stderr: err, stdout: new PassThrough(), cwd: dir })).to.equal(2);
    expect(text).to.match(/^bomb\.yaml:\d+:\d+ alias \*[a-i] expands to more than \d+ nodes/);
  });
});
