// Test doubles for the sink contract: an in-memory SinkWriter that records what it is asked to do
// and whose open/write/close can be delayed or failed, plus small helpers shared by the sink specs.
import { Observable } from 'rxjs';
import { EVENT_META, type SimEvent } from '../../lib/core/simEvent';
import type { SinkWriter } from '../../lib/sinks/sink';

/** A promise with its resolve/reject exposed. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export const deferred = <T = void>(): Deferred<T> => {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** Resolves after the current macrotask and everything it scheduled with setImmediate so far. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A few ticks: enough for open → flush → write → emit chains of immediate promises to settle. */
export const settle = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await tick();
};

/** Polls until `check` returns true (for real I/O, whose timing depends on the machine's load). */
export const waitFor = async (check: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/** A small event with hidden metadata. */
export const ev = (i: number, extra: Record<string, unknown> = {}): SimEvent => ({
  event_id: `e${i}`,
  event_type: 'Tick',
  timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
  session_id: `s${i % 7}`,
  flow: 'test',
  n: i,
  ...extra,
  [EVENT_META]: { time: Date.UTC(2025, 0, 1) + i * 1000, key: `k${i % 3}` },
});

export const events = (n: number, from = 0): SimEvent[] => Array.from({ length: n }, (_, i) => ev(from + i));

export const ids = (es: ReadonlyArray<SimEvent>): string[] => es.map((e) => e.event_id);

/** What an observable did, collected until it completes or errors. */
export interface Outcome {
  values: SimEvent[];
  error: unknown;
  errored: boolean;
  completed: boolean;
}

/** Subscribes and returns the live outcome plus a promise of its end. */
export const observe = (obs: Observable<SimEvent>) => {
  const outcome: Outcome = { values: [], error: undefined, errored: false, completed: false };
  const ended = deferred<Outcome>();
  const subscription = obs.subscribe({
    next: (e) => outcome.values.push(e),
    error: (err) => {
      outcome.error = err;
      outcome.errored = true;
      ended.resolve(outcome);
    },
    complete: () => {
      outcome.completed = true;
      ended.resolve(outcome);
    },
  });
  return { outcome, ended: ended.promise, subscription };
};

/** How the fake answers `write`: at once, never on its own (the test settles it), or after a timer. */
export type WriteMode = 'immediate' | 'manual' | { delayMs: number };

export interface FakeWriterOptions {
  name?: string;
  write?: WriteMode;
  /** Open resolves only when the test resolves `openGate`. */
  manualOpen?: boolean;
  failOpen?: unknown;
  /** Fail the write with this index (0-based) with this error. */
  failWrite?: { at: number; error: unknown; sync?: boolean };
  failClose?: unknown;
}

/** An in-memory SinkWriter that records everything. One instance per subscription. */
export class FakeSinkWriter implements SinkWriter {
  readonly name: string;
  readonly log: string[] = [];
  readonly batches: SimEvent[][] = [];
  readonly pendingWrites: Deferred[] = [];
  readonly openGate = deferred();
  opens = 0;
  closes = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly options: FakeWriterOptions = {}) {
    this.name = options.name ?? 'fake';
  }

  get written(): SimEvent[] {
    return this.batches.flat();
  }

  async open(): Promise<void> {
    this.opens++;
    this.log.push('open');
    if (this.options.manualOpen) await this.openGate.promise;
    if (this.options.failOpen !== undefined) throw this.options.failOpen;
    this.log.push('opened');
  }

  write(batch: ReadonlyArray<SimEvent>): Promise<void> {
    const index = this.batches.length;
    this.batches.push([...batch]);
    this.log.push(`write:${batch.length}`);
    const failure = this.options.failWrite;
    if (failure !== undefined && failure.at === index && failure.sync === true) throw failure.error;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = (): void => {
      this.inFlight--;
    };
    let result: Promise<void>;
    const mode = this.options.write ?? 'immediate';
    if (mode === 'immediate') result = Promise.resolve();
    else if (mode === 'manual') {
      const d = deferred();
      this.pendingWrites.push(d);
      result = d.promise;
    } else result = new Promise((resolve) => setTimeout(resolve, mode.delayMs));
    if (failure !== undefined && failure.at === index) {
      result = result.then(() => {
        throw failure.error;
      });
    }
    return result.then(
      () => {
        done();
        this.log.push(`written:${batch.length}`);
      },
      (err) => {
        done();
        throw err;
      },
    );
  }

  async close(): Promise<void> {
    this.closes++;
    this.log.push('close');
    if (this.options.failClose !== undefined) throw this.options.failClose;
  }
}

/** A writer factory that remembers every writer it made. */
export const fakeFactory = (options: FakeWriterOptions = {}) => {
  const made: FakeSinkWriter[] = [];
  const create = (): FakeSinkWriter => {
    const w = new FakeSinkWriter(options);
    made.push(w);
    return w;
  };
  return {
    made,
    create,
    get last(): FakeSinkWriter {
      return made[made.length - 1];
    },
  };
};

/** An upstream that records whether it is still subscribed. */
export const trackedSource = <T>(inner: Observable<T>) => {
  const state = { subscribed: 0, unsubscribed: 0 };
  const source = new Observable<T>((subscriber) => {
    state.subscribed++;
    const sub = inner.subscribe(subscriber);
    return () => {
      state.unsubscribed++;
      sub.unsubscribe();
    };
  });
  return { source, state };
};
