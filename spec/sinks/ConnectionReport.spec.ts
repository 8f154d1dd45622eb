import { createEvent } from '../../src/model/ConnectionEvent';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { buildReport } from '../../src/sinks/ConnectionReport';
import { LatencyWindow } from '../../src/sinks/LatencyWindow';
import { SEED_AT, attempt, disconnected, reconnected, seedQuality, seedStats } from './fixtures';

const base = {
  at: SEED_AT,
  periodStart: SEED_AT - 600_000,
  status: 'Connected' as const,
  quality: seedQuality,
  stats: seedStats,
  latencies: [] as number[],
  events: [],
};

describe('buildReport', () => {
  it('should carry the score and the derived statistics as of the report', () => {
    const report = buildReport(base);
    expect(report.score).toBeCloseTo(85.2, 6);
    expect(report.stats).toEqual({
      totalConnections: 15,
      totalDisconnections: 3,
      totalReconnectAttempts: 14,
      successfulReconnects: 14,
      reconnectSuccessRate: 100,
      uptimePercentage: (100 * (10_385_000 - 135_000)) / 10_385_000,
      totalDowntimeMs: 135_000,
      connectionStartTime: SEED_AT - 10_385_000,
      lastDisconnectTime: SEED_AT - 600_000,
    });
    expect(report.warnings).toEqual([]);
  });

  it('should count the current outage in the downtime', () => {
    const report = buildReport({ ...base, status: 'Reconnecting', stats: { ...seedStats, downSince: SEED_AT - 5000 } });
    expect(report.stats.totalDowntimeMs).toBe(140_000);
  });

  it('should summarise the latency samples of the period', () => {
    expect(buildReport({ ...base, latencies: [40, 60, 200, -1, Number.NaN] }).latency).toEqual({
      samples: 3,
      minMs: 40,
      maxMs: 200,
      averageMs: 100,
      trend: [40, 60, 200],
      sparkline: '▁▂█',
    });
    expect(buildReport(base).latency).toEqual({ samples: 0, trend: [], sparkline: '' });
  });

  it('should take a LatencyWindow as well as an array', () => {
    expect(buildReport({ ...base, latencies: LatencyWindow.of([1, 2, 3]) }).latency.samples).toBe(3);
  });

  it('should list the latest notable events, oldest first, and count them all', () => {
    const info = createEvent('DataReceived', SEED_AT - 10, 'data resumed');
    const report = buildReport({ ...base, events: [disconnected, info, attempt, reconnected], notableEvents: 1 });
    expect(report.notableEvents.map((e) => e.type)).toEqual(['ReconnectAttempt']);
    expect(report.notableEventCount).toBe(2);
    expect(buildReport({ ...base, events: [disconnected, attempt], minSeverity: 4 }).notableEvents).toEqual([
      disconnected,
    ]);
    expect(buildReport({ ...base, events: [disconnected], notableEvents: 0 }).notableEvents).toEqual([]);
  });

  it('should take the count of notable events from the input when it kept only the latest', () => {
    expect(buildReport({ ...base, events: [disconnected], notableEventCount: 40 }).notableEventCount).toBe(40);
  });

  it('should redact secrets in the events it lists', () => {
    const leaky = createEvent('ErrorOccurred', SEED_AT, 'probe https://x.io/info?signature=abc failed', {
      errorMessage: 'Authorization: Bearer abc',
    });
    const [event] = buildReport({ ...base, events: [leaky] }).notableEvents;
    expect(event?.description).toBe('probe https://x.io/info?signature=*** failed');
    expect(event?.errorMessage).toBe('Authorization: Bearer ***');
  });

  it('should judge warnings by the thresholds given', () => {
    const slow = { ...initialQuality, averageLatencyMs: 500, latencySamples: 3 };
    expect(buildReport({ ...base, quality: slow }).warnings).toEqual([]);
    expect(
      buildReport({
        ...base,
        quality: slow,
        thresholds: { qualityThreshold: 70, latencyWarning: 400, errorRateWarning: 0.1 },
      }).warnings,
    ).toEqual(['latency']);
  });
});
