import { Budget } from './Budget';
import { ConfigError } from './ConfigError';
import { takeLimit } from './configRules';
import { Duration, parseDuration } from './parseDuration';
import { SlidingWindowLog } from './SlidingWindowLog';

/** How many takes a `WindowBudget` allows, and in what window. */
export interface WindowBudgetConfig {
  /** Most takes in any window: a whole number >= 1, or `Infinity` (no limit). Required. */
  readonly limit: number;
  /** The window's length: milliseconds or a string such as `'1s'`, `'60s'`, `'1m'`. Required. */
  readonly window: Duration;
}

/**
 * A budget kept in this process: never more than `limit` takes in any window of `window`, however
 * the takes are spread (a sliding window log, see `SlidingWindowLog`). Share one instance between
 * every handle that the same exchange limit covers: exchanges limit connections and messages per IP
 * or per account, not per socket.
 *
 * `take(now)` answers at once (a number, never a Promise): 0 means go now; otherwise it took nothing
 * and says how many ms until a slot frees up, provided nobody else takes it first.
 *
 * ```
 * limit 2, window 10
 * takes at:   0  1  2        10 11 12
 * answers:    0  0  8        0  0  8
 * ```
 *
 * @example
 * const connects = new WindowBudget({ limit: 3, window: '1s' }); // OKX: 3 connection requests per second per IP
 * connects.take(0);   // 0
 * connects.take(10);  // 0
 * connects.take(20);  // 0
 * connects.take(30);  // 970: the take at 0 leaves the window at 1000
 * connects.take(1000); // 0
 *
 * @param config `limit` and `window`; a bad value throws a `ConfigError` naming the field.
 */
export class WindowBudget implements Budget {
  readonly limit: number;
  readonly windowMs: number;
  private readonly log: SlidingWindowLog | undefined;

  constructor(config: WindowBudgetConfig) {
    if (typeof config !== 'object' || config === null) {
      throw new ConfigError('WindowBudget', config, "an object such as { limit: 30, window: '60s' }");
    }
    this.limit = takeLimit('limit', config.limit);
    this.windowMs = parseDuration(config.window, 'window', { allowZero: false });
    this.log = Number.isFinite(this.limit) ? new SlidingWindowLog(this.limit, this.windowMs) : undefined;
  }

  /**
   * Takes a slot at `now` if the limit allows it.
   *
   * @param now Scheduler time, ms (`scheduler.now()`).
   * @returns 0 to go now; otherwise the ms to wait before taking again (nothing was taken).
   */
  take(now: number): number {
    return this.log === undefined ? 0 : this.log.take(now);
  }
}
