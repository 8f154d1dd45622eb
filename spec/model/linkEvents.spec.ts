import * as fc from 'fast-check';
import { ConnectionEvent, ConnectionQuality, LinkState, initialLinkState, nextLinkState } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { linkEvents } from '../../src/model/linkEvents';
import { anyUnstampedSignal, signalSequence, stamp } from './arbitraries';

/** Feeds a signal through the machine and returns the events it produces. */
const eventsOf = (state: LinkState, signal: ConnectionSignal): ConnectionEvent[] =>
  linkEvents(state, signal, nextLinkState(state, signal));

const run = (signals: readonly ConnectionSignal[], state = initialLinkState(0)): LinkState =>
  signals.reduce(nextLinkState, state);

const connected = (): LinkState => run([{ type: 'open', at: 100, attempt: 0 }]);
const unstable = (): LinkState => run([quality(150, true)], connected());
const reconnecting = (): LinkState =>
  run(
    [
      { type: 'disconnected', at: 200, reason: 'reset' },
      { type: 'retryScheduled', at: 200, attempt: 1, maxAttempts: 5, delayMs: 2_000 },
    ],
    connected(),
  );

function quality(at: number, poor: boolean, extra: Partial<Extract<ConnectionSignal, { type: 'quality' }>> = {}) {
  const q: ConnectionQuality = { ...initialQuality, averageLatencyMs: 1234.6, latencySamples: 3 };
  return { type: 'quality', at, quality: q, score: poor ? 55.54 : 91.26, poor, warnings: [], ...extra } as const;
}

describe('linkEvents', () => {
  describe('connecting', () => {
    it('should produce nothing on the very first attempt', () => {
      expect(eventsOf(initialLinkState(0), { type: 'connecting', at: 0, attempt: 0, maxAttempts: 5 })).toEqual([]);
    });

    it('should produce a ReconnectAttempt (severity 2) with the attempt as retryCount after a first open', () => {
      const state = run([{ type: 'disconnected', at: 200, reason: 'reset' }], connected());
      const events = eventsOf(state, { type: 'connecting', at: 2_200, attempt: 1, maxAttempts: 5 });
      expect(events).toEqual([
        {
          type: 'ReconnectAttempt',
          severity: 2,
          timestamp: 2_200,
          description: 'reconnect attempt 1/5',
          retryCount: 1,
        },
      ]);
    });

    it('should show an unlimited budget as ∞', () => {
      const events = eventsOf(reconnecting(), { type: 'connecting', at: 2_200, attempt: 3, maxAttempts: Infinity });
      expect(events[0]?.description).toBe('reconnect attempt 3/∞');
    });

    it('should produce a ReconnectAttempt for a retry of a first connection that never opened', () => {
      const events = eventsOf(initialLinkState(0), { type: 'connecting', at: 2_000, attempt: 1, maxAttempts: 5 });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectAttempt', 1]]);
    });
  });

  describe('open', () => {
    it('should produce Connected (severity 1) on the first open', () => {
      expect(eventsOf(initialLinkState(0), { type: 'open', at: 100, attempt: 0 })).toEqual([
        { type: 'Connected', severity: 1, timestamp: 100, description: 'connected', retryCount: 0 },
      ]);
    });

    it('should produce ReconnectSuccess (severity 1) with the attempt as retryCount after a first open', () => {
      const events = eventsOf(reconnecting(), { type: 'open', at: 2_300, attempt: 1 });
      expect(events).toEqual([
        {
          type: 'ReconnectSuccess',
          severity: 1,
          timestamp: 2_300,
          description: 'reconnected after attempt 1',
          retryCount: 1,
        },
      ]);
    });

    it('should describe a reconnect on the immediate try', () => {
      const state = run([{ type: 'disconnected', at: 200, reason: 'reset' }], connected());
      const [event] = eventsOf(state, { type: 'open', at: 250, attempt: 0 });
      expect(event).toMatchObject({ type: 'ReconnectSuccess', description: 'reconnected after an immediate try' });
    });

    it('should produce ReconnectSuccess when a retried first connection opens', () => {
      const events = eventsOf(initialLinkState(0), { type: 'open', at: 2_100, attempt: 1 });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectSuccess', 1]]);
    });
  });

  describe('disconnected', () => {
    it('should produce Disconnected (severity 4) with the reason as the error message while Connected', () => {
      const events = eventsOf(connected(), {
        type: 'disconnected',
        at: 500,
        reason: 'closed by server (code 1006)',
        code: 1006,
      });
      expect(events).toEqual([
        {
          type: 'Disconnected',
          severity: 4,
          timestamp: 500,
          description: 'connection lost',
          errorMessage: 'closed by server (code 1006)',
          retryCount: 0,
        },
      ]);
    });

    it('should carry the reason when there is no close code', () => {
      const [event] = eventsOf(connected(), { type: 'disconnected', at: 500, reason: 'heartbeat timeout' });
      expect(event?.errorMessage).toBe('heartbeat timeout');
    });

    it('should produce Disconnected while Unstable', () => {
      const events = eventsOf(unstable(), { type: 'disconnected', at: 500, reason: 'forced' });
      expect(events.map((e) => e.type)).toEqual(['Disconnected']);
    });

    it('should produce nothing when the link was not up', () => {
      expect(eventsOf(reconnecting(), { type: 'disconnected', at: 500, reason: 'x' })).toEqual([]);
      expect(eventsOf(initialLinkState(0), { type: 'disconnected', at: 500, reason: 'x' })).toEqual([]);
    });
  });

  describe('connectFailed', () => {
    it('should produce ErrorOccurred (severity 4) when the initial attempt fails', () => {
      const events = eventsOf(initialLinkState(0), {
        type: 'connectFailed',
        at: 30,
        attempt: 0,
        error: 'ECONNREFUSED',
      });
      expect(events).toEqual([
        {
          type: 'ErrorOccurred',
          severity: 4,
          timestamp: 30,
          description: 'initial connection failed',
          errorMessage: 'ECONNREFUSED',
          retryCount: 0,
        },
      ]);
    });

    it('should produce ReconnectFailed (severity 3) with the attempt as retryCount on a retry', () => {
      const attempting = run([{ type: 'connecting', at: 2_200, attempt: 1, maxAttempts: 5 }], reconnecting());
      const events = eventsOf(attempting, { type: 'connectFailed', at: 2_250, attempt: 1, error: 'ECONNREFUSED' });
      expect(events).toEqual([
        {
          type: 'ReconnectFailed',
          severity: 3,
          timestamp: 2_250,
          description: 'reconnect attempt 1/5 failed',
          errorMessage: 'ECONNREFUSED',
          retryCount: 1,
        },
      ]);
    });

    it('should produce ReconnectFailed for the immediate try after a first open', () => {
      const state = run([{ type: 'disconnected', at: 200, reason: 'reset' }], connected());
      const events = eventsOf(state, { type: 'connectFailed', at: 250, attempt: 0, error: 'x' });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectFailed', 0]]);
    });
  });

  describe('when the engine marks an attempt as a reconnect before any open', () => {
    // A manual reconnect after a first cycle that never connected: attempt 0, but not the first try.
    const failed = (): LinkState =>
      run([
        { type: 'retryScheduled', at: 10, attempt: 5, maxAttempts: 5, delayMs: 32_000 },
        { type: 'failed', at: 40_000, attempts: 5, error: 'ECONNREFUSED' },
      ]);

    it('should produce ReconnectAttempt on connecting', () => {
      const events = eventsOf(failed(), {
        type: 'connecting',
        at: 50_000,
        attempt: 0,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectAttempt', 0]]);
    });

    it('should produce ReconnectFailed, not the initial ErrorOccurred, on connectFailed', () => {
      const events = eventsOf(failed(), { type: 'connectFailed', at: 50_100, attempt: 0, error: 'x', reconnect: true });
      expect(events.map((e) => e.type)).toEqual(['ReconnectFailed']);
    });

    it('should produce ReconnectSuccess on open', () => {
      const events = eventsOf(failed(), { type: 'open', at: 50_100, attempt: 0, reconnect: true });
      expect(events.map((e) => e.type)).toEqual(['ReconnectSuccess']);
    });

    it('should produce Connected on an open marked as the first', () => {
      const events = eventsOf(initialLinkState(0), { type: 'open', at: 100, attempt: 0, reconnect: false });
      expect(events.map((e) => e.type)).toEqual(['Connected']);
    });
  });

  it('should produce ErrorOccurred (severity 4) with the attempts as retryCount when the link fails', () => {
    const events = eventsOf(reconnecting(), { type: 'failed', at: 70_000, attempts: 5, error: 'ECONNREFUSED' });
    expect(events).toEqual([
      {
        type: 'ErrorOccurred',
        severity: 4,
        timestamp: 70_000,
        description: 'connection failed after 5 retries; waiting for reconnect()',
        errorMessage: 'ECONNREFUSED',
        retryCount: 5,
      },
    ]);
    const [withRecovery] = eventsOf(reconnecting(), {
      type: 'failed',
      at: 70_000,
      attempts: 5,
      error: 'ECONNREFUSED',
      recoveryInMs: 300_000,
    });
    expect(withRecovery?.description).toBe(
      'connection failed after 5 retries; waiting for reconnect() or the recovery attempt in 300s',
    );
    const [single] = eventsOf(reconnecting(), { type: 'failed', at: 70_000, attempts: 1, error: 'x' });
    expect(single?.description).toContain('after 1 retry;');
  });

  it('should produce HeartbeatTimeout (severity 3) naming the silence and the timeout', () => {
    const events = eventsOf(connected(), { type: 'heartbeatTimeout', at: 61_000, silentMs: 61_500, timeoutMs: 60_000 });
    expect(events).toEqual([
      {
        type: 'HeartbeatTimeout',
        severity: 3,
        timestamp: 61_000,
        description: 'no pong or data for 61.5s (timeout 60s)',
        retryCount: 0,
      },
    ]);
  });

  it('should produce ErrorOccurred (severity 4) with the message on an error', () => {
    const events = eventsOf(connected(), { type: 'error', at: 700, message: 'malformed JSON' });
    expect(events).toEqual([
      {
        type: 'ErrorOccurred',
        severity: 4,
        timestamp: 700,
        description: 'error on the link',
        errorMessage: 'malformed JSON',
        retryCount: 0,
      },
    ]);
  });

  describe('dataResumed', () => {
    it('should produce DataReceived (severity 1) for the first data after an open', () => {
      const events = eventsOf(connected(), { type: 'dataResumed', at: 150, silentMs: 50, afterOpen: true });
      expect(events).toEqual([
        {
          type: 'DataReceived',
          severity: 1,
          timestamp: 150,
          description: 'first data 0.05s after connect',
          retryCount: 0,
        },
      ]);
    });

    it('should produce DataReceived for data resuming after a silence', () => {
      const [event] = eventsOf(connected(), { type: 'dataResumed', at: 40_000, silentMs: 35_000, afterOpen: false });
      expect(event).toMatchObject({ type: 'DataReceived', description: 'data resumed after 35s of silence' });
    });
  });

  describe('quality', () => {
    it('should produce QualityDegraded (severity 2) with the rounded latency when quality turns poor', () => {
      const events = eventsOf(connected(), quality(300, true, { warnings: ['latency'] }));
      expect(events).toEqual([
        {
          type: 'QualityDegraded',
          severity: 2,
          timestamp: 300,
          description: 'quality degraded: score 55.5, warnings: latency',
          latencyMs: 1235,
          retryCount: 0,
        },
      ]);
    });

    it('should produce QualityImproved (severity 1) when quality recovers', () => {
      const events = eventsOf(unstable(), quality(400, false));
      expect(events).toEqual([
        {
          type: 'QualityImproved',
          severity: 1,
          timestamp: 400,
          description: 'quality improved: score 91.3',
          latencyMs: 1235,
          retryCount: 0,
        },
      ]);
    });

    it('should produce nothing when the judgement does not change', () => {
      expect(eventsOf(connected(), quality(300, false))).toEqual([]);
      expect(eventsOf(unstable(), quality(300, true))).toEqual([]);
    });

    it('should carry the predicted flag from the latency-trend predictor', () => {
      const [event] = eventsOf(connected(), quality(300, true, { predicted: true }));
      expect(event?.predicted).toBe(true);
      expect(event?.description).toContain('(predicted from the latency trend)');
    });

    it('should leave predicted unset when the score judged the link', () => {
      const [event] = eventsOf(connected(), quality(300, true, { predicted: false }));
      expect(event).not.toHaveProperty('predicted');
    });
  });

  describe('closed', () => {
    it('should produce Disconnected (severity 4) while Connected', () => {
      expect(eventsOf(connected(), { type: 'closed', at: 900 })).toEqual([
        { type: 'Disconnected', severity: 4, timestamp: 900, description: 'closed by the application', retryCount: 0 },
      ]);
    });

    it('should produce Disconnected while Unstable', () => {
      expect(eventsOf(unstable(), { type: 'closed', at: 900 }).map((e) => e.type)).toEqual(['Disconnected']);
    });

    it('should produce nothing when the link was not up', () => {
      expect(eventsOf(reconnecting(), { type: 'closed', at: 900 })).toEqual([]);
    });

    it('should produce nothing after the handle was closed, whatever comes (property)', () => {
      fc.assert(
        fc.property(fc.array(anyUnstampedSignal, { maxLength: 20 }), (signals) => {
          let state = nextLinkState(connected(), { type: 'closed', at: 1_000 });
          signals.forEach((unstamped, i) => {
            const signal = stamp(unstamped, 1_001 + i);
            expect(eventsOf(state, signal)).toEqual([]);
            state = nextLinkState(state, signal);
          });
        }),
      );
    });
  });

  it('should produce nothing on retryScheduled', () => {
    const state = run([{ type: 'disconnected', at: 200, reason: 'reset' }], connected());
    expect(eventsOf(state, { type: 'retryScheduled', at: 200, attempt: 1, maxAttempts: 5, delayMs: 2_000 })).toEqual(
      [],
    );
  });

  it('should stamp every event with the time of its signal and the severity of its type (property)', () => {
    const severities: Record<string, number> = {
      Connected: 1,
      Disconnected: 4,
      ReconnectAttempt: 2,
      ReconnectSuccess: 1,
      ReconnectFailed: 3,
      HeartbeatTimeout: 3,
      DataReceived: 1,
      ErrorOccurred: 4,
      QualityDegraded: 2,
      QualityImproved: 1,
    };
    fc.assert(
      fc.property(signalSequence(0), (signals) => {
        let state = initialLinkState(0);
        for (const signal of signals) {
          const next = nextLinkState(state, signal);
          const events = linkEvents(state, signal, next);
          expect(events.length).toBeLessThanOrEqual(1);
          for (const event of events) {
            expect(event.timestamp).toBe(signal.at);
            expect(event.severity).toBe(severities[event.type]);
          }
          state = next;
        }
      }),
    );
  });
});
