import { appendCompact } from './appendCompact';

/**
 * A bounded, ordered log: appending is O(1) and, once full, drops the oldest entry. Used for the
 * last 100 connection events, so memory stays flat however long the bot runs.
 */
export class EventLog<T> {
  private slots: (T | undefined)[];
  private start = 0;
  private count = 0;

  /** @param capacity How many entries are kept. Defaults to `100`. */
  constructor(readonly capacity = 100) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`EventLog capacity must be a whole number >= 1, got ${String(capacity)}`);
    }
    // Grown as entries come, up to capacity: a quiet link costs no preallocated slots.
    this.slots = [];
  }

  /** How many entries the log holds now (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Appends an entry, dropping the oldest when the log is full. */
  append(entry: T): void {
    if (this.slots.length < this.capacity) {
      this.slots = appendCompact(this.slots, entry);
      this.count++;
      return;
    }
    const end = (this.start + this.count) % this.capacity;
    this.slots[end] = entry;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The entries, oldest first, as a new array. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.start + i) % this.capacity] as T;
    return out;
  }

  /** Empties the log. */
  clear(): void {
    this.slots = [];
    this.start = 0;
    this.count = 0;
  }
}
