import { createHmac } from 'node:crypto';

/**
 * The signature the mock exchange's login carries: HMAC-SHA256 of the timestamp (ms, as decimal text)
 * with the API secret, in hex — the shape of Bybit's and OKX's WebSocket logins, cut down. The demo
 * signs with it and the mock exchange checks with it; a client of `startMockExchange` may equally use
 * `createHmac('sha256', secret).update(String(ts)).digest('hex')` itself.
 *
 * @example
 * const ts = Date.now();
 * link.request({ method: 'login', key: 'demo', ts, sign: mockLoginSignature('demo-secret', ts) });
 * mockLoginSignature('demo-secret', 1700000000000);
 * // '7aac5114638d7b751acfe034254ae54201f7d78d91769e4a5d24328cb2c11f39'
 *
 * @param secret The API secret.
 * @param ts The timestamp signed, ms since the epoch (the exchange's clock).
 * @returns The signature, 64 lowercase hex digits.
 */
export function mockLoginSignature(secret: string, ts: number): string {
  return createHmac('sha256', secret).update(String(ts)).digest('hex');
}
