import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { firstValueFrom, from, toArray } from 'rxjs';
import { Rng } from '../../lib/core/rng';
import { EVENT_META, type SimEvent } from '../../lib/core/simEvent';
import type { DeliverySettings } from '../../lib/delivery/delivery';
import { delivery } from '../../lib/delivery/delivery';
import type { SchemaVersion } from '../../lib/delivery/schemaVersions';
import { isLate } from '../../lib/delivery/withIngestTime';
import { checksumOf, payloadOf } from '../../lib/delivery/withChecksum';
import { formatConfigError } from '../../lib/config/configError';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import type { Simulation } from '../../lib/simulation';
import { toFile } from '../../lib/sinks/toFile';
import { readJsonl, tmpFiles } from '../helpers/jsonlFiles';
import { ev, threeSigma } from '../delivery/syntheticEvents';

/** A small document; the `delivery:` section under test goes first, so its line numbers are its own. */
const BASE = `version: "1.0"
simulation_settings:
  total_events: 6000
  random_seed: 7
  initial_entity_counts: { User: 20 }
  time_progression: { start_time: "2025-01-01T18:00:00Z" }
  concurrent_sessions: 4
schemas:
  User:
    type: object
    properties:
      user_id: { type: string, generator: uuid_v4 }
      email: { type: string, generator: faker.email }
      phone: { type: string, generator: faker.phone_number }
      plan: { type: string, generator: choice, params: { choices: [free, pro] } }
  PageView:
    type: object
    properties:
      user_id: { type: string, from_entity: User, field: user_id }
      url: { type: string, generator: choice, params: { choices: [/, /pricing, /docs] } }
entities:
  User: { schema: "#/schemas/User", primary_key: user_id }
event_types:
  UserRegistered: { payload_schema: "#/schemas/User", produces_entity: User, frequency_weight: 1 }
  PageViewed:
    payload_schema: "#/schemas/PageView"
    consumes_entities: [{ name: User }]
    frequency_weight: 2
`;

/** Every key of the section. */
const FULL = `delivery:
  seed: 7
  ingest_time:
    late_rate: 0.06
    max_late: 3d
    min_delay: 0s
    max_delay: 2s
    field: ingest_time
  ingest_order: false
  out_of_order: { rate: 0.12, window: 5 }
  duplicates: { rate: 0.01, max_delay_events: 10 }
  checksum: { field: checksum, algorithm: sha256 }
  schema_versions:
    field: schema_version
    default_version: 1
    versions:
      - version: 2
        rate: 0.35
        event_types: [UserRegistered]
        add_fields:
          promo_code: { type: string, generator: choice, params: { choices: [SPRING10, WELCOME5] } }
          signup_channel: { type: string, generator: derived, params: { expression: "plan + '/' + promo_code" } }
          registered_at: { type: string, format: iso8601, generator: current_timestamp }
        rename_fields: { email: email_address }
        drop_fields: [phone]
      - version: 3
        rate: 0.1
`;

const errorsOf = (text: string): string[] => {
  const r = loadConfig(text, { file: 't.yaml' });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

/** Errors of a document whose `delivery:` section is `section` (line 1 is `delivery:`). */
const errors = (section: string): string[] => errorsOf(`delivery:\n${section}${BASE}`);

const loaded = (text: string): Simulation => {
  const r = loadConfig(text, { file: 't.yaml' });
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.simulation;
};

const settingsOf = (section: string): DeliverySettings | undefined => loaded(`delivery:\n${section}${BASE}`).delivery;

/** The versions of compiled settings (always the object form). */
const versionsOf = (s: DeliverySettings | undefined): ReadonlyArray<SchemaVersion> => {
  const v = s?.versions;
  if (v === undefined || !('versions' in v)) throw new Error('expected the object form of versions');
  return v.versions;
};

/** Settings without the transforms (functions), for deep-equal. */
const dataOf = (s: DeliverySettings | undefined): unknown => {
  if (s?.versions === undefined || !('versions' in s.versions)) return s;
  return { ...s, versions: { ...s.versions, versions: s.versions.versions.map(({ transform: _t, ...rest }) => rest) } };
};

describe('config/yaml delivery section', () => {
  describe('compiles', () => {
    it('every key into the DeliverySettings of simulation.delivery (durations as written, transforms only where a version changes fields)', () => {
      const s = loaded(FULL + BASE).delivery;
      expect(dataOf(s)).to.deep.equal({
        seed: 7,
        ingest: { lateRate: 0.06, maxLate: '3d', minDelay: '0s', maxDelay: '2s', field: 'ingest_time' },
        ingestOrder: false,
        outOfOrder: { rate: 0.12, window: 5 },
        duplicates: { rate: 0.01, maxDelayEvents: 10 },
        checksum: { field: 'checksum', algorithm: 'sha256' },
        versions: {
          field: 'schema_version',
          defaultVersion: 1,
          versions: [
            { version: 2, rate: 0.35, eventTypes: ['UserRegistered'] },
            { version: 3, rate: 0.1 },
          ],
        },
      });
      const [v2, v3] = versionsOf(s);
      expect(v2.transform).to.be.a('function');
      expect(v3.transform).to.equal(undefined);
    });

    it('short forms and defaults: no seed unless given, checksum true, ingest_order true or { window }, optional windows left out', () => {
      expect(loaded(BASE).delivery).to.equal(undefined);
      expect(settingsOf('  {}\n')).to.deep.equal({});
      expect(settingsOf('  checksum: true\n')).to.deep.equal({ checksum: true });
      expect(settingsOf('  checksum: false\n')).to.deep.equal({});
      expect(settingsOf('  checksum: { algorithm: SHA512 }\n')).to.deep.equal({ checksum: { algorithm: 'sha512' } });
      expect(settingsOf('  ingest_time: {}\n  ingest_order: true\n')).to.deep.equal({ ingest: {} });
      expect(settingsOf('  ingest_time: { late_rate: 0.1 }\n  ingest_order: { window: 50 }\n')).to.deep.equal({
        ingest: { lateRate: 0.1 },
        ingestOrder: { window: 50 },
      });
      expect(settingsOf('  ingest_time: { max_delay: 1500 }\n')).to.deep.equal({ ingest: { maxDelay: 1500 } });
      expect(settingsOf('  out_of_order: { rate: 0.2 }\n  duplicates: { rate: 0 }\n')).to.deep.equal({ outOfOrder: { rate: 0.2 }, duplicates: { rate: 0 } });
      expect(dataOf(settingsOf('  schema_versions: {}\n'))).to.deep.equal({ versions: { versions: [] } });
    });

    it('one version number may serve different event types; the shipped library example has a delivery section', () => {
      const two =
        '  schema_versions:\n    versions:\n      - { version: 2, rate: 0.5, event_types: [UserRegistered] }\n      - { version: 2, rate: 0.5, event_types: [PageViewed] }\n';
      expect(versionsOf(settingsOf(two)).map((v) => [v.version, v.eventTypes])).to.deep.equal([
        [2, ['UserRegistered']],
        [2, ['PageViewed']],
      ]);
      const library = loadConfig('scenarios/library.yaml');
      expect(library.ok, library.ok ? '' : library.errors.map(formatConfigError).join('\n')).to.equal(true);
      if (!library.ok) return;
      const s = library.simulation.delivery;
      expect(s?.seed).to.equal(undefined);
      expect(s?.ingest?.lateRate).to.be.greaterThan(0);
      expect(s?.checksum).to.equal(true);
      expect(versionsOf(s).length).to.be.greaterThan(0);
      const out = execFileSync(process.execPath, ['bin/deep-faker.js', 'validate', 'scenarios/library.yaml'], { encoding: 'utf8' });
      expect(out.trim()).to.equal('ok');
    });
  });

  describe('errors: located at the offending node', () => {
    it('unknown keys, with did-you-mean, at every level', () => {
      expect(errorsOf(`delivry:\n  seed: 1\n${BASE}`)).to.deep.equal(['t.yaml:1:1 delivry: unknown key "delivry"; did you mean "delivery"?']);
      expect(
        errors(
          '  ingest_tme: {}\n  ingest_time: { late_rat: 0.1 }\n  out_of_order: { rate: 0.1, windw: 3 }\n  checksum: { algoritm: md5 }\n  schema_versions:\n    version: []\n    versions:\n      - { version: 2, rate: 0.1, rename_field: {} }\n',
        ),
      ).to.deep.equal([
        't.yaml:2:3 delivery.ingest_tme: unknown key "ingest_tme"; did you mean "ingest_time"?',
        't.yaml:3:18 delivery.ingest_time.late_rat: unknown key "late_rat"; did you mean "late_rate"?',
        't.yaml:4:30 delivery.out_of_order.windw: unknown key "windw"; did you mean "window"?',
        't.yaml:5:15 delivery.checksum.algoritm: unknown key "algoritm"; did you mean "algorithm"?',
        't.yaml:7:5 delivery.schema_versions.version: unknown key "version"; did you mean "versions"?',
        't.yaml:9:34 delivery.schema_versions.versions[0].rename_field: unknown key "rename_field"; did you mean "rename_fields"?',
      ]);
    });

    it('wrong shapes and missing required keys', () => {
      expect(
        errors(
          '  seed: -1\n  out_of_order: { window: 3 }\n  duplicates: 0.1\n  checksum: yes\n  ingest_time: {}\n  ingest_order: 10\n  schema_versions:\n    versions:\n      - { rate: 0.1 }\n',
        ),
      ).to.deep.equal([
        't.yaml:2:9 delivery.seed: expected an integer >= 0, got -1',
        't.yaml:3:17 delivery.out_of_order: missing required key "rate"',
        't.yaml:4:15 delivery.duplicates: expected a mapping, got 0.1',
        't.yaml:5:13 delivery.checksum: expected true, false or a mapping with "field" / "algorithm", got "yes"',
        't.yaml:7:17 delivery.ingest_order: expected true, false or a mapping with "window", got 10',
        't.yaml:10:9 delivery.schema_versions.versions[0]: missing required key "version"',
      ]);
    });

    it('rates outside [0, 1], windows that are not positive integers', () => {
      expect(
        errors(
          '  ingest_time: { late_rate: 1.5 }\n  ingest_order: { window: 0 }\n  out_of_order: { rate: -0.1, window: 2.5 }\n  duplicates: { rate: 2, max_delay_events: -1 }\n  schema_versions:\n    versions:\n      - { version: 2, rate: 1.01 }\n',
        ),
      ).to.deep.equal([
        't.yaml:2:29 delivery.ingest_time.late_rate: expected a number between 0 and 1, got 1.5',
        't.yaml:3:27 delivery.ingest_order.window: expected an integer >= 1, got 0',
        't.yaml:4:25 delivery.out_of_order.rate: expected a number between 0 and 1, got -0.1',
        't.yaml:4:39 delivery.out_of_order.window: expected an integer, got 2.5',
        't.yaml:5:23 delivery.duplicates.rate: expected a number between 0 and 1, got 2',
        't.yaml:5:44 delivery.duplicates.max_delay_events: expected an integer >= 0, got -1',
        't.yaml:8:29 delivery.schema_versions.versions[0].rate: expected a number between 0 and 1, got 1.01',
      ]);
    });

    it('durations: unreadable, max_late under 1d when late_rate > 0, min_delay above max_delay; ingest_order without ingest_time', () => {
      expect(errors('  ingest_time:\n    late_rate: 0.1\n    max_late: 12h\n    min_delay: 3x\n    max_delay: { s: 1 }\n')).to.deep.equal([
        't.yaml:4:15 delivery.ingest_time.max_late: must be at least 1d when late_rate > 0 (a late event is ingested on a later UTC day), got "12h"',
        't.yaml:5:16 delivery.ingest_time.min_delay: invalid duration "3x": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m"',
        't.yaml:6:16 delivery.ingest_time.max_delay: expected a duration such as "3d" or "2s", got a mapping',
      ]);
      expect(errors('  ingest_time: { late_rate: 0, max_late: 12h, min_delay: 5s }\n')).to.deep.equal([
        't.yaml:2:58 delivery.ingest_time.min_delay: min_delay (5s) is greater than max_delay (2s by default)',
      ]);
      expect(errors('  ingest_time: { min_delay: 1m, max_delay: 30s }\n')).to.deep.equal([
        't.yaml:2:29 delivery.ingest_time.min_delay: min_delay (1m) is greater than max_delay (30s)',
      ]);
      expect(errors('  ingest_order: { window: 10 }\n')).to.deep.equal([
        't.yaml:2:17 delivery.ingest_order: ingest_order needs ingest_time (it delivers events in ingest-time order)',
      ]);
    });

    it('hash algorithms node:crypto lacks, with did-you-mean', () => {
      expect(errors('  checksum: { algorithm: sha265 }\n')).to.deep.equal([
        't.yaml:2:26 delivery.checksum.algorithm: "sha265" is not a hash algorithm of node:crypto; did you mean "sha256"?',
      ]);
      expect(errors('  checksum: { algorithm: crc32 }\n')).to.deep.equal([
        't.yaml:2:26 delivery.checksum.algorithm: "crc32" is not a hash algorithm of node:crypto (e.g. sha256, sha512, sha1, md5)',
      ]);
    });

    it("fields delivery writes: not a system field, not another stage's, not a payload field", () => {
      expect(errors('  ingest_time: { field: timestamp }\n  checksum: { field: plan }\n')).to.deep.equal([
        't.yaml:2:25 delivery.ingest_time.field: "timestamp" is a system field',
        't.yaml:3:22 delivery.checksum.field: "plan" is already a payload field of UserRegistered',
      ]);
      expect(errors('  ingest_time: { field: received_at }\n  schema_versions: { field: received_at }\n')).to.deep.equal([
        't.yaml:3:29 delivery.schema_versions.field: "received_at" is also the field of delivery.ingest_time',
      ]);
      expect(errorsOf(`delivery:\n  checksum: true\n${BASE.replace('url: {', 'checksum: {')}`)).to.deep.equal([
        't.yaml:2:13 delivery.checksum: its field "checksum" is already a payload field of PageViewed; set "field" to another name',
      ]);
    });

    const version = (body: string): string[] => errors(`  schema_versions:\n    versions:\n      - version: 2\n        rate: 0.5\n${body}`);

    it('event_types: unknown ones with did-you-mean, an empty list', () => {
      expect(version('        event_types: [UserRegisterd, PageViewed]\n')).to.deep.equal([
        't.yaml:6:23 delivery.schema_versions.versions[0].event_types[0]: "UserRegisterd" is not an event type; did you mean "UserRegistered"?',
      ]);
      expect(version('        event_types: []\n')).to.deep.equal([
        't.yaml:6:22 delivery.schema_versions.versions[0].event_types: an empty list (leave event_types out for every event type)',
      ]);
    });

    it('system fields cannot be added, renamed (from or to) or dropped', () => {
      expect(
        version(
          '        event_types: [UserRegistered]\n        add_fields: { flow: { type: string } }\n        rename_fields: { event_id: id, email: session_id }\n        drop_fields: [timestamp]\n',
        ),
      ).to.deep.equal([
        't.yaml:7:23 delivery.schema_versions.versions[0].add_fields.flow: "flow" is a system field',
        't.yaml:8:26 delivery.schema_versions.versions[0].rename_fields.event_id: "event_id" is a system field and cannot be renamed',
        't.yaml:8:47 delivery.schema_versions.versions[0].rename_fields.email: "session_id" is a system field',
        't.yaml:9:23 delivery.schema_versions.versions[0].drop_fields[0]: "timestamp" is a system field and cannot be dropped',
      ]);
    });

    it('fields renamed or dropped must exist (did-you-mean); names must not overwrite a field', () => {
      expect(version('        event_types: [UserRegistered]\n        rename_fields: { emial: email_address }\n        drop_fields: [phnoe]\n')).to.deep.equal([
        't.yaml:7:26 delivery.schema_versions.versions[0].rename_fields.emial: "emial" is not a field of UserRegistered; did you mean "email"?',
        't.yaml:8:23 delivery.schema_versions.versions[0].drop_fields[0]: "phnoe" is not a field of UserRegistered; did you mean "phone"?',
      ]);
      expect(version('        rename_fields: { url: path }\n')).to.deep.equal([]);
      expect(version('        rename_fields: { uri: path }\n')).to.deep.equal([
        't.yaml:6:26 delivery.schema_versions.versions[0].rename_fields.uri: "uri" is not a field of any event type; did you mean "url"?',
      ]);
      expect(
        version(
          '        event_types: [UserRegistered]\n        add_fields: { email: { type: string } }\n        rename_fields: { phone: plan, plan: tier, user_id: tier }\n        drop_fields: [phone]\n',
        ),
      ).to.deep.equal([
        't.yaml:7:23 delivery.schema_versions.versions[0].add_fields.email: "email" is already a payload field of UserRegistered',
        't.yaml:8:60 delivery.schema_versions.versions[0].rename_fields.user_id: "tier" is also the new name of "plan"',
        't.yaml:9:23 delivery.schema_versions.versions[0].drop_fields[0]: "phone" is renamed to "plan" by rename_fields (drop_fields applies after renaming)',
      ]);
      expect(
        version(
          '        event_types: [UserRegistered]\n        add_fields: { code: { type: string } }\n        rename_fields: { email: code, phone: phone, plan: user_id }\n',
        ),
      ).to.deep.equal([
        't.yaml:8:33 delivery.schema_versions.versions[0].rename_fields.email: "code" is also added by add_fields',
        't.yaml:8:46 delivery.schema_versions.versions[0].rename_fields.phone: "phone" is its own name',
        't.yaml:8:59 delivery.schema_versions.versions[0].rename_fields.plan: "user_id" is already a payload field of UserRegistered',
      ]);
      expect(
        errors('  checksum: true\n  schema_versions:\n    versions:\n      - { version: 2, rate: 0.5, add_fields: { checksum: { type: string } } }\n'),
      ).to.deep.equal(['t.yaml:5:48 delivery.schema_versions.versions[0].add_fields.checksum: "checksum" is the field delivery.checksum writes']);
    });

    it('add_fields are field specs as under schemas: the same errors; from_entity is refused', () => {
      expect(
        version(
          '        add_fields:\n          a: { generator: uuid_v4 }\n          b: { type: string, generator: faker.emial }\n          c: { type: integer, generator: random_int, params: { min: 5, max: 1 } }\n          d: { type: number, generator: derived, params: { expression: "amount * 2" } }\n          e: { type: string, from_entity: User, field: user_id }\n',
        ),
      ).to.deep.equal([
        't.yaml:7:14 delivery.schema_versions.versions[0].add_fields.a: missing required key "type" (or "$ref")',
        't.yaml:8:41 delivery.schema_versions.versions[0].add_fields.b.generator: unknown generator "faker.emial"; did you mean "faker.email"?',
        't.yaml:9:69 delivery.schema_versions.versions[0].add_fields.c.params.min: generator "random_int": min (5) must not be greater than max (1)',
        't.yaml:10:73 delivery.schema_versions.versions[0].add_fields.d.params.expression: unknown name "amount"',
        't.yaml:11:43 delivery.schema_versions.versions[0].add_fields.e.from_entity: from_entity cannot be used in add_fields: no entity is consumed when an event is delivered',
      ]);
    });

    it('version numbers: one per event type, not the default; rates of one event type sum to at most 1', () => {
      expect(
        errors(
          '  schema_versions:\n    default_version: 2\n    versions:\n      - { version: 2, rate: 0.5 }\n      - { version: 3, rate: 0.3, event_types: [PageViewed] }\n      - { version: 3, rate: 0.3 }\n',
        ),
      ).to.deep.equal([
        't.yaml:5:20 delivery.schema_versions.versions[0].version: version 2 is the default_version',
        't.yaml:7:20 delivery.schema_versions.versions[2].version: version 3 is also versions[1] for event type "PageViewed"',
        't.yaml:7:29 delivery.schema_versions.versions[2].rate: the rates of versions 2, 3, 3 for event type "PageViewed" sum to 1.1, more than 1',
      ]);
    });
  });

  describe('the version transform', () => {
    const t0 = Date.UTC(2025, 0, 1, 18, 30);
    const user = (id: string): SimEvent =>
      ev(id, t0, { event_type: 'UserRegistered', user_id: `u-${id}`, email: `${id}@x.io`, phone: '555-0100', plan: 'pro' });
    const v2 = versionsOf(loaded(FULL + BASE).delivery)[0];
    const transform = v2.transform!;

    it('adds fields at the end (generated like schema fields, reading the payload and earlier added fields), renames in place, drops', () => {
      const e = user('a');
      const before = JSON.stringify(e);
      const out = transform(e, Rng.derive(1, 'x')) as unknown as Record<string, unknown>;
      expect(Object.keys(out)).to.deep.equal([
        'event_id',
        'event_type',
        'timestamp',
        'session_id',
        'flow',
        'user_id',
        'email_address',
        'plan',
        'promo_code',
        'signup_channel',
        'registered_at',
      ]);
      expect(out.email_address).to.equal('a@x.io');
      expect(out.promo_code).to.be.oneOf(['SPRING10', 'WELCOME5']);
      expect(out.signup_channel).to.equal(`pro/${String(out.promo_code)}`);
      expect(out.registered_at).to.equal('2025-01-01T18:30:00.000Z');
      expect((out as unknown as SimEvent)[EVENT_META]).to.deep.equal({ time: t0, key: undefined });
      expect(JSON.stringify(e)).to.equal(before);
    });

    it('renames all at once (two fields can swap names) and drops by the names after renaming', () => {
      const swap = versionsOf(
        settingsOf(
          '  schema_versions:\n    versions:\n      - { version: 2, rate: 1, event_types: [UserRegistered], rename_fields: { email: phone, phone: email }, drop_fields: [email] }\n',
        ),
      )[0];
      const out = swap.transform!(user('s'), Rng.derive(1, 'x')) as unknown as Record<string, unknown>;
      expect(Object.keys(out).slice(5)).to.deep.equal(['user_id', 'phone', 'plan']);
      expect(out.phone).to.equal('s@x.io');
    });

    it('is deterministic: same event and rng, same output; the values come from the rng', () => {
      const e = user('b');
      expect(transform(e, Rng.derive(5, 'x'))).to.deep.equal(transform(e, Rng.derive(5, 'x')));
      const codes = new Set<unknown>();
      for (let s = 0; s < 40; s++) codes.add((transform(e, Rng.derive(s, 'x')) as unknown as Record<string, unknown>).promo_code);
      expect([...codes].sort()).to.deep.equal(['SPRING10', 'WELCOME5']);
    });

    it('through delivery(): the same events and seed give the same output; a duplicate gets the same version and fields', async () => {
      const s = loaded(FULL + BASE).delivery!;
      const events = Array.from({ length: 400 }, (_, i) => user(`e${i}`));
      const once = (seed: number) => firstValueFrom(from([...events, events[7]]).pipe(delivery({ ...s, seed }), toArray()));
      const [a, b, c] = await Promise.all([once(3), once(3), once(4)]);
      expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
      expect(JSON.stringify(a)).to.not.equal(JSON.stringify(c));
      const copies = a.filter((e) => e.event_id === 'e7');
      expect(copies.length).to.be.at.least(2);
      for (const x of copies) expect(JSON.stringify(x)).to.equal(JSON.stringify(copies[0]));
      const v2s = a.filter((e) => e.schema_version === 2);
      expect(v2s.length).to.be.greaterThan(0);
      for (const x of v2s) expect(x).to.include.keys('promo_code', 'email_address').and.not.have.keys('email', 'phone');
    });
  });

  describe('end to end: sim.run() applies the section', () => {
    const tmp = tmpFiles('deep-faker-delivery-');
    const SECTION = `delivery:
  ingest_time: { late_rate: 0.1, max_late: 2d, max_delay: 3s }
  out_of_order: { rate: 0.1, window: 4 }
  duplicates: { rate: 0.02, max_delay_events: 5 }
  checksum: true
  schema_versions:
    versions:
      - version: 2
        rate: 0.35
        event_types: [UserRegistered]
        add_fields:
          promo_code: { type: string, generator: choice, params: { choices: [SPRING10, WELCOME5] }, nullable_probability: 0.5 }
        rename_fields: { email: email_address }
        drop_fields: [phone]
`;

    it('every line has ingest_time, schema_version and a valid checksum; late, v2 and duplicate shares within 3 sigma; same seed, same file', async () => {
      const sim = loaded(SECTION + BASE);
      const file = tmp.file();
      const summary = await sim.run({ outputs: [toFile(file)], seed: 11 });
      const rows = readJsonl(file);
      expect(summary.events).to.equal(6000);
      const unique = new Map<unknown, Record<string, unknown>>();
      for (const r of rows) {
        expect(r).to.include.keys('ingest_time', 'schema_version', 'checksum');
        expect((r.ingest_time as string) >= (r.timestamp as string)).to.equal(true);
        expect(r.checksum).to.equal(checksumOf(payloadOf(r)));
        if (!unique.has(r.event_id)) unique.set(r.event_id, r);
        else expect(JSON.stringify(r)).to.equal(JSON.stringify(unique.get(r.event_id)));
      }
      const n = unique.size;
      expect(n).to.equal(6000);
      const dups = rows.length - n;
      const [dlo, dhi] = threeSigma(n, 0.02);
      expect(dups).to.be.within(dlo, dhi);
      const late = [...unique.values()].filter((r) => isLate(r.timestamp as string, r.ingest_time as string)).length;
      const [llo, lhi] = threeSigma(n, 0.1);
      expect(late).to.be.within(llo, lhi);
      const users = [...unique.values()].filter((r) => r.event_type === 'UserRegistered');
      const v2 = users.filter((r) => r.schema_version === 2);
      const [vlo, vhi] = threeSigma(users.length, 0.35);
      expect(users.length).to.be.greaterThan(1000);
      expect(v2.length).to.be.within(vlo, vhi);
      for (const r of users) {
        const isV2 = r.schema_version === 2;
        expect('promo_code' in r && 'email_address' in r && !('email' in r) && !('phone' in r)).to.equal(isV2);
        if (!isV2) expect(r.schema_version).to.equal(1);
      }
      for (const r of unique.values()) if (r.event_type === 'PageViewed') expect(r.schema_version).to.equal(1);
      const again = tmp.file();
      await sim.run({ outputs: [toFile(again)], seed: 11 });
      expect(readJsonl(again)).to.deep.equal(rows);
    });
  });
});
