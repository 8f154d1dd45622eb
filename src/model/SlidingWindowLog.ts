import { appendCompact } from './appendCompact';

/**
 * The rule behind every lifeline budget, for one process: a take at `t` is allowed iff fewer than
 * `limit` takes happened in `(t − windowMs, t]`. So no window of that length, wherever it starts,
 * ever holds more than `limit` takes — the guarantee exchanges need, since they count in windows
 * (fixed or sliding). A token bucket of `limit` refilled at `limit` per window cannot promise it: a
 * full bucket drained at the end of one window and refilled during the next lets 2 × limit through.
 *
 * It keeps the times of the last `limit` takes in a ring, oldest first: a take is O(1) and memory
 * grows only up to `limit` slots. A refused take records nothing (no reservation) and says how long
 * until the oldest take leaves the window. Plain logic: no RxJS, no clock; the caller passes `now`.
 *
 * The clock only goes forward here: if `now` is earlier than the newest take (a wall clock stepped
 * back), the log moves every take back by the same amount, so a step back counts as no time passing
 * rather than as a window of free slots.
 *
 * @example
 * const log = new SlidingWindowLog(2, 1000);
 * log.take(0);    // 0: taken
 * log.take(400);  // 0: taken
 * log.take(900);  // 100: the take at 0 leaves the window at 1000
 * log.take(1000); // 0: taken
 */
export class SlidingWindowLog {
  /** Take times, a ring once full: `times[next]` is then the oldest. */
  private times: number[] = [];
  private next = 0;
  private newest = -Infinity;

  /**
   * @param limit Most takes in any window: a whole number >= 1.
   * @param windowMs The window's length, ms: a finite number > 0.
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`SlidingWindowLog limit must be a whole number >= 1, got ${String(limit)}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`SlidingWindowLog windowMs must be a finite number > 0, got ${String(windowMs)}`);
    }
  }

  /** Takes recorded and still kept (at most `limit`); some may have left the window already. */
  get size(): number {
    return this.times.length;
  }

  /**
   * Takes a slot at `now` if fewer than `limit` takes are in `(now − windowMs, now]`.
   *
   * @param now The time, ms: a finite number.
   * @returns 0 when the take was recorded; otherwise the ms (rounded up to a whole ms) until a take
   *   would be allowed, provided nothing else takes meanwhile. Nothing is recorded then.
   */
  take(now: number): number {
    if (!Number.isFinite(now)) throw new RangeError(`SlidingWindowLog.take needs a finite time, got ${String(now)}`);
    if (now < this.newest) this.shiftBack(this.newest - now);
    if (this.times.length < this.limit) {
      this.times = appendCompact(this.times, now);
      this.newest = now;
      return 0;
    }
    const elapsed = now - (this.times[this.next] as number);
    if (elapsed < this.windowMs) return Math.ceil(this.windowMs - elapsed);
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    this.newest = now;
    return 0;
  }

  private shiftBack(by: number): void {
    for (let i = 0; i < this.times.length; i++) this.times[i] = (this.times[i] as number) - by;
    this.newest -= by;
  }
}
