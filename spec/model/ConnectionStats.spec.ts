import * as fc from 'fast-check';
import { ConnectionStats, reconnectSuccessRate, totalDowntime, uptimePercentage } from '../../src/index';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { initialStats, updateStats } from '../../src/model/ConnectionStats';
import { signalSequence } from './arbitraries';

const run = (start: number, signals: readonly ConnectionSignal[]): ConnectionStats =>
  signals.reduce(updateStats, initialStats(start));

describe('ConnectionStats', () => {
  it('should start with nothing counted and down (not yet connected) since now', () => {
    expect(initialStats(1_000)).toEqual({
      totalConnections: 0,
      totalDisconnections: 0,
      totalReconnectAttempts: 0,
      successfulReconnects: 0,
      connectionStartTime: 1_000,
      closedDowntime: 0,
      downSince: 1_000,
    });
  });

  it('should not count the first connection as a reconnect', () => {
    const stats = run(0, [
      { type: 'connecting', at: 0, attempt: 0, maxAttempts: 5, reconnect: false },
      { type: 'open', at: 300, attempt: 0, reconnect: false },
    ]);
    expect(stats.totalConnections).toBe(1);
    expect(stats.totalReconnectAttempts).toBe(0);
    expect(stats.successfulReconnects).toBe(0);
    expect(stats.downSince).toBeUndefined();
    expect(stats.closedDowntime).toBe(300);
  });

  // The engine marks every attempt but the handle's very first as a reconnect (no inference from the attempt).
  it('should count retries of a failing first connection as reconnect attempts', () => {
    const stats = run(0, [
      { type: 'connecting', at: 0, attempt: 0, maxAttempts: 5, reconnect: false },
      { type: 'connectFailed', at: 10, attempt: 0, error: 'refused', reconnect: false },
      { type: 'connecting', at: 2_010, attempt: 1, maxAttempts: 5, reconnect: true },
      { type: 'open', at: 2_050, attempt: 1, reconnect: true },
    ]);
    expect(stats.totalReconnectAttempts).toBe(1);
    expect(stats.successfulReconnects).toBe(1);
    expect(stats.totalConnections).toBe(1);
  });

  it('should count a lost link, every reconnect attempt and every successful one', () => {
    const stats = run(0, [
      { type: 'open', at: 0, attempt: 0, reconnect: false },
      { type: 'disconnected', at: 10_000, reason: 'reset' },
      { type: 'connecting', at: 10_000, attempt: 0, maxAttempts: 5, reconnect: true },
      { type: 'connectFailed', at: 10_100, attempt: 0, error: 'refused', reconnect: true },
      { type: 'connecting', at: 12_100, attempt: 1, maxAttempts: 5, reconnect: true },
      { type: 'connectFailed', at: 12_200, attempt: 1, error: 'refused', reconnect: true },
      { type: 'connecting', at: 16_200, attempt: 2, maxAttempts: 5, reconnect: true },
      { type: 'open', at: 16_300, attempt: 2, reconnect: true },
    ]);
    expect(stats).toMatchObject({
      totalConnections: 2,
      totalDisconnections: 1,
      totalReconnectAttempts: 3,
      successfulReconnects: 1,
      lastDisconnectTime: 10_000,
      closedDowntime: 6_300,
    });
    expect(reconnectSuccessRate(stats)).toBeCloseTo(100 / 3, 10);
  });

  describe('when the engine says whether an attempt is a reconnect', () => {
    it('should count a reconnect at attempt 0 before any open (a manual reconnect after Failed)', () => {
      const stats = run(0, [
        { type: 'connecting', at: 50_000, attempt: 0, maxAttempts: 5, reconnect: true },
        { type: 'open', at: 50_100, attempt: 0, reconnect: true },
      ]);
      expect(stats.totalReconnectAttempts).toBe(1);
      expect(stats.successfulReconnects).toBe(1);
    });

    it('should not count an attempt marked as the first', () => {
      const stats = run(0, [
        { type: 'connecting', at: 0, attempt: 0, maxAttempts: 5, reconnect: false },
        { type: 'open', at: 100, attempt: 0, reconnect: false },
      ]);
      expect(stats.totalReconnectAttempts).toBe(0);
      expect(stats.successfulReconnects).toBe(0);
      expect(stats.totalConnections).toBe(1);
    });
  });

  it('should not count a disconnect while already down', () => {
    const beforeOpen = updateStats(initialStats(0), { type: 'disconnected', at: 5, reason: 'x' });
    expect(beforeOpen.totalDisconnections).toBe(0);
    const twice = run(0, [
      { type: 'open', at: 0, attempt: 0, reconnect: false },
      { type: 'disconnected', at: 100, reason: 'a' },
      { type: 'disconnected', at: 200, reason: 'b' },
    ]);
    expect(twice.totalDisconnections).toBe(1);
    expect(twice.lastDisconnectTime).toBe(100);
    expect(twice.downSince).toBe(100);
  });

  describe('downtime', () => {
    const stats = run(0, [
      { type: 'open', at: 1_000, attempt: 0, reconnect: false },
      { type: 'disconnected', at: 5_000, reason: 'reset' },
      { type: 'open', at: 7_000, attempt: 1, reconnect: true },
      { type: 'disconnected', at: 9_000, reason: 'reset' },
    ]);

    it('should accumulate every ended outage, the wait for the first connection included', () => {
      expect(stats.closedDowntime).toBe(3_000);
    });

    it('should include the ongoing outage as of now', () => {
      expect(totalDowntime(stats, 9_000)).toBe(3_000);
      expect(totalDowntime(stats, 10_000)).toBe(4_000);
    });

    it('should derive the uptime percentage from the downtime', () => {
      // 10 s monitored, 4 s down.
      expect(uptimePercentage(stats, 10_000)).toBeCloseTo(60, 10);
    });

    it('should not grow while the link is open', () => {
      const open = updateStats(stats, { type: 'open', at: 10_000, attempt: 1, reconnect: true });
      expect(totalDowntime(open, 10_000)).toBe(4_000);
      expect(totalDowntime(open, 50_000)).toBe(4_000);
      expect(uptimePercentage(open, 50_000)).toBeCloseTo(92, 10);
    });

    it('should start counting when the application closes an open link, without counting a disconnection', () => {
      const open = run(0, [{ type: 'open', at: 0, attempt: 0, reconnect: false }]);
      const closed = updateStats(open, { type: 'closed', at: 1_000 });
      expect(closed.totalDisconnections).toBe(0);
      expect(closed.downSince).toBe(1_000);
      expect(totalDowntime(closed, 3_000)).toBe(2_000);
      expect(updateStats(closed, { type: 'closed', at: 2_000 })).toBe(closed);
    });
  });

  describe('reconnectSuccessRate', () => {
    it('should be 100 when nothing was attempted', () => {
      expect(reconnectSuccessRate(initialStats(0))).toBe(100);
    });

    it('should be successes over attempts as a percentage', () => {
      expect(reconnectSuccessRate({ ...initialStats(0), totalReconnectAttempts: 4, successfulReconnects: 3 })).toBe(75);
    });
  });

  describe('uptimePercentage', () => {
    it('should be 100 at the very start', () => {
      expect(uptimePercentage(initialStats(500), 500)).toBe(100);
    });

    it('should be 0 while never connected', () => {
      expect(uptimePercentage(initialStats(0), 60_000)).toBe(0);
    });
  });

  it.each<ConnectionSignal>([
    { type: 'connectFailed', at: 1, attempt: 0, error: 'x', reconnect: false },
    { type: 'retryScheduled', at: 1, attempt: 1, maxAttempts: 5, delayMs: 2000 },
    { type: 'failed', at: 1, attempts: 5, error: 'x' },
    { type: 'heartbeatTimeout', at: 1, silentMs: 60_000, timeoutMs: 60_000 },
    { type: 'error', at: 1, message: 'x' },
    { type: 'dataResumed', at: 1, silentMs: 10, afterOpen: true },
    // The 'quality' signal is gone; the measurement signals that replace it count nothing either.
    { type: 'roundTrip', at: 1, source: 'heartbeat', latencyMs: 40 },
    { type: 'pingLost', at: 1 },
    { type: 'checkFailed', at: 1, error: 'x', initial: false },
    { type: 'throughput', at: 1, messagesPerSecond: 10 },
    { type: 'budgetWait', at: 1, waitMs: 1_000 },
    { type: 'failover', at: 1, from: 'wss://a.example/ws', to: 'wss://b.example/ws', reason: 'x' },
    { type: 'feedStale', at: 1, feed: 'trades', silentMs: 30_000, resubscribed: false },
    { type: 'feedResumed', at: 1, feed: 'trades', silentMs: 30_000 },
    { type: 'forecast', at: 1, currentMs: 400, projectedMs: 1_200, slopeMsPerSecond: 13, horizonMs: 60_000 },
  ])('should ignore a $type signal', (signal) => {
    const stats = initialStats(0);
    expect(updateStats(stats, signal)).toBe(stats);
  });

  it('should keep every derived figure in range for any signal sequence (property)', () => {
    const start = 1_700_000_000_000;
    fc.assert(
      fc.property(signalSequence(start), fc.nat({ max: 100_000 }), (signals, extra) => {
        let stats = initialStats(start);
        let previousDowntime = 0;
        for (const signal of signals) {
          stats = updateStats(stats, signal);
          const now = signal.at;
          const downtime = totalDowntime(stats, now);
          expect(downtime).toBeGreaterThanOrEqual(0);
          expect(downtime).toBeLessThanOrEqual(now - start);
          expect(downtime).toBeGreaterThanOrEqual(previousDowntime);
          previousDowntime = downtime;
          expect(uptimePercentage(stats, now)).toBeGreaterThanOrEqual(0);
          expect(uptimePercentage(stats, now)).toBeLessThanOrEqual(100);
          expect(reconnectSuccessRate(stats)).toBeGreaterThanOrEqual(0);
          expect(reconnectSuccessRate(stats)).toBeLessThanOrEqual(100);
        }
        const later = (signals.at(-1)?.at ?? start) + extra;
        expect(totalDowntime(stats, later)).toBeLessThanOrEqual(later - start);
        expect(uptimePercentage(stats, later)).toBeGreaterThanOrEqual(0);
        expect(uptimePercentage(stats, later)).toBeLessThanOrEqual(100);
      }),
    );
  });
});
