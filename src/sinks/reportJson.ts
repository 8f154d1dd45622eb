import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionReport, ReportStats } from './ConnectionReport';
import { isoTimestamp } from './isoTimestamp';

/** A report as JSON-ready data: every timestamp an ISO 8601 string, everything else as in `ConnectionReport`. */
export interface ConnectionReportJson extends Omit<
  ConnectionReport,
  'at' | 'periodStart' | 'stats' | 'notableEvents' | 'quality'
> {
  readonly at: string;
  readonly periodStart: string;
  readonly periodMs: number;
  readonly quality: ConnectionReport['quality'];
  readonly stats: Omit<ReportStats, 'connectionStartTime' | 'lastDisconnectTime'> & {
    readonly connectionStartTime: string;
    readonly lastDisconnectTime?: string;
  };
  readonly notableEvents: ReadonlyArray<Omit<ConnectionEvent, 'timestamp'> & { readonly timestamp: string }>;
}

/**
 * A report as JSON-ready data, timestamps in ISO 8601 (see `isoTimestamp`): what `reportSink` writes
 * with `format: 'json'` and what `lifeline monitor --json` puts on its `report` lines.
 *
 * @example
 * JSON.stringify(reportJson(report)); // '{"at":"2025-03-01T12:00:00.000Z","periodStart":…,"status":"Connected",…}'
 */
export function reportJson(report: ConnectionReport): ConnectionReportJson {
  const { at, periodStart, stats, notableEvents, ...rest } = report;
  const { connectionStartTime, lastDisconnectTime, ...figures } = stats;
  return {
    at: isoTimestamp(at),
    periodStart: isoTimestamp(periodStart),
    periodMs: at - periodStart,
    ...rest,
    stats: {
      ...figures,
      connectionStartTime: isoTimestamp(connectionStartTime),
      ...(lastDisconnectTime !== undefined ? { lastDisconnectTime: isoTimestamp(lastDisconnectTime) } : {}),
    },
    notableEvents: notableEvents.map((event) => ({ ...event, timestamp: isoTimestamp(event.timestamp) })),
  };
}
