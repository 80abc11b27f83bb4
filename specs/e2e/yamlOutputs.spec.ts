/**
 * YAML configurations end to end through their own `outputs:` section: a JSONL file, the real
 * Kafka broker and MariaDB, and determinism (same file, same seed ⇒ byte-identical output).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { formatConfigError } from '../../lib/config/configError';
import { loadConfig } from '../../lib/config/yaml/loadConfig';
import type { Simulation } from '../../lib/simulation';
import { toFile } from '../../lib/sinks/toFile';
import { consumeAll, dropTables, kafkaBrokers, mysqlConnection, tablesWithPrefix, uniqueName } from '../helpers/services';
import { expectRowsEqualJsonl, readJsonl } from '../helpers/tables';

const load = (text: string): Simulation => {
  const r = loadConfig(text, { file: 'inline.yaml' });
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.simulation;
};

/** scenarios/library.yaml with its outputs replaced. */
const libraryWith = (outputs: string): string => {
  const text = fs.readFileSync('scenarios/library.yaml', 'utf8');
  const at = text.indexOf('\noutputs:');
  expect(at, 'library.yaml has an outputs section').to.be.greaterThan(0);
  return `${text.slice(0, at)}\noutputs:\n${outputs}`;
};

describe('e2e: YAML configurations through their outputs', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-yaml-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const file of ['scenarios/library.yaml', 'scenarios/shop.yaml']) {
    it(`${file}: same file and seed, byte-identical JSONL`, async () => {
      const text = fs.readFileSync(file, 'utf8');
      const outputs = [path.join(dir, `${path.basename(file)}-1.jsonl`), path.join(dir, `${path.basename(file)}-2.jsonl`)];
      for (const out of outputs) {
        // As fast as possible (the example asks for real time).
        await load(text).run({ outputs: [toFile(out)], seed: 99, timeMultiplier: Infinity });
      }
      const [a, b] = outputs.map((o) => fs.readFileSync(o));
      expect(a.length).to.be.greaterThan(1_000);
      expect(a.equals(b)).to.equal(true);
    });
  }

  it('writes to the Kafka topics and MySQL tables its outputs name, exactly the events of its file output', async () => {
    const brokers = await kafkaBrokers();
    const conn: Connection = await mysqlConnection();
    const base = uniqueName('yaml');
    const file = path.join(dir, 'library-outputs.jsonl');
    const loans = `${base}.loans`;
    const others = `${base}.others`;
    const sim = load(
      libraryWith(
        [
          `  - { type: file, path: "${file}" }`,
          `  - type: kafka`,
          `    kafka_brokers: "${brokers}"`,
          `    topic: "${others}"`,
          `    topic_mapping: { LoanOpened: "${loans}", LoanReturned: "${loans}" }`,
          `  - { type: mysql, host: "127.0.0.1", port: 3306, user: root, database: test, table_prefix: "${base}_", connections: 2 }`,
          `  - { type: stdout, enabled: false }`,
          '',
        ].join('\n'),
      ),
    );
    try {
      const summary = await sim.run({ timeMultiplier: Infinity });
      expect(summary.outputs.map((o) => o.accepted)).to.deep.equal([summary.events, summary.events, summary.events]);
      const jsonl = readJsonl(file);
      expect(jsonl.length).to.equal(summary.events);

      const consumed = await consumeAll(brokers, [loans, others]);
      expect(consumed.length).to.equal(summary.events);
      const lines = new Set(jsonl.map((e) => JSON.stringify(e)));
      for (const m of consumed) {
        if (!lines.has(m.value)) expect.fail(`message not in the file output: ${m.value.slice(0, 120)}`);
        const type = JSON.parse(m.value).event_type as string;
        expect(m.topic).to.equal(type === 'LoanOpened' || type === 'LoanReturned' ? loans : others);
      }
      expect(new Set(consumed.map((m) => m.value)).size).to.equal(consumed.length);

      await expectRowsEqualJsonl(conn, await tablesWithPrefix(conn, `${base}_`), jsonl);
    } finally {
      await dropTables(conn, `${base}_`);
      await conn.end();
    }
  });
});
