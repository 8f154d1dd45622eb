import { Observable, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionEvent, ConnectionEventType as E, ConnectionStatus as S } from '../../src/index';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { initialStats } from '../../src/model/ConnectionStats';
import { LinkModel, initialLinkModel, nextLinkModel } from '../../src/model/LinkModel';
import { LinkStore } from '../../src/streams/LinkStore';

// The marble cases of the deleted eventsFrom spec (and the stream side of linkStateFrom, statsFrom and
// qualityFrom) ported to the store that replaced them: one state per handle, every stream a selection.

type Unstamped<T> = T extends unknown ? Omit<T, 'at'> : never;
type Signal = Unstamped<ConnectionSignal>;

const thresholds = defaultQualityThresholds;
const newStore = (maxEvents = 100, restored: readonly ConnectionEvent[] = []): LinkStore =>
  new LinkStore(initialLinkModel(0, 5), thresholds, maxEvents, restored);

/** An event with the fields given; the others (description, say) only where given. */
const event = (fields: Partial<ConnectionEvent>): ConnectionEvent => expect.objectContaining(fields) as ConnectionEvent;

const status = (model: LinkModel): S => model.state.status;

describe('LinkStore', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /**
   * Dispatches the signals of a marble into the store, each stamped with the frame it sits on; the
   * store completes when the marble does.
   */
  const feed = (store: LinkStore, signals$: Observable<Signal>): void => {
    signals$
      .pipe(map((signal) => ({ ...signal, at: testScheduler.now() }) as ConnectionSignal))
      .subscribe({ next: (signal) => store.dispatch(signal), complete: () => store.complete() });
  };

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const store = newStore();
      const dispatch = ' -o----r----d--';
      const unsub = '    ^-------------!';
      const status$ = '  cC---------D--';
      const events$ = '  -C---------D--';
      feed(
        store,
        cold<Signal>(dispatch, {
          o: { type: 'open', attempt: 0, reconnect: false },
          r: { type: 'roundTrip', source: 'heartbeat', latencyMs: 42 },
          d: { type: 'disconnected', reason: 'socket closed' },
        }),
      );
      expectObservable(store.select(status), unsub).toBe(status$, {
        c: S.Connecting,
        C: S.Connected,
        D: S.Disconnected,
      });
      expectObservable(store.events$, unsub).toBe(events$, {
        C: event({ type: E.Connected, timestamp: 1 }),
        D: event({ type: E.Disconnected, timestamp: 11 }),
      });
    });
  });

  describe('select', () => {
    it('should give each subscriber the current value at once, then each new one', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          hot<Signal>('-o--d--|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            d: { type: 'disconnected', reason: 'socket closed' },
          }),
        );
        const status$ = store.select(status);
        expectObservable(status$).toBe('    cC--D--|', { c: S.Connecting, C: S.Connected, D: S.Disconnected });
        // A late subscriber starts from the current value, not from the initial one (one state per handle).
        expectObservable(status$, '--^').toBe('--C-D--|', { C: S.Connected, D: S.Disconnected });
        expectObservable(status$, '-----^').toBe('-----D-|', { D: S.Disconnected });
      });
    });

    it('should emit only values that changed (by ===)', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        const signals: Record<string, Signal> = {
          o: { type: 'open', attempt: 0, reconnect: false },
          r: { type: 'roundTrip', source: 'heartbeat', latencyMs: 40 },
          h: { type: 'heartbeatTimeout', silentMs: 60_000, timeoutMs: 60_000 },
          e: { type: 'error', message: 'malformed message' },
        };
        feed(store, cold<Signal>('-o-r-r-h-e-|', signals));
        // Round trips move the quality but not the status or the statistics; the rest move nothing.
        expectObservable(store.select(status)).toBe('cC---------|', { c: S.Connecting, C: S.Connected });
        expectObservable(store.select((m) => m.stats.totalConnections)).toBe('ab---------|', { a: 0, b: 1 });
        expectObservable(store.select((m) => m.quality.latencySamples)).toBe('a--b-c-----|', { a: 0, b: 1, c: 2 });
      });
    });

    it('should complete every selection when the store completes, and replay the last value to a later one', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(store, cold<Signal>('-o-|', { o: { type: 'open', attempt: 0, reconnect: false } }));
        expectObservable(store.select(status)).toBe('cC-|', { c: S.Connecting, C: S.Connected });
        expectObservable(store.select(status), '-----^').toBe('-----(C|)', { C: S.Connected });
      });
    });

    it('should stop notifying a subscriber that unsubscribed early', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o---d-|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            d: { type: 'disconnected', reason: 'socket closed' },
          }),
        );
        expectObservable(store.select(status), '^--!').toBe('cC-', { c: S.Connecting, C: S.Connected });
      });
    });

    it('should not project for a subscriber that left, nor for one that took all it wanted from the current value', () => {
      const store = newStore();
      const projected: string[] = [];
      const spy =
        (who: string) =>
        (model: LinkModel): S => {
          projected.push(who);
          return model.state.status;
        };
      const early = store.select(spy('early')).subscribe();
      store.select(spy('once')).pipe(take(1)).subscribe();
      store.select(spy('stays')).subscribe();
      early.unsubscribe();
      projected.length = 0;
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      store.dispatch({ type: 'disconnected', at: 2, reason: 'socket closed' });
      expect(projected).toEqual(['stays', 'stays']);
    });

    it('should fold nothing and show nothing once complete', () => {
      const store = newStore();
      const seen: S[] = [];
      store.select(status).subscribe((value) => seen.push(value));
      store.complete();
      const model = store.model;
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      expect(store.model).toBe(model);
      expect(seen).toEqual([S.Connecting]);
    });

    it('should keep the model the fold gives', () => {
      const store = newStore();
      const open: ConnectionSignal = { type: 'open', at: 1, attempt: 0, reconnect: false };
      const before = store.model;
      store.dispatch(open);
      expect(store.model).toEqual(nextLinkModel(before, open, thresholds));
    });
  });

  describe('events$', () => {
    it('should tell a full disconnect → retry → fail → recover story with the right types, severities and retry counts', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        const input = '    -c-o-t-q-h-d-r-n-e-s-m-E-f-k-p-g----|';
        // Was QualityImproved at g (the first good round trip): the fold judges in the step of the open,
        // and a new socket starts latency afresh, so the link is judged good again as it reopens (S and I).
        const expected = ' ---C-R-Q-H-D---a-f---b-F-X-z-(SI)---|';
        feed(
          store,
          cold<Signal>(input, {
            c: { type: 'connecting', attempt: 0, maxAttempts: 2, reconnect: false },
            o: { type: 'open', attempt: 0, reconnect: false },
            t: { type: 'dataResumed', silentMs: 2, afterOpen: true },
            // Was a 'quality' signal (poor, 1200 ms): now the round trip that makes it so.
            q: { type: 'roundTrip', source: 'heartbeat', latencyMs: 1200 },
            h: { type: 'heartbeatTimeout', silentMs: 61_500, timeoutMs: 60_000 },
            d: { type: 'disconnected', reason: 'heartbeat timeout' },
            r: { type: 'retryScheduled', attempt: 1, maxAttempts: 2, delayMs: 2000 },
            n: { type: 'connecting', attempt: 1, maxAttempts: 2, reconnect: true },
            e: { type: 'connectFailed', attempt: 1, error: 'ECONNREFUSED', reconnect: true },
            s: { type: 'retryScheduled', attempt: 2, maxAttempts: 2, delayMs: 4000 },
            m: { type: 'connecting', attempt: 2, maxAttempts: 2, reconnect: true },
            E: { type: 'connectFailed', attempt: 2, error: 'ECONNREFUSED', reconnect: true },
            f: { type: 'failed', attempts: 2, error: 'ECONNREFUSED' },
            k: { type: 'connecting', attempt: 0, maxAttempts: 2, reconnect: true },
            p: { type: 'open', attempt: 0, reconnect: true },
            g: { type: 'roundTrip', source: 'heartbeat', latencyMs: 45.4 },
          }),
        );
        expectObservable(store.events$).toBe(expected, {
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
            // 0.3 × 42.1 (1200 ms) + 20 + 20 + 20 + 0.1 × 57.1 (up 4 of 7 ms) = 78.3
            description: 'quality degraded: score 78.3, warnings: latency',
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
          F: event({
            type: E.ReconnectFailed,
            severity: 3,
            timestamp: 23,
            retryCount: 2,
            errorMessage: 'ECONNREFUSED',
          }),
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
          I: event({ type: E.QualityImproved, severity: 1, timestamp: 29, retryCount: 0 }),
        });
      });
    });

    it('should report a failed first attempt as an error, not a reconnect failure', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-c-e-|', {
            c: { type: 'connecting', attempt: 0, maxAttempts: 5, reconnect: false },
            e: { type: 'connectFailed', attempt: 0, error: 'getaddrinfo ENOTFOUND', reconnect: false },
          }),
        );
        expectObservable(store.events$).toBe('---x-|', {
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
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o-d-r-n-p|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            d: { type: 'disconnected', reason: 'socket closed' },
            r: { type: 'retryScheduled', attempt: 3, maxAttempts: 5, delayMs: 8000 },
            n: { type: 'connecting', attempt: 3, maxAttempts: 5, reconnect: true },
            p: { type: 'open', attempt: 3, reconnect: true },
          }),
        );
        expectObservable(store.events$).toBe('-C-D---A-S|', {
          C: event({ type: E.Connected }),
          D: event({ type: E.Disconnected }),
          A: event({ type: E.ReconnectAttempt, retryCount: 3, description: 'reconnect attempt 3/5' }),
          S: event({ type: E.ReconnectSuccess, retryCount: 3, description: 'reconnected after attempt 3' }),
        });
      });
    });

    it('should raise an event for every quality flip and none for a measurement that leaves the judgement', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        // Was 'quality' signals g/p: round trips that keep it good (g), make it poor (p), and bring it back (0).
        feed(
          store,
          cold<Signal>('-o-g-p-p-z-z|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            g: { type: 'roundTrip', source: 'heartbeat', latencyMs: 40 },
            p: { type: 'roundTrip', source: 'probe', latencyMs: 5_000 },
            z: { type: 'roundTrip', source: 'heartbeat', latencyMs: 0 },
          }),
        );
        // Averages: 40 (good), 1528 (poor), 2569.6, 1798.7, 1259.1 (all still poor): one flip, one event.
        expectObservable(store.events$).toBe('-C---Q------|', {
          C: event({ type: E.Connected }),
          Q: event({ type: E.QualityDegraded, timestamp: 5, latencyMs: 1528 }),
        });
      });
    });

    it('should raise QualityImproved when quality recovers, with the latency that recovered', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o-p-z-z-|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            p: { type: 'roundTrip', source: 'heartbeat', latencyMs: 1_500 },
            z: { type: 'roundTrip', source: 'heartbeat', latencyMs: 40 },
          }),
        );
        // 1500 → 1062 (poor) → 755.4 ms (good).
        expectObservable(store.events$).toBe('-C-Q---I-|', {
          C: event({ type: E.Connected }),
          Q: event({ type: E.QualityDegraded, timestamp: 3, latencyMs: 1500 }),
          I: event({ type: E.QualityImproved, timestamp: 7, latencyMs: 755 }),
        });
      });
    });

    it('should raise a quality flip that failed checks cause, with no latency', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o-xxx---|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            x: { type: 'checkFailed', error: 'probe timed out', initial: false },
          }),
        );
        expectObservable(store.events$).toBe('-C-ee(eQ)|', {
          C: event({ type: E.Connected }),
          e: event({ type: E.ErrorOccurred, errorMessage: 'connection check failed: probe timed out' }),
          Q: {
            type: E.QualityDegraded,
            severity: 2,
            timestamp: 5,
            // Latency not measured yet (0) + 20 + 0.2 × 85.7 + 20 × (1 − 0.143) + 0.1 × 80 (up 4 of 5 ms) = 62.3
            description: 'quality degraded: score 62.3, warnings: errorRate',
            retryCount: 0,
          },
        });
      });
    });

    it('should raise no Disconnected event for a link that was not up', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-c-d-|', {
            c: { type: 'connecting', attempt: 0, maxAttempts: 5, reconnect: false },
            d: { type: 'disconnected', reason: 'socket closed' },
          }),
        );
        expectObservable(store.events$).toBe('-----|');
      });
    });

    it('should report the application closing an open link, then nothing more', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o-x-e-c-o|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            x: { type: 'closed' },
            e: { type: 'error', message: 'late error' },
            c: { type: 'connecting', attempt: 0, maxAttempts: 5, reconnect: true },
          }),
        );
        expectObservable(store.events$).toBe('-C-D------|', {
          C: event({ type: E.Connected }),
          D: event({ type: E.Disconnected, severity: 4, timestamp: 3, description: 'closed by the application' }),
        });
      });
    });

    // Was "keep state per subscription" (each eventsFrom subscription folded its own copy): there is
    // one state per handle now, so a late subscriber joins it and sees what happens from then on.
    it('should not replay past events to a late subscriber', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          hot<Signal>('-o--p--', {
            o: { type: 'open', attempt: 0, reconnect: false },
            p: { type: 'open', attempt: 0, reconnect: true },
          }),
        );
        expectObservable(store.events$, '^-----!').toBe('-C--S-', {
          C: event({ type: E.Connected }),
          S: event({ type: E.ReconnectSuccess }),
        });
        expectObservable(store.events$, '--^---!').toBe('----S-', { S: event({ type: E.ReconnectSuccess }) });
      });
    });

    it('should emit nothing while nothing is dispatched, and complete with the store', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(store, cold<Signal>('-----|'));
        expectObservable(store.events$).toBe('-----|');
        expectObservable(store.latency$).toBe('-----|');
      });
    });

    it('should show the events of a transition after its selections', () => {
      const store = newStore();
      const log: string[] = [];
      store.events$.subscribe((e) => log.push(`event ${e.type}`));
      store.select(status).subscribe((s) => log.push(`status ${s}`));
      store.select((m) => m.state.poor).subscribe((poor) => log.push(`poor ${poor}`));
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      store.dispatch({ type: 'roundTrip', at: 2, source: 'heartbeat', latencyMs: 1_500 });
      expect(log).toEqual([
        'status Connecting',
        'poor false',
        'status Connected',
        'event Connected',
        'status Unstable',
        'poor true',
        'event QualityDegraded',
      ]);
    });
  });

  describe('re-entrant dispatch', () => {
    it('should fold a signal dispatched by a subscriber at once, and show every subscriber the models in order', () => {
      const store = newStore();
      const log: string[] = [];
      const foldedAtOnce: S[] = [];
      // A bot that calls reconnect() as soon as it sees Disconnected.
      store.select(status).subscribe((s) => {
        log.push(`A ${s}`);
        if (s === S.Disconnected) {
          store.dispatch({ type: 'connecting', at: 5, attempt: 0, maxAttempts: 5, reconnect: true });
          foldedAtOnce.push(status(store.model));
        }
      });
      store.events$.subscribe((e) => log.push(`E ${e.type}`));
      store.select(status).subscribe((s) => log.push(`B ${s}`));
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      store.dispatch({ type: 'disconnected', at: 5, reason: 'socket closed' });
      expect(foldedAtOnce).toEqual([S.Reconnecting]);
      expect(log).toEqual([
        'A Connecting',
        'B Connecting',
        'A Connected',
        'B Connected',
        'E Connected',
        'A Disconnected',
        // B sees Disconnected before Reconnecting although A dispatched while it was being notified.
        'B Disconnected',
        'E Disconnected',
        'A Reconnecting',
        'B Reconnecting',
        'E ReconnectAttempt',
      ]);
      expect(store.recentEvents().map((e) => e.type)).toEqual([E.Connected, E.Disconnected, E.ReconnectAttempt]);
    });

    it('should end the streams only once what was folded has been shown when completed from a subscriber', () => {
      const store = newStore();
      const log: string[] = [];
      store.select(status).subscribe({
        next: (s) => {
          log.push(`A ${s}`);
          if (s === S.Connected) {
            store.dispatch({ type: 'disconnected', at: 2, reason: 'closing' });
            store.complete();
            store.dispatch({ type: 'open', at: 3, attempt: 0, reconnect: true });
          }
        },
        complete: () => log.push('A complete'),
      });
      store.select(status).subscribe({
        next: (s) => log.push(`B ${s}`),
        complete: () => log.push('B complete'),
      });
      store.events$.subscribe({ next: (e) => log.push(`E ${e.type}`), complete: () => log.push('E complete') });
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      expect(log).toEqual([
        'A Connecting',
        'B Connecting',
        'A Connected',
        'B Connected',
        'E Connected',
        'A Disconnected',
        'B Disconnected',
        'E Disconnected',
        'A complete',
        'B complete',
        'E complete',
      ]);
      expect(status(store.model)).toBe(S.Disconnected);
    });
  });

  describe('latency$', () => {
    it('should carry every round trip, from the heartbeat and the probe, and nothing else', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const store = newStore();
        feed(
          store,
          cold<Signal>('-o-h-l-p-x-t-|', {
            o: { type: 'open', attempt: 0, reconnect: false },
            h: { type: 'roundTrip', source: 'heartbeat', latencyMs: 42 },
            l: { type: 'pingLost' },
            p: { type: 'roundTrip', source: 'probe', latencyMs: 180 },
            x: { type: 'checkFailed', error: 'timeout', initial: false },
            t: { type: 'throughput', messagesPerSecond: 12 },
          }),
        );
        expectObservable(store.latency$).toBe('---h---p-----|', {
          h: { source: 'heartbeat', latencyMs: 42, at: 3 },
          p: { source: 'probe', latencyMs: 180, at: 7 },
        });
      });
    });

    it('should carry a round trip even when it moves no selection', () => {
      const store = newStore();
      const closed: ConnectionSignal = { type: 'closed', at: 1 };
      store.dispatch(closed);
      const seen: number[] = [];
      store.latency$.subscribe((sample) => seen.push(sample.latencyMs));
      const model = store.model;
      store.dispatch({ type: 'roundTrip', at: 2, source: 'heartbeat', latencyMs: 42 });
      expect(store.model).toBe(model);
      expect(seen).toEqual([42]);
    });
  });

  describe('recentEvents', () => {
    const lifecycle = (store: LinkStore): void => {
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
      store.dispatch({ type: 'disconnected', at: 2, reason: 'reset' });
      store.dispatch({ type: 'connecting', at: 3, attempt: 0, maxAttempts: 5, reconnect: true });
      store.dispatch({ type: 'open', at: 4, attempt: 0, reconnect: true });
      store.dispatch({ type: 'error', at: 5, message: 'malformed message' });
    };

    it('should keep the last maxEvents events, oldest first', () => {
      const store = newStore(3);
      lifecycle(store);
      expect(store.recentEvents().map((e) => [e.type, e.timestamp])).toEqual([
        [E.ReconnectAttempt, 3],
        [E.ReconnectSuccess, 4],
        [E.ErrorOccurred, 5],
      ]);
    });

    it('should start from the restored events and keep the bound', () => {
      const restored: ConnectionEvent[] = [
        { type: E.Connected, severity: 1, timestamp: -20, description: 'connected', retryCount: 0 },
        { type: E.Disconnected, severity: 4, timestamp: -10, description: 'connection lost', retryCount: 0 },
      ];
      const store = newStore(4, restored);
      expect(store.recentEvents()).toEqual(restored);
      store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: true });
      store.dispatch({ type: 'error', at: 2, message: 'a' });
      store.dispatch({ type: 'error', at: 3, message: 'b' });
      expect(store.recentEvents().map((e) => e.timestamp)).toEqual([-10, 1, 2, 3]);
    });

    it('should return a copy the caller may keep', () => {
      const store = newStore();
      lifecycle(store);
      const first = store.recentEvents();
      store.dispatch({ type: 'error', at: 6, message: 'later' });
      expect(first).toHaveLength(5);
      expect(store.recentEvents()).toHaveLength(6);
    });
  });

  it('should start from the model it is given', () => {
    const restored = { ...initialStats(0), totalConnections: 4, downSince: 0 };
    const store = new LinkStore(initialLinkModel(0, 5, restored), thresholds, 10);
    const seen: number[] = [];
    store.select((m) => m.stats.totalConnections).subscribe((n) => seen.push(n));
    store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: true });
    expect(seen).toEqual([4, 5]);
  });
});
