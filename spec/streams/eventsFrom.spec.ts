import { Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionEvent, ConnectionEventType as E, eventsFrom, initialLinkState } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';

type Unstamped<T> = T extends unknown ? Omit<T, 'at'> : never;

const quality = (poor: boolean, averageLatencyMs: number): Unstamped<ConnectionSignal> => ({
  type: 'quality',
  quality: { ...initialQuality, averageLatencyMs, latencySamples: 1 },
  score: poor ? 40 : 95,
  poor,
  warnings: poor ? ['latency'] : [],
});

/** An event with the fields the brief pins; the description only where given. */
const event = (fields: Partial<ConnectionEvent>): ConnectionEvent => expect.objectContaining(fields) as ConnectionEvent;

describe('eventsFrom', () => {
  let testScheduler: TestScheduler;
  const initial = initialLinkState(0);

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Signals from a marble, each stamped with the frame it sits on. */
  const stamped = (signals$: Observable<Unstamped<ConnectionSignal>>): Observable<ConnectionSignal> =>
    signals$.pipe(map((signal) => ({ ...signal, at: testScheduler.now() }) as ConnectionSignal));

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Attempts are numbered per cycle: the immediate try after a disconnect is attempt 0.
      const input = '    -o----d--c--o-';
      const unsub = '    ^-------------!';
      const expected = ' -C----D--A--S-';
      const signals = cold<Unstamped<ConnectionSignal>>(input, {
        o: { type: 'open', attempt: 0 },
        d: { type: 'disconnected', reason: 'connection closed: 1001 going away', code: 1001 },
        c: { type: 'connecting', attempt: 0, maxAttempts: 5 },
      });
      expectObservable(eventsFrom(stamped(signals), initial), unsub).toBe(expected, {
        C: { type: E.Connected, severity: 1, timestamp: 1, description: 'connected', retryCount: 0 },
        D: {
          type: E.Disconnected,
          severity: 4,
          timestamp: 6,
          description: 'connection lost',
          errorMessage: 'connection closed: 1001 going away',
          retryCount: 0,
        },
        A: {
          type: E.ReconnectAttempt,
          severity: 2,
          timestamp: 9,
          description: 'reconnect attempt (immediate)',
          retryCount: 0,
        },
        S: {
          type: E.ReconnectSuccess,
          severity: 1,
          timestamp: 12,
          description: 'reconnected after an immediate try',
          retryCount: 0,
        },
      });
    });
  });

  it('should tell a full disconnect → retry → fail → recover story with the right types, severities and retry counts', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = '    -c-o-t-q-h-d-r-n-e-s-m-E-f-k-p-g|';
      const expected = ' ---C-R-Q-H-D---a-f---b-F-X-z-S-I|';
      const signals = cold<Unstamped<ConnectionSignal>>(input, {
        c: { type: 'connecting', attempt: 0, maxAttempts: 2 },
        o: { type: 'open', attempt: 0 },
        t: { type: 'dataResumed', silentMs: 2, afterOpen: true },
        q: quality(true, 1200),
        h: { type: 'heartbeatTimeout', silentMs: 61_500, timeoutMs: 60_000 },
        d: { type: 'disconnected', reason: 'heartbeat timeout' },
        r: { type: 'retryScheduled', attempt: 1, maxAttempts: 2, delayMs: 2000 },
        n: { type: 'connecting', attempt: 1, maxAttempts: 2 },
        e: { type: 'connectFailed', attempt: 1, error: 'ECONNREFUSED' },
        s: { type: 'retryScheduled', attempt: 2, maxAttempts: 2, delayMs: 4000 },
        m: { type: 'connecting', attempt: 2, maxAttempts: 2 },
        E: { type: 'connectFailed', attempt: 2, error: 'ECONNREFUSED' },
        f: { type: 'failed', attempts: 2, error: 'ECONNREFUSED' },
        k: { type: 'connecting', attempt: 0, maxAttempts: 2 },
        p: { type: 'open', attempt: 0 },
        g: quality(false, 45.4),
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe(expected, {
        C: event({ type: E.Connected, severity: 1, timestamp: 3, retryCount: 0 }),
        R: event({
          type: E.DataReceived,
          severity: 1,
          timestamp: 5,
          retryCount: 0,
          description: 'first data 0.002s after connect',
        }),
        Q: event({
          type: E.QualityDegraded,
          severity: 2,
          timestamp: 7,
          retryCount: 0,
          latencyMs: 1200,
          description: 'quality degraded: score 40.0, warnings: latency',
        }),
        H: event({
          type: E.HeartbeatTimeout,
          severity: 3,
          timestamp: 9,
          retryCount: 0,
          description: 'no pong or data for 61.5s (timeout 60s)',
        }),
        D: event({
          type: E.Disconnected,
          severity: 4,
          timestamp: 11,
          retryCount: 0,
          errorMessage: 'heartbeat timeout',
        }),
        a: event({
          type: E.ReconnectAttempt,
          severity: 2,
          timestamp: 15,
          retryCount: 1,
          description: 'reconnect attempt 1/2',
        }),
        f: event({
          type: E.ReconnectFailed,
          severity: 3,
          timestamp: 17,
          retryCount: 1,
          errorMessage: 'ECONNREFUSED',
          description: 'reconnect attempt 1/2 failed',
        }),
        b: event({ type: E.ReconnectAttempt, severity: 2, timestamp: 21, retryCount: 2 }),
        F: event({ type: E.ReconnectFailed, severity: 3, timestamp: 23, retryCount: 2, errorMessage: 'ECONNREFUSED' }),
        X: event({
          type: E.ErrorOccurred,
          severity: 4,
          timestamp: 25,
          retryCount: 2,
          errorMessage: 'ECONNREFUSED',
          description: 'connection failed after 2 retries; waiting for reconnect()',
        }),
        z: event({ type: E.ReconnectAttempt, severity: 2, timestamp: 27, retryCount: 0 }),
        S: event({ type: E.ReconnectSuccess, severity: 1, timestamp: 29, retryCount: 0 }),
        I: event({ type: E.QualityImproved, severity: 1, timestamp: 31, retryCount: 0, latencyMs: 45 }),
      });
    });
  });

  it('should report a failed first attempt as an error, not a reconnect failure', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-c-e-|', {
        c: { type: 'connecting', attempt: 0, maxAttempts: 5 },
        e: { type: 'connectFailed', attempt: 0, error: 'getaddrinfo ENOTFOUND' },
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('---x-|', {
        x: {
          type: E.ErrorOccurred,
          severity: 4,
          timestamp: 3,
          description: 'initial connection failed',
          errorMessage: 'getaddrinfo ENOTFOUND',
          retryCount: 0,
        },
      });
    });
  });

  it('should report a retry success with the attempt that made it', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-o-d-r-n-p|', {
        o: { type: 'open', attempt: 0 },
        d: { type: 'disconnected', reason: 'socket closed' },
        r: { type: 'retryScheduled', attempt: 3, maxAttempts: 5, delayMs: 8000 },
        n: { type: 'connecting', attempt: 3, maxAttempts: 5 },
        p: { type: 'open', attempt: 3 },
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('-C-D---A-S|', {
        C: event({ type: E.Connected }),
        D: event({ type: E.Disconnected }),
        A: event({ type: E.ReconnectAttempt, retryCount: 3, description: 'reconnect attempt 3/5' }),
        S: event({ type: E.ReconnectSuccess, retryCount: 3, description: 'reconnected after attempt 3' }),
      });
    });
  });

  it('should raise no event for a quality signal that leaves poor unchanged', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-o-g-p-p-g|', {
        o: { type: 'open', attempt: 0 },
        g: quality(false, 40),
        p: quality(true, 1500),
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('-C---Q---I|', {
        C: event({ type: E.Connected }),
        Q: event({ type: E.QualityDegraded, timestamp: 5, latencyMs: 1500 }),
        I: event({ type: E.QualityImproved, timestamp: 9, latencyMs: 40 }),
      });
    });
  });

  it('should raise no Disconnected event for a link that was not up', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-c-d-|', {
        c: { type: 'connecting', attempt: 0, maxAttempts: 5 },
        d: { type: 'disconnected', reason: 'socket closed' },
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('-----|');
    });
  });

  it('should report a non-fatal error on the link', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-e|', {
        e: { type: 'error', message: 'malformed message: Unexpected token' },
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('-x|', {
        x: event({
          type: E.ErrorOccurred,
          severity: 4,
          timestamp: 1,
          errorMessage: 'malformed message: Unexpected token',
          description: 'error on the link',
        }),
      });
    });
  });

  it('should report the application closing an open link, then nothing more', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const signals = cold<Unstamped<ConnectionSignal>>('-o-x-e-c-o|', {
        o: { type: 'open', attempt: 0 },
        x: { type: 'closed' },
        e: { type: 'error', message: 'late error' },
        c: { type: 'connecting', attempt: 0, maxAttempts: 5 },
      });
      expectObservable(eventsFrom(stamped(signals), initial)).toBe('-C-D------|', {
        C: event({ type: E.Connected }),
        D: event({ type: E.Disconnected, severity: 4, timestamp: 3, description: 'closed by the application' }),
      });
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const signals = stamped(hot<Unstamped<ConnectionSignal>>('-o--o--', { o: { type: 'open', attempt: 0 } }));
      const events$ = eventsFrom(signals, initial);
      expectObservable(events$, '^-----!').toBe('-C--S-', {
        C: event({ type: E.Connected }),
        S: event({ type: E.ReconnectSuccess }),
      });
      // A late subscriber starts from the initial state: its first open is a first connection.
      expectObservable(events$, '--^---!').toBe('----C-', { C: event({ type: E.Connected, timestamp: 4 }) });
    });
  });

  describe('the RxJS checklist', () => {
    it('should emit nothing for signals that never come', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(eventsFrom(cold('-'), initial), '^ 20ms !').toBe('');
      });
    });

    it('should complete at once for no signals', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(eventsFrom(cold('|'), initial)).toBe('|');
      });
    });

    it('should complete when the signals complete', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const signals = cold('-o-|', { o: { type: 'open', at: 1, attempt: 0 } as ConnectionSignal });
        expectObservable(eventsFrom(signals, initial)).toBe('-C-|', { C: event({ type: E.Connected }) });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    it('should pass an error through', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const signals = cold('-o-#', { o: { type: 'open', at: 1, attempt: 0 } as ConnectionSignal }, 'engine broke');
        expectObservable(eventsFrom(signals, initial)).toBe(
          '-C-#',
          { C: event({ type: E.Connected }) },
          'engine broke',
        );
      });
    });

    it('should unsubscribe from the signals when the consumer unsubscribes early', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const signals = hot('-o---d--|', {
          o: { type: 'open', at: 1, attempt: 0 } as ConnectionSignal,
          d: { type: 'disconnected', at: 5, reason: 'socket closed' } as ConnectionSignal,
        });
        expectObservable(eventsFrom(signals, initial), '^--!').toBe('-C-', { C: event({ type: E.Connected }) });
        expectSubscriptions(signals.subscriptions).toBe('^--!');
      });
    });

    // There is no user callback to throw: the mapping is the model's pure nextLinkState and linkEvents.
  });
});
