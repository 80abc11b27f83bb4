/**
 * `--output` values of the CLI, decoded at the edge into output specs, then into sink operators.
 *
 * | value | output |
 * | --- | --- |
 * | `stdout` / `stdout:json_pretty` | standard output, one JSON object per line (or pretty) |
 * | `file:PATH` | a JSONL file (parent folders are created) |
 *
 * @example
 * parseOutput('file:out/events.jsonl'); // { _tag: 'File', path: 'out/events.jsonl' }
 */
import type { EventFormat } from '../sinks/serializeEvent';
import type { SinkOperator } from '../sinks/sink';
import { toFile } from '../sinks/toFile';
import { toStdout } from '../sinks/toStdout';

/** A decoded `--output` value. */
export type OutputSpec =
  | { readonly _tag: 'Stdout'; readonly format: EventFormat }
  | { readonly _tag: 'File'; readonly path: string };

/** A `--output` value that is not understood. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Decodes one `--output` value. */
export const parseOutput = (value: string): OutputSpec => {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? '' : value.slice(colon + 1);
  switch (kind) {
    case 'stdout':
      if (rest === '' || rest === 'json') return { _tag: 'Stdout', format: 'json' };
      if (rest === 'json_pretty') return { _tag: 'Stdout', format: 'json_pretty' };
      throw new UsageError(`--output ${value}: stdout takes "json" or "json_pretty", got "${rest}"`);
    case 'file':
      if (rest === '') throw new UsageError(`--output ${value}: file needs a path, e.g. file:out/events.jsonl`);
      return { _tag: 'File', path: rest };
    default:
      throw new UsageError(`--output ${value}: unknown output "${kind}" (stdout, stdout:json_pretty, file:PATH)`);
  }
};

/** The sink operator of an output spec. */
export const outputOperator = (spec: OutputSpec): SinkOperator => {
  switch (spec._tag) {
    case 'Stdout':
      return toStdout({ format: spec.format });
    case 'File':
      return toFile(spec.path);
    default: {
      const never: never = spec;
      throw new UsageError(`unknown output ${JSON.stringify(never)}`);
    }
  }
};
