import { askedWait } from '../../src/model/askedWait';
import { TransportError } from '../../src/model/TransportError';

describe('askedWait', () => {
  const refused = (retryAfterMs?: number): TransportError =>
    new TransportError('upgrade rejected: HTTP 429', {
      httpStatus: 429,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });

  it("should give the server's wait, capped at maxRetryAfter", () => {
    expect(askedWait(refused(30_000), 300_000)).toBe(30_000);
    expect(askedWait(refused(3_600_000), 300_000)).toBe(300_000);
  });

  it('should give 0 when maxRetryAfter is 0: the header is ignored', () => {
    expect(askedWait(refused(30_000), 0)).toBe(0);
  });

  it('should give undefined when nothing asked for a wait', () => {
    expect(askedWait(refused(), 300_000)).toBeUndefined();
    expect(askedWait(new Error('socket hang up'), 300_000)).toBeUndefined();
    expect(askedWait(undefined, 300_000)).toBeUndefined();
  });
});
