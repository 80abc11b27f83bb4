/**
 * Kafka writers whose client runs on another thread: this side, on the simulation's thread, only
 * encodes each batch (JSON values, keys, event types) and hands the bytes over without copying;
 * the other side does the protocol work and answers once Kafka acknowledged the batch. Both cores
 * work: one generates, the other produces. The other side is a producer thread of its own running
 * KafkaJS (kafkaProducerThread.ts, `KafkaThreadWriter`), or, for a worker thread of the CLI, the
 * main thread's librdkafka producer (kafkaHost.ts, `KafkaPortWriter`).
 *
 * Used by `toKafka` unless `producerThread: false`, or when the options cannot be handed to a
 * thread (a `keys` function is evaluated here, but functions in `ssl` or `sasl` are not
 * cloneable): then the client runs on the simulation's thread, with the same guarantees.
 *
 * @example
 * const writer = new KafkaThreadWriter(options, 'kafka:127.0.0.1:9092');
 */
import * as path from 'node:path';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { SimEvent } from '../core/simEvent';
import { KafkaEncoder } from './kafkaMessages';
import type { ToKafkaOptions } from './kafkaOptions';
import type { FromProducer, ProducerThreadData, ToProducer } from './kafkaProducerThread';
import { KafkaRouting } from './kafkaRouting';
import type { SinkWriter } from './sinkContract';

/** The options a producer thread gets: everything but `keys` (worked out on this side). */
const threadOptions = (options: ToKafkaOptions): ToKafkaOptions => {
  const { keys: _keys, ...rest } = options;
  return rest;
};

/** Whether the options can be handed to a thread (no functions in `ssl`, `sasl`, …). */
export const canRunOnThread = (options: ToKafkaOptions): boolean => {
  try {
    structuredClone(threadOptions(options));
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts the producer thread. From the TypeScript sources (specs, a checkout) the thread first
 * registers the same TypeScript loader the CLI uses; from dist/ it loads the compiled file.
 */
const startThread = (data: ProducerThreadData): Worker => {
  const entry = path.join(__dirname, `kafkaProducerThread${path.extname(__filename)}`);
  if (path.extname(__filename) !== '.ts') return new Worker(entry, { workerData: data });
  const register = path.join(__dirname, '..', '..', 'bin', 'registerTypeScript.js');
  const code = `require(${JSON.stringify(register)}).registerTypeScript(); require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: data });
};

/** A batch sent to the producer and not yet answered. */
interface Waiting {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** How the writer reaches its producer: a thread of its own, or a port to the main thread's. */
interface Link {
  postMessage(m: ToProducer, transfer?: ArrayBuffer[]): void;
  /** Ends the link once closed or broken. */
  end(): Promise<void>;
}

/**
 * A `SinkWriter` that encodes its batches here and has a producer elsewhere send them: on a
 * thread of its own (`KafkaThreadWriter`), or on the main thread (`KafkaPortWriter`).
 */
class EncodedBatchWriter implements SinkWriter {
  private readonly encoder: KafkaEncoder;
  private link: Link | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Why the producer can take no more batches (it failed, crashed or went away). */
  private broken: Error | undefined;
  private opened: Waiting | undefined;
  private closed: Waiting | undefined;

  constructor(
    options: ToKafkaOptions,
    readonly name: string,
    /** Connects the link; it calls back with each answer, and with the error that broke it. */
    private readonly connect: (answer: (m: FromProducer) => void, breakWith: (e: Error) => void) => Link,
  ) {
    this.encoder = new KafkaEncoder(new KafkaRouting(options));
  }

  open(): Promise<void> {
    this.link = this.connect(
      (m) => this.answer(m),
      (e) => this.breakWith(e),
    );
    return new Promise<void>((resolve, reject) => (this.opened = { resolve, reject }));
  }

  private answer(m: FromProducer): void {
    if (m.kind === 'opened') {
      this.opened?.resolve();
      this.opened = undefined;
    } else if (m.kind === 'written' || (m.kind === 'failed' && m.id !== undefined)) {
      const w = this.waiting.get(m.id!);
      this.waiting.delete(m.id!);
      if (m.kind === 'written') w?.resolve();
      else w?.reject(new Error(m.message));
    } else if (m.kind === 'failed') {
      const e = new Error(m.message);
      if (this.opened !== undefined) {
        this.opened.reject(e);
        this.opened = undefined;
      } else if (this.closed !== undefined) {
        this.closed.reject(e);
        this.closed = undefined;
      } else this.breakWith(e);
    } else {
      this.closed?.resolve();
      this.closed = undefined;
    }
  }

  /** Fails whatever waits for the producer, and every later batch. */
  private breakWith(e: Error): void {
    this.broken ??= e;
    this.opened?.reject(e);
    this.opened = undefined;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    this.closed?.resolve(); // a producer that is gone has nothing left to close
    this.closed = undefined;
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    const link = this.link;
    if (link === undefined) return Promise.reject(new Error('producer is not connected'));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const messages = this.encoder.encode(batch);
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // Fresh arrays of this batch: handed over, not copied.
    link.postMessage({ kind: 'write', id, messages }, [
      messages.bytes.buffer as ArrayBuffer,
      messages.ends.buffer as ArrayBuffer,
      messages.typeOf.buffer as ArrayBuffer,
    ]);
    return done;
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (link === undefined) return;
    if (this.broken !== undefined) return link.end();
    const closed = new Promise<void>((resolve, reject) => (this.closed = { resolve, reject }));
    link.postMessage({ kind: 'close' });
    try {
      await closed;
    } finally {
      await link.end();
    }
  }
}

/** A Kafka writer whose KafkaJS client runs on a producer thread of its own. */
export class KafkaThreadWriter extends EncodedBatchWriter {
  constructor(options: ToKafkaOptions, name: string) {
    super(options, name, (answer, breakWith) => {
      const thread = startThread({ options: threadOptions(options), name });
      thread.on('message', answer);
      thread.on('error', (e: Error) => breakWith(new Error(`the Kafka producer thread failed: ${e.message}`, { cause: e })));
      thread.on('exit', () => breakWith(new Error('the Kafka producer thread exited')));
      return { postMessage: (m, transfer) => thread.postMessage(m, transfer), end: () => thread.terminate().then(() => undefined) };
    });
  }
}

/**
 * A Kafka writer in a worker thread whose producer is the main thread's (kafkaHost.ts), reached
 * through `port`: for a client that runs on the main thread only.
 */
export class KafkaPortWriter extends EncodedBatchWriter {
  constructor(options: ToKafkaOptions, name: string, port: MessagePort) {
    super(options, name, (answer, breakWith) => {
      port.on('message', answer);
      port.on('close', () => breakWith(new Error("the main thread's Kafka producer went away")));
      return {
        postMessage: (m, transfer) => port.postMessage(m, transfer),
        end: async () => {
          port.removeAllListeners('close');
          port.close();
        },
      };
    });
  }
}
