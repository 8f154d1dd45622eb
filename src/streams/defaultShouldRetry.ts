import { SessionError } from '../model/SessionError';
import { TransportError } from '../model/TransportError';

const NOT_RETRYABLE_HTTP = new Set([400, 401, 403, 404, 407]);

/**
 * The default retry policy: retry everything except what a retry would meet again: an upgrade the
 * server rejected as a client error (HTTP 400, 401, 403, 404), a proxy that wants other credentials
 * (407), or a session step the exchange refused (a login with a bad key: `SessionError.rejected`).
 * Bad credentials do not fix themselves, and hammering a server with them is how API keys get
 * banned. 5xx (e.g. 503 during maintenance), 429 (after its `Retry-After`), timeouts and a step that
 * did not finish in time are retried.
 */
export function defaultShouldRetry(error: unknown): boolean {
  if (error instanceof SessionError) return !error.rejected;
  const status = error instanceof TransportError ? error.details.httpStatus : undefined;
  return status === undefined || !NOT_RETRYABLE_HTTP.has(status);
}
