/**
 * The main thread's side of a Kafka output whose client runs there only (librdkafka, whose Node
 * binding cannot load in a worker thread): one producer that the worker threads of a run write
 * through, each over a port of its own, with the producer thread's messages (kafkaProducerThread.ts;
 * `KafkaPortWriter` in kafkaThread.ts is the worker's end). A batch goes to the producer as it
 * comes (librdkafka keeps the order per partition) and is answered once every message of it was
 * delivered; a port's `close` is answered once its batches are.
 *
 * @example
 * const host = new KafkaHost(options, 'kafka:127.0.0.1:9092');
 * new Worker(file, { workerData: { port: host.port() }, transferList: [port] });
 * await host.close(); // once every worker is done
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { messageOf } from '../core/errors';
import type { ToKafkaOptions } from './kafkaOptions';
import type { FromProducer, ToProducer } from './kafkaProducerThread';
import { LibrdkafkaWriter } from './librdkafkaWriter';
import type { MainThreadHost } from './sinkContract';

const ignore = (): void => undefined;

/** One librdkafka producer shared by the workers that write through it. */
export class KafkaHost implements MainThreadHost {
  private readonly writer: LibrdkafkaWriter;
  /** Opened with the first port: a run that starts no worker connects nothing. */
  private opening: Promise<void> | undefined;
  private readonly ports = new Set<MessagePort>();

  constructor(options: ToKafkaOptions, name: string) {
    this.writer = new LibrdkafkaWriter(options, name);
  }

  port(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.serve(port1);
    return port2;
  }

  private serve(port: MessagePort): void {
    this.ports.add(port);
    port.on('close', () => this.ports.delete(port));
    const post = (m: FromProducer): void => port.postMessage(m);
    const opening = (this.opening ??= this.writer.open());
    opening.then(
      () => post({ kind: 'opened' }),
      (e: unknown) => post({ kind: 'failed', message: messageOf(e) }),
    );
    const pending = new Set<Promise<void>>();
    port.on('message', (m: ToProducer) => {
      if (m.kind === 'write') {
        const done = opening.then(() => this.writer.writeEncoded(m.messages));
        pending.add(done);
        done
          .then(
            () => post({ kind: 'written', id: m.id }),
            (e: unknown) => post({ kind: 'failed', id: m.id, message: messageOf(e) }),
          )
          .finally(() => pending.delete(done));
      } else {
        // The worker closes the port once it has this answer.
        void Promise.allSettled([...pending]).then(() => post({ kind: 'closed' }));
      }
    });
  }

  async close(): Promise<void> {
    for (const p of this.ports) p.close();
    this.ports.clear();
    const opening = this.opening;
    if (opening === undefined) return;
    this.opening = undefined;
    await opening.catch(ignore);
    await this.writer.close();
  }
}
