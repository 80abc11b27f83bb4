/**
 * `max_active_instances_of_state` (the YAML model format's "max outstanding logged-in users"): the capped event
 * type is not generated while that many entities are in the state.
 */
import { expect } from 'chai';
import { formatConfigError } from '../../lib/config/configError';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import { runToEnd } from '../helpers/runToEnd';

const config = (max: number | null): string => `
version: 1
simulation_settings:
  duration: "6h"
  initial_entity_counts: { User: 30 }
  time_progression: { start_time: "2025-01-01T00:00:00Z" }
  random_seed: 3
  concurrent_sessions: 6
schemas:
  UserRegistered:
    type: object
    properties:
      user_id: { type: string, generator: uuid_v4 }
  UserSession:
    type: object
    properties:
      user_id: { type: string, from_entity: User, field: user_id }
entities:
  User:
    schema: "#/schemas/UserRegistered"
    primary_key: user_id
    state_attributes:
      is_logged_in: { type: boolean, default: false }
event_types:
  UserLoggedIn:
    payload_schema: "#/schemas/UserSession"
    consumes_entities:
      - name: User
        alias: u
        selection_filter: [{ field: "state.is_logged_in", operator: equals, value: false }]
    updates_entity_state:
      - { entity_alias: u, set_attributes: { is_logged_in: true } }
    frequency_weight: 5
${max === null ? '' : `    max_active_instances_of_state: { entity: User, attribute: is_logged_in, value: true, max_count: ${max} }`}
  UserLoggedOut:
    payload_schema: "#/schemas/UserSession"
    consumes_entities:
      - name: User
        alias: u
        selection_filter: [{ field: "state.is_logged_in", operator: equals, value: true }]
    updates_entity_state:
      - { entity_alias: u, set_attributes: { is_logged_in: false } }
    frequency_weight: 1
`;

/** Most users logged in at once, replayed from the events. */
const peakLoggedIn = (max: number | null): { peak: number; logins: number } => {
  const r = loadConfig(config(max), { file: 'cap.yaml' });
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  const { events, completed } = runToEnd(r.simulation);
  expect(completed).to.equal(true);
  const online = new Set<string>();
  let peak = 0;
  let logins = 0;
  for (const e of events) {
    if (e.event_type === 'UserLoggedIn') {
      online.add(e.user_id as string);
      logins++;
    }
    if (e.event_type === 'UserLoggedOut') online.delete(e.user_id as string);
    peak = Math.max(peak, online.size);
  }
  return { peak, logins };
};

describe('e2e: YAML max_active_instances_of_state', () => {
  it('without a cap, logins outpace logouts and most users end up logged in', () => {
    expect(peakLoggedIn(null).peak).to.be.greaterThan(20);
  });

  it('with max_count 5, never more than 5 users are logged in at once, and the cap is reached', () => {
    const { peak, logins } = peakLoggedIn(5);
    expect(peak).to.equal(5);
    expect(logins).to.be.greaterThan(50);
  });

  it('a value of the wrong type is a located error', () => {
    const text = config(5).replace('value: true, max_count', 'value: "yes", max_count');
    const r = loadConfig(text, { file: 'cap.yaml' });
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors.map(formatConfigError)).to.deep.equal([
      `cap.yaml:34:84 event_types.UserLoggedIn.max_active_instances_of_state.value: expected boolean, got "yes"`,
    ]);
  });
});
