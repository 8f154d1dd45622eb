import {
  EMPTY,
  Observable,
  ObservableInput,
  SchedulerLike,
  Subscription,
  asyncScheduler,
  from,
  interval,
  merge,
} from 'rxjs';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { Severity } from '../model/ConnectionEventType';
import { ConnectionQuality, QualityThresholds, defaultQualityThresholds } from '../model/ConnectionQuality';
import { ConnectionStats } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { EventLog } from '../model/EventLog';
import { LifelineConfig } from '../model/LifelineConfig';
import { ConfigError } from '../model/ConfigError';
import { integer, range } from '../model/configRules';
import { Duration, parseDuration } from '../model/parseDuration';
import { Connection } from '../streams/Connection';
import { ConnectionReport, buildReport } from './ConnectionReport';
import { LatencyWindow } from './LatencyWindow';

/**
 * What a report is taken from: a `Connection` as it is, or its streams as cold observables in a
 * marble spec. With `config` (a `Connection` has it), the quality thresholds come from there; with
 * `lag$` (a `Connection` has it too), the report gives the period's largest event-loop lag.
 */
export type ReportSource = Pick<Connection, 'status$' | 'quality$' | 'stats$' | 'events$' | 'latency$'> &
  Partial<Pick<Connection, 'lag$'>> & {
    readonly config?: Pick<LifelineConfig, 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>;
  };

/** When `reports` reports and what a report holds: interval, thresholds, notable events, sparkline width. */
export interface ReportsConfig {
  /** Time between reports. Defaults to `'10m'` (the seed's). */
  readonly every?: Duration;
  /** Thresholds for the quality warnings. Defaults to the source's `config`, else `defaultQualityThresholds`. */
  readonly thresholds?: QualityThresholds;
  /** How many of the period's notable events a report lists. Defaults to `5`. */
  readonly notableEvents?: number;
  /** The lowest severity that makes an event notable (1–4). Defaults to `2`. */
  readonly minSeverity?: Severity;
  /** The widest latency sparkline, in characters. Defaults to `32`. */
  readonly sparklineWidth?: number;
  /**
   * Extra report moments besides the interval, e.g. a signal handler or the end of a run. Each
   * emission takes a report of the period so far and starts a new period; the interval keeps its rhythm.
   */
  readonly trigger$?: ObservableInput<unknown>;
}

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
 * Memory stays bounded however long the period: latency samples go into a `LatencyWindow` and
 * only the latest notable events are kept (with their count).
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
  const {
    every = '10m',
    thresholds = source.config ?? defaultQualityThresholds,
    notableEvents = 5,
    minSeverity = 2,
    sparklineWidth = 32,
    trigger$ = EMPTY,
  } = config;
  const period = parseDuration(every, 'every', { allowZero: false });
  integer('notableEvents', notableEvents, 0);
  integer('sparklineWidth', sparklineWidth, 1);
  if (![1, 2, 3, 4].includes(minSeverity)) throw new ConfigError('minSeverity', minSeverity, '1, 2, 3 or 4');
  range('thresholds.qualityThreshold', thresholds.qualityThreshold, 0, 100);

  return new Observable<ConnectionReport>((subscriber) => {
    let status: ConnectionStatus | undefined;
    let quality: ConnectionQuality | undefined;
    let stats: ConnectionStats | undefined;
    let periodStart = scheduler.now();
    let latencies = new LatencyWindow();
    const notable = new EventLog<ConnectionEvent>(Math.max(1, notableEvents));
    let notableCount = 0;
    // Undefined: the source does not say (no lag$), so the report says nothing either.
    let maxLag = source.lag$ === undefined ? undefined : 0;

    const report = (): void => {
      if (status === undefined || quality === undefined || stats === undefined) return;
      const at = scheduler.now();
      const input = {
        at,
        periodStart,
        status,
        quality,
        stats,
        latencies,
        events: notable.toArray(),
        notableEventCount: notableCount,
        thresholds,
        notableEvents,
        minSeverity,
        sparklineWidth,
        ...(maxLag !== undefined ? { maxLagMs: maxLag } : {}),
      };
      periodStart = at;
      if (maxLag !== undefined) maxLag = 0;
      latencies = new LatencyWindow();
      notable.clear();
      notableCount = 0;
      subscriber.next(buildReport(input));
    };

    const fail = (error: unknown): void => subscriber.error(error);
    const subscription = new Subscription();
    subscription.add(source.quality$.subscribe({ next: (value) => (quality = value), error: fail }));
    subscription.add(source.stats$.subscribe({ next: (value) => (stats = value), error: fail }));
    subscription.add(source.latency$.subscribe({ next: (sample) => latencies.add(sample.latencyMs), error: fail }));
    if (source.lag$) {
      subscription.add(source.lag$.subscribe({ next: (lag) => (maxLag = Math.max(maxLag ?? 0, lag)), error: fail }));
    }
    subscription.add(
      source.events$.subscribe({
        next: (event) => {
          if (event.severity < minSeverity) return;
          notable.append(event);
          notableCount++;
        },
        error: fail,
      }),
    );
    subscription.add(
      source.status$.subscribe({
        next: (value) => (status = value),
        error: fail,
        complete: () => subscriber.complete(),
      }),
    );
    subscription.add(merge(interval(period, scheduler), from(trigger$)).subscribe({ next: report, error: fail }));
    return subscription;
  });
}
