/**
 * Loads a simulation module (`.ts` through ts-node, or `.js`) and finds its Simulation: the
 * default export, or an export named `sim`; or a YAML configuration (`.yaml` / `.yml`, seed 002
 * format) through `loadConfig`, whose errors become one `ModelError`, one located line each. Mistakes in the module are `ModelError`s located in
 * the user's file (`file:line:col message`).
 *
 * @example
 * const { model, outputs } = loadModule(path.resolve('scenarios/ecommerce.ts'));
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimulationModel } from '../engine/model';
import type { SinkOperator } from '../sinks/sink';
import { loadConfig } from '../config/yaml/loadConfig';
import { formatConfigError } from '../config/yaml/configError';
import { ModelError, locate } from './modelError';
import { UsageError } from './parseOutput';
import { isStoryFile } from '../config/story/loadStory';
import type { DeliverySettings } from '../delivery/delivery';

/** What a module provides. */
export interface LoadedModule {
  readonly model: SimulationModel;
  /** Outputs the module configured (`sim.addOutput(...)`). */
  readonly outputs: ReadonlyArray<SinkOperator>;
  /** Delivery realism the module configured (`sim.withDelivery(...)`, a YAML `delivery:` section). */
  readonly delivery?: DeliverySettings;
}

const isModel = (x: unknown): x is SimulationModel & { outputs?: unknown } =>
  typeof x === 'object' && x !== null && Array.isArray((x as SimulationModel).flows) && Array.isArray((x as SimulationModel).entities) &&
  typeof (x as SimulationModel).settings === 'object';

/** Loads `file` (an absolute path). */
export const loadModule = (file: string): LoadedModule => {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${path.relative(process.cwd(), file) || file}`);
  if (isStoryFile(file)) {
    // Stories are schedules, not simulation models: `deep-faker run` plays them with runStory.
    throw new ModelError(`${path.relative(process.cwd(), file) || file} is a story (seed 003): run it with "deep-faker run" or runStory(), not as a simulation model`);
  }
  if (/\.ya?ml$/i.test(file)) {
    const loaded = loadConfig(file);
    if (!loaded.ok) throw new ModelError(loaded.errors.map(formatConfigError).join('\n'));
    return { model: loaded.simulation, outputs: loaded.simulation.outputs, delivery: loaded.simulation.delivery };
  }
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof Error) throw new ModelError(locate(e, file), e);
    throw new ModelError(String(e), e);
  }
  const candidate = mod.default ?? mod.sim;
  if (!isModel(candidate)) {
    throw new ModelError(`${path.relative(process.cwd(), file) || file}: exports no Simulation (export it as default or as "sim")`);
  }
  const outputs = Array.isArray(candidate.outputs) ? (candidate.outputs as SinkOperator[]) : [];
  const delivery = (candidate as { delivery?: unknown }).delivery;
  return { model: candidate, outputs, delivery: typeof delivery === 'object' && delivery !== null ? (delivery as DeliverySettings) : undefined };
};
