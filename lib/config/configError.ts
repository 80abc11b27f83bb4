/**
 * Located configuration errors: `file:line:col path: message`, collected rather than thrown, so a
 * whole YAML document is checked at once and every mistake is reported together.
 *
 * @example
 * const problems = new Problems('shop.yaml', source);
 * problems.at(42, 'outputs[0].topic_mapping', 'expected a string, got 42');
 * problems.errors.map(formatConfigError); // ['shop.yaml:3:20 outputs[0].topic_mapping: expected a string, got 42']
 */
import { LineCounter } from 'yaml';
import { ModelError } from '../core/errors';

/** One mistake in a configuration file. */
export interface ConfigError {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** Where in the document: `event_types.UserLoggedIn.consumes_entities[0].alias`; '' for the document. */
  readonly path: string;
  readonly message: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` on one line: line breaks and other control characters escaped as JSON writes them
 * (`\n`, `\u001b`), so a value from the document never starts a line without `file:line:col`.
 */
export const oneLine = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `file:line:col path: message`, always one line. */
export const formatConfigError = (e: ConfigError): string => oneLine(`${e.file}:${e.line}:${e.col} ${e.path === '' ? '' : `${e.path}: `}${e.message}`);

/** Thrown by `loadConfigOrThrow` and the CLI: every error, one per line. */
export class ConfigErrors extends ModelError {
  override readonly name = 'ConfigErrors';

  constructor(readonly errors: ReadonlyArray<ConfigError>) {
    super(errors.map(formatConfigError).join('\n'));
  }
}

/** Collects errors; turns character offsets into line and column. */
export class Problems {
  readonly errors: ConfigError[] = [];
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    source: string,
  ) {
    this.lines.addNewLine(0);
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1);
  }

  /** Reports `message` at character `offset` of the source (path and message kept to one line each). */
  at(offset: number, path: string, message: string): void {
    const { line, col } = this.lines.linePos(Math.max(0, offset));
    // A schema used in several places is compiled for each: report each mistake once.
    const one = oneLine(message);
    if (this.errors.some((e) => e.line === line && e.col === col && e.message === one)) return;
    this.errors.push({ file: this.file, line, col, path: oneLine(path), message: one });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}
