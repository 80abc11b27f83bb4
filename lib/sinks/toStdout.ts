/**
 * The standard-output sink (or any writable stream).
 *
 * @example
 * simulate(model, env).pipe(toStdout({ format: 'json_pretty' })).subscribe();
 */
import type { SimEvent } from '../core/simEvent';
import { type EventFormat, serializeBatch } from './serializeEvent';
import { SinkError, type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';

/**
 * Options of `toStdout`.
 *
 * @example
 * const opts: ToStdoutOptions = { format: 'json_pretty', stream: process.stderr };
 */
export interface ToStdoutOptions extends SinkOptions {
  /** `json` (default): JSONL; `json_pretty`: indented objects, one after another. */
  readonly format?: EventFormat;
  /** Where to write. Default `process.stdout`; injectable for tests. The sink never ends it. */
  readonly stream?: NodeJS.WritableStream;
}

const RESOLVED = Promise.resolve();

/** The cause of a `SinkError` when the reader went away (`| head`). */
const brokenPipe = (): Error => Object.assign(new Error('output closed by the reader (EPIPE)'), { code: 'EPIPE' });

const isClosedStreamError = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
};

/** Writes each batch as one string; waits for 'drain' when the stream asks it to. */
class StreamWriter implements SinkWriter {
  readonly name = 'stdout';
  private failure: Error | undefined;
  private pendingChunks = 0;
  private drainWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private flushWaiter: (() => void) | undefined;
  private listening = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly format: EventFormat,
  ) {}

  private readonly onError = (err: Error): void => this.fail(err);
  private readonly onClose = (): void => this.fail(brokenPipe());
  private readonly onDrain = (): void => {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.resolve();
  };
  private readonly onChunk = (err?: Error | null): void => {
    this.pendingChunks--;
    if (err) this.fail(err);
    if (this.pendingChunks === 0) this.flushWaiter?.();
  };

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = isClosedStreamError(err) ? brokenPipe() : err;
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.reject(this.failure);
    this.flushWaiter?.();
  }

  async open(): Promise<void> {
    const s = this.stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
    if (s.destroyed === true || s.writableEnded === true || !s.writable) throw brokenPipe();
    s.on('error', this.onError);
    s.on('close', this.onClose);
    s.on('drain', this.onDrain);
    this.listening = true;
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.pendingChunks++;
    if (this.stream.write(serializeBatch(batch, this.format), this.onChunk)) return RESOLVED;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.drainWaiter = { resolve, reject };
    });
  }

  async close(): Promise<void> {
    if (!this.listening) return;
    // Wait until the stream has flushed what we wrote, so a late EPIPE still meets our listener.
    if (this.pendingChunks > 0 && this.failure === undefined) {
      await new Promise<void>((resolve) => {
        this.flushWaiter = resolve;
      });
    }
    // An 'error' is emitted on a later tick than the failing write's callback: keep listening until then.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.listening = false;
    this.stream.removeListener('error', this.onError);
    this.stream.removeListener('close', this.onClose);
    this.stream.removeListener('drain', this.onDrain);
  }
}

/**
 * Writes events to standard output (or `options.stream`) as JSONL, one string per batch, and
 * passes each event on once the stream took it (see `toSink` for batching, ordering and errors).
 *
 * Honours stream backpressure: when `write` returns false the batch resolves on 'drain'. The sink
 * never ends the stream. If the reader goes away (`deep-faker … | head`), the output errors with
 * a `SinkError` whose message ends in `output closed by the reader (EPIPE)` and whose `cause` has
 * `code: 'EPIPE'`; test it with `isBrokenPipe` to exit quietly.
 *
 * @example
 * simulate(model, env).pipe(toStdout()).subscribe({
 *   error: (e) => process.exit(isBrokenPipe(e) ? 0 : 1),
 * });
 */
export const toStdout = (options: ToStdoutOptions = {}): SinkOperator => {
  const format = options.format ?? 'json';
  const stream = options.stream;
  return toSink(() => new StreamWriter(stream ?? process.stdout, format), {
    name: 'stdout',
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
};

/**
 * True if an error is a sink failing because its reader went away (EPIPE on stdout).
 *
 * @example
 * if (isBrokenPipe(err)) process.exitCode = 0; // `deep-faker run … | head` is not a failure
 */
export const isBrokenPipe = (err: unknown): boolean => err instanceof SinkError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
