/** Where the CLI writes and what it listens to: process's streams and signals, or a spec's. */
export interface CliIO {
  readonly stderr: NodeJS.WritableStream;
  /** Where `validate` prints "ok" (default: process.stdout). */
  readonly stdout?: NodeJS.WritableStream;
  readonly cwd: string;
  /** Signal source for SIGINT/SIGTERM (default: process). */
  readonly signals?: NodeJS.EventEmitter;
  /** Environment variables (`DEEP_FAKER_SHARD`); default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}
