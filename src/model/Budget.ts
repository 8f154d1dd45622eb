/**
 * A limit on how often something may happen, shared by whoever holds it.
 *
 * Exchanges count connections and messages in windows, so a budget promises: never more than `limit`
 * takes in ANY window of `windowMs` (a sliding window, not a token bucket, which lets 2 × limit through
 * one window). `WindowBudget` keeps the count in this process; `redisBudget` (`lifeline-ws/redis`)
 * keeps it in Redis for every process of a fleet.
 *
 * @example
 * const budget: Budget = new WindowBudget({ limit: 30, window: '60s' });
 * const wait = await budget.take(scheduler.now());
 * if (wait === 0) openSocket(); // else try again in `wait` ms
 */
export interface Budget {
  /** Most takes in any window of `windowMs`. Infinity: no limit. */
  readonly limit: number;
  /** The window's length, ms. */
  readonly windowMs: number;
  /**
   * Takes one slot at `now` (scheduler time, ms) if the limit allows it: returns 0 and the caller goes
   * NOW. Otherwise takes nothing and returns the ms after which a slot may be free (the caller waits,
   * then calls take again: no reservation, so a caller that gives up wastes nothing). Shared budgets
   * return a Promise; it rejects with a `BudgetUnavailableError` (a named error with a stable code, as
   * in src/model/*Error.ts) when the store cannot be reached within a bound: callers fail closed.
   *
   * @param now Scheduler time, ms (`scheduler.now()`).
   * @returns 0 to go now, else the ms to wait before asking again.
   */
  take(now: number): number | Promise<number>;
}
