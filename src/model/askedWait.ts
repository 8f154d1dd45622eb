import { TransportError } from './TransportError';

/**
 * The wait a rejected upgrade asked for (its `Retry-After`, see `retryAfterMs`), capped at
 * `maxRetryAfter`; `undefined` when the error asked for none. A retry waits at least this long,
 * even past `maxDelay`.
 *
 * @example
 * askedWait(new TransportError('upgrade rejected: HTTP 429', { httpStatus: 429, retryAfterMs: 30_000 }), 300_000); // 30000
 * askedWait(new Error('socket hang up'), 300_000); // undefined
 *
 * @param error Why the attempt failed.
 * @param maxRetryAfter The longest wait honoured, ms (`0` ignores the header).
 * @returns Milliseconds to wait at least, or `undefined`.
 */
export function askedWait(error: unknown, maxRetryAfter: number): number | undefined {
  const asked = error instanceof TransportError ? error.details.retryAfterMs : undefined;
  return asked === undefined ? undefined : Math.min(asked, maxRetryAfter);
}
