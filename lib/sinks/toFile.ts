/**
 * The JSONL file sink.
 *
 * @example
 * simulate(model, env).pipe(toFile('out/events.jsonl')).subscribe();
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { SimEvent } from '../core/simEvent';
import { BatchEncoder, type EventFormat } from './serializeEvent';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';

/**
 * Options of `toFile`.
 *
 * @example
 * const opts: ToFileOptions = { append: true, maxBatch: 5000 };
 */
export interface ToFileOptions extends SinkOptions {
  /** `json` (default): one compact object per line; `json_pretty`: indented objects, one after another. */
  readonly format?: EventFormat;
  /** Append to an existing file instead of truncating it. Default false. */
  readonly append?: boolean;
}

/** Writes batches to one file through a `FileHandle`. */
class FileWriter implements SinkWriter {
  readonly name: string;
  private handle: fs.FileHandle | undefined;
  /** Reused for every batch: `toSink` has at most one `write` in flight. */
  private readonly encoder: BatchEncoder;

  constructor(
    private readonly path: string,
    format: EventFormat,
    private readonly append: boolean,
  ) {
    this.name = `file:${path}`;
    this.encoder = new BatchEncoder(format);
  }

  async open(): Promise<void> {
    await fs.mkdir(dirname(this.path), { recursive: true });
    this.handle = await fs.open(this.path, this.append ? 'a' : 'w');
  }

  async write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) throw new Error('file is not open');
    const bytes = this.encoder.encode(batch);
    // One write per batch; loop only if the OS wrote part of it.
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

/**
 * Events in flight a file sink needs: a write to a local file returns quickly, so a small window
 * keeps the sink busy, and keeps events young enough to die in V8's young generation (a larger
 * window gets many of them promoted to the old generation, and scavenges take longer).
 */
const FILE_WINDOW = 500;

/**
 * Writes events to a JSONL file, one batch per `write` call, and passes each event on once its
 * batch is written (see `toSink` for batching, ordering and error semantics).
 *
 * Parent directories are created. The file is truncated unless `append` is set. A batch counts as
 * accepted when the OS has taken it (`write` returned); `close` does not `fsync`, so a machine
 * crash (not a process crash) may lose the tail. Errors (`EACCES`, `EISDIR`, a parent that cannot
 * be created) become a `SinkError` named `file:<path>`.
 *
 * @example
 * const sink = toFile('out/events.jsonl', { append: true });
 * simulate(model, env).pipe(sink).subscribe({ complete: () => console.error(sink.stats.accepted) });
 */
export const toFile = (path: string, options: ToFileOptions = {}): SinkOperator => {
  const format = options.format ?? 'json';
  const append = options.append ?? false;
  return toSink(() => new FileWriter(path, format, append), {
    name: `file:${path}`,
    window: FILE_WINDOW,
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
};
