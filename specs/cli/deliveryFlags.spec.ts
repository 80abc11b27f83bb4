// The delivery flags of `deep-faker run`: `deliveryFromFlags` merging over the model's delivery
// (one flag replaces one setting), `--no-delivery`, every usage error word for word, and runs
// through `main` whose files show each stage at its rate (within 3 sigma, fixed seed).

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { type DeliveryFlagValues, deliveryFromFlags, parseSchemaVersionFlag } from '../../lib/cli/deliveryFlags';
import { main } from '../../lib/cli/main';
import { UsageError } from '../../lib/cli/parseOutput';
import type { DeliverySettings } from '../../lib/delivery/delivery';
import { checksumOf, payloadOf } from '../../lib/delivery/withChecksum';
import type { SimEvent } from '../../lib/core/simEvent';
import { readJsonl, tmpFiles } from '../helpers/jsonlFiles';

const REPO = path.resolve(__dirname, '../..');

interface CliRun {
  readonly code: number;
  readonly stderr: string;
}

/** Runs `main` in-process from the repository root with captured stderr. */
const run = async (argv: ReadonlyArray<string>): Promise<CliRun> => {
  const stderr = new PassThrough();
  let text = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => (text += chunk));
  const code = await main(argv, { stderr, cwd: REPO });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stderr: text };
};

/** The message `f` throws, checking it is a UsageError. */
const usageErrorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return (e as Error).message;
  }
  return expect.fail('expected a UsageError');
};

/** |observed - n p| within 3 standard deviations of a binomial(n, p). */
const expectWithin3Sigma = (observed: number, n: number, p: number, what: string): void => {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p), `${what}: ${observed} of ${n}, expected ${n * p} ± ${(3 * sigma).toFixed(1)}`).to.be.at.most(3 * sigma);
};

const envelope = (e: SimEvent): SimEvent => e;

/** A model delivery with every stage set. */
const BASE: DeliverySettings = {
  envelope,
  versions: [{ version: 2, rate: 0.35, eventTypes: ['order_created'] }],
  checksum: { field: 'sum', algorithm: 'sha1' },
  ingest: { lateRate: 0.06, maxLate: '3d', maxDelay: '2s' },
  ingestOrder: false,
  outOfOrder: { rate: 0.12, window: 4 },
  duplicates: { rate: 0.01, maxDelayEvents: 7 },
};

describe('cli: delivery flags of run', () => {
  describe('parseSchemaVersionFlag', () => {
    it('reads VERSION:RATE and VERSION:RATE:TYPE,TYPE', () => {
      expect(parseSchemaVersionFlag('2:0.35')).to.deep.equal({ version: 2, rate: 0.35 });
      expect(parseSchemaVersionFlag('3:1:OrderPlaced,OrderPaid')).to.deep.equal({ version: 3, rate: 1, eventTypes: ['OrderPlaced', 'OrderPaid'] });
      expect(parseSchemaVersionFlag('10:0:a, b ,c')).to.deep.equal({ version: 10, rate: 0, eventTypes: ['a', 'b', 'c'] });
      expect(parseSchemaVersionFlag('2:.5:order_created')).to.deep.equal({ version: 2, rate: 0.5, eventTypes: ['order_created'] });
    });

    it('says what is wrong, word for word', () => {
      const format = (v: string) => `--schema-version: expected VERSION:RATE or VERSION:RATE:TYPE,TYPE (e.g. 2:0.35:OrderPlaced), got "${v}"`;
      const cases: ReadonlyArray<readonly [string, string]> = [
        ['2', format('2')],
        ['', format('')],
        ['v2:0.5', format('v2:0.5')],
        ['2.5:0.5', format('2.5:0.5')],
        ['2:0.5:', format('2:0.5:')],
        ['2::A', format('2::A')],
        ['2:1.5', '--schema-version: expected a number between 0 and 1, got "1.5"'],
        ['2:-0.1', '--schema-version: expected a number between 0 and 1, got "-0.1"'],
        ['2:abc', '--schema-version: expected a number between 0 and 1, got "abc"'],
        ['2: ', '--schema-version: expected a number between 0 and 1, got " "'],
        ['2:0.5:A,,B', '--schema-version: empty event type in "2:0.5:A,,B"'],
        ['2:0.5:A, ', '--schema-version: empty event type in "2:0.5:A, "'],
      ];
      for (const [v, message] of cases)
        expect(
          usageErrorOf(() => parseSchemaVersionFlag(v)),
          v,
        ).to.equal(message);
    });
  });

  describe('deliveryFromFlags', () => {
    it('no flags and no base: undefined; no flags: a copy of the base', () => {
      expect(deliveryFromFlags({}, undefined)).to.equal(undefined);
      expect(deliveryFromFlags({ checksum: false, 'no-delivery': false }, undefined)).to.equal(undefined);
      const d = deliveryFromFlags({}, BASE);
      expect(d).to.deep.equal(BASE);
      expect(d).not.to.equal(BASE);
      expect(d?.envelope).to.equal(envelope);
    });

    it('each flag alone, without a base', () => {
      const cases: ReadonlyArray<readonly [DeliveryFlagValues, DeliverySettings]> = [
        [{ 'late-rate': '0.06' }, { ingest: { lateRate: 0.06 } }],
        [{ 'max-late': '2d' }, { ingest: { maxLate: '2d' } }],
        [{ 'max-ingest-delay': '500ms' }, { ingest: { maxDelay: '500ms' } }],
        [{ 'ingest-order-window': '0' }, { ingestOrder: { window: 0 } }],
        [{ 'out-of-order-rate': '0.12' }, { outOfOrder: { rate: 0.12 } }],
        [{ 'out-of-order-rate': '1', 'out-of-order-window': '3' }, { outOfOrder: { rate: 1, window: 3 } }],
        [{ 'duplicate-rate': '0' }, { duplicates: { rate: 0 } }],
        [{ 'duplicate-rate': '0.1', 'duplicate-max-delay': '0' }, { duplicates: { rate: 0.1, maxDelayEvents: 0 } }],
        [
          { 'schema-version': ['2:0.5', '3:0.25:A'] },
          {
            versions: [
              { version: 2, rate: 0.5 },
              { version: 3, rate: 0.25, eventTypes: ['A'] },
            ],
          },
        ],
        [{ checksum: true }, { checksum: true }],
        [
          { 'late-rate': '0.06', checksum: true },
          { ingest: { lateRate: 0.06 }, checksum: true },
        ],
      ];
      for (const [flags, expected] of cases) expect(deliveryFromFlags(flags, undefined), JSON.stringify(flags)).to.deep.equal(expected);
    });

    it('a flag replaces the one setting it names and keeps the others of the base', () => {
      const { envelope: _e, ...rest } = BASE;
      const merged = (flags: DeliveryFlagValues) => {
        const d = deliveryFromFlags(flags, BASE);
        expect(d?.envelope, 'the envelope is kept').to.equal(envelope);
        const { envelope: _, ...others } = d ?? {};
        return others;
      };
      expect(merged({ 'late-rate': '0.2' })).to.deep.equal({ ...rest, ingest: { lateRate: 0.2, maxLate: '3d', maxDelay: '2s' } });
      expect(merged({ 'max-late': '5d' })).to.deep.equal({ ...rest, ingest: { lateRate: 0.06, maxLate: '5d', maxDelay: '2s' } });
      expect(merged({ 'max-ingest-delay': '1m' })).to.deep.equal({ ...rest, ingest: { lateRate: 0.06, maxLate: '3d', maxDelay: '1m' } });
      expect(merged({ 'ingest-order-window': '50' })).to.deep.equal({ ...rest, ingestOrder: { window: 50 } });
      expect(merged({ 'out-of-order-rate': '0.5' })).to.deep.equal({ ...rest, outOfOrder: { rate: 0.5, window: 4 } });
      expect(merged({ 'out-of-order-window': '9' })).to.deep.equal({ ...rest, outOfOrder: { rate: 0.12, window: 9 } });
      expect(merged({ 'duplicate-rate': '0.3' })).to.deep.equal({ ...rest, duplicates: { rate: 0.3, maxDelayEvents: 7 } });
      expect(merged({ 'duplicate-max-delay': '2' })).to.deep.equal({ ...rest, duplicates: { rate: 0.01, maxDelayEvents: 2 } });
      expect(merged({ 'schema-version': ['4:1'] })).to.deep.equal({ ...rest, versions: [{ version: 4, rate: 1 }] });
      // --checksum keeps the model's checksum options; it turns a disabled checksum on.
      expect(merged({ checksum: true })).to.deep.equal(rest);
      expect(deliveryFromFlags({ checksum: true }, { checksum: false })).to.deep.equal({ checksum: true });
      // The base itself is never changed.
      expect(BASE.ingest).to.deep.equal({ lateRate: 0.06, maxLate: '3d', maxDelay: '2s' });
      expect(BASE.outOfOrder).to.deep.equal({ rate: 0.12, window: 4 });
    });

    it('--no-delivery drops the base first, then applies the other flags', () => {
      expect(deliveryFromFlags({ 'no-delivery': true }, BASE)).to.equal(undefined);
      expect(deliveryFromFlags({ 'no-delivery': true }, undefined)).to.equal(undefined);
      expect(deliveryFromFlags({ 'no-delivery': true, 'late-rate': '0.5', checksum: true }, BASE)).to.deep.equal({ ingest: { lateRate: 0.5 }, checksum: true });
      expect(usageErrorOf(() => deliveryFromFlags({ 'no-delivery': true, 'out-of-order-window': '3' }, BASE))).to.equal(
        '--out-of-order-window: needs --out-of-order-rate',
      );
    });

    it('says what is wrong, word for word', () => {
      const duration = (flag: string, v: string) =>
        `--${flag}: invalid duration "${v}": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"`;
      const cases: ReadonlyArray<readonly [DeliveryFlagValues, string]> = [
        [{ 'late-rate': '1.5' }, '--late-rate: expected a number between 0 and 1, got "1.5"'],
        [{ 'late-rate': '' }, '--late-rate: expected a number between 0 and 1, got ""'],
        [{ 'late-rate': 'NaN' }, '--late-rate: expected a number between 0 and 1, got "NaN"'],
        [{ 'out-of-order-rate': '-0.1' }, '--out-of-order-rate: expected a number between 0 and 1, got "-0.1"'],
        [{ 'duplicate-rate': 'lots' }, '--duplicate-rate: expected a number between 0 and 1, got "lots"'],
        [{ 'max-late': '3x' }, duration('max-late', '3x')],
        [{ 'max-ingest-delay': 'soon' }, duration('max-ingest-delay', 'soon')],
        [{ 'max-late': '' }, '--max-late: empty duration'],
        [{ 'ingest-order-window': '-1' }, '--ingest-order-window: expected an integer >= 0, got "-1"'],
        [{ 'ingest-order-window': '1.5' }, '--ingest-order-window: expected an integer >= 0, got "1.5"'],
        [{ 'ingest-order-window': ' ' }, '--ingest-order-window: expected an integer >= 0, got " "'],
        [{ 'out-of-order-rate': '0.1', 'out-of-order-window': '0' }, '--out-of-order-window: expected an integer >= 1, got "0"'],
        [{ 'out-of-order-window': '3' }, '--out-of-order-window: needs --out-of-order-rate'],
        [{ 'duplicate-rate': '0.1', 'duplicate-max-delay': '-2' }, '--duplicate-max-delay: expected an integer >= 0, got "-2"'],
        [{ 'duplicate-max-delay': '3' }, '--duplicate-max-delay: needs --duplicate-rate'],
        [{ 'schema-version': ['2:0.5', 'x'] }, '--schema-version: expected VERSION:RATE or VERSION:RATE:TYPE,TYPE (e.g. 2:0.35:OrderPlaced), got "x"'],
      ];
      for (const [flags, message] of cases)
        expect(
          usageErrorOf(() => deliveryFromFlags(flags, undefined)),
          JSON.stringify(flags),
        ).to.equal(message);
    });

    it('through main: a bad delivery flag is exit 2 with its message, before anything is written', async () => {
      const file = path.join(os.tmpdir(), `deep-faker-never-written-${process.pid}.jsonl`);
      for (const [flags, message] of [
        [['--late-rate', '2'], 'deep-faker: --late-rate: expected a number between 0 and 1, got "2"\n'],
        [['--duplicate-max-delay', '3'], 'deep-faker: --duplicate-max-delay: needs --duplicate-rate\n'],
        [['--schema-version', '2'], 'deep-faker: --schema-version: expected VERSION:RATE or VERSION:RATE:TYPE,TYPE (e.g. 2:0.35:OrderPlaced), got "2"\n'],
        // Combinations the stages themselves reject are usage errors too, not failed runs.
        [
          ['--late-rate', '0.1', '--max-late', '12h'],
          'deep-faker: delivery flags: withIngestTime: maxLate must be at least 1d (a late event is ingested on a later UTC day), got 43200000 ms\n',
        ],
        [
          ['--schema-version', '2:0.6', '--schema-version', '3:0.6'],
          'deep-faker: --schema-version: the rates of versions 2, 3 for every event type sum to 1.2, more than 1\n',
        ],
        [
          ['--schema-version', '2:0.6:A,B', '--schema-version', '3:0.5:B'],
          'deep-faker: --schema-version: the rates of versions 2, 3 for event type B sum to 1.1, more than 1\n',
        ],
      ] as const) {
        const r = await run(['run', 'scenarios/ecommerce.ts', '-o', `file:${file}`, ...flags]);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr.startsWith(message), r.stderr).to.equal(true);
        expect(fs.existsSync(file)).to.equal(false);
      }
    });
  });

  describe('runs through main', function () {
    this.timeout(120_000);
    const tmp = tmpFiles('deep-faker-delivery-flags-');

    describe('run scenarios/ecommerce.ts with every kind of flag', () => {
      let rows: Array<Record<string, unknown>>;
      let lines: string[];
      let code: CliRun;

      before(async () => {
        const file = tmp.file();
        code = await run([
          'run',
          'scenarios/ecommerce.ts',
          '--total-events',
          '2000',
          '--seed',
          '5',
          '--output',
          `file:${file}`,
          '--late-rate',
          '0.2',
          '--duplicate-rate',
          '0.1',
          '--checksum',
          '--schema-version',
          '2:0.5',
          '-q',
        ]);
        lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
        rows = readJsonl(file);
      });

      /** The first line of each event_id. */
      const distinct = (): Array<Record<string, unknown>> => {
        const first = new Map<unknown, Record<string, unknown>>();
        for (const r of rows) if (!first.has(r.event_id)) first.set(r.event_id, r);
        return [...first.values()];
      };

      it('exits 0 quietly; 2000 distinct events, every one with ingest_time, schema_version and checksum', () => {
        expect(code.code, code.stderr).to.equal(0);
        expect(code.stderr).to.equal('');
        expect(distinct()).to.have.length(2000);
        for (const r of rows) {
          expect(r.ingest_time, JSON.stringify(r)).to.be.a('string');
          expect(Date.parse(String(r.ingest_time)), 'ingest >= event time').to.be.at.least(Date.parse(String(r.timestamp)));
          expect(r.schema_version).to.be.oneOf([1, 2]);
          expect(r.checksum).to.match(/^[0-9a-f]{64}$/);
        }
      });

      it('about 20% of the events are ingested on a later UTC day', () => {
        const events = distinct();
        const late = events.filter((r) => String(r.ingest_time).slice(0, 10) > String(r.timestamp).slice(0, 10)).length;
        expectWithin3Sigma(late, events.length, 0.2, 'late events');
        // On-time events are ingested within the default 2 s.
        for (const r of events) {
          if (String(r.ingest_time).slice(0, 10) === String(r.timestamp).slice(0, 10)) {
            expect(Date.parse(String(r.ingest_time)) - Date.parse(String(r.timestamp))).to.be.at.most(2_000);
          }
        }
      });

      it('about 10% of the events are delivered twice, as the identical line', () => {
        const first = new Map<unknown, string>();
        let copies = 0;
        rows.forEach((r, i) => {
          const seen = first.get(r.event_id);
          if (seen === undefined) first.set(r.event_id, lines[i]);
          else {
            copies++;
            expect(lines[i]).to.equal(seen);
          }
        });
        const counts = new Map<unknown, number>();
        for (const r of rows) counts.set(r.event_id, (counts.get(r.event_id) ?? 0) + 1);
        expect(Math.max(...counts.values()), 'never more than two copies').to.equal(2);
        expectWithin3Sigma(copies, first.size, 0.1, 'duplicated events');
      });

      it('every checksum is recomputed from the line', () => {
        for (const line of lines) {
          const e = JSON.parse(line) as Record<string, unknown>;
          expect(checksumOf(payloadOf(e)), line).to.equal(e.checksum);
        }
      });

      it('about half of the events are in schema version 2', () => {
        const events = distinct();
        expectWithin3Sigma(events.filter((r) => r.schema_version === 2).length, events.length, 0.5, 'version 2');
      });
    });

    it('a story file with --checksum: every line has its checksum', async () => {
      const file = tmp.file();
      const r = await run(['run', 'scenarios/basic.story.yaml', '--checksum', '--output', `file:${file}`, '-q']);
      expect(r.code, r.stderr).to.equal(0);
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.length).to.be.greaterThan(40);
      for (const line of lines) {
        const e = JSON.parse(line) as Record<string, unknown>;
        expect(e.checksum, line).to.match(/^[0-9a-f]{64}$/);
        expect(checksumOf(payloadOf(e)), line).to.equal(e.checksum);
        expect(e).not.to.have.property('ingest_time');
      }
    });

    it('a story file without delivery flags has no checksum', async () => {
      const file = tmp.file();
      const r = await run(['run', 'scenarios/basic.story.yaml', '--output', `file:${file}`, '-q', '--total-events', '20']);
      expect(r.code, r.stderr).to.equal(0);
      for (const e of readJsonl(file)) expect(e).not.to.have.property('checksum');
    });

    it('run scenarios/orders.ts: the envelope by default; flat engine events with --no-delivery', async () => {
      const enveloped = tmp.file();
      const flat = tmp.file();
      const a = await run(['run', 'scenarios/orders.ts', '--total-events', '300', '--output', `file:${enveloped}`, '-q']);
      const b = await run(['run', 'scenarios/orders.ts', '--total-events', '300', '--output', `file:${flat}`, '--no-delivery', '-q']);
      expect(a.code, a.stderr).to.equal(0);
      expect(b.code, b.stderr).to.equal(0);
      const withEnvelope = readJsonl(enveloped);
      const without = readJsonl(flat);
      expect(withEnvelope).to.have.length(300);
      expect(without).to.have.length(300);
      for (const e of withEnvelope) {
        expect(e).to.include.keys('event_time', 'ingest_time', 'payload', 'checksum', 'schema_version');
        expect(e.record_source).to.equal('event_sim');
        expect(e).not.to.have.property('timestamp');
      }
      for (const e of without) {
        expect(e).to.include.keys('timestamp', 'order_id', 'client_session_id');
        for (const k of ['payload', 'event_time', 'ingest_time', 'checksum', 'schema_version', 'record_source']) expect(e, k).not.to.have.property(k);
      }
      // The same events underneath: the flat events' ids and types are the envelope's.
      const ids = (rs: ReadonlyArray<Record<string, unknown>>) => rs.map((r) => `${String(r.event_id)} ${String(r.event_type)}`).sort();
      expect(ids(withEnvelope)).to.deep.equal(ids(without));
    });

    it('--no-delivery with a flag: only that stage, on the flat events', async () => {
      const file = tmp.file();
      const r = await run(['run', 'scenarios/orders.ts', '--total-events', '100', '--output', `file:${file}`, '--no-delivery', '--checksum', '-q']);
      expect(r.code, r.stderr).to.equal(0);
      for (const e of readJsonl(file)) {
        expect(e).to.have.property('timestamp');
        expect(e).not.to.have.property('payload');
        expect(e).not.to.have.property('ingest_time');
        expect(checksumOf(payloadOf(e))).to.equal(e.checksum);
      }
    });
  });
});
