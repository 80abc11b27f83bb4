#!/usr/bin/env node
'use strict';
/**
 * A real single-node Apache Kafka 3.9.1 broker for tests and for trying deep-faker's Kafka sink,
 * run from Maven Central jars: no Docker, no Kafka download page, no ZooKeeper.
 *
 * Usage (from the repository root; npm scripts `kafka:start`, `kafka:stop`, `kafka:status`):
 *
 *   node scripts/kafka.js start          # fetch jars once, start, wait until the broker answers
 *   node scripts/kafka.js status         # exit 0 running, 3 not running, 1 up but not answering
 *   node scripts/kafka.js stop           # SIGTERM (SIGKILL after 30 s); data is kept
 *   node scripts/kafka.js stop --clean   # stop and delete the data directory
 *
 * Environment:
 *   KAFKA_PORT              client port (default 19092); the KRaft controller uses KAFKA_PORT + 1
 *   KAFKA_START_TIMEOUT_MS  how long `start` waits for the broker to answer (default 120000);
 *                           the one-time jar download is not counted
 *   JAVA_HOME               java to use (default: `java` on the PATH)
 *
 * From Node (test setup, fault tests that stop and restart the broker mid-run):
 *
 *   const kafka = require('./scripts/kafka.js');
 *   const brokers = await kafka.start({ quiet: true }); // '127.0.0.1:19092'
 *   await kafka.stop({ quiet: true });                  // keeps data; { clean: true } deletes it
 *
 * What it does: the broker runs in combined broker+controller KRaft mode on 127.0.0.1 with a static
 * `controller.quorum.voters`. `start` copies the jars listed in scripts/kafka/pom.xml with
 * `mvn dependency:copy-dependencies` (once; needs JDK 17+ and Maven), writes server.properties and
 * log4j.properties, formats the storage (`kafka.tools.StorageTool format`, skipped once it is
 * formatted), spawns `java -cp 'libs/*' kafka.Kafka server.properties` detached, and
 * polls KafkaJS `admin.describeCluster()` until it answers. Everything lives in .services/kafka/:
 *
 *   libs/                  jars (+ `.complete`: hash of the pom they were fetched for)
 *   data/                  log.dirs (topics and the KRaft metadata log); reused by the next start
 *   logs/server.log        broker log (log4j, rolled at 10 MB)
 *   logs/stdout.log        the JVM's stdout/stderr (crashes, OOM, bad options)
 *   server.properties, log4j.properties, kafka.pid
 *
 * `start` is idempotent (a running broker is reused) and copes with a stale pid file left by a
 * broker killed with SIGKILL. Only a broker started by this script (same server.properties) is
 * ever signalled.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

// ---------------------------------------------------------------------------------------------
// Paths and settings
// ---------------------------------------------------------------------------------------------

const KAFKA_VERSION = '3.9.1';
const HOST = '127.0.0.1';
const DEFAULT_PORT = 19092;
const DEFAULT_START_TIMEOUT_MS = 120000;
const STOP_TIMEOUT_MS = 30000;
const LOG_TAIL_LINES = 30;

const ROOT = path.resolve(__dirname, '..');
const POM = path.join(__dirname, 'kafka', 'pom.xml');
const HOME = path.join(ROOT, '.services', 'kafka');
const LIBS = path.join(HOME, 'libs');
const LIBS_COMPLETE = path.join(LIBS, '.complete');
const DATA = path.join(HOME, 'data');
const LOGS = path.join(HOME, 'logs');
const SERVER_LOG = path.join(LOGS, 'server.log');
const STDOUT_LOG = path.join(LOGS, 'stdout.log');
const PID_FILE = path.join(HOME, 'kafka.pid');
const SERVER_PROPERTIES = path.join(HOME, 'server.properties');
const LOG4J_PROPERTIES = path.join(HOME, 'log4j.properties');
const START_LOCK = path.join(HOME, 'start.lock');

/** The client port asked for by the environment (KAFKA_PORT), default 19092. */
function requestedPort() {
  const raw = process.env.KAFKA_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    throw new Error(`KAFKA_PORT must be an integer port between 1 and 65534, got ${JSON.stringify(raw)}`);
  }
  return port;
}

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
 * The client port of the broker this script manages: the one in the generated server.properties
 * while a broker runs (it may have been started with another KAFKA_PORT), else KAFKA_PORT.
 */
function currentPort() {
  if (findBrokerPid() !== undefined) {
    const match = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileOr(SERVER_PROPERTIES, ''));
    if (match) return Number(match[1]);
  }
  return requestedPort();
}

/**
 * The bootstrap servers string of the managed broker, e.g. `127.0.0.1:19092`.
 *
 * @example
 *   new Kafka({ brokers: [require('./scripts/kafka.js').brokers()] })
 */
function brokers() {
  return `${HOST}:${currentPort()}`;
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

/** True if `pid` is a live Kafka broker started by this script (a recycled pid is not). */
function isOurBroker(pid) {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd !== undefined && cmd.includes('kafka.Kafka') && cmd.includes(SERVER_PROPERTIES);
}

/**
 * The pid of the running broker started by this script, or undefined. Reads the pid file, and if
 * that is missing or stale, looks through /proc for a java process running our server.properties
 * (a broker whose pid file was deleted must still be found, or its ports would block a new one).
 */
function findBrokerPid() {
  const fromFile = Number.parseInt(readFileOr(PID_FILE, ''), 10);
  if (Number.isInteger(fromFile) && fromFile > 0 && isOurBroker(fromFile)) return fromFile;
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid !== process.pid && isOurBroker(pid)) return pid;
  }
  return undefined;
}

/** Removes a pid file that no longer names a live broker of ours (e.g. after `kill -9`). */
function removeStalePidFile(log) {
  if (!fs.existsSync(PID_FILE)) return;
  const pid = Number.parseInt(readFileOr(PID_FILE, ''), 10);
  if (Number.isInteger(pid) && isOurBroker(pid)) return;
  log(`Removing stale pid file (pid ${Number.isInteger(pid) ? pid : '?'} is not running)`);
  fs.rmSync(PID_FILE, { force: true });
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
// Files under .services/kafka
// ---------------------------------------------------------------------------------------------

/**
 * Copies the jars of scripts/kafka/pom.xml into .services/kafka/libs, unless they are there
 * already: libs/.complete holds the hash of the pom they were fetched for, so a half-finished
 * download or an edited pom fetches again. Maven's own cache (~/.m2) makes a re-fetch quick.
 */
function fetchJars(log) {
  const brokerJar = path.join(LIBS, `kafka_2.13-${KAFKA_VERSION}.jar`);
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
  if (readFileOr(LIBS_COMPLETE, '').trim() === pomHash && fs.existsSync(brokerJar)) return;
  log(`Fetching Kafka ${KAFKA_VERSION} jars with Maven into ${rel(LIBS)} (kept for later starts)...`);
  const began = Date.now();
  fs.rmSync(LIBS, { recursive: true, force: true }); // no stale jars of another version
  fs.mkdirSync(LIBS, { recursive: true });
  const result = childProcess.spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${LIBS}`, '-DincludeScope=runtime'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error) {
    throw new Error(`Cannot run Maven (mvn) to fetch the Kafka jars: ${result.error.message}`);
  }
  if (result.status !== 0 || !fs.existsSync(brokerJar)) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    throw new Error(`Maven could not fetch the Kafka jars (exit ${result.status}):\n${output}`);
  }
  fs.writeFileSync(LIBS_COMPLETE, `${pomHash}\n`);
  const count = fs.readdirSync(LIBS).filter((file) => file.endsWith('.jar')).length;
  log(`Fetched ${count} jars in ${seconds(Date.now() - began)}`);
}

/** Writes server.properties for a combined broker+controller on 127.0.0.1:port (+1). */
function writeServerProperties(port) {
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
    `log.dirs=${DATA}`,
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
  fs.writeFileSync(SERVER_PROPERTIES, lines.join('\n'));
}

/** Writes log4j.properties: everything to logs/server.log (rolled), nothing to the console. */
function writeLog4jProperties() {
  const lines = [
    '# Generated by scripts/kafka.js on each start; edit the script, not this file.',
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${SERVER_LOG}`,
    'log4j.appender.file.MaxFileSize=10MB',
    'log4j.appender.file.MaxBackupIndex=3',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '# Per-request logging is very chatty at INFO/DEBUG.',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.org.apache.kafka.clients.NetworkClient=WARN',
    '',
  ];
  fs.writeFileSync(LOG4J_PROPERTIES, lines.join('\n'));
}

/**
 * The cluster id of already formatted storage, else a new random one: a 16-byte UUID in base64url
 * (22 chars), never starting with '-' (StorageTool would read it as an option; Kafka's own
 * Uuid.randomUuid() skips those too).
 */
function clusterId() {
  const match = /^cluster\.id=(\S+)/m.exec(readFileOr(path.join(DATA, 'meta.properties'), ''));
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
function formatStorage() {
  if (fs.existsSync(path.join(DATA, 'meta.properties'))) return;
  const result = childProcess.spawnSync(
    javaBin(),
    [
      `-Dlog4j.configuration=file:${LOG4J_PROPERTIES}`,
      '-cp',
      path.join(LIBS, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId(),
      '-c',
      SERVER_PROPERTIES,
      '--ignore-formatted',
    ],
    { cwd: HOME, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error) throw new Error(`Cannot run java (${javaBin()}): ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`;
    throw new Error(`kafka.tools.StorageTool format failed (exit ${result.status}):\n${output}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Start lock: two concurrent `start` calls (e.g. parallel test workers) must not both spawn.
// ---------------------------------------------------------------------------------------------

/**
 * Takes .services/kafka/start.lock, waiting while a live process holds it; resolves a release
 * function. The lock file is written under a private name and hard-linked into place, so it
 * appears atomically with the holder's pid already in it (a reader never sees it empty).
 */
async function acquireStartLock(deadline) {
  const mine = `${START_LOCK}.${process.pid}`;
  fs.writeFileSync(mine, String(process.pid));
  for (;;) {
    try {
      fs.linkSync(mine, START_LOCK);
      fs.rmSync(mine, { force: true });
      return () => fs.rmSync(START_LOCK, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') {
        fs.rmSync(mine, { force: true });
        throw error;
      }
    }
    const holder = Number.parseInt(readFileOr(START_LOCK, ''), 10);
    if (!Number.isInteger(holder) || !isAlive(holder)) {
      fs.rmSync(START_LOCK, { force: true }); // left by a start that was killed
      continue;
    }
    if (Date.now() > deadline) {
      fs.rmSync(mine, { force: true });
      throw new Error(`Another start (pid ${holder}) holds ${START_LOCK}`);
    }
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/**
 * Starts the broker unless it already runs, and resolves its bootstrap servers string once it
 * answers. Rejects (with the end of the broker log in the message) if java exits or the broker
 * does not answer within `timeoutMs`.
 *
 * @param {{ quiet?: boolean, timeoutMs?: number }} [options] quiet: print nothing;
 *   timeoutMs: default KAFKA_START_TIMEOUT_MS or 120000
 * @returns {Promise<string>} e.g. '127.0.0.1:19092'
 *
 * @example
 *   const brokers = await require('./scripts/kafka.js').start({ quiet: true });
 */
async function start(options = {}) {
  const log = options.quiet ? () => undefined : (message) => console.log(message);
  const timeoutMs = options.timeoutMs ?? startTimeoutMs();
  const began = Date.now();
  fs.mkdirSync(LOGS, { recursive: true });

  const release = await acquireStartLock(began + timeoutMs);
  try {
    const running = findBrokerPid();
    if (running !== undefined) {
      fs.writeFileSync(PID_FILE, `${running}\n`); // restores a pid file that went missing
      const port = currentPort();
      if (port !== requestedPort()) {
        log(`Note: port ${requestedPort()} was asked for (KAFKA_PORT or default); the running broker uses ${port}`);
      }
      // Started earlier (maybe still starting, by another process): wait for it to answer.
      await waitUntilReady({ pid: running, port, deadline: began + timeoutMs, logsFrom: {} });
      log(`Kafka already running on ${HOST}:${port}`);
      return `${HOST}:${port}`;
    }
    removeStalePidFile(log);

    const port = requestedPort();
    for (const p of [port, port + 1]) {
      if (await portInUse(p)) {
        throw new Error(`Port ${HOST}:${p} is in use by another process; set KAFKA_PORT to use other ports`);
      }
    }

    fetchJars(log);
    writeServerProperties(port);
    writeLog4jProperties();
    fs.mkdirSync(DATA, { recursive: true });
    formatStorage();

    // The broker outlives this process: detached (own process group), stdio to a log file, unref'd.
    // Remember where this run's output begins, so a failure shows this run's lines only.
    const logsFrom = { server: fileSize(SERVER_LOG), stdout: fileSize(STDOUT_LOG) };
    fs.appendFileSync(STDOUT_LOG, `=== ${new Date().toISOString()} scripts/kafka.js start (port ${port}) ===\n`);
    const out = fs.openSync(STDOUT_LOG, 'a');
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
          `-Dlog4j.configuration=file:${LOG4J_PROPERTIES}`,
          `-Dkafka.logs.dir=${LOGS}`,
          '-cp',
          path.join(LIBS, '*'),
          'kafka.Kafka',
          SERVER_PROPERTIES,
        ],
        { cwd: HOME, detached: true, stdio: ['ignore', out, out] },
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
    fs.writeFileSync(PID_FILE, `${child.pid}\n`);
    log(`Starting Kafka ${KAFKA_VERSION} (pid ${child.pid}) on ${HOST}:${port}, logs in ${rel(LOGS)}/`);

    await waitUntilReady({ pid: child.pid, port, deadline: readyFrom + timeoutMs, logsFrom, exited });
    log(`Kafka ready on ${HOST}:${port} (${seconds(Date.now() - began)})`);
    return `${HOST}:${port}`;
  } finally {
    release();
  }
}

/**
 * Polls the broker until it answers. Throws, with the end of the logs, if the process dies or
 * the deadline passes (a broker that never answered is killed, so a retry starts clean).
 * `exited` is set by the 'exit' event when this process spawned the broker: a child that died
 * but was not reaped yet would still look alive to kill(pid, 0).
 */
async function waitUntilReady({ pid, port, deadline, logsFrom, exited }) {
  for (;;) {
    if (await answers(port)) return;
    const exitCode = exited === undefined ? undefined : exited.code;
    if (exitCode !== undefined || !isAlive(pid)) {
      fs.rmSync(PID_FILE, { force: true });
      const how = exitCode === undefined ? '' : ` (exit ${exitCode})`;
      throw new Error(`Kafka (pid ${pid}) exited before it answered${how}.\n${logTails(logsFrom)}`);
    }
    if (Date.now() > deadline) {
      killHard(pid);
      fs.rmSync(PID_FILE, { force: true });
      const message = `Kafka (pid ${pid}) did not answer on ${HOST}:${port} in time; killed it.`;
      throw new Error(`${message}\n${logTails(logsFrom)}`);
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
function logTails(from) {
  const parts = [];
  const stdout = tail(STDOUT_LOG, LOG_TAIL_LINES, from.stdout);
  if (stdout.split('\n').some((line) => line.trim() !== '' && !line.startsWith('=== '))) {
    parts.push(`--- last lines of ${rel(STDOUT_LOG)} ---\n${stdout}`);
  }
  const server = tail(SERVER_LOG, LOG_TAIL_LINES, from.server) || '(empty)';
  parts.push(`--- last lines of ${rel(SERVER_LOG)} ---\n${server}`);
  return parts.join('\n');
}

/**
 * Stops the broker: SIGTERM (a clean shutdown, so the next start needs no log recovery), SIGKILL
 * after 30 s, then removes the pid file. Resolves true if a broker was running.
 *
 * @param {{ quiet?: boolean, clean?: boolean }} [options] clean: also delete the data directory
 * @returns {Promise<boolean>}
 *
 * @example
 *   await require('./scripts/kafka.js').stop({ quiet: true, clean: true });
 */
async function stop(options = {}) {
  const log = options.quiet ? () => undefined : (message) => console.log(message);
  const pid = findBrokerPid();
  if (pid === undefined) {
    removeStalePidFile(() => undefined);
    log('Kafka is not running');
  } else {
    const began = Date.now();
    try {
      process.kill(pid, 'SIGTERM'); // Kafka shuts down cleanly (controlled shutdown, flushed logs)
    } catch {
      // exited on its own meanwhile
    }
    while (isAlive(pid) && Date.now() - began < STOP_TIMEOUT_MS) await sleep(100);
    if (isAlive(pid)) {
      log(`Kafka (pid ${pid}) still running after ${STOP_TIMEOUT_MS / 1000}s; sending SIGKILL`);
      killHard(pid);
      const killedAt = Date.now();
      while (isAlive(pid) && Date.now() - killedAt < 10000) await sleep(50);
    }
    fs.rmSync(PID_FILE, { force: true });
    log(`Kafka stopped (pid ${pid}, ${seconds(Date.now() - began)})`);
  }
  if (options.clean) {
    fs.rmSync(DATA, { recursive: true, force: true });
    log(`Deleted ${rel(DATA)}`);
  }
  return pid !== undefined;
}

/**
 * Reports on the broker: whether a process started by this script runs, and whether it answers.
 *
 * @returns {Promise<{ running: boolean, answering: boolean, pid?: number, brokers: string }>}
 */
async function status() {
  const pid = findBrokerPid();
  const port = currentPort();
  const answering = pid !== undefined && (await answers(port));
  return { running: pid !== undefined, answering, pid, brokers: `${HOST}:${port}` };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const USAGE = 'Usage: node scripts/kafka.js start | stop [--clean] | status';

/** Runs one command; resolves the process exit code. */
async function main(argv) {
  const [command, ...flags] = argv;
  const unknown = flags.filter((flag) => !(command === 'stop' && flag === '--clean'));
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown[0]} for ${command}\n${USAGE}`);
    return 2;
  }
  switch (command) {
    case 'start':
      await start();
      return 0;
    case 'stop':
      await stop({ clean: flags.includes('--clean') });
      return 0;
    case 'status': {
      const s = await status();
      if (!s.running) {
        const stale = fs.existsSync(PID_FILE) ? ' (stale pid file)' : '';
        console.log(`Kafka is not running${stale}`);
        return 3;
      }
      if (!s.answering) {
        console.log(`Kafka process ${s.pid} is running but not answering on ${s.brokers} (starting or hung)`);
        return 1;
      }
      console.log(`Kafka running on ${s.brokers} (pid ${s.pid})`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

module.exports = { start, stop, status, brokers };

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
