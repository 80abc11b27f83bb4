/**
 * The partitioned JSONL file sink: one file per partition (a day, a tenant, an event type) in one
 * folder, chosen per event by a function, with a bounded number of open file handles.
 *
 * @example
 * simulate(model, env).pipe(toPartitionedFiles('out/events', { partition: byEventDate })).subscribe();
 * // out/events/2025-01-01.ndjson, out/events/2025-01-02.ndjson, …
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { isoDay } from '../core/isoInstant';
import { eventTime, type SimEvent } from '../core/simEvent';
import { BatchEncoder, type EventFormat } from './serializeEvent';
import { type SinkOperator, type SinkOptions, type SinkWriter, toSink } from './sink';
import { DEFAULT_FILE_OPEN_TIMEOUT_MS, openWithin } from './within';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Options of `toPartitionedFiles`.
 *
 * @example
 * const opts: ToPartitionedFilesOptions = { partition: (e) => e.event_type, extension: '.jsonl', maxOpenFiles: 16 };
 */
export interface ToPartitionedFilesOptions extends SinkOptions {
  /**
   * The partition of an event: a file name stem, e.g. `'2026-01-22'`. It must be a non-empty
   * string without `/`, `\` or NUL, and not `.` or `..`; any other value fails the run.
   */
  readonly partition: (e: SimEvent) => string;
  /** File name suffix. Default `'.ndjson'`. */
  readonly extension?: string;
  /** Output format, as `toFile`. Default `'json'`. */
  readonly format?: EventFormat;
  /**
   * Append to existing partition files instead of truncating each the first time this run writes
   * to it. Default false.
   */
  readonly append?: boolean;
  /**
   * Most file handles open at once (least recently used are closed and reopened in append mode
   * later). Default 64.
   */
  readonly maxOpenFiles?: number;
  /** Most ms creating the folder, or opening one partition's file, may take; then the output fails. Default 10 000. */
  readonly openTimeoutMs?: number;
}

const DEFAULT_EXTENSION = '.ndjson';
const DEFAULT_MAX_OPEN_FILES = 64;
/** As `toFile`: a local file write returns quickly, so a small window keeps the sink busy. */
const FILES_WINDOW = 500;

// ---------------------------------------------------------------------------------------------
// file names
// ---------------------------------------------------------------------------------------------

/** A value as it appears in an error message: strings quoted and escaped, anything else inspected. */
const show = (value: unknown): string => inspect(value, { depth: 1, breakLength: Infinity });

/** Why a file name part is unsafe, or undefined if it is fine. */
const unsafeBecause = (part: string): string | undefined =>
  part.includes('/') ? "contains '/'" : part.includes('\\') ? "contains '\\'" : part.includes('\0') ? 'contains NUL' : undefined;

/** Throws unless `extension` can end a file name inside the folder. */
const checkExtension = (extension: string): void => {
  const why = typeof extension === 'string' ? unsafeBecause(extension) : 'is not a string';
  if (why !== undefined) throw new RangeError(`invalid extension ${show(extension)}: ${why}`);
};

/**
 * The file name of a partition, `partition + extension`, after checking that it names a file in
 * the sink's folder: the partition must be a non-empty string without `/`, `\` or NUL, and not `.`
 * or `..`; the extension must not contain `/`, `\` or NUL. Throws a `RangeError` naming the value
 * otherwise.
 *
 * @example
 * partitionFileName('2026-01-22', '.ndjson'); // '2026-01-22.ndjson'
 * partitionFileName('../etc', '.ndjson');     // throws RangeError: invalid partition '../etc': contains '/'
 */
export const partitionFileName = (partition: string, extension: string): string => {
  checkExtension(extension);
  const why =
    typeof partition !== 'string'
      ? 'not a string'
      : partition === ''
        ? 'empty'
        : partition === '.' || partition === '..'
          ? 'not a file name'
          : unsafeBecause(partition);
  if (why !== undefined) throw new RangeError(`invalid partition ${show(partition)}: ${why}`);
  return partition + extension;
};

// ---------------------------------------------------------------------------------------------
// ready-made partitions
// ---------------------------------------------------------------------------------------------

/** `YYYY-MM-DD` at the start, then the end of the string or a time. */
const ISO_DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:$|T)/;
/** A UTC offset other than `Z` at the end of a date-time, e.g. `+02:00`, `-0500`. */
const OFFSET = /T.*[+-]\d{2}:?\d{2}$/;

/** `event "e3" (OrderPlaced)`, for error messages. */
const eventLabel = (e: SimEvent): string => `event ${show(e.event_id)} (${e.event_type})`;

/**
 * Partitions by the UTC calendar day (`YYYY-MM-DD`) of an ISO-8601 string field of the event.
 * For a date (`2026-01-22`) or a date-time in UTC (`…Z`, or with no offset) that is its first 10
 * characters; a date-time with an offset (`2026-01-22T23:30:00-05:00`) is converted to UTC first
 * (here `2026-01-23`). A missing or non-ISO field throws an error naming the field and the event.
 *
 * @example
 * toPartitionedFiles('out/orders', { partition: byUtcDate('created_at') });
 * byUtcDate('timestamp')(e); // '2025-01-01' for timestamp '2025-01-01T12:00:00.000Z'
 */
export const byUtcDate =
  (field: string) =>
  (e: SimEvent): string => {
    const value: unknown = e[field];
    if (typeof value === 'string' && ISO_DATE.test(value)) {
      if (!OFFSET.test(value)) return value.slice(0, 10);
      const ms = Date.parse(value);
      if (Number.isFinite(ms)) return isoDay(ms);
    }
    throw new Error(`byUtcDate: field ${show(field)} of ${eventLabel(e)} is ${value === undefined ? 'missing' : `not an ISO-8601 date: ${show(value)}`}`);
  };

/**
 * Partitions by the UTC calendar day (`YYYY-MM-DD`) of the event's virtual time (`eventTime(e)`:
 * the engine's clock when it made the event, else its `timestamp`). Throws an error naming the
 * event if it has neither.
 *
 * @example
 * toPartitionedFiles('out/events', { partition: byEventDate }); // out/events/2025-01-01.ndjson, …
 */
export const byEventDate = (e: SimEvent): string => {
  const ms = eventTime(e);
  if (!Number.isFinite(ms)) throw new Error(`byEventDate: ${eventLabel(e)} has no virtual time and no valid timestamp`);
  return isoDay(ms);
};

// ---------------------------------------------------------------------------------------------
// writer
// ---------------------------------------------------------------------------------------------

/** Writes all of `bytes`; loops only if the OS took part of it. */
const writeAll = async (handle: fs.FileHandle, bytes: Buffer): Promise<void> => {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
};

/** Writes each batch's events to their partitions' files, keeping at most `maxOpenFiles` open. */
class PartitionedFilesWriter implements SinkWriter {
  readonly name: string;
  /** Open handles by file name, least recently used first (a `Map` keeps insertion order). */
  private readonly handles = new Map<string, fs.FileHandle>();
  /** File names this writer has opened at least once: reopened in append mode. */
  private readonly touched = new Set<string>();
  /** Reused for every group: each group is written out before the next is encoded. */
  private readonly encoder: BatchEncoder;

  constructor(
    private readonly dir: string,
    private readonly partition: (e: SimEvent) => string,
    private readonly extension: string,
    format: EventFormat,
    private readonly append: boolean,
    private readonly maxOpenFiles: number,
    private readonly openTimeoutMs: number,
  ) {
    this.name = `files:${dir}`;
    this.encoder = new BatchEncoder(format);
  }

  async open(): Promise<void> {
    await openWithin(
      () => fs.mkdir(this.dir, { recursive: true }),
      this.openTimeoutMs,
      'create the folder',
      async () => undefined,
    );
  }

  async write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    // Partition and check the whole batch first, so a bad partition writes nothing of it.
    const groups = new Map<string, SimEvent[]>();
    for (const e of batch) {
      const key = this.partition(e);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [e]);
      else group.push(e);
    }
    const files: Array<readonly [string, SimEvent[]]> = [];
    for (const [key, group] of groups) {
      let file: string;
      try {
        file = partitionFileName(key, this.extension);
      } catch (err) {
        throw new Error(`${eventLabel(group[0])}: ${(err as Error).message}`, { cause: err });
      }
      files.push([file, group]);
    }
    for (const [file, group] of files) {
      const handle = await this.handleFor(file);
      await writeAll(handle, this.encoder.encode(group));
    }
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    const closed = await Promise.allSettled(handles.map((h) => h.close()));
    const failed = closed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** The open handle of a file, marked most recently used; opens it (closing the LRU) if needed. */
  private async handleFor(file: string): Promise<fs.FileHandle> {
    const open = this.handles.get(file);
    if (open !== undefined) {
      this.handles.delete(file);
      this.handles.set(file, open);
      return open;
    }
    while (this.handles.size >= this.maxOpenFiles) {
      const [oldest, handle] = this.handles.entries().next().value as [string, fs.FileHandle];
      this.handles.delete(oldest);
      await handle.close();
    }
    const flag = this.append || this.touched.has(file) ? 'a' : 'w';
    const handle = await openWithin(
      () => fs.open(join(this.dir, file), flag),
      this.openTimeoutMs,
      `open ${file}`,
      (h) => h.close(),
    );
    this.touched.add(file);
    this.handles.set(file, handle);
    return handle;
  }
}

// ---------------------------------------------------------------------------------------------
// operator
// ---------------------------------------------------------------------------------------------

/**
 * Writes events as JSONL to one file per partition, `<dir>/<partition><extension>`, and passes
 * each event on once it is written (see `toSink` for batching, ordering and error semantics).
 *
 * - The folder is created (with its parents) when the sink opens; a partition's file only when
 *   its first event arrives. Within a file, events keep their order.
 * - Each batch is grouped by partition and each group written with one write call. A partition
 *   file is truncated the first time the run writes to it, unless `append` is set.
 * - At most `maxOpenFiles` handles are open: the least recently used is closed, and its file
 *   reopened in append mode when it is next needed.
 * - Creating the folder, or opening a partition's file, that has not finished within
 *   `openTimeoutMs` (10 s by default) fails the run with a `SinkError` named `files:<dir>`.
 * - A partition that is not a valid file name stem (see `partitionFileName`) fails the run before
 *   anything of its batch is written; the `SinkError`, named `files:<dir>`, names the value and the
 *   event. Errors thrown by `partition` itself fail the run as they are.
 *
 * Throws a `RangeError` at once for an unsafe `extension`, a `maxOpenFiles` that is not a
 * positive integer or an `openTimeoutMs` that is not a number > 0.
 *
 * @example
 * const sink = toPartitionedFiles('out/orders', { partition: byUtcDate('created_at'), maxOpenFiles: 8 });
 * simulate(model, env).pipe(sink).subscribe({ complete: () => console.error(sink.stats.accepted) });
 */
export const toPartitionedFiles = (dir: string, options: ToPartitionedFilesOptions): SinkOperator => {
  const extension = options.extension ?? DEFAULT_EXTENSION;
  checkExtension(extension);
  const maxOpenFiles = options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES;
  if (!(Number.isInteger(maxOpenFiles) && maxOpenFiles >= 1)) {
    throw new RangeError(`toPartitionedFiles: maxOpenFiles must be a positive integer, got ${maxOpenFiles}`);
  }
  const format = options.format ?? 'json';
  const append = options.append ?? false;
  const { partition } = options;
  const openTimeoutMs = options.openTimeoutMs ?? DEFAULT_FILE_OPEN_TIMEOUT_MS;
  if (!(Number.isFinite(openTimeoutMs) && openTimeoutMs > 0))
    throw new RangeError(`toPartitionedFiles: openTimeoutMs must be a number > 0, got ${openTimeoutMs}`);
  const sink = toSink(() => new PartitionedFilesWriter(dir, partition, extension, format, append, maxOpenFiles, openTimeoutMs), {
    name: `files:${dir}`,
    window: FILES_WINDOW,
    maxBatch: options.maxBatch,
    maxBuffered: options.maxBuffered,
  });
  // A shard of a run in worker threads writes its own folder tree (`out/orders-1`).
  return Object.assign(sink, { forShard: (index: number) => toPartitionedFiles(`${dir.replace(/[\\/]+$/, '')}-${index}`, options) });
};
