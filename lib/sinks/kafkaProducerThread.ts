/**
 * The producer thread of a Kafka output (started by kafkaThread.ts): it runs the KafkaJS client
 * on a thread of its own, so the protocol work never takes the simulation's thread (librdkafka
 * has native threads of its own, and its Node binding cannot run in a worker thread). The simulation's thread sends it encoded batches (kafkaMessages.ts); it produces them
 * in order and answers each once Kafka acknowledged it.
 *
 * Messages in: `{ kind: 'write', id, messages }`, `{ kind: 'close' }`.
 * Messages out: `{ kind: 'opened' }`, `{ kind: 'written', id }`, `{ kind: 'failed', id?, message }`, `{ kind: 'closed' }`.
 *
 * @example
 * new Worker(require.resolve('./kafkaProducerThread'), { workerData: { options, name } });
 */
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../core/errors';
import type { ToKafkaOptions } from './kafkaOptions';
import type { EncodedMessages } from './kafkaMessages';
import { KafkaJsWriter } from './kafkaJsWriter';

/** What the simulation's thread sends. */
export type ToProducer = { readonly kind: 'write'; readonly id: number; readonly messages: EncodedMessages } | { readonly kind: 'close' };

/** What the producer thread answers. */
export type FromProducer =
  | { readonly kind: 'opened' }
  | { readonly kind: 'written'; readonly id: number }
  | { readonly kind: 'failed'; readonly id?: number; readonly message: string }
  | { readonly kind: 'closed' };

/** What the thread is started with. */
export interface ProducerThreadData {
  readonly options: ToKafkaOptions;
  readonly name: string;
}

const serve = (): void => {
  const port = parentPort;
  if (port === null) return; // loaded as a module, not as a thread
  const { options, name } = workerData as ProducerThreadData;
  const writer = new KafkaJsWriter(options, name);
  const post = (m: FromProducer): void => port.postMessage(m);
  // One batch at a time, in the order they came: per-key order, and KafkaJS's idempotent producer.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (m: ToProducer) => {
    if (m.kind === 'write') {
      const send = (): Promise<void> => writer.writeEncoded(m.messages);
      const done = (previous = previous.then(send, send));
      done.then(
        () => post({ kind: 'written', id: m.id }),
        (e: unknown) => post({ kind: 'failed', id: m.id, message: messageOf(e) }),
      );
    } else {
      previous
        .catch(() => undefined)
        .then(() => writer.close())
        .then(
          () => post({ kind: 'closed' }),
          (e: unknown) => post({ kind: 'failed', message: messageOf(e) }),
        )
        .finally(() => port.close());
    }
  });
  writer.open().then(
    () => post({ kind: 'opened' }),
    (e: unknown) => post({ kind: 'failed', message: messageOf(e) }),
  );
};

serve();
