/**
 * The run summary the CLI prints on stderr.
 *
 * @example
 * formatSummary(summary, 'done');
 * // deep-faker: done: 1,204 events in 0.21 s (5,733 events/s), seed 42
 * //   virtual time 2025-01-01T00:00:00.000Z → 2025-01-01T00:02:00.000Z
 * //   …
 * //   entities: User 812 live (392 retired), Product 50 live
 */
import { formatDuration, parseDuration } from '../core/duration';
import type { SimulationSettings } from '../engine/model';
import type { RunSummary } from '../runtime/runSimulation';

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * Human-readable summary lines; `history` (a model's run) adds the state history kept, `shards`
 * (a sharded run, `describeShards`) the shards it ran.
 */
export const formatSummary = (s: RunSummary, outcome: 'done' | 'interrupted' | 'failed', history?: string, shards?: string): string => {
  const secs = s.wallMs / 1000;
  const rate = secs > 0 ? Math.round(s.events / secs) : s.events;
  const types = Object.entries(s.eventsByType)
    .map(([t, c]) => `${t} ${n(c)}`)
    .join(', ');
  const ss = s.sessions;
  const entities = Object.entries(s.entities)
    .map(([t, c]) => `${t} ${n(c.live)} live${c.retired > 0 ? ` (${n(c.retired)} retired)` : ''}`)
    .join(', ');
  return [
    `deep-faker: ${outcome}: ${n(s.events)} events in ${secs.toFixed(2)} s (${n(rate)} events/s), seed ${s.seed}`,
    `  virtual time ${s.virtualStart} → ${s.virtualEnd}`,
    `  sessions: ${n(ss.started)} started, ${n(ss.completed)} completed, ${n(ss.dropped)} dropped, ${n(ss.unmatched)} unmatched, ${n(ss.truncated)} truncated${ss.failed > 0 ? `, ${n(ss.failed)} failed` : ''}`,
    `  events by type: ${types || 'none'}`,
    ...(entities === '' ? [] : [`  entities: ${entities}`]),
    `  outputs: ${s.outputs.map((o) => `${o.name} ${n(o.accepted)} acknowledged`).join('; ') || 'none'}`,
    ...(shards === undefined ? [] : [`  ${shards}`]),
    ...(history === undefined ? [] : [`  state history: ${history}`]),
  ].join('\n');
};

/** What the summary says of a (checked) history setting; `byDefault` when the CLI chose it. */
export const describeHistory = (history: NonNullable<SimulationSettings['history']>, byDefault: boolean): string => {
  if (history === 'full') return 'full (every version is kept: memory grows with the run)';
  if (history === 'none') return 'none (current state only)';
  const kept = `the last ${formatDuration(parseDuration(history.keep))} of virtual time`;
  return byDefault ? `${kept} (the default of CLI runs; set history in the model to change it)` : kept;
};
