/** What the meter noticed about data (re)starting since it was last read. */
export interface DataResumption {
  /** Silence before the data, ms: since the open, or since data was last noticed. */
  readonly silentMs: number;
  /** True for the first data after a socket opened. */
  readonly afterOpen: boolean;
}

/**
 * Counts inbound messages and bytes. The per-message path only bumps three numbers: no clock read,
 * no allocation. Time is stamped lazily, when someone looks (the sampler's tick, the heartbeat's
 * deadline check): data that arrived since the last look is stamped with the time of this look.
 * So "when data last arrived" is known to within the interval between looks, which the heartbeat
 * keeps under a tenth of its timeout. The first message after an open is the one exception: it is
 * stamped exactly, for the "first data after connect" event.
 */
export class DataMeter {
  /** Messages since the last `take`. */
  messages = 0;
  /** Bytes since the last `take` (text frames count UTF-16 code units, i.e. bytes for ASCII JSON). */
  bytes = 0;
  private total = 0;
  private noticed = 0;
  // Numbers, never undefined, so V8 keeps these fields unboxed (-1: no data yet).
  private dataAt = -1;
  private activityAt: number;
  private openedAt = 0;
  private awaitingFirst = false;
  private resumption: DataResumption | undefined;

  /**
   * @param silenceMs A gap in data at least this long makes the next data a resumption.
   * @param clock What tells the time (ms): the handle's scheduler, whose `now` it reads (an object,
   *   not a closure around it: one closure less per handle).
   */
  constructor(
    readonly silenceMs: number,
    private readonly clock: { now(): number },
  ) {
    this.activityAt = clock.now();
  }

  /** A socket opened now: the next message is the first after open, and opening is a sign of life. */
  markOpen(): void {
    const now = this.clock.now();
    this.noticed = this.total;
    this.activityAt = now;
    this.openedAt = now;
    this.awaitingFirst = true;
  }

  /** One inbound message of `size`. The hot path. */
  record(size: number): void {
    if (this.awaitingFirst) this.stampFirst();
    this.messages++;
    this.bytes += size;
    this.total++;
  }

  /** A pong (protocol or application) now: proof of life, but not data. */
  recordPong(): void {
    const now = this.clock.now();
    if (now > this.activityAt) this.activityAt = now;
  }

  /** The time of the last sign of life: an open, a pong, or data (as of the look that noticed it). */
  lastActivityAt(): number {
    this.notice();
    return this.activityAt;
  }

  /** When data was last noticed, if any has arrived. */
  lastDataAt(): number | undefined {
    this.notice();
    return this.dataAt < 0 ? undefined : this.dataAt;
  }

  /** Whether nothing came since the last `take`: no message, so no resumption either. */
  idle(): boolean {
    return this.messages === 0 && this.resumption === undefined;
  }

  /** Reads and resets the counts and any resumption since the last call. */
  take(): { messages: number; bytes: number; resumption: DataResumption | undefined } {
    this.notice();
    const taken = { messages: this.messages, bytes: this.bytes, resumption: this.resumption };
    this.messages = 0;
    this.bytes = 0;
    this.resumption = undefined;
    return taken;
  }

  private stampFirst(): void {
    const now = this.clock.now();
    this.awaitingFirst = false;
    this.resumption = { silentMs: now - this.openedAt, afterOpen: true };
    this.dataAt = now;
    if (now > this.activityAt) this.activityAt = now;
    // This message, counted just after, is already stamped.
    this.noticed = this.total + 1;
  }

  /** Stamps data that arrived since the last look with the time of this look. */
  private notice(): void {
    if (this.total === this.noticed) return;
    const now = this.clock.now();
    this.noticed = this.total;
    if (this.dataAt >= 0 && this.resumption === undefined && now - this.dataAt >= this.silenceMs) {
      this.resumption = { silentMs: now - this.dataAt, afterOpen: false };
    }
    this.dataAt = now;
    if (now > this.activityAt) this.activityAt = now;
  }
}
