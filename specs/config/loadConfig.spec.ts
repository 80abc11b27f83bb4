import { expect } from 'chai';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { formatConfigError } from '../../lib/config/configError';
import { runToEnd } from '../helpers/runToEnd';

/** Every error of a document, formatted. */
const errorsOf = (text: string): string[] => {
  const r = loadConfig(text, { file: 't.yaml' });
  return r.ok ? [] : r.errors.map(formatConfigError);
};

const loaded = (text: string) => {
  const r = loadConfig(text, { file: 't.yaml' });
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.simulation;
};

const BASE = `version: "1.0"
simulation_settings:
  duration: "1h"
  random_seed: 7
  initial_entity_counts: { Account: 5 }
  time_progression: { start_time: "2025-01-01T00:00:00Z" }
schemas:
  AccountId: { type: string, generator: uuid_v4 }
  Opened:
    type: object
    properties:
      account_id: { $ref: "#/schemas/AccountId" }
      owner: { type: string, generator: faker.name }
      balance: { type: number, generator: random_float, params: { min: 0, max: 100, precision: 2 } }
  Deposit:
    type: object
    properties:
      account_id: { $ref: "#/schemas/AccountId", from_entity: Account, field: account_id }
      amount: { type: number, generator: random_float, params: { min: 1, max: 10, precision: 2 } }
      fee: { type: number, generator: derived, params: { expression: "amount * 0.1", precision: 2 } }
entities:
  Account:
    schema: "#/schemas/Opened"
    primary_key: account_id
    state_attributes:
      deposited: { type: number, default: 0, precision: 2 }
      active: { type: boolean, default: true }
event_types:
  AccountOpened:
    payload_schema: "#/schemas/Opened"
    produces_entity: Account
    frequency_weight: 1
  Deposited:
    payload_schema: "#/schemas/Deposit"
    consumes_entities:
      - name: Account
        alias: acct
        selection_filter:
          - { field: "state.active", operator: "equals", value: true }
    updates_entity_state:
      - entity_alias: acct
        increment_attributes:
          deposited: { from_payload_field: amount }
    frequency_weight: 3
`;

describe('config/yaml loadConfig', () => {
  describe('constructs', () => {
    it('compiles schemas, entities and event types to a Simulation (entities, flows, settings)', () => {
      const sim = loaded(BASE);
      expect(sim.entities.map((e) => e.name)).to.deep.equal(['Account']);
      expect(sim.flows.map((f) => [f.name, f.weight])).to.deep.equal([
        ['AccountOpened', 1],
        ['Deposited', 3],
      ]);
      expect(sim.settings).to.include({ duration: '1h', seed: 7, startTime: '2025-01-01T00:00:00Z' });
      expect(sim.settings.initialEntities).to.deep.equal({ Account: 5 });
      const account = sim.entities[0];
      expect(account.stateNames).to.deep.equal(['owner', 'balance', 'deposited', 'active']);
      expect(account.source?.name).to.equal('AccountOpened');
    });

    it('runs: derived fields to precision, from_entity keys of existing accounts, increments summed', () => {
      const sim = loaded(BASE);
      const type = sim.entities[0];
      const run = runToEnd(sim);
      expect(run.completed).to.equal(true);
      const deposits = run.events.filter((e) => e.event_type === 'Deposited') as unknown as Array<Record<string, number & string>>;
      expect(deposits.length).to.be.greaterThan(100);
      const sums = new Map<string, number>();
      for (const d of deposits) {
        expect(Math.abs(d.fee - d.amount * 0.1)).to.be.at.most(0.005 + 1e-9);
        expect(Number((d.fee as number).toFixed(2))).to.equal(d.fee);
        expect(run.store.get(type, d.account_id)).to.not.equal(undefined);
        sums.set(d.account_id, Math.round(((sums.get(d.account_id) ?? 0) + d.amount) * 100) / 100);
      }
      for (const [key, total] of sums) expect(run.store.get(type, key)!.state.deposited).to.equal(total);
    });

    it('$ref with local keys beside it: the local keys win', () => {
      const sim = loaded(
        BASE.replace('owner: { type: string, generator: faker.name }', 'owner: { $ref: "#/schemas/AccountId", generator: choice, params: { choices: [x] } }'),
      );
      const run = runToEnd(sim, { duration: '10s' });
      const opened = run.events.filter((e) => e.event_type === 'AccountOpened');
      expect(opened.length).to.be.greaterThan(0);
      for (const e of opened) expect((e as unknown as Record<string, unknown>).owner).to.equal('x');
    });

    it('validates the shipped seed example', () => {
      const r = loadConfig('scenarios/shop.yaml');
      expect(r.ok, r.ok ? '' : r.errors.map(formatConfigError).join('\n')).to.equal(true);
    });
  });

  describe('entities: shared', () => {
    it('shared: true marks the type shared across shards; anything but a boolean is a located error', () => {
      const shared = loaded(BASE.replace('    primary_key: account_id\n', '    primary_key: account_id\n    shared: true\n'));
      expect(shared.entities.find((e) => e.name === 'Account')?.shared).to.equal(true);
      expect(loaded(BASE).entities.find((e) => e.name === 'Account')?.shared).to.equal(undefined);
      expect(errorsOf(BASE.replace('    primary_key: account_id\n', '    primary_key: account_id\n    shared: yes please\n'))).to.deep.equal([
        't.yaml:25:13 entities.Account.shared: expected true or false, got "yes please"',
      ]);
    });
  });

  describe('errors: every one at once, located', () => {
    it('wrong types, unknown keys with did-you-mean, missing required keys', () => {
      const text = BASE.replace('random_seed: 7', 'random_seed: ten')
        .replace('owner: { type: string, generator: faker.name }', 'owner: { type: string, genrator: faker.name }')
        .replace('    primary_key: account_id\n', '');
      expect(errorsOf(text)).to.deep.equal([
        't.yaml:4:16 simulation_settings.random_seed: expected an integer, got "ten"',
        't.yaml:13:30 schemas.Opened.properties.owner.genrator: unknown key "genrator"; did you mean "generator"?',
        't.yaml:23:5 entities.Account: missing required key "primary_key"',
      ]);
    });

    it('dangling and cyclic $ref (reported once, without follow-on errors)', () => {
      const text = BASE.replace('account_id: { $ref: "#/schemas/AccountId" }', 'account_id: { $ref: "#/schemas/AcountId" }');
      expect(errorsOf(text)).to.deep.equal([
        't.yaml:12:27 schemas.Opened.properties.account_id.$ref: $ref "#/schemas/AcountId" does not exist; did you mean "#/schemas/AccountId"?',
      ]);
      const cyclic = BASE.replace(
        '  AccountId: { type: string, generator: uuid_v4 }',
        '  AccountId: { $ref: "#/schemas/Other" }\n  Other: { $ref: "#/schemas/AccountId" }',
      );
      expect(errorsOf(cyclic)).to.deep.equal(['t.yaml:9:18 schemas.Other.$ref: $ref cycle: #/schemas/AccountId → #/schemas/Other → #/schemas/AccountId']);
    });

    it('unknown generator and bad params (weights vs choices, min > max)', () => {
      const text = BASE.replace('generator: faker.name', 'generator: faker.nmae')
        .replace('params: { min: 0, max: 100, precision: 2 }', 'params: { min: 100, max: 0, precision: 2 }')
        .replace(
          '  AccountId: { type: string, generator: uuid_v4 }',
          '  AccountId: { type: string, generator: choice, params: { choices: [a, b], weights: [1] } }',
        );
      expect(errorsOf(text)).to.deep.equal([
        't.yaml:8:85 schemas.AccountId.params.weights: generator "choice": weights has 1 entries but choices has 2',
        't.yaml:13:41 schemas.Opened.properties.owner.generator: unknown generator "faker.nmae"; did you mean "faker.name"?',
        't.yaml:14:72 schemas.Opened.properties.balance.params.min: generator "random_float": min (100) must not be greater than max (0)',
      ]);
    });

    const only = (from: string, to: string, extra = ''): string[] => {
      expect(BASE.includes(from), from).to.equal(true);
      return errorsOf(BASE.replace(from, to) + extra);
    };

    it('unknown entity, alias, event type, operator, payload field and state attribute in references', () => {
      expect(only('from_entity: Account, field: account_id', 'from_entity: Acount, field: account_id')).to.deep.equal([
        't.yaml:18:63 schemas.Deposit.properties.account_id.from_entity: "Acount" is not an entity or alias; did you mean "Account"?',
      ]);
      expect(only('from_entity: Account, field: account_id', 'from_entity: Account, field: ownr')).to.deep.equal([
        't.yaml:18:79 schemas.Deposit.properties.account_id.field: "ownr" is not a field of entity Account; did you mean "owner"?',
      ]);
      expect(only('operator: "equals"', 'operator: "equal"')).to.deep.equal([
        't.yaml:39:48 event_types.Deposited.consumes_entities[0].selection_filter[0].operator: "equal" is not an operator; did you mean "equals"?',
      ]);
      expect(only('field: "state.active"', 'field: "state.activ"')).to.deep.equal([
        't.yaml:39:22 event_types.Deposited.consumes_entities[0].selection_filter[0].field: "activ" is not a state attribute of Account; did you mean "state.active"?',
      ]);
      expect(only('field: "state.active"', 'field: "active"')).to.deep.equal([
        't.yaml:39:22 event_types.Deposited.consumes_entities[0].selection_filter[0].field: "active" is not a field of Account\'s schema; did you mean "state.active"?',
      ]);
      expect(only('- entity_alias: acct', '- entity_alias: acc')).to.deep.equal([
        't.yaml:41:23 event_types.Deposited.updates_entity_state[0].entity_alias: "acc" is not an alias of this event\'s entities; did you mean "acct"?',
      ]);
      expect(only('deposited: { from_payload_field: amount }', 'deposited: { from_payload_field: amont }')).to.deep.equal([
        't.yaml:43:44 event_types.Deposited.updates_entity_state[0].increment_attributes.deposited.from_payload_field: "amont" is not a field of the payload; did you mean "amount"?',
      ]);
      expect(only('- name: Account', '- name: Acount')).to.deep.equal([
        't.yaml:36:15 event_types.Deposited.consumes_entities[0].name: "Acount" is not an entity; did you mean "Account"?',
      ]);
      const scenario =
        'scenarios:\n  Onboard:\n    steps:\n      - event_type: AccountOpend\n      - event_type: Deposited\n        payload_overrides: { amont: 5 }\n';
      expect(only('', '', scenario)).to.deep.equal([
        't.yaml:48:21 scenarios.Onboard.steps[0].event_type: "AccountOpend" is not an event type; did you mean "AccountOpened"?',
        't.yaml:50:30 scenarios.Onboard.steps[1].payload_overrides.amont: "amont" is not a field of Deposited\'s payload; did you mean "amount"?',
      ]);
    });

    it('expression errors point inside the expression: plain, quoted and block scalars', () => {
      expect(only('expression: "amount * 0.1"', 'expression: amount * 0.1 +')).to.have.length(1);
      expect(only('expression: "amount * 0.1"', 'expression: amount * 0.1 +')[0]).to.match(
        /^t\.yaml:20:84 schemas\.Deposit\.properties\.fee\.params\.expression: /,
      );
      expect(only('expression: "amount * 0.1"', 'expression: "amout * 0.1"')).to.deep.equal([
        't.yaml:20:71 schemas.Deposit.properties.fee.params.expression: unknown name "amout"; did you mean "amount"?',
      ]);
      const block = only(
        '      fee: { type: number, generator: derived, params: { expression: "amount * 0.1", precision: 2 } }',
        '      fee:\n        type: number\n        generator: derived\n        params:\n          expression: |\n            round(amount,\n                  2) * fee_rate\n',
      );
      expect(block).to.deep.equal(['t.yaml:26:24 schemas.Deposit.properties.fee.params.expression: unknown name "fee_rate"']);
    });

    it('impossible ranges: min_items > max_items, delays and loops', () => {
      const scenario =
        'scenarios:\n  S:\n    steps:\n      - event_type: AccountOpened\n      - event_type: Deposited\n        delay_after_previous_step: { min_seconds: 60, max_seconds: 5 }\n        loop: { min_count: 3, max_count: 1 }\n';
      expect(only('      fee: {', '      tags: { type: array, items: { type: string }, min_items: 4, max_items: 2 }\n      fee: {', scenario)).to.deep.equal([
        't.yaml:20:64 schemas.Deposit.properties.tags.min_items: min_items (4) is greater than max_items (2)',
        't.yaml:51:51 scenarios.S.steps[1].delay_after_previous_step.min_seconds: min_seconds (60) is greater than max_seconds (5)',
        't.yaml:52:28 scenarios.S.steps[1].loop.min_count: min_count (3) is greater than max_count (1)',
      ]);
    });

    it('outputs: unknown type and format, bad brokers, a MySQL pool of no connections', () => {
      const outputs =
        'outputs:\n  - { type: stdot }\n  - { type: stdout, format: pretty }\n  - { type: kafka, kafka_brokers: "localhost", enabled: false }\n  - { type: mysql, database: test, connections: 0, enabled: false }\n';
      expect(only('', '', outputs)).to.deep.equal([
        't.yaml:46:13 outputs[0].type: "stdot" is not an output type; did you mean "stdout"?',
        't.yaml:47:29 outputs[1].format: "pretty" is not a format (json, json_pretty)',
        't.yaml:48:35 outputs[2].kafka_brokers: "localhost" is not HOST:PORT',
        't.yaml:49:49 outputs[3].connections: expected an integer >= 1, got 0',
      ]);
    });

    it('outputs: the Kafka client and the event_type header', () => {
      const good = 'outputs:\n  - { type: kafka, kafka_brokers: "b:9092", client: librdkafka, event_type_header: false }\n';
      expect(only('', '', good)).to.deep.equal([]);
      const bad = 'outputs:\n  - { type: kafka, kafka_brokers: "b:9092", client: rdkafka, event_type_header: nope }\n';
      expect(only('', '', bad)).to.deep.equal([
        't.yaml:46:53 outputs[0].client: "rdkafka" is not a Kafka client; did you mean "librdkafka"?',
        't.yaml:46:81 outputs[0].event_type_header: expected true or false, got "nope"',
      ]);
    });

    it('outputs: what the MySQL output does with a duplicate event_id', () => {
      expect(only('', '', 'outputs:\n  - { type: mysql, database: test, on_duplicate: skip, enabled: false }\n')).to.deep.equal([]);
      expect(only('', '', 'outputs:\n  - { type: mysql, database: test, on_duplicate: ignore, enabled: false }\n')).to.deep.equal([
        't.yaml:46:50 outputs[0].on_duplicate: "ignore" is not what to do with a duplicate event_id (fail, skip)',
      ]);
    });

    it('YAML syntax errors are located too', () => {
      const errors = errorsOf('event_types:\n  A: [1, 2\n');
      expect(errors.length).to.be.greaterThan(0);
      expect(errors[0]).to.match(/^t\.yaml:\d+:\d+ /);
    });
  });

  describe('simulation_settings.duration: forever', () => {
    const withDuration = (value: string) => BASE.replace('  duration: "1h"', `  duration: ${value}`);

    it('sets no end: the run goes on until stopped (or total_events, which still applies)', () => {
      for (const value of ['forever', '"forever"']) {
        const sim = loaded(withDuration(value).replace('  random_seed: 7', '  random_seed: 7\n  total_events: 500'));
        expect(sim.settings).to.include({ duration: 'forever', totalEvents: 500 });
        const run = runToEnd(sim);
        expect(run.completed).to.equal(true);
        expect(run.events).to.have.length(500);
      }
    });

    it('a mistake is located and says "forever" is the word', () => {
      expect(errorsOf(withDuration('forevr'))).to.deep.equal([
        't.yaml:3:13 simulation_settings.duration: invalid duration "forevr": expected a number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "1h30m", or "forever" for no end',
      ]);
      expect(errorsOf(withDuration('true'))).to.deep.equal([
        't.yaml:3:13 simulation_settings.duration: expected a duration such as "10m", or "forever", got true',
      ]);
      expect(errorsOf(withDuration('[1h]'))).to.deep.equal([
        't.yaml:3:13 simulation_settings.duration: expected a duration such as "10m", or "forever", got a list',
      ]);
    });
  });
});
