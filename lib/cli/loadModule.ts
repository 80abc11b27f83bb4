/**
 * Loads a simulation module and finds its Simulation: `export default sim`, `export const sim`,
 * `module.exports = sim` or `module.exports = { sim }`. JavaScript (`.js`, `.cjs`, `.mjs`, in
 * CommonJS or `"type": "module"` packages) loads through require(), ESM included (Node ≥ 20.19);
 * TypeScript (`.ts`, `.mts`, `.cts`) through the same require() with its types stripped (by
 * sucrase or the project's TypeScript, see bin/registerTypeScript.js).
 * A YAML model (`.yaml` / `.yml`, the YAML model format) loads through `loadConfig`, whose errors
 * become one `ModelError`, one located line each. Mistakes in a module are `ModelError`s located
 * in the user's file (`file:line:col message`).
 *
 * @example
 * const { model, outputs } = loadModule(path.resolve('scenarios/ecommerce.ts'));
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimulationModel } from '../engine/model';
import type { SinkOperator } from '../sinks/sink';
import { loadConfig } from '../config/yaml/loadConfig';
import { formatConfigError } from '../config/configError';
import { ModelError, locate } from './modelError';
import { UsageError } from './parseOutput';
import { isStoryFile } from '../config/story/isStory';
import type { DeliverySettings } from '../delivery/delivery';

// bin/ holds the hook as plain JavaScript so that the repository's own bin can load lib/ with it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerTypeScript } = require('../../bin/registerTypeScript') as { registerTypeScript(file: string): void };

/** What a module provides. */
export interface LoadedModule {
  readonly model: SimulationModel;
  /** Outputs the module configured (`sim.addOutput(...)`). */
  readonly outputs: ReadonlyArray<SinkOperator>;
  /** Delivery realism the module configured (`sim.withDelivery(...)`, a YAML `delivery:` section). */
  readonly delivery?: DeliverySettings;
}

const isModel = (x: unknown): x is SimulationModel & { outputs?: unknown } =>
  typeof x === 'object' &&
  x !== null &&
  Array.isArray((x as SimulationModel).flows) &&
  Array.isArray((x as SimulationModel).entities) &&
  typeof (x as SimulationModel).settings === 'object';

/** Loads `file` (an absolute path). */
export const loadModule = (file: string): LoadedModule => {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${path.relative(process.cwd(), file) || file}`);
  if (isStoryFile(file)) {
    // Stories are schedules, not simulation models: `deep-faker run` plays them with runStory.
    throw new ModelError(
      `${path.relative(process.cwd(), file) || file} is a story (the story format): run it with "deep-faker run" or runStory(), not as a simulation model`,
    );
  }
  if (/\.ya?ml$/i.test(file)) {
    const loaded = loadConfig(file);
    if (!loaded.ok) throw new ModelError(loaded.errors.map(formatConfigError).join('\n'));
    return { model: loaded.simulation, outputs: loaded.simulation.outputs, delivery: loaded.simulation.delivery };
  }
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?ts$/i.test(file)) registerTypeScript(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof Error) throw new ModelError(locate(e, file), { cause: e });
    throw new ModelError(String(e), { cause: e });
  }
  const candidate = isModel(mod) ? mod : (mod.default ?? mod.sim);
  if (!isModel(candidate)) {
    throw new ModelError(`${path.relative(process.cwd(), file) || file}: exports no Simulation (export it as default or as "sim")`);
  }
  const outputs = Array.isArray(candidate.outputs) ? (candidate.outputs as SinkOperator[]) : [];
  const delivery = (candidate as { delivery?: unknown }).delivery;
  return { model: candidate, outputs, delivery: typeof delivery === 'object' && delivery !== null ? (delivery as DeliverySettings) : undefined };
};
