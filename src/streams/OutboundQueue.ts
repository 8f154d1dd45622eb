import { SchedulerLike, Subscription } from 'rxjs';
import { WireData } from '../model/Codec';
import { SendError } from '../model/SendError';

interface Entry {
  readonly data: WireData;
  readonly resolve: () => void;
  readonly reject: (error: SendError) => void;
  expiry?: Subscription;
}

/** Writes one frame; `false` when the socket is not open (nothing was sent). */
export type Write = (data: WireData, done: (error?: Error) => void) => boolean;

/**
 * Outbound messages waiting for the link: bounded, in order, each with an optional time-to-live.
 * Every entry leaves exactly one way: written (its promise resolves once the socket has it), or
 * rejected with a `SendError` (`overflow`, `expired`, `closed`, `write`). An expired entry is
 * removed when its time is up, so an order the caller saw fail can never go out later.
 */
export class OutboundQueue {
  private readonly entries: Entry[] = [];

  /**
   * @param capacity Most entries held; one more is rejected with `overflow`.
   * @param scheduler Times the time-to-live of each entry.
   */
  constructor(
    private readonly capacity: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** Holds `data` until `flush`, for at most `ttlMs` (Infinity: no limit). */
  add(data: WireData, ttlMs: number): Promise<void> {
    if (this.entries.length >= this.capacity) {
      return Promise.reject(
        new SendError('overflow', `send queue full: ${this.capacity} messages already wait for the link`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = { data, resolve, reject };
      if (Number.isFinite(ttlMs)) {
        entry.expiry = this.scheduler.schedule(() => {
          this.entries.splice(this.entries.indexOf(entry), 1);
          reject(new SendError('expired', `not sent within its time-to-live of ${ttlMs} ms; it will never be sent`));
        }, ttlMs);
      }
      this.entries.push(entry);
    });
  }

  /** Writes the entries in order until the queue is empty or the socket stops taking them. */
  flush(write: Write): void {
    while (this.entries.length > 0) {
      const entry = this.entries[0] as Entry;
      const accepted = write(entry.data, (error) =>
        error
          ? entry.reject(new SendError('write', `socket failed while writing: ${error.message}`, error))
          : entry.resolve(),
      );
      if (!accepted) return;
      this.entries.shift();
      entry.expiry?.unsubscribe();
    }
  }

  /** Rejects every entry with `error` and empties the queue. */
  rejectAll(error: SendError): void {
    for (const entry of this.entries.splice(0)) {
      entry.expiry?.unsubscribe();
      entry.reject(error);
    }
  }
}
