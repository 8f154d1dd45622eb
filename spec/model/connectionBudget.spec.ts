import * as fc from 'fast-check';
import { ConnectionBudget, fullBudget, takeToken } from '../../src/model/connectionBudget';

const rule = { limit: 30, windowMs: 60_000 };

describe('connectionBudget', () => {
  it('should let `limit` attempts go at once, then one per window / limit', () => {
    let state = fullBudget(rule, 0);
    const waits: number[] = [];
    for (let i = 0; i < 33; i++) {
      const taken = takeToken(state, rule, 0);
      state = taken.state;
      waits.push(taken.waitMs);
    }
    expect(waits.slice(0, 30).every((w) => w === 0)).toBe(true);
    expect(waits.slice(30)).toEqual([2000, 4000, 6000]);
  });

  it('should refill continuously and never above the limit', () => {
    let state = fullBudget(rule, 0);
    for (let i = 0; i < 30; i++) state = takeToken(state, rule, 0).state;
    expect(takeToken(state, rule, 2000).waitMs).toBe(0);
    const idle = takeToken(fullBudget(rule, 0), rule, 10 * 60_000);
    expect(idle.state.tokens).toBe(29);
  });

  it('should never hold anything back with an Infinity limit', () => {
    const unlimited = { limit: Infinity, windowMs: 1000 };
    let state = fullBudget(unlimited, 0);
    for (let i = 0; i < 1000; i++) {
      const taken = takeToken(state, unlimited, 0);
      expect(taken.waitMs).toBe(0);
      state = taken.state;
    }
  });

  it('should never allow more than limit + elapsed × rate attempts to start by any time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 100, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }),
        (limit, windowMs, gaps) => {
          const budgetRule = { limit, windowMs };
          let state = fullBudget(budgetRule, 0);
          let now = 0;
          const starts: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const taken = takeToken(state, budgetRule, now);
            state = taken.state;
            starts.push(now + taken.waitMs);
          }
          for (const t of starts) {
            const started = starts.filter((s) => s <= t).length;
            expect(started).toBeLessThanOrEqual(limit + (t * limit) / windowMs + 1e-9);
          }
        },
      ),
    );
  });

  it('should serve a shared ConnectionBudget in order', () => {
    const budget = new ConnectionBudget({ limit: 2, windowMs: 1000 });
    expect([budget.take(0), budget.take(0), budget.take(0), budget.take(0)]).toEqual([0, 0, 500, 1000]);
  });
});
