/**
 * deep-faker: realistic, stateful, deterministic event streams for testing data pipelines.
 *
 * @example
 * import { simulation, event, entity, field, newEvent, addDecay, setState, select, toStdout } from 'deep-faker';
 */

// core
export { Rng, deriveSeed } from './core/rng';
export { parseDuration, formatDuration, DurationError } from './core/duration';
export { DeepFakerError, ModelError } from './core/errors';
export type { DurationInput, TimeSpan, Range } from './core/duration';
export { HeapScheduler } from './core/heapScheduler';
export { EVENT_META, SYSTEM_FIELDS, eventTime, eventKey, eventSchema } from './core/simEvent';
export type { SimEvent, EventMeta, EventShape, FieldShape, SystemFields } from './core/simEvent';

// schema
export { field, FieldError, IntCodec, FloatCodec, DateTimeCodec } from './schema/field';
export type { FieldDef, FieldOptions, ValueOf } from './schema/field';
export { event, checkValues } from './schema/event';
export type { EventSchema, PayloadOf, Fields } from './schema/event';
export { SchemaError } from './schema/schemaError';
export { GeneratorError, HintError } from './schema/generator';
export type { GenContext, Generate, GeneratorFactory, FieldType, FieldSite } from './schema/generator';
export { registerGenerator, compileGenerator, knownGenerators, compileHint, knownHints } from './schema/generatorRegistry';
export { SeededFaker } from './schema/seededFaker';

// entities
export { entity, FLOW_NAME } from './entities/entity';
export type { EntityType, StateOf, EntityOptions } from './entities/entity';
export type { ChurnOptions, ChurnRule, ChurnOverrides, RetiringEntity } from './entities/churnRule';
export { EntityStore } from './entities/entityStore';
export type { EntitySnapshot, EntityVersion, HistoryMode, HistoryWindow } from './entities/entityStore';
export { HistoryWindowError } from './entities/history';
export { WHERE_OPERATORS } from './entities/where';
export type { Condition, Where, WhereOperator } from './entities/where';
export { STATE_OPERATIONS } from './entities/reducer';
export type { StateOp } from './entities/reducer';

// flows
export { newEvent, addDecay, wait, setState, select, release, retire } from './flows/actions';
export type { Action, NewEvent, AddDecay, SetState, Select, Release, Retire, NewEventOptions, DecayOptions } from './flows/actions';
export { defineFlow } from './flows/flow';
export { acquire } from './flows/acquire';
export type { FlowContext, FlowBody, FlowDef, FlowOptions, EntityView } from './flows/flow';

// engine
export { simulateOn, FlowError, INITIAL_FLOW, CHURN_FLOW } from './engine/simulateOn';
export type { Env } from './engine/simulateOn';
export { FOREVER, resolveSettings, SettingsError } from './engine/model';
export type { SimulationModel, SimulationSettings, ArrivalSettings } from './engine/model';
export { createRunStats } from './engine/runStats';
export type { RunStats, SessionCounts, EntityCounts } from './engine/runStats';
export { simulation, Simulation } from './simulation';
export type { SimulationOptions } from './simulation';

// runtime
export { simulate } from './runtime/simulate';
export type { SimulateOptions } from './runtime/simulate';
export { runSimulation, runStream, RunError } from './runtime/runSimulation';
export type { RunOptions, RunSummary, RunStreamOptions, StreamRun } from './runtime/runSimulation';
export { Backpressure, FlowControl } from './runtime/backpressure';
export { onVirtualTime } from './runtime/onVirtualTime';

// sinks
export { toSink, SinkError } from './sinks/sink';
export type { SinkWriter, SinkOptions, ToSinkOptions, SinkOperator, SinkStats } from './sinks/sink';
export { toStdout, isBrokenPipe } from './sinks/toStdout';
export type { ToStdoutOptions } from './sinks/toStdout';
export { toFile } from './sinks/toFile';
export { toPartitionedFiles, partitionFileName, byUtcDate, byEventDate } from './sinks/toPartitionedFiles';
export type { ToPartitionedFilesOptions } from './sinks/toPartitionedFiles';
export type { ToFileOptions } from './sinks/toFile';
export { toKafka } from './sinks/toKafka';
export type { ToKafkaOptions, KafkaClient, KafkaCompression, KafkaKeys } from './sinks/toKafka';
export { toMySQL } from './sinks/toMySQL';
export type { ToMySQLOptions } from './sinks/toMySQL';
export type { MySQLConnection } from './sinks/mysqlConnection';
export { serializeEvent, serializeBatch } from './sinks/serializeEvent';
export type { EventFormat } from './sinks/serializeEvent';

// expressions (shared by the YAML and story front ends)
export {
  parseExpression,
  parseTemplate,
  isTemplate,
  checkExpression,
  evaluate,
  compileExpression,
  compileTemplate,
  formatExprError,
  ExprEvalError,
  defineFunction,
  functionNamespace,
} from './expr';
export type { Expr, ExprError, FunctionRegistry, FunctionSpec, ExprFunction, Variables, CompileResult } from './expr';

// the YAML model format
export { loadConfig } from './config/yaml/loadConfig';
export type { LoadResult, LoadOptions } from './config/yaml/loadConfig';
export { formatConfigError, ConfigErrors } from './config/configError';
export type { ConfigError } from './config/configError';

// the story format: scheduled events with field expressions
export { loadStory, isStoryText } from './config/story/loadStory';
export type { LoadStoryResult, LoadStoryOptions } from './config/story/loadStory';
export { streamStory, loadStoryOrThrow, StoryStream } from './config/story/streamStory';
export type { StreamStoryOptions } from './config/story/streamStory';
export { runStory } from './config/story/runStory';
export type { RunStoryOptions } from './config/story/runStory';
export { playStory } from './story/playStory';
export type { PlayStoryOptions } from './story/playStory';
export { StoryError } from './story/storyError';
export type { StoryEvent, StoryPayload } from './story/storyEvent';
export { EventGenerator } from './story/eventGenerator';
export type { GeneratorContext } from './story/eventGenerator';
export type { Story, EventDef, Frequency } from './story/story';

// delivery realism (before the sinks)
export { delivery, deliveryStages, deliveryFor, DEFAULT_REORDER_WINDOW } from './delivery/delivery';
export type { DeliveryOptions, DeliverySettings } from './delivery/delivery';
export { DeliveryError } from './delivery/deliveryError';
export { withIngestTime, isLate, ingestTimeFor } from './delivery/withIngestTime';
export type { WithIngestTimeOptions } from './delivery/withIngestTime';
export { INGEST_TIME, ingestTimeOf, hasIngestTime, setField, withMetaOf } from './delivery/deliveryMeta';
export { deliverInIngestOrder, reorderStats } from './delivery/deliverInIngestOrder';
export type { DeliverInIngestOrderOptions, ReorderStats } from './delivery/deliverInIngestOrder';
export { outOfOrder } from './delivery/outOfOrder';
export type { OutOfOrderOptions } from './delivery/outOfOrder';
export { holdBack, holdBackStats } from './delivery/holdBack';
export type { HoldBackStats } from './delivery/holdBack';
export { duplicates } from './delivery/duplicates';
export type { DuplicatesOptions } from './delivery/duplicates';
export { schemaVersions } from './delivery/schemaVersions';
export type { SchemaVersion, SchemaVersionsOptions } from './delivery/schemaVersions';
export { canonicalJson } from './delivery/canonicalJson';
export { withChecksum, checksumOf, payloadOf, DELIVERY_FIELDS } from './delivery/withChecksum';
export type { WithChecksumOptions } from './delivery/withChecksum';

// the order-lifecycle simulator (also `deep-faker orders`)
export { ordersSimulation, ordersOptions, ORDERS_DEFAULTS, ordersDelivery } from './orders/ordersSimulation';
export type { OrdersOptions } from './orders/ordersSimulation';
