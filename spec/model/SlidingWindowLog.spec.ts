import * as fc from 'fast-check';
import { SlidingWindowLog } from '../../src/model/SlidingWindowLog';

/** The most takes in any window of `windowMs` over these (sorted) times: some fullest window ends at a take. */
function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (const end of times) most = Math.max(most, times.filter((t) => t > end - windowMs && t <= end).length);
  return most;
}

/** A fresh log that has accepted exactly `accepted`. */
function replayed(limit: number, windowMs: number, accepted: readonly number[]): SlidingWindowLog {
  const log = new SlidingWindowLog(limit, windowMs);
  for (const t of accepted) if (log.take(t) !== 0) throw new Error(`replay refused ${t}`);
  return log;
}

const limits = fc.integer({ min: 1, max: 12 });
const windows = fc.integer({ min: 1, max: 2000 });
/** Gaps between takes: bursts (0) and pauses, so windows fill up and drain. */
const gaps = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3000 })), {
  maxLength: 150,
});

describe('SlidingWindowLog', () => {
  it('should allow `limit` takes at once, then refuse until the oldest leaves the window', () => {
    const log = new SlidingWindowLog(3, 1000);
    expect([log.take(0), log.take(0), log.take(0)]).toEqual([0, 0, 0]);
    expect(log.take(0)).toBe(1000);
    expect(log.take(999)).toBe(1);
    expect(log.take(1000)).toBe(0);
  });

  it('should match the example in its doc comment', () => {
    const log = new SlidingWindowLog(2, 1000);
    expect([log.take(0), log.take(400), log.take(900), log.take(1000)]).toEqual([0, 0, 100, 0]);
  });

  it('should record nothing for a refused take (no reservation)', () => {
    const log = new SlidingWindowLog(1, 100);
    expect(log.take(0)).toBe(0);
    for (let t = 1; t < 100; t++) expect(log.take(t)).toBe(100 - t);
    expect(log.take(100)).toBe(0);
    expect(log.take(150)).toBe(50);
  });

  it('should round a fractional wait up to a whole ms', () => {
    const log = new SlidingWindowLog(1, 10.5);
    expect(log.take(0)).toBe(0);
    expect(log.take(5)).toBe(6);
    expect(log.take(11)).toBe(0);
  });

  it('should keep at most `limit` times however many takes it sees', () => {
    const log = new SlidingWindowLog(5, 10);
    for (let t = 0; t < 10_000; t++) log.take(t);
    expect(log.size).toBe(5);
  });

  it('should count a clock stepping back as no time passing, not as a window of free slots', () => {
    const log = new SlidingWindowLog(2, 1000);
    expect([log.take(10_000), log.take(10_000)]).toEqual([0, 0]);
    // The wall clock steps back an hour: a naive log would see an empty window and allow 2 more.
    expect(log.take(10_000 - 3_600_000)).toBe(1000);
    expect(log.take(10_000 - 3_600_000 + 999)).toBe(1);
    expect(log.take(10_000 - 3_600_000 + 1000)).toBe(0);
  });

  it.each([0, -1, 1.5, NaN, Infinity])('should reject a limit of %p', (limit) => {
    expect(() => new SlidingWindowLog(limit, 1000)).toThrow(RangeError);
  });

  it.each([0, -5, NaN, Infinity])('should reject a window of %p', (windowMs) => {
    expect(() => new SlidingWindowLog(1, windowMs)).toThrow(RangeError);
  });

  it.each([NaN, Infinity, -Infinity])('should reject a take at %p', (now) => {
    expect(() => new SlidingWindowLog(1, 10).take(now)).toThrow(RangeError);
  });

  describe('properties', () => {
    it('should never accept more than `limit` takes in any window, for any sequence of take times', () => {
      fc.assert(
        fc.property(limits, windows, gaps, (limit, windowMs, steps) => {
          const log = new SlidingWindowLog(limit, windowMs);
          const accepted: number[] = [];
          let now = 0;
          for (const step of steps) {
            now += step;
            if (log.take(now) === 0) accepted.push(now);
          }
          expect(mostInAnyWindow(accepted, windowMs)).toBeLessThanOrEqual(limit);
        }),
      );
    });

    it('should accept exactly when fewer than `limit` accepted takes lie in (now − window, now]', () => {
      fc.assert(
        fc.property(limits, windows, gaps, (limit, windowMs, steps) => {
          const log = new SlidingWindowLog(limit, windowMs);
          const accepted: number[] = [];
          let now = 0;
          for (const step of steps) {
            now += step;
            const inWindow = accepted.filter((t) => t > now - windowMs).length;
            const wait = log.take(now);
            expect(wait === 0).toBe(inWindow < limit);
            if (wait === 0) accepted.push(now);
          }
        }),
      );
    });

    it('should give an exact wait: a take at now + wait succeeds, one at now + wait − 1 does not', () => {
      fc.assert(
        fc.property(limits, windows, gaps, (limit, windowMs, steps) => {
          const log = new SlidingWindowLog(limit, windowMs);
          const accepted: number[] = [];
          let now = 0;
          for (const step of steps) {
            now += step;
            const wait = log.take(now);
            if (wait === 0) {
              accepted.push(now);
              continue;
            }
            expect(wait).toBeGreaterThan(0);
            expect(wait).toBeLessThanOrEqual(windowMs);
            expect(replayed(limit, windowMs, accepted).take(now + wait)).toBe(0);
            expect(replayed(limit, windowMs, accepted).take(now + wait - 1)).toBeGreaterThan(0);
          }
        }),
      );
    });

    it('should hold the limit in elapsed time when the clock also steps back', () => {
      const steps = fc.array(fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -5000, max: -1 })), {
        maxLength: 150,
      });
      fc.assert(
        fc.property(limits, windows, steps, (limit, windowMs, moves) => {
          const log = new SlidingWindowLog(limit, windowMs);
          const acceptedElapsed: number[] = [];
          let clock = 1_000_000;
          let elapsed = 0;
          for (const move of moves) {
            clock += move;
            elapsed += Math.max(0, move);
            if (log.take(clock) === 0) acceptedElapsed.push(elapsed);
          }
          expect(mostInAnyWindow(acceptedElapsed, windowMs)).toBeLessThanOrEqual(limit);
        }),
      );
    });
  });
});
