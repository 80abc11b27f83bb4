/**
 * The JSONL file sink.
 *
 * @example
 * simulate(model, env).pipe(toFile('out/events.jsonl')).subscribe();
 */
import { promises as fs } from 'node:fs';
import { dirname, parse, join } from 'node:path';
import type { SimEvent } from '../core/simEvent';
import { BatchEncoder, type EventFormat } from './serializeEvent';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';
import { DEFAULT_FILE_OPEN_TIMEOUT_MS, openWithin } from './within';

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
  /** Most ms creating the parent folders and opening the file may take; then the output fails. Default 10 000. */
  readonly openTimeoutMs?: number;
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
    private readonly openTimeoutMs: number,
  ) {
    this.name = `file:${path}`;
    this.encoder = new BatchEncoder(format);
  }

  async open(): Promise<void> {
    const open = async (): Promise<fs.FileHandle> => {
      await fs.mkdir(dirname(this.path), { recursive: true });
      return fs.open(this.path, this.append ? 'a' : 'w');
    };
    this.handle = await openWithin(open, this.openTimeoutMs, 'create the folder and open the file', (h) => h.close());
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
 * be created) become a `SinkError` named `file:<path>`, and so does an open that has not finished
 * within `openTimeoutMs` (10 s by default; e.g. a hung network mount).
 *
 * @example
 * const sink = toFile('out/events.jsonl', { append: true });
 * simulate(model, env).pipe(sink).subscribe({ complete: () => console.error(sink.stats.accepted) });
 */
export const toFile = (path: string, options: ToFileOptions = {}): SinkOperator => {
  const format = options.format ?? 'json';
  const append = options.append ?? false;
  const openTimeoutMs = options.openTimeoutMs ?? DEFAULT_FILE_OPEN_TIMEOUT_MS;
  if (!(Number.isFinite(openTimeoutMs) && openTimeoutMs > 0)) throw new RangeError(`toFile: openTimeoutMs must be a number > 0, got ${openTimeoutMs}`);
  const sink = toSink(() => new FileWriter(path, format, append, openTimeoutMs), {
    name: `file:${path}`,
    window: FILE_WINDOW,
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
  return Object.assign(sink, { forShard: (index: number) => toFile(shardFilePath(path, index), options) });
};

/**
 * The file of shard `index` for a file output's path: the index before the extension.
 *
 * @example
 * shardFilePath('out/events.jsonl', 1); // 'out/events-1.jsonl'
 * shardFilePath('out/events', 0);       // 'out/events-0'
 */
export const shardFilePath = (path: string, index: number): string => {
  const { dir, name, ext } = parse(path);
  // A bare name keeps its folder-less form ("events-0.jsonl", not "./events-0.jsonl").
  const file = `${name}-${index}${ext}`;
  return dir === '' ? file : join(dir, file);
};
