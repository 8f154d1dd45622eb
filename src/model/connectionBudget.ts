/**
 * A token bucket on new connections: `limit` per `windowMs`, refilled continuously. Exchanges ban
 * clients that open connections too fast (typically 30 per minute); every attempt, retry and
 * failover takes a token, so a reconnect storm waits instead.
 *
 * Tokens may go below zero: that is a reservation. `takeToken` always takes one and says how long
 * to wait before using it, so waiters are served in order without a queue.
 */
export interface BudgetState {
  /** Tokens at `at`; negative means attempts are already booked into the future. */
  readonly tokens: number;
  /** Scheduler time the token count refers to. */
  readonly at: number;
}

/** A connection budget's rule: at most `limit` new connections in any window of `windowMs`. */
export interface BudgetRule {
  /** Connections allowed per window; `Infinity` disables the budget. */
  readonly limit: number;
  /** The window, ms. */
  readonly windowMs: number;
}

/** A full bucket at `now`. */
export function fullBudget(rule: BudgetRule, now: number): BudgetState {
  return { tokens: rule.limit, at: now };
}

/**
 * Takes one token at `now`. Returns the new state and how long to wait (ms, 0 when a token was
 * there). With a limit of 30 per minute: 30 attempts go at once, then one every 2 s.
 */
export function takeToken(state: BudgetState, rule: BudgetRule, now: number): { state: BudgetState; waitMs: number } {
  if (!Number.isFinite(rule.limit)) return { state: { tokens: Infinity, at: now }, waitMs: 0 };
  const rate = rule.limit / rule.windowMs;
  const refilled = Math.min(rule.limit, state.tokens + Math.max(0, now - state.at) * rate);
  const tokens = refilled - 1;
  return { state: { tokens, at: now }, waitMs: tokens >= 0 ? 0 : -tokens / rate };
}

/**
 * A shared connection budget: pass one instance to several `connect()` calls (or a pool) when the
 * exchange limits connections per IP or account rather than per socket.
 *
 * @example
 * const budget = new ConnectionBudget({ limit: 30, windowMs: 60_000 });
 * connect({ url: marketUrl, budget });
 * connect({ url: userUrl, budget });
 */
export class ConnectionBudget {
  private state: BudgetState | undefined;

  constructor(readonly rule: BudgetRule) {}

  /** Takes a token at `now`; returns how long to wait before using it (0: go now). */
  take(now: number): number {
    const { state, waitMs } = takeToken(this.state ?? fullBudget(this.rule, now), this.rule, now);
    this.state = state;
    return waitMs;
  }
}
