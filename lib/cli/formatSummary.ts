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
import type { RunSummary } from '../runtime/runSimulation';

const n = (x: number): string => x.toLocaleString('en-US');

/** Human-readable summary lines. */
export const formatSummary = (s: RunSummary, outcome: 'done' | 'interrupted' | 'failed'): string => {
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
  ].join('\n');
};
