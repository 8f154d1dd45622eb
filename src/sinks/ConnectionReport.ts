import { ConnectionEvent } from '../model/ConnectionEvent';
import { Severity } from '../model/ConnectionEventType';
import {
  ConnectionQuality,
  QualityThresholds,
  QualityWarning,
  defaultQualityThresholds,
  overallScore,
  qualityWarnings,
} from '../model/ConnectionQuality';
import { ConnectionStats, reconnectSuccessRate, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { FeedLagReading } from '../model/FeedLagReading';
import { LatencyWindow } from './LatencyWindow';
import { redactText } from './redactText';
import { sparkline, sparklineBuckets } from './sparkline';

/** The statistics block of a report: the stored facts plus the derived figures, as of the report. */
export interface ReportStats {
  readonly totalConnections: number;
  readonly totalDisconnections: number;
  readonly totalReconnectAttempts: number;
  readonly successfulReconnects: number;
  /** Percentage, 0–100. */
  readonly reconnectSuccessRate: number;
  /** Percentage, 0–100. */
  readonly uptimePercentage: number;
  /** Milliseconds without an open link since monitoring began, the current outage included. */
  readonly totalDowntimeMs: number;
  readonly connectionStartTime: number;
  readonly lastDisconnectTime?: number;
}

/** The latency samples of the report's period. */
export interface ReportLatency {
  /** How many samples arrived in the period. */
  readonly samples: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly averageMs?: number;
  /** The series the sparkline draws: every sample, or the largest of each bucket when there are many. */
  readonly trend: readonly number[];
  /** `▁▂▃▄▅▆▇█`, lowest to highest; `''` without samples. */
  readonly sparkline: string;
}

/** A status report as data: what `formatReport` prints and `--json` writes. Timestamps are scheduler ms. */
export interface ConnectionReport {
  /** When the report was taken. */
  readonly at: number;
  /** When its period began (the previous report, or the start of reporting). */
  readonly periodStart: number;
  readonly status: ConnectionStatus;
  /** `overallScore` of `quality`, 0–100. */
  readonly score: number;
  readonly quality: ConnectionQuality;
  readonly warnings: readonly QualityWarning[];
  readonly stats: ReportStats;
  readonly latency: ReportLatency;
  /** The latest notable events of the period (severity >= `minSeverity`), oldest first, secrets redacted. */
  readonly notableEvents: readonly ConnectionEvent[];
  /** How many notable events the period had, including those not listed. */
  readonly notableEventCount: number;
  /** The lag of the feeds watched for it, as of the report; absent when none is. */
  readonly feedLag?: readonly FeedLagReading[];
  /**
   * The largest event-loop lag of this process in the period, ms: its own stalls, kept out of the
   * latency figures. Absent when the source does not report it (no `lag$`).
   */
  readonly maxLagMs?: number;
}

/** What a report is built from: the latest values and what the period collected. */
export interface ReportInput {
  /** Scheduler time of the report, ms. */
  readonly at: number;
  /** Scheduler time the period began, ms. */
  readonly periodStart: number;
  readonly status: ConnectionStatus;
  readonly quality: ConnectionQuality;
  readonly stats: ConnectionStats;
  /** Latency samples of the period in ms, oldest first (a `LatencyWindow` keeps a long period in bounded memory). */
  readonly latencies: readonly number[] | LatencyWindow;
  /** Events of the period, oldest first. */
  readonly events: readonly ConnectionEvent[];
  /**
   * How many notable events the period had, when `events` holds only the latest of them (as `reports`
   * keeps them, in bounded memory). Defaults to the notable events counted in `events`.
   */
  readonly notableEventCount?: number;
  /** The lag of the feeds watched for it (`Connection.feedLag$`), as of the report. Optional. */
  readonly feedLag?: readonly FeedLagReading[];
  /** The thresholds the warnings are judged by. Defaults to `defaultQualityThresholds`. */
  readonly thresholds?: QualityThresholds;
  /** How many notable events to list. Defaults to `5`. */
  readonly notableEvents?: number;
  /** The lowest severity that makes an event notable. Defaults to `2` (everything but plain info). */
  readonly minSeverity?: Severity;
  /** The widest sparkline, in characters. Defaults to `32`. */
  readonly sparklineWidth?: number;
  /** The largest event-loop lag of the period, ms (see `ConnectionReport.maxLagMs`); absent: not reported. */
  readonly maxLagMs?: number;
}

/**
 * Builds a status report from the latest status, quality and statistics and from what the period
 * collected (latency samples, events), and the feeds' lag when some are watched for it. Pure: same input, same report. Descriptions and error
 * messages of the listed events are passed through `redactText`, so a report never prints a secret.
 *
 * @example
 * const report = buildReport({ at, periodStart, status: 'Connected', quality, stats, latencies: [44, 47], events: [] });
 * report.score;                       // 85.2
 * report.stats.reconnectSuccessRate;  // 100
 *
 * @returns The report as plain data; print it with `formatReport`.
 */
export function buildReport(input: ReportInput): ConnectionReport {
  const {
    at,
    periodStart,
    status,
    quality,
    stats,
    latencies,
    events,
    feedLag = [],
    thresholds = defaultQualityThresholds,
    notableEventCount,
    notableEvents = 5,
    minSeverity = 2,
    sparklineWidth = 32,
    maxLagMs,
  } = input;
  const latency = latencies instanceof LatencyWindow ? latencies : LatencyWindow.of(latencies);
  const series = latency.series();
  const notable = events.filter((event) => event.severity >= minSeverity);
  const listed = notableEvents > 0 ? notable.slice(-notableEvents) : [];
  return {
    at,
    periodStart,
    status,
    score: overallScore(quality),
    quality,
    warnings: qualityWarnings(quality, thresholds),
    stats: {
      totalConnections: stats.totalConnections,
      totalDisconnections: stats.totalDisconnections,
      totalReconnectAttempts: stats.totalReconnectAttempts,
      successfulReconnects: stats.successfulReconnects,
      reconnectSuccessRate: reconnectSuccessRate(stats),
      uptimePercentage: uptimePercentage(stats, at),
      totalDowntimeMs: totalDowntime(stats, at),
      connectionStartTime: stats.connectionStartTime,
      ...(stats.lastDisconnectTime !== undefined ? { lastDisconnectTime: stats.lastDisconnectTime } : {}),
    },
    latency: {
      samples: latency.samples,
      ...(latency.samples > 0 ? { minMs: latency.minMs, maxMs: latency.maxMs, averageMs: latency.averageMs } : {}),
      trend: sparklineBuckets(series, sparklineWidth),
      sparkline: sparkline(series, sparklineWidth),
    },
    notableEvents: listed.map(redactEvent),
    notableEventCount: Math.max(notableEventCount ?? 0, notable.length),
    ...(feedLag.length > 0 ? { feedLag } : {}),
    ...(maxLagMs !== undefined ? { maxLagMs } : {}),
  };
}

function redactEvent(event: ConnectionEvent): ConnectionEvent {
  return {
    ...event,
    description: redactText(event.description),
    ...(event.errorMessage !== undefined ? { errorMessage: redactText(event.errorMessage) } : {}),
  };
}
