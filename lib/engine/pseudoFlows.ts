/**
 * The names of the engine's pseudo-flows: the `flow` of events no flow of the model emitted.
 *
 * @example
 * events.filter((e) => e.flow !== INITIAL_FLOW && e.flow !== CHURN_FLOW); // what the model's flows did
 */

/** Name of the pseudo-flow that emits the source events of initial entities. */
export const INITIAL_FLOW = 'initial_entities';

/** Name of the pseudo-flow that retires entities by their type's `churn` rule. */
export const CHURN_FLOW = 'churn';
