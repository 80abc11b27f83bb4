#!/usr/bin/env node
'use strict';
/**
 * Real single-node Apache Kafka brokers for tests and for trying deep-faker's Kafka sink, run from
 * Maven Central jars: no Docker, no Kafka download page, no ZooKeeper. Two versions, so the Kafka
 * output is tested against both lines users run: 4.4.0 (the default) and 3.9.1; brokers of both
 * can run side by side.
 *
 * Usage (from the repository root; npm scripts `kafka:start`, `kafka:stop`, `kafka:status`):
 *
 *   node scripts/kafka.js start          # fetch jars once, start, wait until the broker answers
 *   node scripts/kafka.js status         # exit 0 running, 3 not running, 1 up but not answering
 *   node scripts/kafka.js stop           # SIGTERM (SIGKILL after 30 s); data is kept
 *   node scripts/kafka.js stop --clean   # stop and delete the data directory
 *   node scripts/kafka.js stop --all     # stop the brokers of every version (and one an earlier
 *                                        # scripts/kafka.js left running from .services/kafka/)
 *   node scripts/kafka.js versions       # the versions it runs, one a line, default first
 *   KAFKA_VERSION=3.9.1 node scripts/kafka.js start   # the same commands for another version
 *
 * Environment:
 *   KAFKA_VERSION           4.4.0 (default) or 3.9.1
 *   KAFKA_PORT              base port (default 19092): 4.4.0 listens on KAFKA_PORT, 3.9.1 on
 *                           KAFKA_PORT + 2; each version's KRaft controller on its port + 1
 *   KAFKA_START_TIMEOUT_MS  how long `start` waits for the broker to answer (default 120000);
 *                           the one-time jar download is not counted
 *   JAVA_HOME               java to use (default: `java` on the PATH; both versions need JDK 17+)
 *
 * From Node (test setup, fault tests that stop and restart the broker mid-run):
 *
 *   const kafka = require('./scripts/kafka.js');
 *   const brokers = await kafka.start({ quiet: true });           // '127.0.0.1:19092' (4.4.0)
 *   const old = await kafka.start({ version: '3.9.1', quiet: true }); // '127.0.0.1:19094'
 *   await kafka.stop({ version: '3.9.1', quiet: true });          // keeps data; { clean: true } deletes it
 *   kafka.versions;                                                // ['4.4.0', '3.9.1']
 *
 * What it does: the broker runs in combined broker+controller KRaft mode on 127.0.0.1 with a static
 * `controller.quorum.voters`. `start` copies the jars listed in scripts/kafka/pom-<version>.xml
 * with `mvn dependency:copy-dependencies` (once; needs JDK 17+ and Maven), writes
 * server.properties and the logging config (log4j.properties for 3.9's reload4j,
 * log4j2.properties for 4.x's Log4j 2), formats the storage (`kafka.tools.StorageTool format`,
 * skipped once it is formatted), spawns `java -cp 'libs/*' kafka.Kafka server.properties`
 * detached, and polls KafkaJS `admin.describeCluster()` until it answers. Each version lives in
 * .services/kafka/<version>/:
 *
 *   libs/                  jars (+ `.complete`: hash of the pom they were fetched for)
 *   data/                  log.dirs (topics and the KRaft metadata log); reused by the next start
 *   logs/server.log        broker log (rolled at 10 MB)
 *   logs/stdout.log        the JVM's stdout/stderr (crashes, OOM, bad options)
 *   server.properties, log4j.properties or log4j2.properties, kafka.pid
 *
 * `start` is idempotent (a running broker is reused) and copes with a stale pid file left by a
 * broker killed with SIGKILL. Starts of two versions may run at once (Maven fetches take turns).
 * Only a broker started by this script (same server.properties) is ever signalled.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const kafkaVersions = require('./kafka/versions.js');

// ---------------------------------------------------------------------------------------------
// Paths and settings
// ---------------------------------------------------------------------------------------------

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 120000;
const STOP_TIMEOUT_MS = 30000;
const FETCH_TIMEOUT_MS = 600000;
const LOG_TAIL_LINES = 30;

const ROOT = path.resolve(__dirname, '..');
const SERVICES = path.join(ROOT, '.services', 'kafka');
// One Maven at a time: two fetches writing the same ~/.m2 files at once can corrupt them.
const MAVEN_LOCK = path.join(SERVICES, 'maven.lock');
// Where this script kept its one (3.9.1) broker before it ran several versions.
const LEGACY_SERVER_PROPERTIES = path.join(SERVICES, 'server.properties');

/** The layout of the version asked for (`version`, else KAFKA_VERSION, else the default). */
const brokerOf = (version) => kafkaVersions.layout(ROOT, kafkaVersions.selectVersion(version));

/** How long `start` waits for the broker to answer (KAFKA_START_TIMEOUT_MS), default 120 s. */
function startTimeoutMs() {
  const raw = process.env.KAFKA_START_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_START_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new Error(`KAFKA_START_TIMEOUT_MS must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return ms;
}

/**
 * The client port of broker `b`: the one in its generated server.properties while it runs (it
 * may have been started with another KAFKA_PORT), else the one KAFKA_PORT gives it.
 */
function currentPort(b) {
  if (findBrokerPid(b) !== undefined) {
    const match = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileOr(b.serverProperties, ''));
    if (match) return Number(match[1]);
  }
  return kafkaVersions.requestedPort(b.version);
}

/**
 * The bootstrap servers string of the managed broker of a version, e.g. `127.0.0.1:19092`.
 *
 * @param {{ version?: string }} [options] version: default KAFKA_VERSION or 4.4.0
 * @example
 *   new Kafka({ brokers: [require('./scripts/kafka.js').brokers({ version: '3.9.1' })] })
 */
function brokers(options = {}) {
  return `${HOST}:${currentPort(brokerOf(options.version))}`;
}

/**
 * The folder of a version's jars (the broker's class path; for 4.x it also holds Kafka's tools,
 * e.g. `org.apache.kafka.tools.ProducerPerformance` for the benchmarks). Fetched by `start`.
 *
 * @param {{ version?: string }} [options] version: default KAFKA_VERSION or 4.4.0
 */
function libs(options = {}) {
  return brokerOf(options.version).libs;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `1234` ms as `1.2s`. */
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** A path relative to the repository root, for messages. */
const rel = (file) => path.relative(ROOT, file);

function readFileOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** The last `lines` lines of a file, reading only what was appended after byte `from`. */
function tail(file, lines, from = 0) {
  let text;
  try {
    const buffer = fs.readFileSync(file);
    // A log that shrank was rolled over since `from` was taken: show its end instead.
    text = buffer.subarray(from <= buffer.length ? from : 0).toString('utf8');
  } catch {
    return '';
  }
  return text.replace(/\n$/, '').split('\n').slice(-lines).join('\n');
}

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Runs a command to its end without blocking the event loop (two versions starting at once
 * overlap their Maven and StorageTool runs); resolves its exit status and output.
 */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = childProcess.spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ status: null, error, output }));
    child.on('close', (status) => resolve({ status, error: undefined, output }));
  });
}

/** True while process `pid` exists and is not a zombie (a dead child not yet reaped). */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM'; // exists, but belongs to someone else
  }
  const stat = readFileOr(`/proc/${pid}/stat`, undefined);
  if (stat === undefined) return true; // no procfs (macOS): trust kill(0)
  // Format: "pid (comm) S ..."; comm may contain spaces and parentheses, so split at the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The command line of process `pid`, or undefined if it cannot be read. */
function commandLine(pid) {
  const proc = readFileOr(`/proc/${pid}/cmdline`, undefined);
  if (proc !== undefined) return proc.split('\0').join(' ');
  try {
    return childProcess.execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

/** True if `pid` is a live Kafka broker running `serverProperties` (a recycled pid is not). */
function runsBroker(pid, serverProperties) {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd !== undefined && cmd.includes('kafka.Kafka') && cmd.includes(` ${serverProperties}`);
}

/** The pid of a live java process running `serverProperties`, found through /proc, or undefined. */
function scanForBroker(serverProperties) {
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid !== process.pid && runsBroker(pid, serverProperties)) return pid;
  }
  return undefined;
}

/**
 * The pid of the running broker of `b` started by this script, or undefined. Reads the pid file,
 * and if that is missing or stale, looks through /proc (a broker whose pid file was deleted must
 * still be found, or its ports would block a new one).
 */
function findBrokerPid(b) {
  const fromFile = Number.parseInt(readFileOr(b.pidFile, ''), 10);
  if (Number.isInteger(fromFile) && fromFile > 0 && runsBroker(fromFile, b.serverProperties)) return fromFile;
  return scanForBroker(b.serverProperties);
}

/** Removes a pid file that no longer names a live broker of ours (e.g. after `kill -9`). */
function removeStalePidFile(b, log) {
  if (!fs.existsSync(b.pidFile)) return;
  const pid = Number.parseInt(readFileOr(b.pidFile, ''), 10);
  if (Number.isInteger(pid) && runsBroker(pid, b.serverProperties)) return;
  log(`Removing stale pid file (pid ${Number.isInteger(pid) ? pid : '?'} is not running)`);
  fs.rmSync(b.pidFile, { force: true });
}

/** Resolves true if something already listens on host:port. */
function portInUse(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES'));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The java executable: $JAVA_HOME/bin/java if set, else `java` from the PATH. */
function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// ---------------------------------------------------------------------------------------------
// Readiness probe (KafkaJS)
// ---------------------------------------------------------------------------------------------

/** Resolves true if a broker answers a metadata request on 127.0.0.1:port within a few seconds. */
async function answers(port) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'deep-faker-kafka-script',
    brokers: [`${HOST}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    // Ask for more than an open connection: the metadata must list a broker and a controller.
    return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller !== -1;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Files under .services/kafka/<version>
// ---------------------------------------------------------------------------------------------

/**
 * Copies the jars of the version's pom into its libs/, unless they are there already:
 * libs/.complete holds the hash of the pom they were fetched for, so a half-finished download or
 * an edited pom fetches again. Maven's own cache (~/.m2) makes a re-fetch quick.
 */
async function fetchJars(b, log) {
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(b.pom)).digest('hex');
  const fetched = () => readFileOr(b.libsComplete, '').trim() === pomHash && fs.existsSync(b.brokerJar);
  if (fetched()) return;
  const release = await acquireLock(MAVEN_LOCK, Date.now() + FETCH_TIMEOUT_MS);
  try {
    if (fetched()) return; // fetched by another start while this one waited for the lock
    log(`Fetching Kafka ${b.version} jars with Maven into ${rel(b.libs)} (kept for later starts)...`);
    const began = Date.now();
    fs.rmSync(b.libs, { recursive: true, force: true }); // no stale jars of an earlier pom
    fs.mkdirSync(b.libs, { recursive: true });
    const args = ['-q', '-B', '-Dstyle.color=never', '-f', b.pom, 'dependency:copy-dependencies'];
    const result = await run('mvn', [...args, `-DoutputDirectory=${b.libs}`, '-DincludeScope=runtime'], ROOT);
    if (result.error) {
      throw new Error(`Cannot run Maven (mvn) to fetch the Kafka jars: ${result.error.message}`);
    }
    if (result.status !== 0 || !fs.existsSync(b.brokerJar)) {
      const output = result.output.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      throw new Error(`Maven could not fetch the Kafka ${b.version} jars (exit ${result.status}):\n${output}`);
    }
    fs.writeFileSync(b.libsComplete, `${pomHash}\n`);
    const count = fs.readdirSync(b.libs).filter((file) => file.endsWith('.jar')).length;
    log(`Fetched ${count} jars in ${seconds(Date.now() - began)}`);
  } finally {
    release();
  }
}

/** Writes server.properties for a combined broker+controller on 127.0.0.1:port (+1). */
function writeServerProperties(b, port) {
  const controllerPort = port + 1;
  const lines = [
    '# Generated by scripts/kafka.js on each start; edit the script, not this file.',
    '# Single-node KRaft: this process is both broker and controller (node 1).',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${b.data}`,
    '',
    '# Suited to tests: one replica everywhere, no rebalance delay, topics created on first use.',
    'num.partitions=3',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    '# One partition for __consumer_offsets (default 50) makes the first consumer group fast.',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    '',
    '# After a hard kill (SIGKILL, crash) the restarted controller refuses the new broker',
    "# (DUPLICATE_BROKER_REGISTRATION) until the old incarnation's session expires. The broker",
    '# retries with doubling backoff (..., 0.8, 1.6, 3.2 s): with the default 9 s session it',
    '# registers ~12 s after the controller is up, with 4 s ~7 s, with 3 s ~3.5 s. Heartbeats go',
    '# to the controller in the same JVM: 6 missed ones (500 ms each) means the JVM is stuck anyway.',
    'broker.session.timeout.ms=3000',
    'broker.heartbeat.interval.ms=500',
    '',
  ];
  fs.writeFileSync(b.serverProperties, lines.join('\n'));
}

/**
 * The cluster id of already formatted storage, else a new random one: a 16-byte UUID in base64url
 * (22 chars), never starting with '-' (StorageTool would read it as an option; Kafka's own
 * Uuid.randomUuid() skips those too).
 */
function clusterId(b) {
  const match = /^cluster\.id=(\S+)/m.exec(readFileOr(path.join(b.data, 'meta.properties'), ''));
  if (match) return match[1];
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Formats the storage directory unless it already is (meta.properties exists): skipping the
 * StorageTool JVM saves a second or more on every restart. `--ignore-formatted` keeps the call
 * harmless should this check and StorageTool's own ever disagree.
 */
async function formatStorage(b) {
  if (fs.existsSync(path.join(b.data, 'meta.properties'))) return;
  const classPath = path.join(b.libs, '*');
  const format = ['format', '-t', clusterId(b), '-c', b.serverProperties, '--ignore-formatted'];
  const result = await run(javaBin(), [b.logJvmOption(), '-cp', classPath, 'kafka.tools.StorageTool', ...format], b.home);
  if (result.error) throw new Error(`Cannot run java (${javaBin()}): ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`kafka.tools.StorageTool format (Kafka ${b.version}) failed (exit ${result.status}):\n${result.output}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Locks: two concurrent `start` calls of one version (e.g. parallel test workers) must not both
// spawn, and two Maven fetches must not share ~/.m2 at once.
// ---------------------------------------------------------------------------------------------

/**
 * Takes the lock file `lock`, waiting while a live process holds it; resolves a release
 * function. The lock file is written under a private name and hard-linked into place, so it
 * appears atomically with the holder's pid already in it (a reader never sees it empty). Waiters
 * in the same process (starts of two versions) queue up like other processes do.
 */
async function acquireLock(lock, deadline) {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const mine = `${lock}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(mine, String(process.pid));
  for (;;) {
    try {
      fs.linkSync(mine, lock);
      fs.rmSync(mine, { force: true });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') {
        fs.rmSync(mine, { force: true });
        throw error;
      }
    }
    const holder = Number.parseInt(readFileOr(lock, ''), 10);
    if (!Number.isInteger(holder) || !isAlive(holder)) {
      fs.rmSync(lock, { force: true }); // left by a start that was killed
      continue;
    }
    if (Date.now() > deadline) {
      fs.rmSync(mine, { force: true });
      throw new Error(`Another start (pid ${holder}) holds ${lock}`);
    }
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/**
 * Starts the broker of a version unless it already runs, and resolves its bootstrap servers
 * string once it answers. Rejects (with the end of the broker log in the message) if java exits
 * or the broker does not answer within `timeoutMs`.
 *
 * @param {{ version?: string, quiet?: boolean, timeoutMs?: number }} [options] version: default
 *   KAFKA_VERSION or 4.4.0; quiet: print nothing; timeoutMs: default KAFKA_START_TIMEOUT_MS or 120000
 * @returns {Promise<string>} e.g. '127.0.0.1:19092'
 *
 * @example
 *   const brokers = await require('./scripts/kafka.js').start({ version: '3.9.1', quiet: true });
 */
async function start(options = {}) {
  const b = brokerOf(options.version);
  const log = options.quiet ? () => undefined : (message) => console.log(message);
  const timeoutMs = options.timeoutMs ?? startTimeoutMs();
  const began = Date.now();
  fs.mkdirSync(b.logs, { recursive: true });

  const release = await acquireLock(b.startLock, began + timeoutMs);
  try {
    const running = findBrokerPid(b);
    if (running !== undefined) {
      fs.writeFileSync(b.pidFile, `${running}\n`); // restores a pid file that went missing
      const port = currentPort(b);
      const requested = kafkaVersions.requestedPort(b.version);
      if (port !== requested) {
        log(`Note: port ${requested} was asked for (KAFKA_PORT or default); the running Kafka ${b.version} uses ${port}`);
      }
      // Started earlier (maybe still starting, by another process): wait for it to answer.
      await waitUntilReady(b, { pid: running, port, deadline: began + timeoutMs, logsFrom: {} });
      log(`Kafka ${b.version} already running on ${HOST}:${port}`);
      return `${HOST}:${port}`;
    }
    removeStalePidFile(b, log);

    const port = kafkaVersions.requestedPort(b.version);
    for (const p of [port, port + 1]) {
      if (await portInUse(p)) throw new Error(portInUseMessage(p));
    }

    await fetchJars(b, log);
    writeServerProperties(b, port);
    fs.writeFileSync(b.logConfig, b.logConfigText());
    fs.mkdirSync(b.data, { recursive: true });
    await formatStorage(b);

    // The broker outlives this process: detached (own process group), stdio to a log file, unref'd.
    // Remember where this run's output begins, so a failure shows this run's lines only.
    const logsFrom = { server: fileSize(b.serverLog), stdout: fileSize(b.stdoutLog) };
    fs.appendFileSync(b.stdoutLog, `=== ${new Date().toISOString()} scripts/kafka.js start (port ${port}) ===\n`);
    const out = fs.openSync(b.stdoutLog, 'a');
    const readyFrom = Date.now();
    let child;
    try {
      child = childProcess.spawn(
        javaBin(),
        [
          '-Xmx512m',
          '-Xms256m',
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          b.logJvmOption(),
          `-Dkafka.logs.dir=${b.logs}`,
          '-cp',
          path.join(b.libs, '*'),
          'kafka.Kafka',
          b.serverProperties,
        ],
        { cwd: b.home, detached: true, stdio: ['ignore', out, out] },
      );
    } finally {
      fs.closeSync(out);
    }
    const exited = { code: undefined };
    child.on('exit', (code, signal) => {
      exited.code = code === null ? signal : code;
    });
    child.on('error', (error) => {
      exited.code = error.message;
    });
    child.unref();
    if (child.pid === undefined) {
      await sleep(0); // let the 'error' event arrive
      throw new Error(`Cannot run java (${javaBin()}): ${exited.code}`);
    }
    fs.writeFileSync(b.pidFile, `${child.pid}\n`);
    log(`Starting Kafka ${b.version} (pid ${child.pid}) on ${HOST}:${port}, logs in ${rel(b.logs)}/`);

    await waitUntilReady(b, { pid: child.pid, port, deadline: readyFrom + timeoutMs, logsFrom, exited });
    log(`Kafka ${b.version} ready on ${HOST}:${port} (${seconds(Date.now() - began)})`);
    return `${HOST}:${port}`;
  } finally {
    release();
  }
}

/**
 * Why `port` cannot be used. A broker that this script started before it ran several versions
 * (from .services/kafka/ itself, on the same default port) is named, with how to stop it.
 */
function portInUseMessage(port) {
  const legacy = scanForBroker(LEGACY_SERVER_PROPERTIES);
  const hint =
    legacy === undefined
      ? 'set KAFKA_PORT to use other ports'
      : `it is the broker an earlier scripts/kafka.js started from ${rel(SERVICES)}/ (pid ${legacy}): stop it with \`node scripts/kafka.js stop --all\`, or set KAFKA_PORT to use other ports`;
  return `Port ${HOST}:${port} is in use by another process; ${hint}`;
}

/**
 * Polls the broker until it answers. Throws, with the end of the logs, if the process dies or
 * the deadline passes (a broker that never answered is killed, so a retry starts clean).
 * `exited` is set by the 'exit' event when this process spawned the broker: a child that died
 * but was not reaped yet would still look alive to kill(pid, 0).
 */
async function waitUntilReady(b, { pid, port, deadline, logsFrom, exited }) {
  for (;;) {
    if (await answers(port)) return;
    const exitCode = exited === undefined ? undefined : exited.code;
    if (exitCode !== undefined || !isAlive(pid)) {
      fs.rmSync(b.pidFile, { force: true });
      const how = exitCode === undefined ? '' : ` (exit ${exitCode})`;
      throw new Error(`Kafka ${b.version} (pid ${pid}) exited before it answered${how}.\n${logTails(b, logsFrom)}`);
    }
    if (Date.now() > deadline) {
      killHard(pid);
      fs.rmSync(b.pidFile, { force: true });
      const message = `Kafka ${b.version} (pid ${pid}) did not answer on ${HOST}:${port} in time; killed it.`;
      throw new Error(`${message}\n${logTails(b, logsFrom)}`);
    }
    await sleep(500);
  }
}

function killHard(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * The last lines of logs/stdout.log (if the JVM printed anything: bad options, a crash) and of
 * logs/server.log, from the byte offsets in `from` (this run's part; whole files if absent).
 */
function logTails(b, from) {
  const parts = [];
  const stdout = tail(b.stdoutLog, LOG_TAIL_LINES, from.stdout);
  if (stdout.split('\n').some((line) => line.trim() !== '' && !line.startsWith('=== '))) {
    parts.push(`--- last lines of ${rel(b.stdoutLog)} ---\n${stdout}`);
  }
  const server = tail(b.serverLog, LOG_TAIL_LINES, from.server) || '(empty)';
  parts.push(`--- last lines of ${rel(b.serverLog)} ---\n${server}`);
  return parts.join('\n');
}

/**
 * SIGTERM (Kafka shuts down cleanly: controlled shutdown, flushed logs), SIGKILL after 30 s;
 * resolves once `pid` is gone.
 */
async function terminate(pid, label, log) {
  const began = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // exited on its own meanwhile
  }
  while (isAlive(pid) && Date.now() - began < STOP_TIMEOUT_MS) await sleep(100);
  if (isAlive(pid)) {
    log(`${label} (pid ${pid}) still running after ${STOP_TIMEOUT_MS / 1000}s; sending SIGKILL`);
    killHard(pid);
    const killedAt = Date.now();
    while (isAlive(pid) && Date.now() - killedAt < 10000) await sleep(50);
  }
}

/**
 * Stops the broker that an earlier scripts/kafka.js (one version, 3.9.1, kept in .services/kafka/
 * itself) started in this checkout, if it still runs: it holds the default port 19092. Resolves
 * true if there was one.
 */
async function stopLegacy(log) {
  const pid = scanForBroker(LEGACY_SERVER_PROPERTIES);
  if (pid === undefined) return false;
  await terminate(pid, 'Kafka (earlier layout)', log);
  fs.rmSync(path.join(SERVICES, 'kafka.pid'), { force: true });
  log(`Kafka started by an earlier scripts/kafka.js from ${rel(SERVICES)}/ stopped (pid ${pid})`);
  return true;
}

/**
 * Stops the broker of a version: SIGTERM (a clean shutdown, so the next start needs no log
 * recovery), SIGKILL after 30 s, then removes the pid file. Resolves true if a broker was running.
 *
 * @param {{ version?: string, quiet?: boolean, clean?: boolean }} [options] version: default
 *   KAFKA_VERSION or 4.4.0; clean: also delete the data directory
 * @returns {Promise<boolean>}
 *
 * @example
 *   await require('./scripts/kafka.js').stop({ version: '3.9.1', quiet: true, clean: true });
 */
async function stop(options = {}) {
  const b = brokerOf(options.version);
  const log = options.quiet ? () => undefined : (message) => console.log(message);
  const pid = findBrokerPid(b);
  if (pid === undefined) {
    removeStalePidFile(b, () => undefined);
    log(`Kafka ${b.version} is not running`);
  } else {
    const began = Date.now();
    await terminate(pid, `Kafka ${b.version}`, log);
    fs.rmSync(b.pidFile, { force: true });
    log(`Kafka ${b.version} stopped (pid ${pid}, ${seconds(Date.now() - began)})`);
  }
  if (options.clean) {
    fs.rmSync(b.data, { recursive: true, force: true });
    log(`Deleted ${rel(b.data)}`);
  }
  return pid !== undefined;
}

/**
 * Reports on the broker of a version: whether a process started by this script runs, and
 * whether it answers.
 *
 * @param {{ version?: string }} [options] version: default KAFKA_VERSION or 4.4.0
 * @returns {Promise<{ version: string, running: boolean, answering: boolean, pid?: number, brokers: string }>}
 *
 * @example
 *   const { answering } = await require('./scripts/kafka.js').status({ version: '3.9.1' });
 */
async function status(options = {}) {
  const b = brokerOf(options.version);
  const pid = findBrokerPid(b);
  const port = currentPort(b);
  const answering = pid !== undefined && (await answers(port));
  return { version: b.version, running: pid !== undefined, answering, pid, brokers: `${HOST}:${port}` };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const USAGE = 'Usage: [KAFKA_VERSION=4.4.0|3.9.1] node scripts/kafka.js start | stop [--clean] [--all] | status | versions';

/** Runs one command; resolves the process exit code. */
async function main(argv) {
  const [command, ...flags] = argv;
  const unknown = flags.filter((flag) => !(command === 'stop' && (flag === '--clean' || flag === '--all')));
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown[0]} for ${command}\n${USAGE}`);
    return 2;
  }
  switch (command) {
    case 'start':
      await start();
      return 0;
    case 'stop': {
      const all = flags.includes('--all');
      for (const version of all ? kafkaVersions.versions : [undefined]) await stop({ version, clean: flags.includes('--clean') });
      if (all) await stopLegacy((message) => console.log(message));
      return 0;
    }
    case 'status': {
      const s = await status();
      if (!s.running) {
        const stale = fs.existsSync(brokerOf(s.version).pidFile) ? ' (stale pid file)' : '';
        console.log(`Kafka ${s.version} is not running${stale}`);
        return 3;
      }
      if (!s.answering) {
        console.log(`Kafka ${s.version} process ${s.pid} is running but not answering on ${s.brokers} (starting or hung)`);
        return 1;
      }
      console.log(`Kafka ${s.version} running on ${s.brokers} (pid ${s.pid})`);
      return 0;
    }
    case 'versions':
      console.log(kafkaVersions.versions.join('\n'));
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

module.exports = { start, stop, status, brokers, libs, versions: kafkaVersions.versions, defaultVersion: kafkaVersions.DEFAULT_VERSION };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
