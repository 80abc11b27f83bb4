/**
 * Confluent's Kafka client (`@confluentinc/kafka-javascript`, librdkafka) for the specs of the
 * Kafka output's `client: 'librdkafka'`: installed once by scripts/librdkafka.js (it is an
 * optional peer dependency whose normal install downloads a binary; see there).
 *
 * @example
 * before(async function () { this.timeout(900_000); await ensureLibrdkafka(); });
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script, like scripts/kafka.js
const script = require('../../scripts/librdkafka.js') as { ensureLibrdkafka(): Promise<void> };

/** Installs the package (the range of deep-faker's peer dependency) unless it already loads. */
export const ensureLibrdkafka = (): Promise<void> => script.ensureLibrdkafka();
