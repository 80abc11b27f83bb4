/**
 * The entity changes a store reports, held until the MySQL output's next transaction writes them
 * (`entityTables`), and what the output needs of the store.
 *
 * @example
 * const feed = new ChangeFeed();
 * feed.attach(store);
 * const changes = feed.take(); // the changes since the last take
 */
import type { EntityChange, EntityChangeListener } from '../entities/entityChange';

/** Entity changes reported by the store, waiting for the next transaction. */
export class ChangeFeed {
  private items: EntityChange[] = [];
  private unwatch: (() => void) | undefined;

  /** Starts listening to a store (stops listening to the previous one). */
  attach(store: WatchableStore): void {
    this.unwatch?.();
    this.items = [];
    this.unwatch = store.watch((c) => this.items.push(c));
  }

  take(): EntityChange[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  size(): number {
    return this.items.length;
  }

  attached(): boolean {
    return this.unwatch !== undefined;
  }
}

/** What the MySQL output needs of the entity store. */
export interface WatchableStore {
  watch(listener: EntityChangeListener): () => void;
}
