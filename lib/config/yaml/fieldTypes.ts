/**
 * The YAML model format's schema types as the engine's field types, their names in messages, and
 * which values a field of one type can hold when they come from a field of another (`from_entity`,
 * `from_payload_field`), so a mismatch is a located error when the document is validated rather
 * than a failed run.
 *
 * @example
 * fieldTypeOf(spec);            // 'int' for { type: integer }
 * accepts('float', 'int');      // true: an integer is a number
 * yamlTypeName('datetime');     // 'string (iso8601)'
 */
import type { FieldType } from '../../schema/generator';
import type { FieldSpec } from './fieldSpec';

/** The engine field type of a schema type. */
export const fieldTypeOf = (spec: FieldSpec): FieldType => {
  switch (spec.type) {
    case 'string':
      return spec.format === 'iso8601' ? 'datetime' : 'string';
    case 'integer':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'object':
    case 'array':
    case undefined:
      return 'json';
    default: {
      const never: never = spec.type;
      return never;
    }
  }
};

const NAMES: Readonly<Record<FieldType, string>> = {
  string: 'string',
  datetime: 'string (iso8601)',
  int: 'integer',
  float: 'number',
  boolean: 'boolean',
  json: 'object or array',
};

/** A field type as the YAML model format writes it. */
export const yamlTypeName = (type: FieldType): string => NAMES[type];

/** Whether a `target` field can hold the values of a `source` field. */
export const accepts = (target: FieldType, source: FieldType): boolean =>
  target === source || target === 'json' || (target === 'string' && source === 'datetime') || (target === 'float' && source === 'int');
