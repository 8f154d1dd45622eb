import { retryAfterMs } from './retryAfterMs';
import { TransportError } from './TransportError';

/** The headers of a refused upgrade that say when to try again. */
export interface RefusalHeaders {
  /** `Retry-After`: delay-seconds or an HTTP-date. */
  readonly 'retry-after'?: string | undefined;
  /** `Date`: the server's clock when it answered, against which an HTTP-date `Retry-After` is taken. */
  readonly date?: string | undefined;
}

/**
 * A WebSocket upgrade answered with an HTTP status instead of `101`, as the attempt's error: the
 * status, and the wait the server asked for (`Retry-After`, see `retryAfterMs`) when it gave one.
 * A 407 can only come from a proxy; any other status through a proxy may be the proxy's or the server's.
 *
 * @example
 * upgradeRejected(429, { 'retry-after': '30' }, Date.now());
 * // TransportError 'upgrade rejected: HTTP 429, retry after 30000 ms' { httpStatus: 429, retryAfterMs: 30000 }
 *
 * @param status The HTTP status of the answer.
 * @param headers Its `Retry-After` and `Date` headers, if any.
 * @param now The local clock (epoch ms), for an HTTP-date `Retry-After` with no `Date` to take it against.
 * @param proxied Whether the upgrade went through a proxy.
 * @returns The error, with `httpStatus`, and `retryAfterMs` when the server asked for a wait.
 */
export function upgradeRejected(status: number, headers: RefusalHeaders, now: number, proxied = false): TransportError {
  const wait = retryAfterMs(headers['retry-after'], headers.date, now);
  const text =
    status === 407
      ? 'proxy refused: HTTP 407 (proxy authentication required)'
      : `upgrade rejected: HTTP ${status}${proxied ? ' (through the proxy: from the proxy or the server)' : ''}`;
  return new TransportError(wait === undefined ? text : `${text}, retry after ${wait} ms`, {
    httpStatus: status,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    ...(proxied ? { proxied } : {}),
  });
}
