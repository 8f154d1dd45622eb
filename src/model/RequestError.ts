/**
 * What the trader needs to know about a failed request:
 * - `notSent`: not a byte of it was written (it expired waiting for the link or the budget, the handle
 *   closed, the queue was full, the codec refused it): it can safely be sent again.
 * - `unknown`: it was written, then the link dropped or no reply came in time: the exchange may or may
 *   not have acted on it; check before sending it again.
 * - `rejected`: the exchange answered it with an error (`reply` holds the answer).
 */
export type RequestOutcome = 'notSent' | 'unknown' | 'rejected';

/** The specific cause, under the outcome. */
export type RequestFailure = 'closed' | 'overflow' | 'expired' | 'encode' | 'disconnected' | 'timeout' | 'rejected';

/**
 * A request failed: `request()` rejects with it. `outcome` says whether it was never sent, may have
 * reached the exchange, or was refused by it; `reason` says why.
 *
 * @example
 * link.request({ method: 'order', … }).catch((error) => {
 *   if (error instanceof RequestError && error.outcome === 'unknown') reconcileOrders();
 * });
 */
export class RequestError extends Error {
  readonly code = 'LIFELINE_REQUEST';

  constructor(
    readonly outcome: RequestOutcome,
    readonly reason: RequestFailure,
    message: string,
    /** The exchange's error reply, for `rejected`. */
    readonly reply?: unknown,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
