import * as fc from 'fast-check';
import { Jitter } from '../../src/index';
import { BackoffSchedule, backoffDelay } from '../../src/model/backoffDelay';

const seed: BackoffSchedule = { initialDelay: 2_000, maxDelay: 60_000, factor: 2, jitter: 'none' };
const fixed = (value: number) => (): number => value;

/** The documented nominal delay: initialDelay × factor^(attempt − 1), capped at maxDelay. */
function nominal(attempt: number, { initialDelay, maxDelay, factor }: BackoffSchedule): number {
  if (initialDelay === 0) return 0;
  return Math.min(maxDelay, initialDelay * Math.pow(factor, Math.max(0, attempt - 1)));
}

const schedule = (jitter: fc.Arbitrary<Jitter>): fc.Arbitrary<BackoffSchedule> =>
  fc.record({
    initialDelay: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 100_000 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
    ),
    maxDelay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 })),
    factor: fc.oneof(
      fc.constant(1),
      fc.double({ min: 1, max: 10, noNaN: true }),
      fc.double({ min: 1, max: 1e6, noNaN: true }),
    ),
    jitter,
  });
const attempt = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -5, max: 5_000 }));
/** Any random source with values in [0, 1), cycling through the generated draws. */
const randomSource = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 })
  .map((draws) => {
    let i = 0;
    return () => draws[i++ % draws.length] as number;
  });
const anyJitter: fc.Arbitrary<Jitter> = fc.oneof(
  fc.constantFrom<Jitter>('full', 'equal'),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1),
);

describe('backoffDelay', () => {
  describe('without jitter', () => {
    it('should follow the seed schedule 2, 4, 8, 16, 32 s, then cap at 60 s', () => {
      expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, seed))).toEqual([
        2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
      ]);
    });

    it('should use initialDelay for attempt 0 and below', () => {
      expect(backoffDelay(0, seed)).toBe(2_000);
      expect(backoffDelay(-3, seed)).toBe(2_000);
    });

    it('should land on the cap when factor^(attempt − 1) overflows', () => {
      expect(backoffDelay(5_000, seed)).toBe(60_000);
    });

    it('should keep every delay at 0 when initialDelay is 0, however many attempts', () => {
      const zero = { ...seed, initialDelay: 0 };
      expect([1, 2, 10, 1_024, 1_025, 5_000].map((n) => backoffDelay(n, zero))).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('should keep the delay constant with factor 1', () => {
      expect([1, 5, 50].map((n) => backoffDelay(n, { ...seed, factor: 1 }))).toEqual([2_000, 2_000, 2_000]);
    });

    it('should not consult the random source', () => {
      const random = jest.fn(() => 0.5);
      backoffDelay(3, seed, random);
      expect(random).not.toHaveBeenCalled();
    });

    it('should be non-decreasing in attempt and within [0, maxDelay] for any schedule (property)', () => {
      fc.assert(
        fc.property(schedule(fc.constant('none')), fc.integer({ min: -5, max: 3_000 }), (s, first) => {
          let previous = -Infinity;
          for (let n = first; n < first + 40; n++) {
            const delay = backoffDelay(n, s);
            expect(delay).toBeGreaterThanOrEqual(previous);
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThanOrEqual(s.maxDelay);
            expect(delay).toBe(nominal(n, s));
            previous = delay;
          }
        }),
      );
    });
  });

  describe("with 'full' jitter", () => {
    const full = { ...seed, jitter: 'full' as const };

    it('should scale the delay by the random draw', () => {
      expect(backoffDelay(3, full, fixed(0))).toBe(0);
      expect(backoffDelay(3, full, fixed(0.5))).toBe(4_000);
      expect(backoffDelay(3, full, fixed(0.999))).toBeCloseTo(7_992, 6);
    });
  });

  describe("with 'equal' jitter", () => {
    const equal = { ...seed, jitter: 'equal' as const };

    it('should keep half the delay and randomise the other half', () => {
      expect(backoffDelay(3, equal, fixed(0))).toBe(4_000);
      expect(backoffDelay(3, equal, fixed(0.5))).toBe(6_000);
      expect(backoffDelay(3, equal, fixed(0.999))).toBeCloseTo(7_996, 6);
    });
  });

  describe('with a jitter ratio', () => {
    const ratio = { ...seed, jitter: 0.2 };

    it('should spread the delay by ± that share', () => {
      expect(backoffDelay(3, ratio, fixed(0))).toBeCloseTo(6_400, 6);
      expect(backoffDelay(3, ratio, fixed(0.5))).toBeCloseTo(8_000, 6);
      expect(backoffDelay(3, ratio, fixed(0.75))).toBeCloseTo(8_800, 6);
    });

    it('should cap the jittered delay at maxDelay', () => {
      expect(backoffDelay(6, ratio, fixed(0.99))).toBe(60_000);
      expect(backoffDelay(6, ratio, fixed(0))).toBeCloseTo(48_000, 6);
    });

    it('should be exact with ratio 0', () => {
      expect(backoffDelay(3, { ...seed, jitter: 0 }, fixed(0.9))).toBe(8_000);
    });

    it('should range over 0…2d with ratio 1, capped', () => {
      expect(backoffDelay(3, { ...seed, jitter: 1 }, fixed(0))).toBe(0);
      expect(backoffDelay(3, { ...seed, jitter: 1 }, fixed(0.75))).toBe(12_000);
    });
  });

  it('should use Math.random by default and stay within the band', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(3, { ...seed, jitter: 'full' });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(8_000);
    }
  });

  it('should stay within [0, maxDelay] and the documented band for any jitter and random source (property)', () => {
    fc.assert(
      fc.property(schedule(anyJitter), attempt, randomSource, (s, n, random) => {
        const d = nominal(n, s);
        const delay = backoffDelay(n, s, random);
        const slack = 1e-9 * Math.max(1, d);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(s.maxDelay);
        let low: number;
        let high: number;
        if (s.jitter === 'full') [low, high] = [0, d];
        else if (s.jitter === 'equal') [low, high] = [d / 2, d];
        else if (typeof s.jitter === 'number')
          [low, high] = [d * (1 - s.jitter), Math.min(s.maxDelay, d * (1 + s.jitter))];
        else [low, high] = [d, d];
        expect(delay).toBeGreaterThanOrEqual(low - slack);
        expect(delay).toBeLessThanOrEqual(high + slack);
      }),
    );
  });
});
