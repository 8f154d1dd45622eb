import { TransportConnection } from './Transport';

/** How soon a pump held by the kernel's backlog looks again, ms (the kernel has no drain event). */
const POLL_MS = 20;
/**
 * The longest between two readings while the kernel keeps holding little. A reading costs some 3 ms
 * (Linux generates `/proc/net/tcp` afresh); in between, the backlog is estimated from the drain rate
 * the last two readings measured, so a reading only corrects the estimate.
 */
const POLL_MAX_MS = 250;
/** A kernel backlog that drains within this long at the measured rate is no backlog, ms. */
const DRAIN_MS = 50;

/**
 * What the kernel holds for one socket, unacknowledged, as the outbox sees it: the socket's own
 * buffer can be empty while the kernel holds a second's worth of a slow uplink, and a message handed
 * over then would arrive that much later.
 *
 * The kernel is asked (`unacknowledgedBytes`) only once more than the high-water mark was written
 * since the last reading (a link carrying small orders never reads its tables), at most every 20 ms
 * while it holds a backlog, less often (up to 250 ms) while it keeps holding little. In between, the
 * backlog is estimated: the last reading, plus what was written since, less what drained at the rate
 * measured between the last two readings. The most it may hold is the high-water mark, or what drains
 * in 50 ms at that rate if more (a fast link's kernel holding a megabyte for a few milliseconds is no
 * reason to hold anything back).
 *
 * @example
 * const backlog = new KernelBacklog(socket);
 * backlog.wrote(65_536);
 * backlog.waitMs(scheduler.now(), 16_384); // 0: write on; else look again in that many ms
 */
export class KernelBacklog {
  /** The last reading plus the payload bytes written since. */
  private held = 0;
  private readAt = -Infinity;
  /** How fast the kernel drained between the last two readings, bytes per ms. */
  private rate = 0;
  private every = POLL_MS;

  constructor(readonly connection: TransportConnection) {}

  /** `bytes` more were handed to the kernel. */
  wrote(bytes: number): void {
    this.held += bytes;
  }

  /** 0 when more may be written now; else how long to wait before asking again, ms. */
  waitMs(now: number, highWaterMark: number): number {
    if (this.held <= highWaterMark) return 0;
    if (now - this.readAt >= this.every) {
      const held = this.connection.unacknowledgedBytes?.();
      if (held === undefined) {
        this.held = 0;
        return 0;
      }
      // What drained since the last reading: what the kernel held then and was given since, less now.
      const elapsed = now - this.readAt;
      if (Number.isFinite(elapsed) && elapsed > 0) this.rate = Math.max(0, this.held - held) / elapsed;
      this.readAt = now;
      this.held = held;
      if (held <= this.limit(highWaterMark)) {
        // A fast link drains at once: ask less often (a reading costs milliseconds).
        this.every = Math.min(this.every * 2, POLL_MAX_MS);
        return 0;
      }
      this.every = POLL_MS;
    }
    const over = this.held - this.rate * (now - this.readAt) - this.limit(highWaterMark);
    if (over <= 0) return 0;
    const nextReading = this.readAt + this.every - now;
    const drained = this.rate > 0 ? over / this.rate : Infinity;
    return Math.max(1, Math.ceil(Math.min(nextReading, drained)));
  }

  private limit(highWaterMark: number): number {
    return Math.max(highWaterMark, this.rate * DRAIN_MS);
  }
}
