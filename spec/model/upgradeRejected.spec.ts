import { TransportError } from '../../src/index';
import { upgradeRejected } from '../../src/model/upgradeRejected';

describe('upgradeRejected', () => {
  it('should carry the status and the wait a delta-seconds Retry-After asks for', () => {
    const error = upgradeRejected(429, { 'retry-after': '30' }, 0);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe('upgrade rejected: HTTP 429, retry after 30000 ms');
    expect(error.details).toEqual({ httpStatus: 429, retryAfterMs: 30_000 });
  });

  it("should take an HTTP-date Retry-After against the answer's own Date", () => {
    const error = upgradeRejected(
      503,
      { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT', date: 'Wed, 21 Oct 2026 07:28:00 GMT' },
      0,
    );
    expect(error.details).toEqual({ httpStatus: 503, retryAfterMs: 30_000 });
  });

  it('should carry no wait without a valid Retry-After', () => {
    expect(upgradeRejected(429, {}, 0).details).toEqual({ httpStatus: 429 });
    expect(upgradeRejected(429, { 'retry-after': 'soon' }, 0).message).toBe('upgrade rejected: HTTP 429');
  });

  it('should name the proxy for a 407, and say a status through a proxy may be either side', () => {
    expect(upgradeRejected(407, {}, 0, true).message).toBe('proxy refused: HTTP 407 (proxy authentication required)');
    expect(upgradeRejected(403, {}, 0, true)).toMatchObject({
      message: 'upgrade rejected: HTTP 403 (through the proxy: from the proxy or the server)',
      details: { httpStatus: 403, proxied: true },
    });
  });
});
