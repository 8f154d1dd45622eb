import { Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionStats, reconnectSuccessRate, statsFrom, totalDowntime, uptimePercentage } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { initialStats } from '../../src/model/ConnectionStats';

type Unstamped<T> = T extends unknown ? Omit<T, 'at'> : never;

const connecting = (attempt: number): Unstamped<ConnectionSignal> => ({ type: 'connecting', attempt, maxAttempts: 5 });
const open = (attempt: number): Unstamped<ConnectionSignal> => ({ type: 'open', attempt });
const disconnected: Unstamped<ConnectionSignal> = { type: 'disconnected', reason: 'socket closed' };

describe('statsFrom', () => {
  let testScheduler: TestScheduler;
  const initial = initialStats(0);

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Signals from a marble, each stamped with the frame it sits on. */
  const stamped = (signals$: Observable<Unstamped<ConnectionSignal>>): Observable<ConnectionSignal> =>
    signals$.pipe(map((signal) => ({ ...signal, at: testScheduler.now() }) as ConnectionSignal));

  it('should match the marble diagram in its doc comment', () => {
    const seen: ConnectionStats[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      // Both c are attempt 0: the first try of the handle, then the immediate try after the disconnect.
      const input = '    -c-o---d-c-o-';
      const unsub = '    ^------------!';
      const expected = ' s--a---b-c-d-';
      const signals = cold<Unstamped<ConnectionSignal>>(input, {
        c: connecting(0),
        o: open(0),
        d: disconnected,
      });
      const a: ConnectionStats = { ...initial, totalConnections: 1, closedDowntime: 3, downSince: undefined };
      const b: ConnectionStats = { ...a, totalDisconnections: 1, lastDisconnectTime: 7, downSince: 7 };
      const c: ConnectionStats = { ...b, totalReconnectAttempts: 1 };
      const d: ConnectionStats = {
        ...c,
        totalConnections: 2,
        successfulReconnects: 1,
        closedDowntime: 7,
        downSince: undefined,
      };
      const stats$ = statsFrom(stamped(signals), initial);
      expectObservable(stats$, unsub).toBe(expected, { s: initial, a, b, c, d });
      stats$.subscribe((stats) => seen.push(stats));
    });
    const last = seen[seen.length - 1] as ConnectionStats;
    expect(reconnectSuccessRate(last)).toBe(100);
    expect(totalDowntime(last, 20)).toBe(7);
    expect(uptimePercentage(last, 20)).toBeCloseTo(65);
  });

  it('should emit nothing for signals that leave the statistics unchanged', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-c-e-o-q-t-h-d-d-x|', {
        c: connecting(0),
        e: { type: 'error', message: 'malformed message' },
        o: open(0),
        q: { type: 'quality', quality: initialQuality, score: 95, poor: false, warnings: [] },
        t: { type: 'dataResumed', silentMs: 3, afterOpen: true },
        h: { type: 'heartbeatTimeout', silentMs: 60_000, timeoutMs: 60_000 },
        d: disconnected,
        x: { type: 'closed' },
      });
      // The second disconnected and the close find the link already down: nothing to count.
      expectObservable(statsFrom(stamped(signals), initial)).toBe('s----a-------b----|', {
        s: initial,
        a: { ...initial, totalConnections: 1, closedDowntime: 5, downSince: undefined },
        b: {
          ...initial,
          totalConnections: 1,
          totalDisconnections: 1,
          closedDowntime: 5,
          lastDisconnectTime: 13,
          downSince: 13,
        },
      });
    });
  });

  it('should count failed reconnect attempts against the success rate', () => {
    const seen: ConnectionStats[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-o-d-1-f-2-f-3-p|', {
        o: open(0),
        d: disconnected,
        1: connecting(1),
        2: connecting(2),
        3: connecting(3),
        f: { type: 'connectFailed', attempt: 1, error: 'ECONNREFUSED' },
        p: open(3),
      });
      const stats$ = statsFrom(stamped(signals), initial);
      expectObservable(stats$).toBe('so-d-a---b---c-p|', {
        s: initial,
        o: expect.objectContaining({ totalConnections: 1 }),
        d: expect.objectContaining({ totalDisconnections: 1, downSince: 3 }),
        a: expect.objectContaining({ totalReconnectAttempts: 1, successfulReconnects: 0 }),
        b: expect.objectContaining({ totalReconnectAttempts: 2, successfulReconnects: 0 }),
        c: expect.objectContaining({ totalReconnectAttempts: 3, successfulReconnects: 0 }),
        p: expect.objectContaining({
          totalConnections: 2,
          totalReconnectAttempts: 3,
          successfulReconnects: 1,
          closedDowntime: 1 + 12,
        }),
      });
      stats$.subscribe((stats) => seen.push(stats));
    });
    expect(seen.map(reconnectSuccessRate)).toEqual([100, 100, 100, 0, 0, 0, 100 / 3]);
  });

  it('should start the downtime clock when the application closes an open link, without counting a disconnection', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('--o--x|', { o: open(0), x: { type: 'closed' } });
      expectObservable(statsFrom(stamped(signals), initial)).toBe('s-o--x|', {
        s: initial,
        o: { ...initial, totalConnections: 1, closedDowntime: 2, downSince: undefined },
        x: { ...initial, totalConnections: 1, closedDowntime: 2, downSince: 5 },
      });
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const stats$ = statsFrom(stamped(hot<Unstamped<ConnectionSignal>>('-o--o--', { o: open(0) })), initial);
      expectObservable(stats$, '^-----!').toBe('so--a-', {
        s: initial,
        o: expect.objectContaining({ totalConnections: 1, successfulReconnects: 0 }),
        a: expect.objectContaining({ totalConnections: 2, successfulReconnects: 1 }),
      });
      expectObservable(stats$, '--^---!').toBe('--s-o-', {
        s: initial,
        o: expect.objectContaining({ totalConnections: 1, successfulReconnects: 0 }),
      });
    });
  });

  describe('the RxJS checklist', () => {
    it('should emit only the initial statistics for signals that never come', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(statsFrom(cold('-'), initial), '^ 20ms !').toBe('s', { s: initial });
      });
    });

    it('should emit the initial statistics and complete for no signals', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(statsFrom(cold('|'), initial)).toBe('(s|)', { s: initial });
      });
    });

    it('should complete when the signals complete', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const signals = cold<Unstamped<ConnectionSignal>>('-o-|', { o: open(0) });
        expectObservable(statsFrom(stamped(signals), initial)).toBe('so-|', {
          s: initial,
          o: expect.objectContaining({ totalConnections: 1 }),
        });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    it('should pass an error through', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const signals = cold<Unstamped<ConnectionSignal>>('-o-#', { o: open(0) }, new Error('engine broke'));
        expectObservable(statsFrom(stamped(signals), initial)).toBe(
          'so-#',
          { s: initial, o: expect.objectContaining({ totalConnections: 1 }) },
          new Error('engine broke'),
        );
      });
    });

    it('should unsubscribe from the signals when the consumer unsubscribes early', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const signals = hot<Unstamped<ConnectionSignal>>('-o---d--|', { o: open(0), d: disconnected });
        expectObservable(statsFrom(stamped(signals), initial), '^--!').toBe('so-', {
          s: initial,
          o: expect.objectContaining({ totalConnections: 1 }),
        });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    // There is no user callback to throw: the reducer is the model's pure updateStats.
  });
});
