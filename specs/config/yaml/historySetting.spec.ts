import { expect } from 'chai';
import { edit, errorsOf } from '../../helpers/libraryEdits';
import { loadConfig } from '../../../lib/config/yaml/loadConfig';
import type { Simulation } from '../../../lib/simulation';
import { runToEnd } from '../../helpers/runToEnd';

/** The library model with `history` set to what `value` says (YAML text). */
const withHistory = (value: string): string => edit('  concurrent_sessions: 8\n', `  concurrent_sessions: 8\n  history: ${value}\n`);

const simulationOf = (text: string): Simulation => {
  const r = loadConfig(text, { file: 't.yaml' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.simulation;
};

describe('config/yaml: simulation_settings.history', () => {
  it('full, none or { keep: <duration> } becomes the model setting; left out, there is none', () => {
    expect(simulationOf(withHistory('full')).settings.history).to.equal('full');
    expect(simulationOf(withHistory('none')).settings.history).to.equal('none');
    expect(simulationOf(withHistory('{ keep: 1h }')).settings.history).to.deep.equal({ keep: '1h' });
    expect(simulationOf(withHistory('{ keep: 90000 }')).settings.history).to.deep.equal({ keep: 90_000 });
    expect(simulationOf(edit('', '')).settings.history).to.equal(undefined);
  });

  it('mistakes are located errors', () => {
    expect(errorsOf(withHistory('ful'))).to.deep.equal([
      't.yaml:14:12 simulation_settings.history: expected full, none or { keep: <duration> } (e.g. { keep: 1h }), got "ful"; did you mean "full"?',
    ]);
    expect(errorsOf(withHistory('[1h]'))).to.deep.equal([
      't.yaml:14:12 simulation_settings.history: expected full, none or { keep: <duration> } (e.g. { keep: 1h }), got a list',
    ]);
    expect(errorsOf(withHistory('{ kep: 1h }'))).to.deep.equal([
      't.yaml:14:12 simulation_settings.history: missing required key "keep"',
      't.yaml:14:14 simulation_settings.history.kep: unknown key "kep"; did you mean "keep"?',
    ]);
    expect(errorsOf(withHistory('{ keep: an hour }'))).to.deep.equal([
      't.yaml:14:20 simulation_settings.history.keep: invalid duration "an hour": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"',
    ]);
    expect(errorsOf(withHistory('{ keep: 0s }'))).to.deep.equal([
      't.yaml:14:20 simulation_settings.history.keep: must be more than 0, got "0s" (to keep only current state, use history: none)',
    ]);
    expect(errorsOf(withHistory('{ keep: -5 }'))).to.deep.equal(['t.yaml:14:20 simulation_settings.history.keep: invalid duration -5']);
    expect(errorsOf(withHistory('{ keep: { h: 1 } }'))).to.deep.equal([
      't.yaml:14:20 simulation_settings.history.keep: expected a duration such as "1h", got a mapping',
    ]);
    expect(errorsOf(withHistory('{ keep: 9999999d }'))).to.deep.equal([
      't.yaml:14:20 simulation_settings.history.keep: expected at most 10000 years, got "9999999d"',
    ]);
  });

  it('a window changes no event, and the run keeps it', () => {
    // A week: enough state changes to fill and release chunks of the version log.
    const plain = runToEnd(simulationOf(edit('', '')), { duration: '7d' });
    const windowed = runToEnd(simulationOf(withHistory('{ keep: 10m }')), { duration: '7d' });
    expect(windowed.store.history).to.deep.equal({ keep: '10m' });
    expect(windowed.events.map((e) => JSON.stringify(e))).to.deep.equal(plain.events.map((e) => JSON.stringify(e)));
    expect(windowed.store.pastVersions()).to.be.below(plain.store.pastVersions() / 2);
  });
});
