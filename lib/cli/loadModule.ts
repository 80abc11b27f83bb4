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
import { describeValue, modelShapeProblems } from './moduleShape';
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

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** An object with any of a model's parts is meant as one (and is then checked in full). */
const looksLikeModel = (x: unknown): x is Record<string, unknown> => isObject(x) && ('flows' in x || 'entities' in x || 'settings' in x);

/** Extensions `require` loads as modules (with bin/registerTypeScript.js for TypeScript). */
const MODULE_FILE = /\.(?:[cm]?js|[cm]?ts)$/i;

/** A NUL byte in the first 4 KiB: an executable or image, not source text. */
const isBinary = (file: string): boolean => {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).includes(0);
  } finally {
    fs.closeSync(fd);
  }
};

/** Why `require(file)` failed, in the user's terms: located when possible, no JavaScript internals. */
const loadFailure = (e: unknown, file: string, name: string): string => {
  if (!(e instanceof Error)) return `${name}: the module threw ${describeValue(e)} (not an Error)`;
  // "Cannot find module 'x'\nRequire stack: …": the first line says it.
  const message = e.message.split('\n')[0];
  if (e.name === 'SyntaxError') {
    // A syntax error's stack starts with "<file>:<line>", then the line and a caret.
    const line = new RegExp(`^${escapeRegExp(file)}:(\\d+)`).exec(e.stack ?? '')?.[1];
    if (!MODULE_FILE.test(file)) return `${name}: not a JavaScript/TypeScript module (SyntaxError: ${message}${line === undefined ? '' : ` on line ${line}`})`;
    return `${name}${line === undefined ? ':' : `:${line}`} SyntaxError: ${message}`;
  }
  // Thrown located by bin/registerTypeScript.js (a TypeScript scenario's syntax, or no transpiler).
  if (e.name === 'TypeScriptSyntaxError' || e.name === 'NoTypeScriptTranspilerError') return message;
  const located = locate({ name: e.name, message, stack: e.stack }, file);
  return located === message ? `${name}: ${message}` : located;
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Loads `file` (an absolute path). */
export const loadModule = (file: string): LoadedModule => {
  const name = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${name}`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`${name}: not a file (run takes a module, a YAML model or a story)`);
  if (isStoryFile(file)) {
    // Stories are schedules, not simulation models: `deep-faker run` plays them with runStory.
    throw new ModelError(`${name} is a story (the story format): run it with "deep-faker run" or runStory(), not as a simulation model`);
  }
  if (/\.ya?ml$/i.test(file)) {
    const loaded = loadConfig(file);
    if (!loaded.ok) throw new ModelError(loaded.errors.map(formatConfigError).join('\n'));
    return { model: loaded.simulation, outputs: loaded.simulation.outputs, delivery: loaded.simulation.delivery };
  }
  if (isBinary(file)) throw new ModelError(`${name}: not a JavaScript/TypeScript module (a binary file)`);
  let mod: unknown;
  try {
    if (/\.[cm]?ts$/i.test(file)) registerTypeScript(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (e) {
    throw new ModelError(loadFailure(e, file, name), { cause: e });
  }
  const exports = isObject(mod) ? mod : {};
  const candidate = looksLikeModel(mod) ? mod : (exports.default ?? exports.sim);
  if (!isObject(candidate)) throw new ModelError(`${name}: exports no Simulation (export it as default or as "sim")`);
  const problems = modelShapeProblems(candidate);
  if (problems.length > 0) throw new ModelError(`${name}: the exported simulation is malformed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const model = candidate as unknown as SimulationModel;
  const outputs = Array.isArray(candidate.outputs) ? (candidate.outputs as SinkOperator[]) : [];
  const delivery = candidate.delivery;
  return { model, outputs, delivery: isObject(delivery) ? (delivery as DeliverySettings) : undefined };
};
