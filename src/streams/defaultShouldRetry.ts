import { TransportError } from '../model/TransportError';

const NOT_RETRYABLE_HTTP = new Set([400, 401, 403, 404, 407]);

/**
 * The default retry policy: retry everything except an upgrade the server rejected as a client
 * error (HTTP 400, 401, 403, 404), or a proxy that wants other credentials (407): bad credentials
 * do not fix themselves, and hammering a server with them is how API keys get banned. 5xx (e.g. 503
 * during maintenance) and 429 are retried.
 */
export function defaultShouldRetry(error: unknown): boolean {
  const status = error instanceof TransportError ? error.details.httpStatus : undefined;
  return status === undefined || !NOT_RETRYABLE_HTTP.has(status);
}
