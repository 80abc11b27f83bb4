/** The order events' envelope, in its documented order. */
export const ORDER_ENVELOPE: ReadonlyArray<string> = [
  'event_id',
  'event_type',
  'schema_version',
  'event_time',
  'ingest_time',
  'tenant_id',
  'user_id',
  'session_id',
  'source_system',
  'environment',
  'record_source',
  'payload',
  'checksum',
];
