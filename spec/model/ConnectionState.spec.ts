import * as fc from 'fast-check';
import { LinkState, initialLinkState, nextLinkState } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { isReconnect } from '../../src/model/LinkState';
import { anyUnstampedSignal, signalSequence, stamp } from './arbitraries';

const run = (state: LinkState, signals: readonly ConnectionSignal[]): LinkState => signals.reduce(nextLinkState, state);

const quality = (at: number, poor: boolean): ConnectionSignal => ({
  type: 'quality',
  at,
  quality: initialQuality,
  score: poor ? 40 : 95,
  poor,
  warnings: [],
});

const connected = (): LinkState => run(initialLinkState(0), [{ type: 'open', at: 100, attempt: 0 }]);

describe('LinkState', () => {
  it('should start Connecting at attempt 0, never connected, not poor', () => {
    expect(initialLinkState(1_000)).toEqual({
      status: 'Connecting',
      since: 1_000,
      attempt: 0,
      maxAttempts: 5,
      poor: false,
      everConnected: false,
    });
    expect(initialLinkState(0, 9).maxAttempts).toBe(9);
  });

  it('should stay Connecting, with the same since, on the first connecting signal', () => {
    const state = initialLinkState(0);
    const next = nextLinkState(state, { type: 'connecting', at: 50, attempt: 0, maxAttempts: 5 });
    expect(next.status).toBe('Connecting');
    expect(next.since).toBe(0);
  });

  it('should go Connecting → Connected on open', () => {
    const next = connected();
    expect(next.status).toBe('Connected');
    expect(next.since).toBe(100);
    expect(next.everConnected).toBe(true);
  });

  describe('quality', () => {
    it('should go Connected → Unstable when quality turns poor', () => {
      const next = nextLinkState(connected(), quality(200, true));
      expect(next).toMatchObject({ status: 'Unstable', since: 200, poor: true });
    });

    it('should go Unstable → Connected when quality recovers', () => {
      const next = run(connected(), [quality(200, true), quality(300, false)]);
      expect(next).toMatchObject({ status: 'Connected', since: 300, poor: false });
    });

    it('should keep Connected and its since when quality stays good', () => {
      const state = connected();
      const next = nextLinkState(state, quality(200, false));
      expect(next.status).toBe('Connected');
      expect(next.since).toBe(100);
    });

    it('should keep Unstable and its since when quality stays poor', () => {
      const next = run(connected(), [quality(200, true), quality(300, true)]);
      expect(next.status).toBe('Unstable');
      expect(next.since).toBe(200);
    });

    it('should only record the judgement while not connected', () => {
      const next = nextLinkState(initialLinkState(0), quality(10, true));
      expect(next).toMatchObject({ status: 'Connecting', since: 0, poor: true });
    });

    it('should open as Unstable when quality was last judged poor', () => {
      const next = run(initialLinkState(0), [quality(10, true), { type: 'open', at: 20, attempt: 0 }]);
      expect(next.status).toBe('Unstable');
    });
  });

  describe('losing the link', () => {
    it('should go Connected → Disconnected with the reason as the last error', () => {
      const next = nextLinkState(connected(), { type: 'disconnected', at: 500, reason: 'socket hang up', code: 1006 });
      expect(next).toMatchObject({ status: 'Disconnected', since: 500, lastError: 'socket hang up' });
    });

    it('should go Unstable → Disconnected', () => {
      const next = run(connected(), [quality(200, true), { type: 'disconnected', at: 500, reason: 'forced' }]);
      expect(next.status).toBe('Disconnected');
    });
  });

  describe('reconnecting', () => {
    const lost = (): LinkState => nextLinkState(connected(), { type: 'disconnected', at: 500, reason: 'reset' });

    it('should go Disconnected → Reconnecting on retryScheduled, with the attempt and nextRetryAt', () => {
      const next = nextLinkState(lost(), {
        type: 'retryScheduled',
        at: 600,
        attempt: 1,
        maxAttempts: 5,
        delayMs: 2_000,
      });
      expect(next).toMatchObject({
        status: 'Reconnecting',
        since: 600,
        attempt: 1,
        maxAttempts: 5,
        nextRetryAt: 2_600,
      });
    });

    it('should be Reconnecting on connecting after a first open, even at attempt 0', () => {
      const next = nextLinkState(lost(), { type: 'connecting', at: 500, attempt: 0, maxAttempts: 5 });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 500, attempt: 0 });
    });

    it('should be Reconnecting on a retry of a first connection that never opened', () => {
      const next = nextLinkState(initialLinkState(0), { type: 'connecting', at: 2_000, attempt: 1, maxAttempts: 5 });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 2_000, attempt: 1 });
    });

    it('should keep Reconnecting and its since on the scheduled attempt, clearing nextRetryAt', () => {
      const scheduled = nextLinkState(lost(), {
        type: 'retryScheduled',
        at: 600,
        attempt: 1,
        maxAttempts: 5,
        delayMs: 2_000,
      });
      const next = nextLinkState(scheduled, { type: 'connecting', at: 2_600, attempt: 1, maxAttempts: 5 });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 600, attempt: 1 });
      expect(next.nextRetryAt).toBeUndefined();
    });

    it('should record a failed attempt without changing the status', () => {
      const attempting = nextLinkState(lost(), { type: 'connecting', at: 500, attempt: 1, maxAttempts: 5 });
      const next = nextLinkState(attempting, { type: 'connectFailed', at: 700, attempt: 1, error: 'ECONNREFUSED' });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 500, lastError: 'ECONNREFUSED' });
    });

    it('should go Reconnecting → Connected on open, clearing nextRetryAt and the last error', () => {
      const next = run(lost(), [
        { type: 'retryScheduled', at: 600, attempt: 1, maxAttempts: 5, delayMs: 2_000 },
        { type: 'connecting', at: 2_600, attempt: 1, maxAttempts: 5 },
        { type: 'connectFailed', at: 2_700, attempt: 1, error: 'ECONNREFUSED' },
        { type: 'retryScheduled', at: 2_700, attempt: 2, maxAttempts: 5, delayMs: 4_000 },
        { type: 'connecting', at: 6_700, attempt: 2, maxAttempts: 5 },
        { type: 'open', at: 6_800, attempt: 2 },
      ]);
      expect(next).toMatchObject({ status: 'Connected', since: 6_800, attempt: 2 });
      expect(next.nextRetryAt).toBeUndefined();
      expect(next.lastError).toBeUndefined();
    });

    it('should go Reconnecting → Failed when the budget is spent', () => {
      const next = run(lost(), [
        { type: 'retryScheduled', at: 600, attempt: 5, maxAttempts: 5, delayMs: 32_000 },
        { type: 'failed', at: 40_000, attempts: 5, error: 'ECONNREFUSED' },
      ]);
      expect(next).toMatchObject({ status: 'Failed', since: 40_000, lastError: 'ECONNREFUSED' });
      expect(next.nextRetryAt).toBeUndefined();
    });

    it('should go Failed → Reconnecting when a manual reconnect or the recovery probe starts a cycle', () => {
      const failed = nextLinkState(lost(), { type: 'failed', at: 40_000, attempts: 5, error: 'x' });
      const next = nextLinkState(failed, { type: 'connecting', at: 340_000, attempt: 0, maxAttempts: 5 });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 340_000, attempt: 0 });
    });
  });

  describe('when the engine says whether an attempt is a reconnect', () => {
    it('should be Reconnecting on a reconnect at attempt 0 before any open (a manual reconnect after Failed)', () => {
      const failed = run(initialLinkState(0), [
        { type: 'retryScheduled', at: 10, attempt: 5, maxAttempts: 5, delayMs: 32_000 },
        { type: 'failed', at: 40_000, attempts: 5, error: 'ECONNREFUSED' },
      ]);
      const next = nextLinkState(failed, {
        type: 'connecting',
        at: 50_000,
        attempt: 0,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 50_000 });
    });

    it('should be Connecting on the first attempt of the handle', () => {
      const next = nextLinkState(initialLinkState(0), {
        type: 'connecting',
        at: 0,
        attempt: 0,
        maxAttempts: 5,
        reconnect: false,
      });
      expect(next.status).toBe('Connecting');
    });

    it('should let the flag decide, and infer it only when absent', () => {
      const fresh = initialLinkState(0);
      const used = connected();
      expect(isReconnect(fresh, { attempt: 0 })).toBe(false);
      expect(isReconnect(fresh, { attempt: 1 })).toBe(true);
      expect(isReconnect(used, { attempt: 0 })).toBe(true);
      expect(isReconnect(fresh, { attempt: 0, reconnect: true })).toBe(true);
      expect(isReconnect(used, { attempt: 3, reconnect: false })).toBe(false);
    });
  });

  describe.each<ConnectionSignal>([
    { type: 'heartbeatTimeout', at: 900, silentMs: 60_000, timeoutMs: 60_000 },
    { type: 'error', at: 900, message: 'bad frame' },
    { type: 'dataResumed', at: 900, silentMs: 0, afterOpen: true },
  ])('on $type', (signal) => {
    it('should return the state unchanged', () => {
      const state = connected();
      expect(nextLinkState(state, signal)).toBe(state);
    });
  });

  describe('closed', () => {
    it('should go to Disconnected and mark the handle closed', () => {
      const next = nextLinkState(connected(), { type: 'closed', at: 1_000 });
      expect(next).toMatchObject({ status: 'Disconnected', since: 1_000, closedByApp: true });
    });

    it('should be final: later signals return the same state (property)', () => {
      fc.assert(
        fc.property(fc.array(anyUnstampedSignal, { maxLength: 20 }), (signals) => {
          const closed = nextLinkState(connected(), { type: 'closed', at: 1_000 });
          let state = closed;
          signals.forEach((signal, i) => {
            state = nextLinkState(state, stamp(signal, 1_000 + i));
          });
          expect(state).toBe(closed);
        }),
      );
    });
  });

  it('should change since exactly when the status changes (property)', () => {
    fc.assert(
      fc.property(signalSequence(0), (signals) => {
        let state = initialLinkState(0);
        for (const signal of signals) {
          const next = nextLinkState(state, signal);
          if (next.status === state.status) expect(next.since).toBe(state.since);
          else expect(next.since).toBe(signal.at);
          state = next;
        }
      }),
    );
  });

  it('should never mutate the state it is given (property)', () => {
    fc.assert(
      fc.property(signalSequence(0, 10), (signals) => {
        let state = initialLinkState(0);
        for (const signal of signals) {
          const copy = { ...state };
          const next = nextLinkState(state, signal);
          expect(state).toEqual(copy);
          state = next;
        }
      }),
    );
  });
});
