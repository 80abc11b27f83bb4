// The run summary's state history line: what `describeHistory` says of each setting, and that a
// CLI run of a model that sets no history keeps the CLI's window (and says so), while a model's
// own setting is kept as it is.

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_HISTORY } from '../../lib/cli/main';
import { describeHistory, formatSummary } from '../../lib/cli/formatSummary';
import type { RunSummary } from '../../lib/runtime/runSimulation';
import { REPO, runCli } from '../helpers/cliRun';
import { tmpFiles } from '../helpers/jsonlFiles';
import { probe } from '../fixtures/storeProbe';

const tmp = tmpFiles('deep-faker-summary-');
const storeOf = () => probe.store;

const SUMMARY = {
  events: 3,
  wallMs: 1000,
  seed: 1,
  eventsByType: { Visited: 3 },
  sessions: { started: 3, completed: 3, dropped: 0, unmatched: 0, truncated: 0, failed: 0 },
  entities: {},
  virtualStart: '2025-01-01T00:00:00.000Z',
  virtualEnd: '2025-01-01T00:00:02.000Z',
  outputs: [],
} as unknown as RunSummary;

describe('cli/formatSummary', () => {
  it('describes each history setting', () => {
    expect(describeHistory('full', false)).to.equal('full (every version is kept: memory grows with the run)');
    expect(describeHistory('none', false)).to.equal('none (current state only)');
    expect(describeHistory({ keep: 5_400_000 }, false)).to.equal('the last 1h30m of virtual time');
    expect(describeHistory({ keep: '90m' }, true)).to.equal('the last 1h30m of virtual time (the default of CLI runs; set history in the model to change it)');
  });

  it('ends the summary with the history line when there is one', () => {
    expect(formatSummary(SUMMARY, 'done').split('\n').pop()).to.equal('  outputs: none');
    expect(formatSummary(SUMMARY, 'done', 'none (current state only)').split('\n').pop()).to.equal('  state history: none (current state only)');
  });

  it('says how many entities of each type are live and how many retired, when the model has entities', () => {
    const entities = { User: { created: 1_204, retired: 392, live: 812 }, Product: { created: 50, retired: 0, live: 50 } };
    const lines = formatSummary({ ...SUMMARY, entities }, 'done').split('\n');
    expect(lines[lines.length - 2]).to.equal('  entities: User 812 live (392 retired), Product 50 live');
    expect(formatSummary(SUMMARY, 'done'), 'none: no line').not.to.contain('entities:');
  });

  describe('a CLI run', () => {
    it('of a model without a history setting keeps the CLI window, and the summary says so', async () => {
      probe.store = undefined;
      const r = await runCli(['run', path.join(REPO, 'specs/fixtures/storeProbe.ts'), '--total-events', '20'], tmp.dir()).done;
      expect(r.code, r.stderr).to.equal(0);
      expect(storeOf()?.history).to.deep.equal(CLI_HISTORY);
      expect(CLI_HISTORY).to.deep.equal({ keep: '1h' });
      expect(r.stderr).to.contain('\n  state history: the last 1h of virtual time (the default of CLI runs; set history in the model to change it)\n');
    });

    it("of a model that sets its history keeps the model's, and the summary says which", async () => {
      const model = (history: string): string => {
        const file = path.join(tmp.dir(), 'model.yaml');
        fs.writeFileSync(
          file,
          [
            'simulation_settings:',
            `  history: ${history}`,
            'schemas:',
            '  Ping:',
            '    type: object',
            '    properties:',
            '      n: { type: integer, generator: random_int, params: { min: 1, max: 9 } }',
            'event_types:',
            '  Ping: { payload_schema: "#/schemas/Ping", frequency_weight: 1 }',
            '',
          ].join('\n'),
        );
        return file;
      };
      for (const [history, line] of [
        ['full', 'full (every version is kept: memory grows with the run)'],
        ['none', 'none (current state only)'],
        ['{ keep: 10m }', 'the last 10m of virtual time'],
      ]) {
        const out = path.join(tmp.dir(), 'out.jsonl');
        const r = await runCli(['run', model(history), '--total-events', '5', '--output', `file:${out}`, '--start', '2025-01-01T00:00:00Z'], tmp.dir()).done;
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr, history).to.contain(`\n  state history: ${line}\n`);
      }
    });
  });
});
