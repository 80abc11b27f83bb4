/**
 * What a module's exported simulation must look like before it is run: the engine trusts its
 * model, so a hand-written object with a flow lacking `filters` would otherwise fail deep inside
 * with JavaScript's own words ("f.filters is not iterable"). Checked here, each problem named by
 * its path in the export.
 *
 * @example
 * modelShapeProblems({ flows: [{ name: 'x' }], entities: [], settings: {} });
 * // ['flows[0].weight: expected a number >= 0, got undefined', 'flows[0].filters: expected an array …', …]
 */
import { inspect } from 'node:util';

/** A value in one short line, for messages: `{ a: 1 }`, `'text'`, `[Function: f]`. */
export const describeValue = (v: unknown): string => {
  const text = inspect(v, { depth: 2, breakLength: Infinity, compact: true, maxArrayLength: 5, maxStringLength: 80 });
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Most problems listed: after the first few, the rest are usually the same mistake. */
const MAX_PROBLEMS = 5;

const flowProblems = (f: unknown, at: string): string[] => {
  if (!isObject(f)) return [`${at}: expected a flow (sim.flow(...) or defineFlow(...)), got ${describeValue(f)}`];
  const problems: string[] = [];
  if (typeof f.name !== 'string' || f.name === '') problems.push(`${at}.name: expected a non-empty string, got ${describeValue(f.name)}`);
  if (typeof f.weight !== 'number' || !Number.isFinite(f.weight) || f.weight < 0) {
    problems.push(`${at}.weight: expected a number >= 0, got ${describeValue(f.weight)}`);
  }
  if (!Array.isArray(f.filters)) problems.push(`${at}.filters: expected an array of selections (select(...)), got ${describeValue(f.filters)}`);
  else {
    f.filters.forEach((s: unknown, i) => {
      if (!isObject(s) || !isObject(s.entity) || s.entity._tag !== 'Entity') {
        problems.push(`${at}.filters[${i}]: expected a selection of an entity type (select(...)), got ${describeValue(s)}`);
      }
    });
  }
  if (typeof f.body !== 'function')
    problems.push(`${at}.body: expected a function (a generator function or one returning an Observable), got ${describeValue(f.body)}`);
  return problems;
};

const entityProblems = (e: unknown, at: string): string[] =>
  isObject(e) && e._tag === 'Entity' && typeof e.name === 'string' && typeof e.primaryKey === 'string'
    ? []
    : [`${at}: expected an entity type (entity(...)), got ${describeValue(e)}`];

/**
 * What is wrong with `x` as a `SimulationModel` (settings object, entity types, flow definitions);
 * empty when nothing is. Stops after a few problems.
 */
export const modelShapeProblems = (x: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  if (!isObject(x.settings)) problems.push(`settings: expected an object, got ${describeValue(x.settings)}`);
  if (!Array.isArray(x.entities)) problems.push(`entities: expected an array of entity types, got ${describeValue(x.entities)}`);
  else x.entities.forEach((e: unknown, i) => problems.push(...entityProblems(e, `entities[${i}]`)));
  if (!Array.isArray(x.flows)) problems.push(`flows: expected an array of flows, got ${describeValue(x.flows)}`);
  else x.flows.forEach((f: unknown, i) => problems.push(...flowProblems(f, `flows[${i}]`)));
  if (x.outputs !== undefined && !(Array.isArray(x.outputs) && x.outputs.every((o) => typeof o === 'function'))) {
    problems.push(`outputs: expected an array of outputs (toFile(...), toKafka(...), …), got ${describeValue(x.outputs)}`);
  }
  return problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems;
};
