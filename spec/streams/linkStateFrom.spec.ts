import { distinctUntilChanged, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionStatus as S, LinkState, initialLinkState, linkStateFrom } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';

/** Signal builders; `at` is the frame the signal sits on in the marble. */
const connecting = (at: number, attempt = 0, maxAttempts = 5): ConnectionSignal => ({
  type: 'connecting',
  at,
  attempt,
  maxAttempts,
});
const open = (at: number, attempt = 0): ConnectionSignal => ({ type: 'open', at, attempt });
const disconnected = (at: number, reason = 'connection closed: 1006 abnormal closure'): ConnectionSignal => ({
  type: 'disconnected',
  at,
  reason,
  code: 1006,
});
const retryScheduled = (at: number, attempt: number, delayMs = 5): ConnectionSignal => ({
  type: 'retryScheduled',
  at,
  attempt,
  maxAttempts: 5,
  delayMs,
});
const quality = (at: number, poor: boolean): ConnectionSignal => ({
  type: 'quality',
  at,
  quality: initialQuality,
  score: poor ? 40 : 95,
  poor,
  warnings: [],
});

const state = (fields: Partial<LinkState>): LinkState => expect.objectContaining(fields) as LinkState;

describe('linkStateFrom', () => {
  let testScheduler: TestScheduler;
  const initial = initialLinkState(0);

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment (as status$)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // The diagram's second c and o are the retry: attempt 1 (n and p here).
      const input = '    -c--o---d--r----n--p-';
      const unsub = '    ^--------------------!';
      const expected = ' C---K---D--R-------K-';
      const signals = cold<ConnectionSignal>(input, {
        c: connecting(1),
        o: open(4),
        d: disconnected(8),
        r: retryScheduled(11, 1),
        n: connecting(16, 1),
        p: open(19, 1),
      });
      const status$ = linkStateFrom(signals, initial).pipe(
        map((s) => s.status),
        distinctUntilChanged(),
      );
      expectObservable(status$, unsub).toBe(expected, {
        C: S.Connecting,
        K: S.Connected,
        D: S.Disconnected,
        R: S.Reconnecting,
      });
    });
  });

  it('should emit the initial state, then each state the signals lead to', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-q-d|', {
        o: open(1),
        q: quality(3, true),
        d: disconnected(5, 'socket closed'),
      });
      expectObservable(linkStateFrom(signals, initial)).toBe('io-q-d|', {
        i: initial,
        o: { status: S.Connected, since: 1, attempt: 0, maxAttempts: 5, poor: false, everConnected: true },
        q: { status: S.Unstable, since: 3, attempt: 0, maxAttempts: 5, poor: true, everConnected: true },
        d: {
          status: S.Disconnected,
          since: 5,
          attempt: 0,
          maxAttempts: 5,
          poor: true,
          everConnected: true,
          lastError: 'socket closed',
        },
      });
    });
  });

  it('should emit nothing for a quality signal that leaves poor unchanged', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-g-p-p-g-g|', {
        o: open(0),
        g: quality(0, false),
        p: quality(0, true),
      }).pipe(map((signal): ConnectionSignal => ({ ...signal, at: testScheduler.now() })));
      expectObservable(linkStateFrom(signals, initial)).toBe('io---p---g--|', {
        i: initial,
        o: state({ status: S.Connected, since: 1, poor: false }),
        p: state({ status: S.Unstable, since: 5, poor: true }),
        g: state({ status: S.Connected, since: 9, poor: false }),
      });
    });
  });

  it('should emit nothing for signals that do not move the state machine', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-hteg|', {
        o: open(1),
        h: { type: 'heartbeatTimeout', at: 3, silentMs: 60_000, timeoutMs: 60_000 },
        t: { type: 'dataResumed', at: 4, silentMs: 10, afterOpen: true },
        e: { type: 'error', at: 5, message: 'malformed message' },
        g: quality(6, false),
      });
      expectObservable(linkStateFrom(signals, initial)).toBe('io-----|', {
        i: initial,
        o: state({ status: S.Connected }),
      });
    });
  });

  it('should remember poor quality while down and come back Unstable', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-d-q-r-n-p|', {
        o: open(1),
        d: disconnected(3),
        q: quality(5, true),
        r: retryScheduled(7, 1),
        n: connecting(9, 1),
        p: open(11, 1),
      });
      expectObservable(linkStateFrom(signals, initial)).toBe('io-d-q-r-n-p|', {
        i: initial,
        o: state({ status: S.Connected, since: 1 }),
        d: state({ status: S.Disconnected, since: 3 }),
        // Still Disconnected, but the judgement is kept for when the link comes back.
        q: state({ status: S.Disconnected, since: 3, poor: true }),
        r: state({ status: S.Reconnecting, since: 7, attempt: 1, nextRetryAt: 12 }),
        n: state({ status: S.Reconnecting, since: 7, attempt: 1, nextRetryAt: undefined }),
        p: state({ status: S.Unstable, since: 11, poor: true }),
      });
    });
  });

  it('should end in Failed when the retry budget is spent', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-d-r-f|', {
        o: open(1),
        d: disconnected(3),
        r: retryScheduled(5, 1),
        f: { type: 'failed', at: 7, attempts: 1, error: 'ECONNREFUSED' },
      });
      expectObservable(linkStateFrom(signals, initial)).toBe('io-d-r-f|', {
        i: initial,
        o: state({ status: S.Connected }),
        d: state({ status: S.Disconnected }),
        r: state({ status: S.Reconnecting }),
        f: state({ status: S.Failed, since: 7, lastError: 'ECONNREFUSED', nextRetryAt: undefined }),
      });
    });
  });

  it('should ignore every signal after the application closed the handle', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<ConnectionSignal>('-o-x-n-p-q|', {
        o: open(1),
        x: { type: 'closed', at: 3 },
        n: connecting(5, 1),
        p: open(7, 1),
        q: quality(9, true),
      });
      expectObservable(linkStateFrom(signals, initial)).toBe('io-x------|', {
        i: initial,
        o: state({ status: S.Connected }),
        x: state({ status: S.Disconnected, since: 3, closedByApp: true }),
      });
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const signals = hot<ConnectionSignal>('-o--d--', { o: open(1), d: disconnected(4) });
      const state$ = linkStateFrom(signals, initial);
      expectObservable(state$, '^-----!').toBe('io--d-', {
        i: initial,
        o: state({ status: S.Connected }),
        d: state({ status: S.Disconnected }),
      });
      // A late subscriber never saw the open: from Connecting, a disconnect still moves to Disconnected.
      expectObservable(state$, '--^---!').toBe('--i-d-', {
        i: initial,
        d: state({ status: S.Disconnected, everConnected: false }),
      });
    });
  });

  describe('the RxJS checklist', () => {
    it('should emit only the initial state for signals that never come', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(linkStateFrom(cold('-'), initial), '^ 20ms !').toBe('i', { i: initial });
      });
    });

    it('should emit the initial state and complete for no signals', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(linkStateFrom(cold('|'), initial)).toBe('(i|)', { i: initial });
      });
    });

    it('should complete when the signals complete', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const signals = cold<ConnectionSignal>('-o-|', { o: open(1) });
        expectObservable(linkStateFrom(signals, initial)).toBe('io-|', {
          i: initial,
          o: state({ status: S.Connected }),
        });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    it('should pass an error through', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const signals = cold<ConnectionSignal>('-o-#', { o: open(1) }, new Error('engine broke'));
        expectObservable(linkStateFrom(signals, initial)).toBe(
          'io-#',
          { i: initial, o: state({ status: S.Connected }) },
          new Error('engine broke'),
        );
      });
    });

    it('should unsubscribe from the signals when the consumer unsubscribes early', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const signals = hot<ConnectionSignal>('-o---d--|', { o: open(1), d: disconnected(5) });
        expectObservable(linkStateFrom(signals, initial), '^--!').toBe('io-', {
          i: initial,
          o: state({ status: S.Connected }),
        });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    // There is no user callback to throw: the reducer is the model's pure nextLinkState.
  });
});
