import * as fc from 'fast-check';
import {
  ConnectionState,
  initialConnectionState,
  judgeQuality,
  nextConnectionState,
} from '../../src/model/ConnectionState';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { anyUnstampedSignal, signalSequence, stamp } from './arbitraries';

const run = (state: ConnectionState, signals: readonly ConnectionSignal[]): ConnectionState =>
  signals.reduce(nextConnectionState, state);

const initial = (now = 0): ConnectionState => initialConnectionState(now, 5);

/**
 * The quality judgement, as the fold makes it: the 'quality' signal is gone (no feedback loop), so
 * these cases call `judgeQuality`, the Connected ⇄ Unstable move the fold calls after each step.
 */
const judged = (state: ConnectionState, at: number, poor: boolean): ConnectionState => judgeQuality(state, poor, at);

const connected = (): ConnectionState => run(initial(), [{ type: 'open', at: 100, attempt: 0, reconnect: false }]);

describe('ConnectionState', () => {
  it('should start Connecting at attempt 0, not poor', () => {
    // No `everConnected` any more: the engine says whether an attempt is a reconnect (no inference).
    expect(initialConnectionState(1_000, 5)).toEqual({
      status: 'Connecting',
      since: 1_000,
      attempt: 0,
      maxAttempts: 5,
      poor: false,
      // The session (issue 13) and the outbound path (issue 10): not ready until open and set up.
      ready: false,
      setUp: false,
      outbound: 'confirmed',
    });
    expect(initialConnectionState(0, 9).maxAttempts).toBe(9);
  });

  it('should stay Connecting, with the same since, on the first connecting signal', () => {
    const state = initial();
    const next = nextConnectionState(state, {
      type: 'connecting',
      at: 50,
      attempt: 0,
      maxAttempts: 5,
      reconnect: false,
    });
    expect(next.status).toBe('Connecting');
    expect(next.since).toBe(0);
  });

  it('should go Connecting → Connected on open', () => {
    const next = connected();
    expect(next.status).toBe('Connected');
    expect(next.since).toBe(100);
  });

  describe('quality', () => {
    it('should go Connected → Unstable when quality turns poor', () => {
      const next = judged(connected(), 200, true);
      expect(next).toMatchObject({ status: 'Unstable', since: 200, poor: true });
    });

    it('should go Unstable → Connected when quality recovers', () => {
      const next = judged(judged(connected(), 200, true), 300, false);
      expect(next).toMatchObject({ status: 'Connected', since: 300, poor: false });
    });

    it('should keep Connected and its since when quality stays good', () => {
      const state = connected();
      const next = judged(state, 200, false);
      expect(next.status).toBe('Connected');
      expect(next.since).toBe(100);
    });

    it('should keep Unstable and its since when quality stays poor', () => {
      const next = judged(judged(connected(), 200, true), 300, true);
      expect(next.status).toBe('Unstable');
      expect(next.since).toBe(200);
    });

    it('should only record the judgement while not connected', () => {
      const next = judged(initial(), 10, true);
      expect(next).toMatchObject({ status: 'Connecting', since: 0, poor: true });
    });

    it('should open as Unstable when quality was last judged poor', () => {
      const next = nextConnectionState(judged(initial(), 10, true), {
        type: 'open',
        at: 20,
        attempt: 0,
        reconnect: false,
      });
      expect(next.status).toBe('Unstable');
    });

    it('should return the same state when the judgement does not change', () => {
      const state = connected();
      expect(judgeQuality(state, false, 200)).toBe(state);
      const unstable = judged(state, 200, true);
      expect(judgeQuality(unstable, true, 300)).toBe(unstable);
    });

    it('should not move a handle the application closed', () => {
      const closed = nextConnectionState(connected(), { type: 'closed', at: 1_000 });
      expect(judgeQuality(closed, true, 1_100)).toBe(closed);
    });
  });

  describe('losing the link', () => {
    it('should go Connected → Disconnected with the reason as the last error', () => {
      const next = nextConnectionState(connected(), {
        type: 'disconnected',
        at: 500,
        reason: 'socket hang up',
        code: 1006,
      });
      expect(next).toMatchObject({ status: 'Disconnected', since: 500, lastError: 'socket hang up' });
    });

    it('should go Unstable → Disconnected', () => {
      const next = nextConnectionState(judged(connected(), 200, true), {
        type: 'disconnected',
        at: 500,
        reason: 'forced',
      });
      expect(next.status).toBe('Disconnected');
    });
  });

  describe('reconnecting', () => {
    const lost = (): ConnectionState =>
      nextConnectionState(connected(), { type: 'disconnected', at: 500, reason: 'reset' });

    it('should go Disconnected → Reconnecting on retryScheduled, with the attempt and nextRetryAt', () => {
      const next = nextConnectionState(lost(), {
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
      const next = nextConnectionState(lost(), {
        type: 'connecting',
        at: 500,
        attempt: 0,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 500, attempt: 0 });
    });

    it('should be Reconnecting on a retry of a first connection that never opened', () => {
      const next = nextConnectionState(initial(), {
        type: 'connecting',
        at: 2_000,
        attempt: 1,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 2_000, attempt: 1 });
    });

    it('should keep Reconnecting and its since on the scheduled attempt, clearing nextRetryAt', () => {
      const scheduled = nextConnectionState(lost(), {
        type: 'retryScheduled',
        at: 600,
        attempt: 1,
        maxAttempts: 5,
        delayMs: 2_000,
      });
      const next = nextConnectionState(scheduled, {
        type: 'connecting',
        at: 2_600,
        attempt: 1,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 600, attempt: 1 });
      expect(next.nextRetryAt).toBeUndefined();
    });

    it('should record a failed attempt without changing the status', () => {
      const attempting = nextConnectionState(lost(), {
        type: 'connecting',
        at: 500,
        attempt: 1,
        maxAttempts: 5,
        reconnect: true,
      });
      const next = nextConnectionState(attempting, {
        type: 'connectFailed',
        at: 700,
        attempt: 1,
        error: 'ECONNREFUSED',
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 500, lastError: 'ECONNREFUSED' });
    });

    it('should go Reconnecting → Connected on open, clearing nextRetryAt and the last error', () => {
      const next = run(lost(), [
        { type: 'retryScheduled', at: 600, attempt: 1, maxAttempts: 5, delayMs: 2_000 },
        { type: 'connecting', at: 2_600, attempt: 1, maxAttempts: 5, reconnect: true },
        { type: 'connectFailed', at: 2_700, attempt: 1, error: 'ECONNREFUSED', reconnect: true },
        { type: 'retryScheduled', at: 2_700, attempt: 2, maxAttempts: 5, delayMs: 4_000 },
        { type: 'connecting', at: 6_700, attempt: 2, maxAttempts: 5, reconnect: true },
        { type: 'open', at: 6_800, attempt: 2, reconnect: true },
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
      const failed = nextConnectionState(lost(), { type: 'failed', at: 40_000, attempts: 5, error: 'x' });
      const next = nextConnectionState(failed, {
        type: 'connecting',
        at: 340_000,
        attempt: 0,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 340_000, attempt: 0 });
    });
  });

  describe('when the engine says whether an attempt is a reconnect', () => {
    it('should be Reconnecting on a reconnect at attempt 0 before any open (a manual reconnect after Failed)', () => {
      const failed = run(initial(), [
        { type: 'retryScheduled', at: 10, attempt: 5, maxAttempts: 5, delayMs: 32_000 },
        { type: 'failed', at: 40_000, attempts: 5, error: 'ECONNREFUSED' },
      ]);
      const next = nextConnectionState(failed, {
        type: 'connecting',
        at: 50_000,
        attempt: 0,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(next).toMatchObject({ status: 'Reconnecting', since: 50_000 });
    });

    it('should be Connecting on the first attempt of the handle', () => {
      const next = nextConnectionState(initial(), {
        type: 'connecting',
        at: 0,
        attempt: 0,
        maxAttempts: 5,
        reconnect: false,
      });
      expect(next.status).toBe('Connecting');
    });

    // The flag is now required and alone decides (the engine always says; the inference from the
    // attempt number and an earlier open is deleted), so the "infer it when absent" cases are gone.
    it('should let the flag decide, whatever the attempt number and the history', () => {
      const fresh = initial();
      const used = nextConnectionState(connected(), { type: 'disconnected', at: 500, reason: 'reset' });
      const connecting = (attempt: number, reconnect: boolean): ConnectionSignal => ({
        type: 'connecting',
        at: 1_000,
        attempt,
        maxAttempts: 5,
        reconnect,
      });
      expect(nextConnectionState(fresh, connecting(0, false)).status).toBe('Connecting');
      expect(nextConnectionState(fresh, connecting(1, true)).status).toBe('Reconnecting');
      expect(nextConnectionState(used, connecting(0, true)).status).toBe('Reconnecting');
      expect(nextConnectionState(fresh, connecting(0, true)).status).toBe('Reconnecting');
      expect(nextConnectionState(used, connecting(3, false)).status).toBe('Connecting');
    });
  });

  describe('budgetWait', () => {
    const waiting = (): ConnectionState =>
      run(connected(), [
        { type: 'disconnected', at: 500, reason: 'reset' },
        { type: 'budgetWait', at: 600, waitMs: 4_000 },
      ]);

    it('should record when the budget lets the next attempt go, without changing the status', () => {
      expect(waiting()).toMatchObject({ status: 'Disconnected', since: 500, budgetWaitUntil: 4_600 });
    });

    // budgetWaitUntil used to be set and never cleared: the wait is over once an attempt starts or the link ends.
    it.each<ConnectionSignal>([
      { type: 'connecting', at: 4_600, attempt: 0, maxAttempts: 5, reconnect: true },
      { type: 'failed', at: 4_600, attempts: 5, error: 'ECONNREFUSED' },
      { type: 'closed', at: 4_600 },
    ])('should clear it on $type', (signal) => {
      expect(nextConnectionState(waiting(), signal).budgetWaitUntil).toBeUndefined();
    });
  });

  it('should take the endpoint a failover moves to, without changing the status', () => {
    const next = nextConnectionState(connected(), {
      type: 'failover',
      at: 700,
      from: 'wss://a.example/ws',
      to: 'wss://b.example/ws',
      reason: 'refused',
    });
    expect(next).toMatchObject({ status: 'Connected', since: 100, endpoint: 'wss://b.example/ws' });
  });

  describe.each<ConnectionSignal>([
    { type: 'heartbeatTimeout', at: 900, silentMs: 60_000, timeoutMs: 60_000 },
    { type: 'error', at: 900, message: 'bad frame' },
    { type: 'dataResumed', at: 900, silentMs: 0, afterOpen: true },
    // Measurements move the quality, and the fold judges it (judgeQuality): the status machine ignores them.
    { type: 'roundTrip', at: 900, source: 'heartbeat', latencyMs: 5_000 },
    { type: 'pingLost', at: 900 },
    { type: 'checkFailed', at: 900, error: 'timeout', initial: false },
    { type: 'throughput', at: 900, messagesPerSecond: 12 },
    { type: 'feedStale', at: 900, feed: 'trades', silentMs: 30_000, resubscribed: false },
    { type: 'feedResumed', at: 900, feed: 'trades', silentMs: 30_000 },
    { type: 'forecast', at: 900, currentMs: 400, projectedMs: 1_200, slopeMsPerSecond: 13, horizonMs: 60_000 },
  ])('on $type', (signal) => {
    it('should return the state unchanged', () => {
      const state = connected();
      expect(nextConnectionState(state, signal)).toBe(state);
    });
  });

  describe('closed', () => {
    it('should go to Disconnected and mark the handle closed', () => {
      const next = nextConnectionState(connected(), { type: 'closed', at: 1_000 });
      expect(next).toMatchObject({ status: 'Disconnected', since: 1_000, closedByApp: true });
    });

    it('should be final: later signals return the same state (property)', () => {
      fc.assert(
        fc.property(fc.array(anyUnstampedSignal, { maxLength: 20 }), (signals) => {
          const closed = nextConnectionState(connected(), { type: 'closed', at: 1_000 });
          let state = closed;
          signals.forEach((signal, i) => {
            state = nextConnectionState(state, stamp(signal, 1_000 + i));
          });
          expect(state).toBe(closed);
        }),
      );
    });
  });

  it('should change since exactly when the status changes, judged after each signal as the fold does (property)', () => {
    fc.assert(
      fc.property(signalSequence(0), fc.infiniteStream(fc.boolean()), (signals, judgements) => {
        let state = initial();
        const poor = judgements[Symbol.iterator]();
        for (const signal of signals) {
          const next = judgeQuality(nextConnectionState(state, signal), poor.next().value as boolean, signal.at);
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
        let state = initial();
        for (const signal of signals) {
          const copy = { ...state };
          const next = nextConnectionState(state, signal);
          expect(state).toEqual(copy);
          state = next;
        }
      }),
    );
  });
});
