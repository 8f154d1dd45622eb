import { TransportConnection } from './Transport';

/** How soon a pump held by the kernel's backlog looks again, ms (the kernel has no drain event). */
const POLL_MS = 20;
/**
 * The longest between two readings while the kernel keeps holding little. A reading costs some 3 ms
 * (Linux generates `/proc/net/tcp` afresh); in between, the backlog is estimated from the drain rate,
 * so a reading only corrects the estimate.
 */
const POLL_MAX_MS = 250;
/** A kernel backlog that drains within this long at the drain rate is no backlog, ms. */
const DRAIN_MS = 50;

/**
 * What the kernel holds for one socket, unacknowledged, as the outbox sees it: the socket's own
 * buffer can be empty while the kernel holds a second's worth of a slow uplink, and a message handed
 * over then would arrive that much later.
 *
 * The kernel is asked (`unacknowledgedBytes`) only once more than the high-water mark was written
 * since the last reading (a link carrying small orders never reads its tables), at most every 20 ms
 * while it holds a backlog, less often (up to 250 ms) while it keeps holding little. In between, the
 * backlog is estimated: the last reading, plus what was written since, less what drained at the drain
 * rate. The most it may hold is the high-water mark, or what drains in 50 ms at that rate if more (a
 * fast link's kernel holding a megabyte for a few milliseconds is no reason to hold anything back).
 *
 * The drain rate is known only while the kernel holds a backlog (then what drained between two
 * readings is all the link could take). While it keeps up, what drained is only what was written: a
 * floor. So a reading that finds the kernel keeping up while the estimate said to hold doubles the
 * rate instead (as TCP's slow start probes for bandwidth): holding a fast link to the rate it was
 * last seen writing at would keep it there, as the writer can never show it more.
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
  /** How fast the kernel drains, bytes per ms: measured behind a backlog, a floor that grows otherwise. */
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
    const since = now - this.readAt;
    const holding = this.overBy(now, highWaterMark) > 0;
    if ((since >= this.every || (holding && since >= POLL_MS)) && !this.read(now, highWaterMark, holding)) return 0;
    const over = this.overBy(now, highWaterMark);
    if (over <= 0) return 0;
    const nextReading = this.readAt + POLL_MS - now;
    const drained = this.rate > 0 ? over / this.rate : Infinity;
    return Math.max(1, Math.ceil(Math.min(nextReading, drained)));
  }

  /** Bytes over the most the kernel may hold now, by the estimate (the backlog less what drained since). */
  private overBy(now: number, highWaterMark: number): number {
    const since = Number.isFinite(this.readAt) ? now - this.readAt : 0;
    return this.held - this.rate * since - this.limit(highWaterMark);
  }

  /** Asks the kernel; false when it cannot say (nothing is held back then). */
  private read(now: number, highWaterMark: number, holding: boolean): boolean {
    const held = this.connection.unacknowledgedBytes?.();
    if (held === undefined) {
      this.held = 0;
      return false;
    }
    // What drained since the last reading: what the kernel held then and was given since, less now.
    const elapsed = now - this.readAt;
    const drained = Number.isFinite(elapsed) && elapsed > 0 ? Math.max(0, this.held - held) / elapsed : 0;
    this.readAt = now;
    this.held = held;
    if (held > this.limit(highWaterMark)) {
      // Behind a backlog the link took all it could: that is its rate.
      this.rate = drained;
      this.every = POLL_MS;
    } else {
      // It kept up: the rate is at least what drained, and more if the estimate said to hold.
      this.rate = Math.max(this.rate, drained, holding ? 2 * this.rate : 0);
      // A fast link drains at once: ask less often (a reading costs milliseconds).
      this.every = Math.min(this.every * 2, POLL_MAX_MS);
    }
    return true;
  }

  private limit(highWaterMark: number): number {
    return Math.max(highWaterMark, this.rate * DRAIN_MS);
  }
}
