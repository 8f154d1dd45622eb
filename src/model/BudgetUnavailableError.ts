import { errorMessage } from './RetryExhaustedError';

/**
 * Why a shared budget could not answer:
 * - `timeout`: its store did not answer within the budget's `timeout`;
 * - `error`: the store answered with an error, or the connection to it is down (see `cause`);
 * - `closed`: the budget was closed with `close()`.
 */
export type BudgetUnavailableReason = 'timeout' | 'error' | 'closed';

/**
 * A shared budget (e.g. on Redis) could not say whether a slot is free. Treat it as a refusal: send
 * nothing, open nothing, and take again later. Failing closed is the point: a fleet that went on
 * without its shared count could exceed the exchange's limit and get its IP banned.
 *
 * @example
 * // BudgetUnavailableError: budget "bot:connect" on Redis unavailable: no answer within 250 ms
 * // (Command timed out); nothing may go until it answers, take again later
 */
export class BudgetUnavailableError extends Error {
  readonly code = 'LIFELINE_BUDGET_UNAVAILABLE';

  constructor(
    /** The budget's name in its store, e.g. the Redis key. */
    readonly budget: string,
    /** Where the budget is kept, e.g. `'Redis'`. */
    readonly store: string,
    readonly reason: BudgetUnavailableReason,
    /** The bound the store had to answer within, ms. */
    readonly timeoutMs: number,
    override readonly cause?: unknown,
  ) {
    super(
      `budget ${JSON.stringify(budget)} on ${store} unavailable: ${describeReason(reason, timeoutMs)}` +
        (cause === undefined ? '' : ` (${errorMessage(cause).split('\n')[0]})`) +
        '; nothing may go until it answers, take again later',
    );
    this.name = 'BudgetUnavailableError';
  }
}

function describeReason(reason: BudgetUnavailableReason, timeoutMs: number): string {
  switch (reason) {
    case 'timeout':
      return `no answer within ${timeoutMs} ms`;
    case 'error':
      return 'it failed';
    case 'closed':
      return 'the budget was closed';
  }
}
