/**
 * The builder API: a `Simulation` collects settings, entities, flows and outputs, and is itself a
 * `SimulationModel` that `simulate()` plays out.
 *
 * @example
 * const sim = simulation({
 *   duration: '2m', startTime: 'now', nFlows: 3, seed: 42,
 *   initialEntities: [[User, 10], [Product, 5]],
 * });
 * sim.flow({ name: 'new_user_registration', weight: 3 }, function* () {
 *   yield newEvent(AccountCreated, { saveEntity: User });
 *   yield addDecay({ rate: 0.2, seconds: 30 });
 * });
 * sim.addOutput(toStdout());
 * await sim.run();
 */
import type { EntityType } from './entities/entity';
import type { SimulationModel, SimulationSettings } from './engine/model';
import type { FlowBody, FlowDef, FlowOptions } from './flows/flow';
import { defineFlow } from './flows/flow';
import type { SinkOperator } from './sinks/sink';
import type { DeliverySettings } from './delivery/delivery';
import type { RunOptions, RunSummary } from './runtime/runSimulation';
import { runSimulation } from './runtime/runSimulation';
import { SchemaError } from './schema/schemaError';

/** Settings of the builder: the model's, plus entities and initial counts by entity type. */
export interface SimulationOptions extends Omit<SimulationSettings, 'initialEntities'> {
  /** Entity types of the simulation (those in `initialEntities` and flow filters are added too). */
  readonly entities?: ReadonlyArray<EntityType<any>>;
  /** `[[User, 100], [Product, 20]]`, or `{ User: 100 }` by name. */
  readonly initialEntities?: ReadonlyArray<readonly [EntityType<any>, number]> | Readonly<Record<string, number>>;
}

/** A simulation under construction; also a `SimulationModel`. */
export class Simulation implements SimulationModel {
  readonly settings: SimulationSettings;
  readonly entities: EntityType<any>[] = [];
  readonly flows: FlowDef[] = [];
  readonly outputs: SinkOperator[] = [];
  /** Delivery realism applied by `run()` before the outputs (see `withDelivery`). */
  delivery: DeliverySettings | undefined = undefined;

  constructor(options: SimulationOptions = {}) {
    const { entities = [], initialEntities, ...settings } = options;
    for (const e of entities) this.entity(e);
    let counts: Record<string, number> | undefined;
    if (Array.isArray(initialEntities)) {
      counts = {};
      for (const [type, n] of initialEntities as ReadonlyArray<readonly [EntityType<any>, number]>) {
        this.entity(type);
        counts[type.name] = n;
      }
    } else if (initialEntities !== undefined) {
      counts = { ...(initialEntities as Readonly<Record<string, number>>) };
    }
    this.settings = counts === undefined ? settings : { ...settings, initialEntities: counts };
  }

  /** Adds entity types (idempotent). */
  entity(...types: ReadonlyArray<EntityType<any>>): this {
    for (const t of types) {
      if (t?._tag !== 'Entity') throw new SchemaError('simulation entities must be entity types (entity(...))');
      const same = this.entities.find((e) => e.name === t.name);
      if (same === undefined) this.entities.push(t);
      else if (same !== t) throw new SchemaError(`two different entity types are named "${t.name}"`);
    }
    return this;
  }

  /** Adds a flow: a generator function of actions, or a function returning an Observable of actions. */
  flow(options: FlowOptions, body: FlowBody): this {
    const def = defineFlow(options, body);
    if (this.flows.some((f) => f.name === def.name)) throw new SchemaError(`flow "${def.name}" is defined twice`);
    for (const s of def.filters) this.entity(s.entity);
    this.flows.push(def);
    return this;
  }

  /** Adds an output (a sink operator such as `toStdout()` or `toFile(path)`). */
  addOutput(output: SinkOperator): this {
    this.outputs.push(output);
    return this;
  }

  /**
   * Runs the simulation and resolves with the summary: into the outputs given (an array of sink
   * operators), or the ones added with `addOutput`; `options` as `runSimulation` takes them.
   */
  /**
   * Delivery realism for `run()` (and `deep-faker run`): late arrivals, reordering, duplicates,
   * schema versions, checksums, between the engine and the outputs. The seed defaults to the run's.
   *
   * @example
   * sim.withDelivery({ ingest: { lateRate: 0.05, maxLate: '2d' }, duplicates: { rate: 0.01 } });
   */
  withDelivery(settings: DeliverySettings): this {
    this.delivery = settings;
    return this;
  }

  run(outputsOrOptions: ReadonlyArray<SinkOperator> | RunOptions = {}): Promise<RunSummary> {
    const options: RunOptions = Array.isArray(outputsOrOptions) ? { outputs: outputsOrOptions } : (outputsOrOptions as RunOptions);
    return runSimulation(this, { outputs: this.outputs, delivery: this.delivery, ...options });
  }
}

/** Creates a simulation. */
export const simulation = (options: SimulationOptions = {}): Simulation => new Simulation(options);
