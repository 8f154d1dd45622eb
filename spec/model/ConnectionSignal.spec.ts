import { connectionEventTypes } from '../../src/model/ConnectionEventType';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { ConnectionSignal, ConnectionSignalType } from '../../src/model/ConnectionSignal';
import { initialConnectionState, nextConnectionState } from '../../src/model/ConnectionState';
import { initialStats, updateStats } from '../../src/model/ConnectionStats';
import { initialLinkModel, nextLinkModel } from '../../src/model/LinkModel';
import { linkEvents } from '../../src/model/linkEvents';

// One signal of every type; the Record type makes the compiler fail if a type is added or removed.
const examples: Record<ConnectionSignalType, ConnectionSignal> = {
  connecting: { type: 'connecting', at: 1_000, attempt: 1, maxAttempts: 5, reconnect: true },
  open: { type: 'open', at: 1_000, attempt: 1, reconnect: true },
  disconnected: { type: 'disconnected', at: 1_000, reason: 'reset', code: 1006 },
  connectFailed: { type: 'connectFailed', at: 1_000, attempt: 1, error: 'ECONNREFUSED', reconnect: true },
  retryScheduled: { type: 'retryScheduled', at: 1_000, attempt: 2, maxAttempts: 5, delayMs: 4_000 },
  failed: { type: 'failed', at: 1_000, attempts: 5, error: 'ECONNREFUSED' },
  heartbeatTimeout: { type: 'heartbeatTimeout', at: 1_000, silentMs: 61_000, timeoutMs: 60_000 },
  error: { type: 'error', at: 1_000, message: 'bad frame' },
  dataResumed: { type: 'dataResumed', at: 1_000, silentMs: 30_000, afterOpen: false },
  roundTrip: { type: 'roundTrip', at: 1_000, source: 'heartbeat', latencyMs: 1_500 },
  pingLost: { type: 'pingLost', at: 1_000 },
  checkFailed: { type: 'checkFailed', at: 1_000, error: 'probe timed out', initial: false },
  throughput: { type: 'throughput', at: 1_000, messagesPerSecond: 40 },
  closed: { type: 'closed', at: 1_000 },
  budgetWait: { type: 'budgetWait', at: 1_000, waitMs: 2_000 },
  failover: { type: 'failover', at: 1_000, from: 'wss://a.example/ws', to: 'wss://b.example/ws', reason: 'refused' },
  feedStale: { type: 'feedStale', at: 1_000, feed: 'trades', silentMs: 30_000, resubscribed: true },
  feedResumed: { type: 'feedResumed', at: 1_000, feed: 'trades', silentMs: 45_000 },
  feedLag: {
    type: 'feedLag',
    at: 1_000,
    feeds: [
      {
        feed: 'trades',
        lastMs: 40,
        smoothedMs: 45,
        maxMs: 90,
        p95Ms: 80,
        recent: 20,
        stale: false,
        maxLagMs: 1_000,
        samples: 20,
        invalid: 0,
      },
    ],
  },
  forecast: {
    type: 'forecast',
    at: 1_000,
    currentMs: 400,
    projectedMs: 1_200,
    slopeMsPerSecond: 13,
    horizonMs: 60_000,
  },
  step: { type: 'step', at: 1_000, step: 'handshake' },
  subscription: { type: 'subscription', at: 1_000, name: 'trades', verdict: 'rejected', reason: 'unknown symbol' },
  resynced: { type: 'resynced', at: 1_000, ms: 120 },
  setUp: { type: 'setUp', at: 1_000, setUp: true, ms: 340 },
  outbound: { type: 'outbound', at: 1_000, confirmed: false, silentMs: 5_000 },
  stall: { type: 'stall', at: 1_000, lagMs: 1_400 },
  renewal: { type: 'renewal', at: 1_000, phase: 'done', ageMs: 82_800_000, overlapMs: 350 },
};

describe('ConnectionSignal', () => {
  // The 'quality' signal is gone (no feedback loop); four measurement signals feed the one fold instead,
  // and eight more report the session (steps, subscriptions, resync, ready, an aged socket's replacement),
  // the outbound path, stalls and the feeds' lag figures.
  it('should have exactly the twenty-seven signal types the engine reports', () => {
    expect(Object.keys(examples).sort()).toEqual(
      [
        'connecting',
        'open',
        'disconnected',
        'connectFailed',
        'retryScheduled',
        'failed',
        'heartbeatTimeout',
        'error',
        'dataResumed',
        'roundTrip',
        'pingLost',
        'checkFailed',
        'throughput',
        'closed',
        'budgetWait',
        'failover',
        'feedStale',
        'feedResumed',
        'feedLag',
        'forecast',
        'step',
        'subscription',
        'resynced',
        'setUp',
        'outbound',
        'stall',
        'renewal',
      ].sort(),
    );
  });

  describe.each(Object.values(examples))('$type', (signal) => {
    const open: ConnectionSignal = { type: 'open', at: 500, attempt: 0, reconnect: false };
    const connected = nextConnectionState(initialConnectionState(0, 5), open);
    const connectedModel = nextLinkModel(initialLinkModel(0, 5), open, defaultQualityThresholds);

    it('should be accepted by the status reducer, which stamps any change with its time', () => {
      const next = nextConnectionState(connected, signal);
      expect(next.since === connected.since || next.since === signal.at).toBe(true);
    });

    it('should be accepted by the statistics reducer', () => {
      const stats = updateStats(initialStats(0), signal);
      expect(stats.connectionStartTime).toBe(0);
    });

    it('should be accepted by the fold, which stamps any status change with its time', () => {
      const next = nextLinkModel(connectedModel, signal, defaultQualityThresholds);
      expect(next.state.since === connectedModel.state.since || next.state.since === signal.at).toBe(true);
      expect(next.stats.connectionStartTime).toBe(0);
    });

    it('should yield only known events stamped with its time', () => {
      const next = nextLinkModel(connectedModel, signal, defaultQualityThresholds);
      for (const event of linkEvents(connectedModel, signal, next, defaultQualityThresholds)) {
        expect(connectionEventTypes).toContain(event.type);
        expect(event.timestamp).toBe(signal.at);
      }
    });
  });
});
