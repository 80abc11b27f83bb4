/**
 * The delivery-realism flags of `deep-faker run`: parsed, checked, and merged over what the model
 * itself configures (`sim.withDelivery(...)`, a YAML `delivery:` section). A flag replaces the one
 * setting it names and keeps the others; `--no-delivery` drops the model's delivery first.
 *
 * @example
 * deliveryFromFlags({ 'late-rate': '0.06', checksum: true }, undefined);
 * // { ingest: { lateRate: 0.06 }, checksum: true }
 */
import type { DeliverySettings } from '../delivery/delivery';
import { deliveryStages } from '../delivery/delivery';
import type { SchemaVersion } from '../delivery/schemaVersions';
import { UsageError } from './parseOutput';
import { durationFlag } from './runFlags';

/** `parseArgs` options of the delivery flags. */
export const DELIVERY_FLAG_OPTIONS = {
  'late-rate': { type: 'string' },
  'max-late': { type: 'string' },
  'max-ingest-delay': { type: 'string' },
  'ingest-order-window': { type: 'string' },
  'out-of-order-rate': { type: 'string' },
  'out-of-order-window': { type: 'string' },
  'duplicate-rate': { type: 'string' },
  'duplicate-max-delay': { type: 'string' },
  'schema-version': { type: 'string', multiple: true },
  checksum: { type: 'boolean' },
  'no-delivery': { type: 'boolean' },
} as const;

/** Usage lines of the delivery flags. */
export const DELIVERY_USAGE = `Delivery realism (options of run; see README "Delivery realism"):
      --late-rate <r>            share of events ingested on a later UTC day (adds ingest_time)
      --max-late <d>             longest lateness, at least 1d (default 3d)
      --max-ingest-delay <d>     longest delay of an on-time event (default 2s)
      --ingest-order-window <n>  most events held to deliver in ingest order (default 10000)
      --out-of-order-rate <r>    share of events delivered after later ones
      --out-of-order-window <n>  most later events one is delivered behind (default 5)
      --duplicate-rate <r>       share of events delivered twice (at-least-once)
      --duplicate-max-delay <n>  most events between an event and its copy (default 10)
      --schema-version <v:r[:T,…]>  version v for a share r of events (of types T…); repeatable
      --checksum                 add a SHA-256 checksum of each event's payload
      --no-delivery              ignore the delivery the model configures
`;

/** The delivery flags as `parseArgs` returns them. */
export type DeliveryFlagValues = {
  readonly [K in keyof typeof DELIVERY_FLAG_OPTIONS]?: (typeof DELIVERY_FLAG_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof DELIVERY_FLAG_OPTIONS)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

const rate = (name: string, v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name}: expected a number between 0 and 1, got "${v}"`);
  return n;
};

const count = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  return n;
};

/**
 * `--schema-version 2:0.35` or `2:0.35:OrderPlaced,OrderPaid` → a schema version (no transform:
 * the version number only; payload transforms are for the TS API and YAML).
 */
export const parseSchemaVersionFlag = (v: string): SchemaVersion => {
  const m = /^(\d+):([^:]+)(?::(.+))?$/.exec(v);
  if (m === null) throw new UsageError(`--schema-version: expected VERSION:RATE or VERSION:RATE:TYPE,TYPE (e.g. 2:0.35:OrderPlaced), got "${v}"`);
  const eventTypes = m[3]?.split(',').map((t) => t.trim());
  if (eventTypes?.some((t) => t === '')) throw new UsageError(`--schema-version: empty event type in "${v}"`);
  return { version: Number(m[1]), rate: rate('schema-version', m[2]), ...(eventTypes === undefined ? {} : { eventTypes }) };
};

/** Versions that apply to one event type must not have rates summing above 1. */
const checkVersionRates = (versions: ReadonlyArray<SchemaVersion>): void => {
  const named = new Set(versions.flatMap((v) => v.eventTypes ?? []));
  // '' stands for every event type no version names.
  for (const type of ['', ...named]) {
    const applying = versions.filter((v) => v.eventTypes === undefined || v.eventTypes.includes(type));
    const sum = applying.reduce((acc, v) => acc + v.rate, 0);
    if (sum > 1 + 1e-9) {
      const what = type === '' ? 'every event type' : `event type ${type}`;
      throw new UsageError(
        `--schema-version: the rates of versions ${applying.map((v) => v.version).join(', ')} for ${what} sum to ${Math.round(sum * 1e6) / 1e6}, more than 1`,
      );
    }
  }
};

/**
 * The delivery of a run: `base` (the model's) with the flags applied; undefined when neither sets
 * anything.
 */
export const deliveryFromFlags = (values: DeliveryFlagValues, base: DeliverySettings | undefined): DeliverySettings | undefined => {
  let d: DeliverySettings = values['no-delivery'] === true ? {} : { ...(base ?? {}) };
  const ingestFlags = values['late-rate'] !== undefined || values['max-late'] !== undefined || values['max-ingest-delay'] !== undefined;
  if (ingestFlags) {
    d = {
      ...d,
      ingest: {
        ...d.ingest,
        ...(values['late-rate'] === undefined ? {} : { lateRate: rate('late-rate', values['late-rate']) }),
        ...(values['max-late'] === undefined ? {} : { maxLate: durationFlag('max-late', values['max-late']) }),
        ...(values['max-ingest-delay'] === undefined ? {} : { maxDelay: durationFlag('max-ingest-delay', values['max-ingest-delay']) }),
      },
    };
  }
  if (values['ingest-order-window'] !== undefined) d = { ...d, ingestOrder: { window: count('ingest-order-window', values['ingest-order-window'], 0) } };
  if (values['out-of-order-rate'] !== undefined || values['out-of-order-window'] !== undefined) {
    const current = d.outOfOrder;
    const r = values['out-of-order-rate'] === undefined ? current?.rate : rate('out-of-order-rate', values['out-of-order-rate']);
    if (r === undefined) throw new UsageError('--out-of-order-window: needs --out-of-order-rate');
    d = {
      ...d,
      outOfOrder: {
        ...current,
        rate: r,
        ...(values['out-of-order-window'] === undefined ? {} : { window: count('out-of-order-window', values['out-of-order-window'], 1) }),
      },
    };
  }
  if (values['duplicate-rate'] !== undefined || values['duplicate-max-delay'] !== undefined) {
    const current = d.duplicates;
    const r = values['duplicate-rate'] === undefined ? current?.rate : rate('duplicate-rate', values['duplicate-rate']);
    if (r === undefined) throw new UsageError('--duplicate-max-delay: needs --duplicate-rate');
    d = {
      ...d,
      duplicates: {
        ...current,
        rate: r,
        ...(values['duplicate-max-delay'] === undefined ? {} : { maxDelayEvents: count('duplicate-max-delay', values['duplicate-max-delay'], 0) }),
      },
    };
  }
  if (values['schema-version'] !== undefined) d = { ...d, versions: values['schema-version'].map(parseSchemaVersionFlag) };
  if (values.checksum === true) d = { ...d, checksum: d.checksum === undefined || d.checksum === false ? true : d.checksum };
  if (values['schema-version'] !== undefined) checkVersionRates(d.versions as ReadonlyArray<SchemaVersion>);
  try {
    // The stages check their own options (e.g. maxLate >= 1d with a late rate): a bad combination
    // of flags is a usage error now, not a failed run later.
    deliveryStages({ ...d, seed: 0 });
  } catch (e) {
    throw new UsageError(`delivery flags: ${(e as Error).message}`);
  }
  return Object.keys(d).length === 0 ? undefined : d;
};
