/** What the meter noticed about data (re)starting since it was last read. */
export interface DataResumption {
  /** Silence before the data, ms: since the open, or since the previous message. */
  readonly silentMs: number;
  /** True for the first data after a socket opened. */
  readonly afterOpen: boolean;
}

/**
 * Counts inbound messages and bytes in O(1) per message, with no allocation: the per-message path
 * only bumps numbers. Samplers read and reset the counts on a tick (`take`), so nothing downstream
 * ever sees one event per message.
 */
export class DataMeter {
  /** Messages since the last `take`. */
  messages = 0;
  /** Bytes since the last `take` (text frames count UTF-16 code units, i.e. bytes for ASCII JSON). */
  bytes = 0;
  /** Scheduler time of the last inbound message or pong; the heartbeat's liveness clock. */
  lastActivityAt: number;
  /** Scheduler time of the last inbound message. */
  lastDataAt: number | undefined;
  private resumption: DataResumption | undefined;
  private awaitingFirst = false;
  private openedAt = 0;

  /** @param silenceMs A gap at least this long makes the next message a resumption. */
  constructor(
    readonly silenceMs: number,
    now: number,
  ) {
    this.lastActivityAt = now;
  }

  /** A socket opened at `now`: the next message is the first after open. */
  markOpen(now: number): void {
    this.lastActivityAt = now;
    this.awaitingFirst = true;
    this.openedAt = now;
  }

  /** One inbound message of `size` at `now`. Hot path: keep it branch-light. */
  record(size: number, now: number): void {
    if (this.awaitingFirst) {
      this.awaitingFirst = false;
      this.resumption = { silentMs: now - this.openedAt, afterOpen: true };
    } else if (
      this.lastDataAt !== undefined &&
      now - this.lastDataAt >= this.silenceMs &&
      this.resumption === undefined
    ) {
      this.resumption = { silentMs: now - this.lastDataAt, afterOpen: false };
    }
    this.messages++;
    this.bytes += size;
    this.lastDataAt = now;
    this.lastActivityAt = now;
  }

  /** A pong (protocol or application) at `now`: proof of life, but not data. */
  recordPong(now: number): void {
    this.lastActivityAt = now;
  }

  /** Reads and resets the counts and any resumption since the last call. */
  take(): { messages: number; bytes: number; resumption: DataResumption | undefined } {
    const taken = { messages: this.messages, bytes: this.bytes, resumption: this.resumption };
    this.messages = 0;
    this.bytes = 0;
    this.resumption = undefined;
    return taken;
  }
}
