import { expect } from 'chai';
import { UsageError, outputOperator, parseOutput } from '../../lib/cli/parseOutput';

describe('parseOutput', () => {
  it('decodes stdout and file outputs', () => {
    expect(parseOutput('stdout')).to.deep.equal({ _tag: 'Stdout', format: 'json' });
    expect(parseOutput('stdout:json_pretty')).to.deep.equal({ _tag: 'Stdout', format: 'json_pretty' });
    expect(parseOutput('file:out/a.jsonl')).to.deep.equal({ _tag: 'File', path: 'out/a.jsonl' });
  });

  it('decodes kafka:BROKERS with its parameters', () => {
    expect(parseOutput('kafka:127.0.0.1:9092')).to.deep.include({ _tag: 'Kafka', brokers: '127.0.0.1:9092', topic: undefined });
    expect(parseOutput('kafka:a:9092,b:9092?topic=shop&partitions=6&compression=gzip&client_id=me&timeout_ms=5000')).to.deep.equal({
      _tag: 'Kafka',
      brokers: 'a:9092,b:9092',
      topic: 'shop',
      partitions: 6,
      compression: 'gzip',
      clientId: 'me',
      timeoutMs: 5000,
      client: undefined,
      eventTypeHeader: undefined,
    });
    expect(parseOutput('kafka:a:9092?client=librdkafka&event_type_header=false')).to.deep.include({ client: 'librdkafka', eventTypeHeader: false });
    expect(outputOperator(parseOutput('kafka:a:9092,b:9092?topic=shop')).sinkName).to.equal('kafka:a:9092,b:9092');
  });

  it('decodes mysql URIs, written alone or after "mysql:", and never names the password', () => {
    const spec = {
      _tag: 'MySQL',
      uri: 'mysql://root@127.0.0.1:3306/test',
      tablePrefix: 'shop_',
      connections: undefined,
      timeoutMs: undefined,
      onDuplicate: undefined,
    };
    expect(parseOutput('mysql://root@127.0.0.1:3306/test?table_prefix=shop_')).to.deep.equal(spec);
    expect(parseOutput('mysql:mysql://root@127.0.0.1:3306/test?table_prefix=shop_')).to.deep.equal(spec);
    expect(outputOperator(parseOutput('mysql://u:pw@db:3307/shop')).sinkName).to.equal('mysql://u@db:3307/shop');
  });

  it('decodes the MySQL pool size (connections): batches in flight, and the window the run keeps for them', () => {
    expect(parseOutput('mysql://root@127.0.0.1/test?connections=2&timeout_ms=500')).to.deep.equal({
      _tag: 'MySQL',
      uri: 'mysql://root@127.0.0.1/test',
      tablePrefix: undefined,
      connections: 2,
      timeoutMs: 500,
      onDuplicate: undefined,
    });
    // A batch (2 000 events) on each connection and the next one filling (see toMySQL).
    expect(outputOperator(parseOutput('mysql://root@127.0.0.1/test?connections=2')).window).to.equal(2_000 * 3);
    expect(outputOperator(parseOutput('mysql://root@127.0.0.1/test')).window).to.equal(2_000 * 5);
  });

  it('decodes what the MySQL output does with a duplicate event_id (on_duplicate)', () => {
    expect(parseOutput('mysql://root@127.0.0.1/test?on_duplicate=skip')).to.deep.include({ onDuplicate: 'skip' });
    expect(parseOutput('mysql://root@127.0.0.1/test?on_duplicate=fail')).to.deep.include({ onDuplicate: 'fail' });
  });

  const bad: ReadonlyArray<[string, string]> = [
    ['kafka:', 'kafka needs brokers'],
    ['kafka:b', 'a broker is HOST:PORT, got "b"'],
    ['kafka:b:9092,c:99999', 'a broker is HOST:PORT, got "c:99999"'],
    ['kafka:b:9092?topik=x', 'unknown parameter "topik" (topic, partitions, compression, client_id, timeout_ms, client, event_type_header)'],
    ['kafka:b:9092?client=rdkafka', 'client must be kafkajs or librdkafka, got "rdkafka"'],
    ['kafka:b:9092?event_type_header=no', 'event_type_header must be true or false, got "no"'],
    ['kafka:b:9092?partitions=0', 'partitions must be an integer >= 1, got "0"'],
    ['kafka:b:9092?compression=brotli', 'compression must be one of none, gzip, snappy, lz4, zstd, got "brotli"'],
    ['mysql://root@127.0.0.1:3306', 'expected mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE'],
    ['mysql:nonsense', 'expected mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE'],
    ['mysql://root@h/db?prefix=x', 'unknown parameter "prefix" (table_prefix, connections, timeout_ms, on_duplicate)'],
    ['mysql://root@h/db?on_duplicate=ignore', 'on_duplicate must be fail or skip, got "ignore"'],
    ['mysql://root@h/db?connections=0', 'connections must be an integer >= 1, got "0"'],
    ['postgres://x', 'unknown output "postgres"'],
  ];
  for (const [value, message] of bad) {
    it(`rejects --output ${value}`, () => {
      expect(() => parseOutput(value)).to.throw(UsageError, message);
    });
  }
});
