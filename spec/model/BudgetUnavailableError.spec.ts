import { BudgetUnavailableError } from '../../src/model/BudgetUnavailableError';

describe('BudgetUnavailableError', () => {
  it('should carry a stable code, the budget, the reason and the bound', () => {
    const cause = new Error('Command timed out');
    const error = new BudgetUnavailableError('bot:connect', 'Redis', 'timeout', 250, cause);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'BudgetUnavailableError',
      code: 'LIFELINE_BUDGET_UNAVAILABLE',
      budget: 'bot:connect',
      store: 'Redis',
      reason: 'timeout',
      timeoutMs: 250,
      cause,
    });
    expect(error.message).toBe(
      'budget "bot:connect" on Redis unavailable: no answer within 250 ms (Command timed out); ' +
        'nothing may go until it answers, take again later',
    );
  });

  it('should say when the store failed, with the first line of the cause only', () => {
    const error = new BudgetUnavailableError('k', 'Redis', 'error', 250, new Error('connect ECONNREFUSED\n  at x'));
    expect(error.message).toBe(
      'budget "k" on Redis unavailable: it failed (connect ECONNREFUSED); nothing may go until it answers, take again later',
    );
  });

  it('should say when the budget was closed', () => {
    expect(new BudgetUnavailableError('k', 'Redis', 'closed', 250).message).toBe(
      'budget "k" on Redis unavailable: the budget was closed; nothing may go until it answers, take again later',
    );
  });
});
