import * as fc from 'fast-check';
import { ConnectionEvent } from '../../src/index';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { LinkModel, initialLinkModel, nextLinkModel } from '../../src/model/LinkModel';
import { linkEvents } from '../../src/model/linkEvents';
import { anyUnstampedSignal, signalSequence, stamp } from './arbitraries';

const thresholds = defaultQualityThresholds;
const step = (model: LinkModel, signal: ConnectionSignal): LinkModel => nextLinkModel(model, signal, thresholds);

/** Feeds a signal through the fold and returns the events its transition produces. */
const eventsOf = (model: LinkModel, signal: ConnectionSignal): readonly ConnectionEvent[] =>
  linkEvents(model, signal, step(model, signal), thresholds);

const run = (signals: readonly ConnectionSignal[], model = initialLinkModel(0, 5)): LinkModel =>
  signals.reduce(step, model);

/** A heartbeat round trip; the first one after an open sets the average latency. */
const roundTrip = (at: number, latencyMs: number): ConnectionSignal => ({
  type: 'roundTrip',
  at,
  source: 'heartbeat',
  latencyMs,
});
/** 1234.6 ms: over the 1000 ms latency warning, so the link turns poor. */
const slow = (at: number): ConnectionSignal => roundTrip(at, 1234.6);
const checkFailed = (at: number): ConnectionSignal => ({ type: 'checkFailed', at, error: 'timeout', initial: false });

const connected = (): LinkModel => run([{ type: 'open', at: 100, attempt: 0, reconnect: false }]);
const unstable = (): LinkModel => run([slow(150)], connected());
const reconnecting = (): LinkModel =>
  run(
    [
      { type: 'disconnected', at: 200, reason: 'reset' },
      { type: 'retryScheduled', at: 200, attempt: 1, maxAttempts: 5, delayMs: 2_000 },
    ],
    connected(),
  );

describe('linkEvents', () => {
  describe('connecting', () => {
    it('should produce nothing on the very first attempt', () => {
      expect(
        eventsOf(initialLinkModel(0, 5), { type: 'connecting', at: 0, attempt: 0, maxAttempts: 5, reconnect: false }),
      ).toEqual([]);
    });

    it('should produce a ReconnectAttempt (severity 2) with the attempt as retryCount after a first open', () => {
      const state = run([{ type: 'disconnected', at: 200, reason: 'reset' }], connected());
      const events = eventsOf(state, { type: 'connecting', at: 2_200, attempt: 1, maxAttempts: 5, reconnect: true });
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
      const events = eventsOf(reconnecting(), {
        type: 'connecting',
        at: 2_200,
        attempt: 3,
        maxAttempts: Infinity,
        reconnect: true,
      });
      expect(events[0]?.description).toBe('reconnect attempt 3/∞');
    });

    it('should produce a ReconnectAttempt for a retry of a first connection that never opened', () => {
      const events = eventsOf(initialLinkModel(0, 5), {
        type: 'connecting',
        at: 2_000,
        attempt: 1,
        maxAttempts: 5,
        reconnect: true,
      });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectAttempt', 1]]);
    });
  });

  describe('open', () => {
    it('should produce Connected (severity 1) on the first open', () => {
      expect(eventsOf(initialLinkModel(0, 5), { type: 'open', at: 100, attempt: 0, reconnect: false })).toEqual([
        { type: 'Connected', severity: 1, timestamp: 100, description: 'connected', retryCount: 0 },
      ]);
    });

    it('should produce ReconnectSuccess (severity 1) with the attempt as retryCount after a first open', () => {
      const events = eventsOf(reconnecting(), { type: 'open', at: 2_300, attempt: 1, reconnect: true });
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
      const [event] = eventsOf(state, { type: 'open', at: 250, attempt: 0, reconnect: true });
      expect(event).toMatchObject({ type: 'ReconnectSuccess', description: 'reconnected after an immediate try' });
    });

    it('should produce ReconnectSuccess when a retried first connection opens', () => {
      const events = eventsOf(initialLinkModel(0, 5), { type: 'open', at: 2_100, attempt: 1, reconnect: true });
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
      expect(eventsOf(initialLinkModel(0, 5), { type: 'disconnected', at: 500, reason: 'x' })).toEqual([]);
    });
  });

  describe('connectFailed', () => {
    it('should produce ErrorOccurred (severity 4) when the initial attempt fails', () => {
      const events = eventsOf(initialLinkModel(0, 5), {
        type: 'connectFailed',
        at: 30,
        attempt: 0,
        error: 'ECONNREFUSED',
        reconnect: false,
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
      const attempting = run(
        [{ type: 'connecting', at: 2_200, attempt: 1, maxAttempts: 5, reconnect: true }],
        reconnecting(),
      );
      const events = eventsOf(attempting, {
        type: 'connectFailed',
        at: 2_250,
        attempt: 1,
        error: 'ECONNREFUSED',
        reconnect: true,
      });
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
      const events = eventsOf(state, { type: 'connectFailed', at: 250, attempt: 0, error: 'x', reconnect: true });
      expect(events.map((e) => [e.type, e.retryCount])).toEqual([['ReconnectFailed', 0]]);
    });
  });

  describe('when the engine marks an attempt as a reconnect before any open', () => {
    // A manual reconnect after a first cycle that never connected: attempt 0, but not the first try.
    const failed = (): LinkModel =>
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
      const events = eventsOf(initialLinkModel(0, 5), { type: 'open', at: 100, attempt: 0, reconnect: false });
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

  describe('feeds', () => {
    it('should produce ErrorOccurred (severity 4) for a silent feed, and DataReceived when it speaks', () => {
      expect(
        eventsOf(connected(), { type: 'feedStale', at: 30_100, feed: 'trades', silentMs: 30_000, resubscribed: true }),
      ).toEqual([
        {
          type: 'ErrorOccurred',
          severity: 4,
          timestamp: 30_100,
          description: 'feed trades stale: no message for 30s; resubscribed',
          errorMessage: 'feed trades stale',
          retryCount: 0,
        },
      ]);
      const [resumed] = eventsOf(connected(), { type: 'feedResumed', at: 42_000, feed: 'trades', silentMs: 41_900 });
      expect(resumed).toMatchObject({
        type: 'DataReceived',
        description: 'feed trades resumed after 41.9s of silence',
      });
    });

    it('should produce ErrorOccurred (severity 4) for a feed stale for its lag, saying how far behind', () => {
      const stale: ConnectionSignal = {
        type: 'feedStale',
        at: 5_000,
        feed: 'trades',
        reason: 'lag',
        lagMs: 2_512,
        maxLagMs: 1_000,
      };
      expect(eventsOf(connected(), stale)).toEqual([
        {
          type: 'ErrorOccurred',
          severity: 4,
          timestamp: 5_000,
          description: "feed trades stale: its messages arrive 2.512s behind the exchange's time (maxLag 1s)",
          errorMessage: 'feed trades stale (lag)',
          retryCount: 0,
        },
      ]);
    });

    it('should produce QualityImproved (severity 1) when a feed stale for its lag has caught up', () => {
      const caughtUp: ConnectionSignal = { type: 'feedResumed', at: 6_200, feed: 'trades', reason: 'lag', lagMs: 40 };
      expect(eventsOf(connected(), caughtUp)).toEqual([
        {
          type: 'QualityImproved',
          severity: 1,
          timestamp: 6_200,
          description: "feed trades caught up: its messages arrive 0.04s behind the exchange's time",
          retryCount: 0,
        },
      ]);
    });

    it('should produce nothing for the feeds’ lag figures', () => {
      expect(eventsOf(connected(), { type: 'feedLag', at: 1_000, feeds: [] })).toEqual([]);
    });
  });

  describe('checkFailed', () => {
    it('should produce ErrorOccurred (severity 4) naming the failed connection check', () => {
      expect(eventsOf(connected(), checkFailed(700))).toEqual([
        {
          type: 'ErrorOccurred',
          severity: 4,
          timestamp: 700,
          description: 'error on the link',
          errorMessage: 'connection check failed: timeout',
          retryCount: 0,
        },
      ]);
    });

    it('should say that the initial check only warns', () => {
      const [event] = eventsOf(connected(), { type: 'checkFailed', at: 700, error: 'HTTP 503', initial: true });
      expect(event?.errorMessage).toBe('initial connection check failed (continuing): HTTP 503');
    });
  });

  // The 'quality' signal is gone: the judgement flips inside the fold, so these cases drive it with
  // round trips and failed checks, and the score in the description is the one the fold computed.
  describe('quality', () => {
    it('should produce QualityDegraded (severity 2) with the rounded latency when quality turns poor', () => {
      const events = eventsOf(connected(), slow(300));
      // 0.3 × 40.28 (1234.6 ms) + 20 + 20 + 20 + 0.1 × 66.7 (up 200 of 300 ms) = 78.75
      expect(events).toEqual([
        {
          type: 'QualityDegraded',
          severity: 2,
          timestamp: 300,
          description: 'quality degraded: score 78.8, warnings: latency',
          latencyMs: 1235,
          retryCount: 0,
        },
      ]);
    });

    it('should produce QualityImproved (severity 1) when quality recovers', () => {
      // 1234.6 + 0.3 × (50 − 1234.6) = 879.2 ms, under the warning.
      const events = eventsOf(unstable(), roundTrip(400, 50));
      expect(events).toEqual([
        {
          type: 'QualityImproved',
          severity: 1,
          timestamp: 400,
          description: 'quality improved: score 85.2',
          latencyMs: 879,
          retryCount: 0,
        },
      ]);
    });

    it('should produce nothing when the judgement does not change', () => {
      expect(eventsOf(connected(), roundTrip(300, 40))).toEqual([]);
      expect(eventsOf(unstable(), slow(300))).toEqual([]);
    });

    it('should carry no latency when the error rate, not the latency, turned it poor', () => {
      // α = 0.05: the third failed check takes the error rate to 14.3 %, over the 10 % warning.
      const twoFailed = run([checkFailed(200), checkFailed(250)], connected());
      const events = eventsOf(twoFailed, checkFailed(300));
      expect(events.map((e) => e.type)).toEqual(['ErrorOccurred', 'QualityDegraded']);
      expect(events[1]).toEqual({
        type: 'QualityDegraded',
        severity: 2,
        timestamp: 300,
        description: 'quality degraded: score 61.0, warnings: errorRate',
        retryCount: 0,
      });
    });

    it('should follow the judgement whatever signal moves it: a new socket starts the error rate afresh', () => {
      const down = run(
        [checkFailed(200), checkFailed(250), checkFailed(300), { type: 'disconnected', at: 400, reason: 'reset' }],
        connected(),
      );
      expect(down.state).toMatchObject({ status: 'Disconnected', poor: true });
      const events = eventsOf(down, { type: 'open', at: 500, attempt: 0, reconnect: true });
      expect(events.map((e) => e.type)).toEqual(['ReconnectSuccess', 'QualityImproved']);
      expect(events[1]).not.toHaveProperty('latencyMs');
    });

    // Prediction travels in the forecast signal now (the quality signal's `predicted` is gone).
    it('should carry the predicted flag from the latency-trend predictor', () => {
      const [event] = eventsOf(connected(), {
        type: 'forecast',
        at: 300,
        currentMs: 412.4,
        projectedMs: 1_180,
        slopeMsPerSecond: 12.8,
        horizonMs: 60_000,
      });
      expect(event).toMatchObject({ type: 'QualityDegraded', severity: 2, latencyMs: 412, predicted: true });
      expect(event?.description).toContain('(predicted from the latency trend)');
    });

    it('should raise no forecast for a link already judged poor', () => {
      const forecast: ConnectionSignal = {
        type: 'forecast',
        at: 300,
        currentMs: 1_300,
        projectedMs: 2_000,
        slopeMsPerSecond: 12.8,
        horizonMs: 60_000,
      };
      expect(eventsOf(unstable(), forecast)).toEqual([]);
    });

    it('should leave predicted unset when the score judged the link', () => {
      const [event] = eventsOf(connected(), slow(300));
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
          let model = step(connected(), { type: 'closed', at: 1_000 });
          signals.forEach((unstamped, i) => {
            const signal = stamp(unstamped, 1_001 + i);
            expect(eventsOf(model, signal)).toEqual([]);
            model = step(model, signal);
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

  it.each<ConnectionSignal>([
    roundTrip(300, 40),
    { type: 'pingLost', at: 300 },
    { type: 'throughput', at: 300, messagesPerSecond: 25 },
    { type: 'budgetWait', at: 300, waitMs: 1_000 },
  ])('should produce nothing on $type while the judgement holds', (signal) => {
    expect(eventsOf(connected(), signal)).toEqual([]);
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
        let model = initialLinkModel(0, 5);
        for (const signal of signals) {
          const next = step(model, signal);
          const events = linkEvents(model, signal, next, thresholds);
          // One event of the signal's own at most, plus, now that any signal can flip the judgement
          // inside the fold (no quality signal of its own any more), the QualityDegraded/Improved last.
          const flipped = !model.state.closedByApp && model.state.poor !== next.state.poor;
          expect(events.length).toBeLessThanOrEqual(flipped ? 2 : 1);
          if (flipped) expect(events.at(-1)?.type).toBe(next.state.poor ? 'QualityDegraded' : 'QualityImproved');
          for (const event of events) {
            expect(event.timestamp).toBe(signal.at);
            expect(event.severity).toBe(severities[event.type]);
          }
          model = next;
        }
      }),
    );
  });
});
