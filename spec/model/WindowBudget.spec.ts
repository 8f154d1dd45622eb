import * as fc from 'fast-check';
import { Budget } from '../../src/model/Budget';
import { WindowBudget } from '../../src/model/WindowBudget';
import { configErrorOf } from '../support/configErrorOf';

describe('WindowBudget', () => {
  it('should match the example in its doc comment', () => {
    const connects = new WindowBudget({ limit: 3, window: '1s' });
    expect([connects.take(0), connects.take(10), connects.take(20), connects.take(30), connects.take(1000)]).toEqual([
      0, 0, 0, 970, 0,
    ]);
  });

  it('should match the diagram in its doc comment', () => {
    const budget = new WindowBudget({ limit: 2, window: 10 });
    expect([0, 1, 2, 10, 11, 12].map((t) => budget.take(t))).toEqual([0, 0, 8, 0, 0, 8]);
  });

  it('should be a Budget whose take answers synchronously', () => {
    const budget: Budget = new WindowBudget({ limit: 30, window: '60s' });
    expect(budget.limit).toBe(30);
    expect(budget.windowMs).toBe(60_000);
    expect(budget.take(0)).toBe(0);
  });

  it('should be shared: two holders of one instance draw on one limit', () => {
    const budget = new WindowBudget({ limit: 2, window: 1000 });
    const market = (now: number): number => budget.take(now);
    const user = (now: number): number => budget.take(now);
    expect([market(0), user(1), market(2), user(3)]).toEqual([0, 0, 1000 - 2, 1000 - 3]);
  });

  it('should never hold anything back with an Infinity limit', () => {
    const budget = new WindowBudget({ limit: Infinity, window: '1s' });
    for (let i = 0; i < 10_000; i++) expect(budget.take(0)).toBe(0);
  });

  it('should not let 2 × limit through one window, as a token bucket does', () => {
    const limit = 10;
    // The token bucket lifeline used before: refilled at limit per window, taking reservations.
    let tokens = limit;
    let at0 = 0;
    const bucket = {
      take(now: number): number {
        tokens = Math.min(limit, tokens + ((now - at0) * limit) / 1000) - 1;
        at0 = now;
        return tokens >= 0 ? 0 : (-tokens * 1000) / limit;
      },
    };
    const windowed = new WindowBudget({ limit, window: 1000 });
    // A burst of `limit` at 999 on a full budget, another burst at 1500: what starts in [999, 1999)?
    const bursts = [999, 1500];
    // The bucket always takes a token and says when to use it (a reservation).
    const bucketStarts = bursts.flatMap((at) => Array.from({ length: limit }, () => at + bucket.take(at)));
    // The window budget takes only what it allows now; the rest would have to ask again later.
    const windowStarts = bursts.flatMap((at) =>
      Array.from({ length: limit }, () => windowed.take(at)).flatMap((wait) => (wait === 0 ? [at] : [])),
    );
    const inWindow = (starts: number[]): number => starts.filter((t) => t >= 999 && t < 1999).length;
    expect(inWindow(bucketStarts)).toBeGreaterThanOrEqual(2 * limit - 1);
    expect(inWindow(windowStarts)).toBe(limit);
  });

  it('should never exceed the limit in any window for any takes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 200 }),
        (limit, windowMs, gaps) => {
          const budget = new WindowBudget({ limit, window: windowMs });
          const accepted: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            if (budget.take(now) === 0) accepted.push(now);
          }
          for (const end of accepted) {
            expect(accepted.filter((t) => t > end - windowMs && t <= end).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });

  describe('config', () => {
    it.each([0, -1, 2.5, NaN, '30', null, undefined])('should reject a limit of %p', (limit) => {
      const error = configErrorOf(() => new WindowBudget({ limit: limit as number, window: '1s' }));
      expect(error).toMatchObject({ field: 'limit', allowed: 'a whole number >= 1, or Infinity' });
      expect(Object.is(error.value, limit)).toBe(true);
    });

    it.each([0, -1, '0s', 'soon', Infinity, undefined])('should reject a window of %p', (window) => {
      const error = configErrorOf(() => new WindowBudget({ limit: 1, window: window as number }));
      expect(error.field).toBe('window');
      expect(error.allowed).toMatch(/^a duration > 0/);
    });

    it.each([undefined, null, 30])('should reject a config of %p', (config) => {
      const error = configErrorOf(() => new WindowBudget(config as never));
      expect(error.field).toBe('WindowBudget');
    });
  });
});
