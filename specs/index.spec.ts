import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as lib from '../lib';

/** Runs `body` in a fresh node process that has loaded deep-faker's entry point as `lib`; returns what it printed, parsed. */
const inFreshProcess = (body: string): unknown => {
  const script = [
    `require(${JSON.stringify(path.join(__dirname, 'helpers', 'tsRegister.js'))});`,
    `const lib = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'index.ts'))});`,
    `const loaded = (m) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + m + '/'));`,
    body,
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
};

describe('lib/index (the package entry point)', () => {
  it('loads neither KafkaJS nor mysql2 until a Kafka or MySQL output is subscribed to', () => {
    const seen = inFreshProcess(`
      const { of } = require('rxjs');
      const seen = { imported: [loaded('kafkajs'), loaded('mysql2')] };
      // On the simulation's thread (by default KafkaJS loads on its producer thread instead).
      const kafka = lib.toKafka({ brokers: '127.0.0.1:1', connectTimeoutMs: 1, producerThread: false });
      const mysql = lib.toMySQL({ connection: 'mysql://root@127.0.0.1:1/test', connectTimeoutMs: 1 });
      seen.operators = [loaded('kafkajs'), loaded('mysql2')];
      of().pipe(kafka).subscribe({ error: () => undefined });
      seen.kafka = [loaded('kafkajs'), loaded('mysql2')];
      of().pipe(mysql).subscribe({ error: () => undefined });
      setTimeout(() => {
        seen.mysql = [loaded('kafkajs'), loaded('mysql2')];
        process.stdout.write(JSON.stringify(seen));
        process.exit(0);
      }, 200);
    `);
    expect(seen).to.deep.equal({
      imported: [false, false],
      operators: [false, false],
      kafka: [true, false],
      mysql: [true, true],
    });
  });

  it('keeps renamed names as deprecated aliases of the new ones', () => {
    expect(lib.FlowControl).to.equal(lib.Backpressure);
    expect(lib.HintError).to.equal(lib.GeneratorError);
    expect(lib.compileHint).to.equal(lib.compileGenerator);
    expect(lib.knownHints).to.equal(lib.knownGenerators);
  });
});
