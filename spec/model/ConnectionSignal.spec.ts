import { initialLinkState, nextLinkState } from '../../src/index';
import { connectionEventTypes } from '../../src/model/ConnectionEventType';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { initialStats, updateStats } from '../../src/model/ConnectionStats';
import { linkEvents } from '../../src/model/linkEvents';
import { ConnectionSignalType } from '../../src/model/ConnectionSignal';

// One signal of every type; the Record type makes the compiler fail if a type is added or removed.
const examples: Record<ConnectionSignalType, ConnectionSignal> = {
  connecting: { type: 'connecting', at: 1_000, attempt: 1, maxAttempts: 5 },
  open: { type: 'open', at: 1_000, attempt: 1 },
  disconnected: { type: 'disconnected', at: 1_000, reason: 'reset', code: 1006 },
  connectFailed: { type: 'connectFailed', at: 1_000, attempt: 1, error: 'ECONNREFUSED' },
  retryScheduled: { type: 'retryScheduled', at: 1_000, attempt: 2, maxAttempts: 5, delayMs: 4_000 },
  failed: { type: 'failed', at: 1_000, attempts: 5, error: 'ECONNREFUSED' },
  heartbeatTimeout: { type: 'heartbeatTimeout', at: 1_000, silentMs: 61_000, timeoutMs: 60_000 },
  error: { type: 'error', at: 1_000, message: 'bad frame' },
  dataResumed: { type: 'dataResumed', at: 1_000, silentMs: 30_000, afterOpen: false },
  quality: { type: 'quality', at: 1_000, quality: initialQuality, score: 40, poor: true, warnings: ['latency'] },
  closed: { type: 'closed', at: 1_000 },
  budgetWait: { type: 'budgetWait', at: 1_000, waitMs: 2_000 },
  failover: { type: 'failover', at: 1_000, from: 'wss://a.example/ws', to: 'wss://b.example/ws', reason: 'refused' },
  feedStale: { type: 'feedStale', at: 1_000, feed: 'trades', silentMs: 30_000, resubscribed: true },
  feedResumed: { type: 'feedResumed', at: 1_000, feed: 'trades', silentMs: 45_000 },
  forecast: {
    type: 'forecast',
    at: 1_000,
    currentMs: 400,
    projectedMs: 1_200,
    slopeMsPerSecond: 13,
    horizonMs: 60_000,
  },
};

describe('ConnectionSignal', () => {
  it('should have exactly the sixteen signal types the engine reports', () => {
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
        'quality',
        'closed',
        'budgetWait',
        'failover',
        'feedStale',
        'feedResumed',
        'forecast',
      ].sort(),
    );
  });

  describe.each(Object.values(examples))('$type', (signal) => {
    const connected = nextLinkState(initialLinkState(0), { type: 'open', at: 500, attempt: 0 });

    it('should be accepted by the status reducer, which stamps any change with its time', () => {
      const next = nextLinkState(connected, signal);
      expect(next.since === connected.since || next.since === signal.at).toBe(true);
    });

    it('should be accepted by the statistics reducer', () => {
      const stats = updateStats(initialStats(0), signal);
      expect(stats.connectionStartTime).toBe(0);
    });

    it('should yield only known events stamped with its time', () => {
      for (const event of linkEvents(connected, signal, nextLinkState(connected, signal))) {
        expect(connectionEventTypes).toContain(event.type);
        expect(event.timestamp).toBe(signal.at);
      }
    });
  });
});
