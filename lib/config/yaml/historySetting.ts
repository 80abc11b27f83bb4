/**
 * `simulation_settings.history` of the YAML model format: `full` (every state version), `none`
 * (current state only) or `{ keep: 1h }`, a window (see `HistoryMode`). Left out, the runner
 * decides: the library keeps full history, a CLI run a window.
 *
 * @example
 * readHistory(entry(settings, 'history'), 'simulation_settings.history', problems); // { keep: '1h' }
 */
import { parseDuration } from '../../core/duration';
import type { HistoryMode } from '../../entities/history';
import type { Problems } from '../configError';
import { child, describeNode, mapOf, quote, suggestion } from '../decode';
import type { YNode } from '../yamlTree';
import { MAX_SPAN_MS } from './limits';

const MODES = ['full', 'none'] as const;

/** Decodes the setting, reporting what is wrong where it is written. */
export const readHistory = (node: YNode | undefined, path: string, p: Problems): HistoryMode | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar' && typeof node.value === 'string' && (MODES as ReadonlyArray<string>).includes(node.value)) return node.value as 'full' | 'none';
  if (node.kind !== 'map') {
    const hint = node.kind === 'scalar' && typeof node.value === 'string' ? suggestion(node.value, MODES) : '';
    p.at(node.offset, path, `expected full, none or { keep: <duration> } (e.g. { keep: 1h }), got ${describeNode(node)}${hint}`);
    return undefined;
  }
  const m = mapOf(node, path, p, { required: ['keep'] });
  const keep = m?.get('keep');
  if (keep === undefined) return undefined;
  const at = child(path, 'keep');
  const value = keep.kind === 'scalar' && (typeof keep.value === 'string' || typeof keep.value === 'number') ? keep.value : undefined;
  if (value === undefined) {
    p.at(keep.offset, at, `expected a duration such as "1h", got ${describeNode(keep)}`);
    return undefined;
  }
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (e) {
    p.at(keep.offset, at, (e as Error).message);
    return undefined;
  }
  if (ms <= 0) p.at(keep.offset, at, `must be more than 0, got ${quote(String(value))} (to keep only current state, use history: none)`);
  else if (ms > MAX_SPAN_MS) p.at(keep.offset, at, `expected at most 10000 years, got ${quote(String(value))}`);
  else return { keep: value };
  return undefined;
};
