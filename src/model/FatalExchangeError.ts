/**
 * The exchange said retrying is pointless (a message matched `fatalOn`, e.g. an invalid API key):
 * the link ends in Failed with this reason, with no retry and no recovery attempt; `reconnect()` is
 * the way out once the cause is fixed.
 */
export class FatalExchangeError extends Error {
  readonly code = 'LIFELINE_FATAL';

  constructor(readonly reason: string) {
    super(`the exchange ended the session: ${reason}`);
    this.name = 'FatalExchangeError';
  }
}
