import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { ConnectionReport } from './ConnectionReport';
import { ReportRun, ReportSource } from './ReportRun';
import { ReportsConfig, resolveReportsConfig } from './resolveReportsConfig';

export type { ReportSource } from './ReportRun';
export type { ReportsConfig } from './resolveReportsConfig';

/**
 * Status reports of a source, every `every` (10 minutes by default): the latest status, quality and
 * statistics, plus what the period collected (latency samples for the sparkline, notable events).
 *
 * ```
 * status$:   a------------b------
 * latency$:  --1--2----3-----4---
 * every:     ------|------|------|     (every 6)
 * result:    ------r------s------t     (r: a, [1, 2]; s: a, [3]; t: b, [4])
 * ```
 *
 * Nothing is reported until status, quality and statistics have each emitted. Completes when the
 * source's `status$` completes (a closed `Connection`); errors when any source stream errors.
 * A source with `snapshot()` (a `Connection`) is read at report time instead: only its `events$` and
 * `latency$` stay subscribed between reports, and the end of its `events$` is its end. Memory stays
 * bounded however long the period: latency samples go into a `LatencyWindow` of
 * `2 × sparklineWidth` points (exact count, min, max and mean) and only the latest notable events
 * are kept (with their count). Each notification is O(1); the timer is one scheduler action.
 *
 * @example
 * reports(link, { every: '10m' }).subscribe((report) => console.log(formatReport(report)));
 * // 📡 连接状态报告: …
 *
 * @param source A `Connection`, or any object with its streams.
 * @param config Interval, thresholds and how much to list.
 * @param scheduler Time for the interval and the timestamps. Defaults to `asyncScheduler`.
 * @throws ConfigError when an option is invalid, before anything is subscribed.
 */
export function reports(
  source: ReportSource,
  config: ReportsConfig = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<ConnectionReport> {
  const settings = resolveReportsConfig(config, source.config);
  return new Observable<ConnectionReport>((subscriber) => new ReportRun(source, settings, scheduler, subscriber));
}
