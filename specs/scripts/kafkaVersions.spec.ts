/**
 * scripts/kafka/versions.js: the Kafka versions the project's test brokers run, their ports and
 * their files. No broker is started here (the Kafka sink specs do that).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Layout {
  version: string;
  pom: string;
  home: string;
  brokerJar: string;
  logConfig: string;
  logConfigText(): string;
  logJvmOption(): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaVersions = require('../../scripts/kafka/versions.js') as {
  DEFAULT_VERSION: string;
  versions: ReadonlyArray<string>;
  selectVersion(version?: string): string;
  requestedPort(version: string): number;
  layout(root: string, version: string): Layout;
};

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `body` with the given environment variables set (undefined: unset), then restores them. */
const withEnv = <T>(vars: Record<string, string | undefined>, body: () => T): T => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return body();
  } finally {
    set(saved);
  }
};

describe('scripts/kafka/versions.js', () => {
  it('runs a 4.x and a 3.9 broker, the 4.x one by default', () => {
    expect(kafkaVersions.versions).to.deep.equal(['4.4.0', '3.9.1']);
    expect(kafkaVersions.DEFAULT_VERSION).to.equal('4.4.0');
    expect(withEnv({ KAFKA_VERSION: undefined }, () => kafkaVersions.selectVersion())).to.equal('4.4.0');
  });

  it('picks the version asked for, else KAFKA_VERSION; an unknown one is an error naming the known ones', () => {
    withEnv({ KAFKA_VERSION: '3.9.1' }, () => {
      expect(kafkaVersions.selectVersion()).to.equal('3.9.1');
      expect(kafkaVersions.selectVersion('4.4.0')).to.equal('4.4.0');
    });
    withEnv({ KAFKA_VERSION: '2.8.0' }, () => {
      expect(() => kafkaVersions.selectVersion()).to.throw('Unknown Kafka version KAFKA_VERSION "2.8.0"; scripts/kafka.js runs 4.4.0, 3.9.1');
    });
    expect(() => kafkaVersions.selectVersion('4.0')).to.throw('Unknown Kafka version "4.0"');
  });

  it('gives every version its own client and controller port, all moved by KAFKA_PORT', () => {
    const ports = (base: string | undefined): number[] =>
      withEnv({ KAFKA_PORT: base }, () => kafkaVersions.versions.map((v) => kafkaVersions.requestedPort(v)));
    expect(ports(undefined)).to.deep.equal([19092, 19094]);
    expect(ports('')).to.deep.equal([19092, 19094]);
    expect(ports('29092')).to.deep.equal([29092, 29094]);
    // Each broker takes its port and the next (the KRaft controller): no two versions share one.
    const taken = ports(undefined).flatMap((p) => [p, p + 1]);
    expect(new Set(taken).size).to.equal(taken.length);
    for (const bad of ['abc', '0', '65534', '1.5']) {
      expect(() => ports(bad), bad).to.throw(/^KAFKA_PORT must be an integer port between 1 and 65532/);
    }
  });

  it('keeps each version in its own home, fetched by its own pom, logging through its own backend', () => {
    const layouts = kafkaVersions.versions.map((v) => kafkaVersions.layout(ROOT, v));
    expect(layouts.map((l) => path.relative(ROOT, l.home))).to.deep.equal(['.services/kafka/4.4.0', '.services/kafka/3.9.1']);
    for (const l of layouts) {
      // The pom fetches the broker jar of exactly this version (the script checks for that file).
      const pom = fs.readFileSync(l.pom, 'utf8');
      expect(pom, l.pom).to.match(new RegExp(`<artifactId>kafka_2\\.13</artifactId>\\s*<version>${l.version.replace(/\./g, '\\.')}</version>`));
      expect(path.basename(l.brokerJar)).to.equal(`kafka_2.13-${l.version}.jar`);
      expect(l.logConfigText()).to.contain(path.join(l.home, 'logs', 'server.log'));
    }
    const [v4, v3] = layouts;
    expect(v4.logJvmOption()).to.equal(`-Dlog4j2.configurationFile=${path.join(v4.home, 'log4j2.properties')}`);
    expect(fs.readFileSync(v4.pom, 'utf8')).to.contain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(v3.logJvmOption()).to.equal(`-Dlog4j.configuration=file:${path.join(v3.home, 'log4j.properties')}`);
    expect(fs.readFileSync(v3.pom, 'utf8')).to.contain('<artifactId>reload4j</artifactId>');
  });

  it('`node scripts/kafka.js versions` lists them, default first (what .ci/run stops after the tests)', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'kafka.js'), 'versions'], { encoding: 'utf8' });
    expect(out.trim().split('\n')).to.deep.equal(['4.4.0', '3.9.1']);
  });
});
