/**
 * `deep-faker orders`: the order-lifecycle simulator, with its options and defaults, on the
 * scenario scenarios/orders.ts. Writes into `--out`:
 *
 * ```
 * events.ndjson                      every event, in delivery order
 * events_by_ingest_date/DAY.ndjson   the same events by the UTC day of ingest_time
 * events_by_event_date/DAY.ndjson    … and by the UTC day of event_time
 * stats.json                         counts recounted from the events written
 * ```
 *
 * and to Kafka with `--kafka-bootstrap` (topic `--kafka-topic`, key = order_id).
 *
 * @example
 * await main(['orders', '--out', './out', '--n-orders', '5000', '--seed', '42']);
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { SimEvent } from '../core/simEvent';
import { runSimulation } from '../runtime/runSimulation';
import type { SinkOperator, SinkWriter } from '../sinks/sink';
import { toSink } from '../sinks/sink';
import { toFile } from '../sinks/toFile';
import { toKafka } from '../sinks/toKafka';
import { byUtcDate, toPartitionedFiles } from '../sinks/toPartitionedFiles';
import type { OrdersOptions } from '../orders/ordersSimulation';
import { ORDERS_DEFAULTS, ordersOptions, ordersSimulation } from '../orders/ordersSimulation';
import { OrderStatsCounter } from '../orders/orderStats';
import type { CliIO } from './cliIO';
import { UsageError } from './parseOutput';
import { runReporting } from './runReporting';
import { describeError } from './describeError';
import { joinNegativeValues, rateFlag, seedFlag, startFlag } from './runFlags';

/** Usage text of `orders`. */
export const ORDERS_USAGE = `Usage: deep-faker orders --out <dir> [options]

Simulates e-commerce order lifecycles with late, out-of-order and versioned events.

Options (defaults in brackets):
      --out <dir>                    output directory (required)
      --n-orders <n>                 orders to simulate [${ORDERS_DEFAULTS.nOrders}]
      --seed <n>                     random seed [${ORDERS_DEFAULTS.seed}]
      --start <iso>                  start of the span, UTC, e.g. 2026-01-01T00:00:00Z
                                     [midnight UTC, span-days before today]
      --span-days <n>                days over which orders are created [${ORDERS_DEFAULTS.spanDays}]
      --tenant-count <n>             distinct tenants [${ORDERS_DEFAULTS.tenantCount}]
      --user-count <n>               distinct users [${ORDERS_DEFAULTS.userCount}]
      --v2-rate <r>                  share of order_created events in schema v2 [${ORDERS_DEFAULTS.v2Rate}]
      --cancel-rate <r>              share of orders cancelled [${ORDERS_DEFAULTS.cancelRate}]
      --ship-rate <r>                share of non-cancelled orders shipped [${ORDERS_DEFAULTS.shipRate}]
      --correction-rate <r>          share of non-cancelled orders with a correction [${ORDERS_DEFAULTS.correctionRate}]
      --late-rate <r>                probability an event arrives late [${ORDERS_DEFAULTS.lateRate}]
      --out-of-order-rate <r>        probability an event arrives out of order [${ORDERS_DEFAULTS.outOfOrderRate}]
      --max-late-days <n>            most days ingest_time is shifted for late events [${ORDERS_DEFAULTS.maxLateDays}]
      --max-event-gap-minutes <n>    most minutes between lifecycle steps [${ORDERS_DEFAULTS.maxEventGapMinutes}]
      --kafka-bootstrap <servers>    also publish to Kafka (e.g. localhost:9092)
      --kafka-topic <name>           Kafka topic [events]
      --rate <r>                     pace: on average r events per second, minute or hour
                                     (5000/s, 300/m, 10/h); the same files as unpaced
  -q, --quiet                        no summary or progress on stderr
      --debug                        stack traces for errors
  -h, --help                         this help
`;

/** Flag name → option name and parser. */
const NUMBER_FLAGS: ReadonlyArray<readonly [string, keyof OrdersOptions, 'int' | 'rate']> = [
  ['n-orders', 'nOrders', 'int'],
  ['seed', 'seed', 'int'],
  ['span-days', 'spanDays', 'int'],
  ['tenant-count', 'tenantCount', 'int'],
  ['user-count', 'userCount', 'int'],
  ['v2-rate', 'v2Rate', 'rate'],
  ['cancel-rate', 'cancelRate', 'rate'],
  ['ship-rate', 'shipRate', 'rate'],
  ['correction-rate', 'correctionRate', 'rate'],
  ['late-rate', 'lateRate', 'rate'],
  ['out-of-order-rate', 'outOfOrderRate', 'rate'],
  ['max-late-days', 'maxLateDays', 'int'],
  ['max-event-gap-minutes', 'maxEventGapMinutes', 'int'],
];

const DAY_MS = 86_400_000;

/** Midnight UTC `spanDays` before today's: the default start, so the span ends today. */
export const defaultStart = (nowMs: number, spanDays: number): string =>
  new Date((Math.floor(nowMs / DAY_MS) - spanDays) * DAY_MS).toISOString().replace('.000Z', 'Z');

/** The partition folders, by the field whose UTC day names the file. */
export const PARTITIONS = [
  ['events_by_ingest_date', 'ingest_time'],
  ['events_by_event_date', 'event_time'],
] as const;

/** Parses the flags into options (usage errors name the flag). */
export const parseOrdersArgs = (
  args: ReadonlyArray<string>,
  nowMs: number,
): {
  readonly out: string;
  readonly options: OrdersOptions;
  readonly kafka?: { readonly brokers: string; readonly topic: string };
  /** `--rate`: events per wall-clock second, or undefined for as fast as possible. */
  readonly rate?: number;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly help: boolean;
} => {
  const flagOptions = {
    out: { type: 'string' },
    start: { type: 'string' },
    'kafka-bootstrap': { type: 'string' },
    'kafka-topic': { type: 'string' },
    rate: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    debug: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(NUMBER_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
  } as const;
  let parsed;
  try {
    // `--seed -1` is a value, not a flag: it gets --seed's own message.
    parsed = parseArgs({ args: joinNegativeValues(args, flagOptions), allowPositionals: false, strict: true, options: flagOptions });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flags = { quiet: values.quiet === true, debug: values.debug === true, help: values.help === true };
  const out = values.out as string | undefined;
  if (out === undefined || out === '') {
    if (flags.help) return { out: '', options: ordersOptions(), ...flags };
    throw new UsageError('orders: --out <dir> is required');
  }
  const overrides: Record<string, number | string> = {};
  for (const [flag, key, kind] of NUMBER_FLAGS) {
    const v = values[flag] as string | undefined;
    if (v === undefined) continue;
    if (flag === 'seed') {
      overrides[key] = seedFlag(flag, v)!; // the same seeds as `run`
      continue;
    }
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: expected a number, got "${v}"`);
    // Digits only (with a sign: ordersOptions says which range), exact in a JavaScript number.
    if (kind === 'int' && !(/^-?\d+$/.test(v.trim()) && Number.isSafeInteger(n))) throw new UsageError(`--${flag}: expected an integer, got "${v}"`);
    overrides[key] = n;
  }
  const spanDays = (overrides.spanDays as number | undefined) ?? ORDERS_DEFAULTS.spanDays;
  overrides.start =
    (values.start as string | undefined) ?? defaultStart(nowMs, Number.isInteger(spanDays) && spanDays > 0 ? spanDays : ORDERS_DEFAULTS.spanDays);
  let options: OrdersOptions;
  try {
    options = ordersOptions(overrides as Partial<OrdersOptions>);
  } catch (e) {
    // ordersOptions names the option by its TS name: say the flag.
    const message = (e as Error).message.replace(/^(\w+)/, (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`);
    throw new UsageError(message);
  }
  // ordersOptions takes any date JavaScript parses; the engine's years are 0000 to 9999.
  startFlag('start', values.start as string | undefined);
  const brokers = values['kafka-bootstrap'] as string | undefined;
  const topic = (values['kafka-topic'] as string | undefined) ?? 'events';
  if (brokers === '') throw new UsageError('--kafka-bootstrap: expected servers such as localhost:9092');
  const rate = rateFlag('rate', values.rate as string | undefined);
  return { out, options, ...(brokers === undefined ? {} : { kafka: { brokers, topic } }), ...(rate === undefined ? {} : { rate }), ...flags };
};

/** The options as written into stats.json, with the command line's flag names. */
const optionsRecord = (o: OrdersOptions): Record<string, unknown> => ({
  n_orders: o.nOrders,
  seed: o.seed,
  start: o.start,
  span_days: o.spanDays,
  tenant_count: o.tenantCount,
  user_count: o.userCount,
  v2_rate: o.v2Rate,
  cancel_rate: o.cancelRate,
  ship_rate: o.shipRate,
  correction_rate: o.correctionRate,
  late_rate: o.lateRate,
  out_of_order_rate: o.outOfOrderRate,
  max_late_days: o.maxLateDays,
  max_event_gap_minutes: o.maxEventGapMinutes,
});

/**
 * The stats.json "sink": last in the pipeline, so it counts exactly the events every output before
 * it accepted; writes the file when the run ends (after a failure or Ctrl-C: what was written).
 */
export const toOrderStats = (file: string, options: OrdersOptions): SinkOperator =>
  toSink(
    (): SinkWriter => {
      const counter = new OrderStatsCounter();
      return {
        name: `stats:${file}`,
        open: async () => undefined,
        write: async (batch: ReadonlyArray<SimEvent>) => {
          for (const e of batch) counter.add(e);
        },
        close: async () => {
          await fs.promises.writeFile(file, `${JSON.stringify({ options: optionsRecord(options), ...counter.stats() }, null, 2)}\n`);
        },
      };
    },
    { name: `stats:${file}`, maxBatch: 5000 },
  );

/** Removes the partition files of an earlier run, so the folders hold this run's events only. */
const clearPartitions = (out: string): void => {
  for (const [dir] of PARTITIONS) {
    const full = path.join(out, dir);
    if (!fs.existsSync(full)) continue;
    for (const f of fs.readdirSync(full)) if (f.endsWith('.ndjson')) fs.rmSync(path.join(full, f));
  }
};

/** The outputs of an orders run into `out` (and Kafka). */
export const ordersOutputs = (out: string, options: OrdersOptions, kafka?: { readonly brokers: string; readonly topic: string }): SinkOperator[] => [
  toFile(path.join(out, 'events.ndjson')),
  ...PARTITIONS.map(([dir, field]) => toPartitionedFiles(path.join(out, dir), { partition: byUtcDate(field) })),
  ...(kafka === undefined ? [] : [toKafka({ brokers: kafka.brokers.split(','), topic: kafka.topic, clientId: 'deep-faker-orders' })]),
  toOrderStats(path.join(out, 'stats.json'), options),
];

/** `deep-faker orders …`; resolves with the exit code. */
export const ordersCommand = async (args: ReadonlyArray<string>, io: CliIO, say: (t: string) => void): Promise<number> => {
  const parsed = parseOrdersArgs(args, Date.now());
  if (parsed.help) {
    say(ORDERS_USAGE);
    return 0;
  }
  const out = path.resolve(io.cwd, parsed.out);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UsageError(`--out: ${parsed.out} exists and is not a directory`);
  fs.mkdirSync(out, { recursive: true });
  clearPartitions(out);
  const sim = ordersSimulation(parsed.options);
  const outputs = ordersOutputs(out, parsed.options, parsed.kafka);
  if (!parsed.quiet)
    say(
      `deep-faker orders: ${parsed.options.nOrders} orders from ${parsed.options.start} over ${parsed.options.spanDays} days, seed ${parsed.options.seed} → ${parsed.out}`,
    );
  return runReporting(
    io,
    say,
    { ...parsed, outputs, entityTypes: sim.entities },
    (stop, onProgress, onStore) => runSimulation(sim, { outputs, stop, onProgress, onStore, delivery: sim.delivery, rate: parsed.rate }),
    (cause) => ({ message: describeError(cause), code: 1 }),
  );
};
