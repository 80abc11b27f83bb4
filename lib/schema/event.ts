/**
 * Event schemas: a name and an ordered record of fields. One definition gives the payload's
 * io-ts codec, its static type (`PayloadOf<typeof X>`) and a compiled generator per field.
 *
 * Hints are compiled when the schema is defined, so a typo fails at once, naming schema and field.
 *
 * @example
 * const AccountCreated = event('AccountCreated', {
 *   user_id: field.string({ primaryKey: true, faker: 'uuid4' }),
 *   email: field.string({ faker: 'email' }),
 *   full_name: field.string({ faker: 'name' }),
 * });
 * type Account = PayloadOf<typeof AccountCreated>; // { user_id: string; email: string; full_name: string }
 */
import * as t from 'io-ts';
import { SYSTEM_FIELDS } from '../core/simEvent';
import type { FieldDef, ValueOf } from './field';
import type { Generate } from './generator';
import { compileFieldGenerator } from './compileField';
import { SchemaError } from './schemaError';

/** Fields of a schema, in payload order. */
export type Fields = Readonly<Record<string, FieldDef<any>>>;

/** The static payload type of a record of fields. */
export type PayloadFrom<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

/** An event schema. */
export interface EventSchema<P extends object = Record<string, unknown>> {
  readonly _tag: 'EventSchema';
  readonly name: string;
  readonly fields: Fields;
  /** Field names in payload order. */
  readonly fieldNames: ReadonlyArray<string>;
  /** The primary-key field, if one is marked. */
  readonly primaryKey: string | undefined;
  /** Validates a whole payload (unknown keys are not allowed by `validatePayload`). */
  readonly codec: t.Type<P, unknown, unknown>;
  /** One compiled generator per field, in payload order. */
  readonly generators: ReadonlyArray<Generate>;
}

/** The payload type of a schema. */
export type PayloadOf<S> = S extends EventSchema<infer P> ? P : never;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Defines an event schema. */
export const event = <F extends Fields>(name: string, fields: F): EventSchema<PayloadFrom<F>> => {
  if (!NAME.test(name)) throw new SchemaError(`event name "${name}" must start with a letter or _ and contain letters, digits, _ . -`);
  const fieldNames = Object.keys(fields);
  const pks = fieldNames.filter((f) => fields[f].primaryKey);
  if (pks.length > 1) throw new SchemaError(`${name}: more than one primaryKey field (${pks.join(', ')})`);
  for (const f of fieldNames) {
    if ((SYSTEM_FIELDS as ReadonlyArray<string>).includes(f)) {
      throw new SchemaError(`${name}.${f}: "${f}" is a system field of every event (${SYSTEM_FIELDS.join(', ')}); rename the payload field`);
    }
    if (fields[f]?._tag !== 'Field') throw new SchemaError(`${name}.${f}: not a field definition (use field.string(), field.int(), …)`);
  }
  const generators = fieldNames.map((f) => compileFieldGenerator(fields[f], `${name}.${f}`, f));
  const codec = t.type(Object.fromEntries(fieldNames.map((f) => [f, fields[f].codec])), name) as unknown as t.Type<PayloadFrom<F>, unknown, unknown>;
  return { _tag: 'EventSchema', name, fields, fieldNames, primaryKey: pks[0], codec, generators };
};

/**
 * Checks values given for some fields of a schema (overrides): unknown fields and wrong types are
 * errors naming event and field. Returns undefined when all is well, else the message.
 */
export const checkValues = (schema: EventSchema<any>, values: Readonly<Record<string, unknown>>): string | undefined => {
  for (const k in values) {
    const v = values[k];
    const f = schema.fields[k];
    if (f === undefined) {
      return `${schema.name}.${k}: no such field (fields: ${schema.fieldNames.join(', ')})`;
    }
    if (!f.codec.is(v)) return `${schema.name}.${k}: expected ${f.codec.name}, got ${JSON.stringify(v)}`;
  }
  return undefined;
};
