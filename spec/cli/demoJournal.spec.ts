import { DemoJournal } from '../../src/cli/demoJournal';

const clock = (at: number): string => `t${at}`;

describe('DemoJournal', () => {
  it('should join the exchange’s view of a session (login, acknowledged channels) with the link’s (resync, ready, trading)', () => {
    const journal = new DemoJournal();
    journal.exchange({ type: 'connection', id: 2 }, 99);
    journal.exchange({ type: 'login', id: 2, key: 'demo', ts: 98, ageMs: 2, accepted: true }, 100);
    journal.exchange({ type: 'subscribe', id: 2, channel: 'ticks', accepted: true }, 101);
    journal.exchange({ type: 'subscribe', id: 2, channel: 'orders', accepted: false, code: 'loginRequired' }, 102);
    journal.resynced('3 resting');
    journal.trading(104); // not ready yet: not trading either
    journal.ready(105);
    journal.ready(106);
    journal.trading(107);
    const record = journal.latest;
    expect(record && journal.describe(record, clock)).toBe(
      '#2 login ✓ at t100 (signed 2 ms before) → ticks ✓ orders ✗ → resync: 3 resting → ready t105 → trading t107',
    );
  });

  it('should say where a session got stuck, and list sessions by when they logged in', () => {
    const journal = new DemoJournal();
    journal.exchange(
      { type: 'login', id: 1, key: 'demo', ts: 0, ageMs: 7000, accepted: false, code: 'staleLogin' },
      10,
    );
    journal.exchange({ type: 'login', id: 2, key: 'demo', ts: 19, ageMs: 1, accepted: true }, 20);
    expect(journal.all.map((record) => journal.describe(record, clock))).toEqual([
      '#1 login ✗ at t10 (signed 7000 ms before) → not ready',
      '#2 login ✓ at t20 (signed 1 ms before) → not ready',
    ]);
    expect(journal.between(10, 20).map((record) => record.connection)).toEqual([2]);
    expect(journal.between(0, 9)).toEqual([]);
  });
});
