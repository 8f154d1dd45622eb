import * as fc from 'fast-check';
import { retryAfterMs } from '../../src/model/retryAfterMs';

const NOW = Date.UTC(2026, 9, 21, 7, 28, 0);

describe('retryAfterMs', () => {
  describe('delay-seconds', () => {
    it('should turn seconds into milliseconds', () => {
      expect(retryAfterMs('120', undefined, NOW)).toBe(120_000);
      expect(retryAfterMs('0', undefined, NOW)).toBe(0);
    });

    it('should ignore surrounding whitespace and the Date header', () => {
      expect(retryAfterMs(' 30 ', 'Wed, 21 Oct 2026 09:00:00 GMT', NOW)).toBe(30_000);
    });

    it('should give an absurdly large value a finite, safe wait', () => {
      expect(retryAfterMs('99999999999999999999', undefined, NOW)).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('should return the seconds × 1000 for any non-negative integer', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
          expect(retryAfterMs(String(seconds), undefined, NOW)).toBe(seconds * 1000);
        }),
      );
    });
  });

  describe('HTTP-date', () => {
    it("should measure the wait against the response's own Date header, not the local clock", () => {
      // The local clock is an hour ahead of the server's; the server means 30 s.
      const serverNow = 'Wed, 21 Oct 2026 06:28:00 GMT';
      expect(retryAfterMs('Wed, 21 Oct 2026 06:28:30 GMT', serverNow, NOW)).toBe(30_000);
    });

    it('should measure against now when the response has no Date header', () => {
      expect(retryAfterMs('Wed, 21 Oct 2026 07:29:00 GMT', undefined, NOW)).toBe(60_000);
    });

    it('should measure against now when the Date header is not a valid HTTP-date', () => {
      expect(retryAfterMs('Wed, 21 Oct 2026 07:29:00 GMT', 'yesterday', NOW)).toBe(60_000);
    });

    it('should accept the obsolete RFC 850 and asctime forms (asctime is GMT)', () => {
      expect(retryAfterMs('Wednesday, 21-Oct-26 07:28:10 GMT', undefined, NOW)).toBe(10_000);
      expect(retryAfterMs('Wed Oct 21 07:28:20 2026', undefined, NOW)).toBe(20_000);
      expect(retryAfterMs('Wed Oct  1 07:28:20 2026', 'Thu, 01 Oct 2026 07:28:00 GMT', NOW)).toBe(20_000);
    });

    it('should give 0 for a date already past', () => {
      expect(retryAfterMs('Wed, 21 Oct 2026 07:00:00 GMT', undefined, NOW)).toBe(0);
    });
  });

  describe('invalid values', () => {
    it.each([['1.5'], ['-3'], ['120s'], ['soon'], [''], ['2026-10-21T07:29:00Z'], ['Wed, 21 Oct 2026 07:29:00 PST']])(
      'should ignore %j',
      (value) => {
        expect(retryAfterMs(value, undefined, NOW)).toBeUndefined();
      },
    );

    it('should return undefined when there is no header', () => {
      expect(retryAfterMs(undefined, 'Wed, 21 Oct 2026 07:28:00 GMT', NOW)).toBeUndefined();
    });

    it('should never return a negative or non-finite wait for any string', () => {
      fc.assert(
        fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (value, date) => {
          const wait = retryAfterMs(value, date, NOW);
          expect(wait === undefined || (Number.isFinite(wait) && wait >= 0)).toBe(true);
        }),
      );
    });
  });
});
