/**
 * The two scenarios into a real Kafka broker and a real MariaDB at once, next to a JSONL file:
 * every topic is consumed back and every table selected, and both must hold exactly the events of
 * the JSONL output (which is itself byte-identical to a JSONL-only run of the same seed).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import type { SimulationModel } from '../../lib/engine/model';
import { runSimulation } from '../../lib/runtime/runSimulation';
import { toFile } from '../../lib/sinks/toFile';
import { toKafka } from '../../lib/sinks/toKafka';
import { toMySQL } from '../../lib/sinks/toMySQL';
import ecommerce from '../../scenarios/ecommerce';
import trading from '../../scenarios/trading';
import { consumeAll, dropTables, kafkaBrokers, mysqlConnection, mysqlUrl, tablesWithPrefix, uniqueName } from '../helpers/services';
import { expectMessagesEqualJsonl, expectRowsEqualJsonl, readJsonl } from '../helpers/tables';

interface Case {
  readonly name: string;
  readonly model: SimulationModel;
  /** Event types with a topic of their own (the others go to the default topic). */
  readonly ownTopics: ReadonlyArray<string>;
}

const fixed = (model: SimulationModel, totalEvents: number, seed: number): SimulationModel => ({
  ...model,
  settings: { ...model.settings, totalEvents, duration: '30d', startTime: '2025-03-03T09:00:00Z', seed },
});

const CASES: ReadonlyArray<Case> = [
  { name: 'ecommerce', model: fixed(ecommerce, 12_000, 101), ownTopics: ['OrderCompleted', 'AccountCreated'] },
  { name: 'trading', model: fixed(trading, 12_000, 202), ownTopics: ['OrderFilled', 'OrderPlaced'] },
];

describe('e2e: scenarios into Kafka and MySQL', function () {
  this.timeout(300_000);
  let brokers: string;
  let conn: Connection;
  let dir: string;
  const prefixes: string[] = [];

  before(async () => {
    // First, so that after() has a folder to remove even when a service does not come up.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-faker-e2e-outputs-'));
    brokers = await kafkaBrokers();
    conn = await mysqlConnection();
  });
  after(async () => {
    for (const p of prefixes) await dropTables(conn, p);
    await conn?.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: Kafka topics and MySQL tables hold exactly the JSONL events, once each, keys in order`, async () => {
      const base = uniqueName(c.name);
      const prefix = `${base}_`;
      prefixes.push(prefix);
      const topicMapping = Object.fromEntries(c.ownTopics.map((t) => [t, `${base}.${t}`]));
      const defaultTopic = `${base}.events`;
      const file = path.join(dir, `${c.name}.jsonl`);
      const kafka = toKafka({ brokers, topic: defaultTopic, topicMapping });
      const mysql = toMySQL({ connection: mysqlUrl(), tablePrefix: prefix });
      const summary = await runSimulation(c.model, { outputs: [toFile(file), kafka, mysql] });

      // Same seed without the network sinks: byte-identical JSONL.
      const alone = path.join(dir, `${c.name}-alone.jsonl`);
      await runSimulation(c.model, { outputs: [toFile(alone)] });
      expect(fs.readFileSync(file).equals(fs.readFileSync(alone)), 'JSONL identical with and without Kafka/MySQL').to.equal(true);

      const jsonl = readJsonl(file);
      expect(jsonl.length).to.equal(summary.events);
      expect(summary.outputs.map((o) => o.accepted)).to.deep.equal([summary.events, summary.events, summary.events]);
      // Flow control bounded what the slower sinks held at once: the run's window, the largest of the outputs' (the MySQL output's).
      expect(mysql.window).to.be.above(kafka.window ?? 2_000);
      expect(kafka.stats.peakBuffered).to.be.at.most(mysql.window!);
      expect(mysql.stats.peakBuffered).to.be.at.most(mysql.window!);

      const consumed = await consumeAll(brokers, [defaultTopic, ...Object.values(topicMapping)]);
      expect(consumed.length).to.equal(summary.events);
      expectMessagesEqualJsonl(consumed, jsonl);
      for (const m of consumed) {
        const topic = topicMapping[JSON.parse(m.value).event_type as string] ?? defaultTopic;
        if (m.topic !== topic) expect(m.topic).to.equal(topic);
      }
      for (const t of c.ownTopics) expect(consumed.filter((m) => m.topic === topicMapping[t]).length).to.equal(summary.eventsByType[t]);

      const tables = await tablesWithPrefix(conn, prefix);
      expect(tables).to.have.length(Object.keys(summary.eventsByType).length);
      await expectRowsEqualJsonl(conn, tables, jsonl);
    });
  }
});
