import { Observable, Observer, SchedulerLike, Subscription, Unsubscribable, from } from 'rxjs';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionQuality } from '../model/ConnectionQuality';
import { ConnectionStats } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { EventLog } from '../model/EventLog';
import { FeedLagReading } from '../model/FeedLagReading';
import { Connection, ConnectionSnapshot, LatencySample } from '../streams/Connection';
import { ConnectionReport, buildReport } from './ConnectionReport';
import { LatencyWindow } from './LatencyWindow';
import { ResolvedReportsConfig } from './resolveReportsConfig';
import { DeadlineQueue, Deadline } from '../streams/DeadlineQueue';
import { ShieldedListener, listenTo } from '../streams/DirectStream';

/**
 * What a report is taken from: a `Connection` as it is, or its streams as cold observables in a
 * marble spec. With `config` (a `Connection` has it), the quality thresholds come from there. With
 * `snapshot` (a `Connection` has it), status, quality and statistics are read from it at report time
 * and `status$`, `quality$` and `stats$` are not subscribed; the end of `events$` is then the end of
 * the source (a `Connection`'s streams all end together, when it is closed). With `lag$` (a
 * `Connection` has it), a report gives the period's largest event-loop lag.
 */
export type ReportSource = Pick<Connection, 'status$' | 'quality$' | 'stats$' | 'events$' | 'latency$'> &
  Partial<Pick<Connection, 'feedLag$' | 'lag$'>> & {
    /** The thresholds the warnings are judged by, unless the report's own `thresholds` say otherwise. */
    readonly config?: Pick<Connection['config'], 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>;
    /**
     * The status, quality and statistics now: read at report time instead of subscribing `status$`,
     * `quality$` and `stats$` (see `Connection.snapshot`).
     */
    readonly snapshot?: () => Pick<ConnectionSnapshot, 'status' | 'quality' | 'stats'> &
      Partial<Pick<ConnectionSnapshot, 'feedLag'>>;
  };

/** Which of the source's streams an input is. */
type Feed = 'status' | 'quality' | 'stats' | 'latency' | 'events' | 'trigger' | 'feedLag' | 'lag';

/**
 * One subscription of `reports`: the period's latency window and notable events, the latest status,
 * quality and statistics (from the streams, or the source's `snapshot()` at report time), and the
 * report timer: a deadline in the scheduler's `DeadlineQueue`, where one action serves every run
 * (an action per run, as `interval` had, was a ~370 B timer per link).
 *
 * ```
 * latency$:  --1--2----3--
 * timer:     ------|------|      (periodMs 6)
 * next:      ------r------s      (r: [1, 2]; s: [3])
 * ```
 *
 * Hand-rolled for memory: a bot watches every link it has, and at ten thousand links the RxJS graph
 * `reportSink` was (five subscribers, `interval`, `merge`, `from`, their closures, and a latency
 * window grown to a period's every sample) cost 7 KB per link at the start of a period and some 14 KB
 * after ten minutes of 1 s heartbeats; this costs about 1.1 KB and at most some 1.4 KB with a full
 * latency series (measured with `heapprobe`, a `Connection` as the source). It is the run object, a `Subscription`, plus one small
 * observer per subscribed stream. Every notification is O(1); a report costs
 * O(sparklineWidth + notableEvents).
 *
 * @example
 * const run = new ReportRun(link, resolveReportsConfig({ every: '10m' }), asyncScheduler, {
 *   next: (report) => console.log(formatReport(report)),
 *   error: console.error,
 *   complete: () => undefined,
 * });
 * run.unsubscribe();
 */
export class ReportRun extends Subscription implements Deadline {
  /** The next report (see `Deadline`: one shared timer serves every run on the scheduler). */
  dueAt: number;
  queueIndex = -1;
  queueOrder = 0;
  private status: ConnectionStatus | undefined;
  private quality: ConnectionQuality | undefined;
  private stats: ConnectionStats | undefined;
  private feedLag: readonly FeedLagReading[] = [];
  /** The period's largest event-loop lag; undefined when the source does not say (no `lag$`). */
  private maxLagMs: number | undefined;
  private periodStart: number;
  private latencies: LatencyWindow;
  /** Made on the first notable event: a quiet link keeps none. */
  private notable: EventLog<ConnectionEvent> | undefined;
  private notableCount = 0;
  private stopped = false;
  /** Copied on write with `concat`, exactly as long as the inputs (a spread or pushed-to array reserves 17 slots). */
  private inputs: readonly Unsubscribable[] = [];

  /**
   * Subscribes the source (and the trigger) and starts the timer.
   *
   * @param source A `Connection`, or any object with its streams.
   * @param settings The checked configuration.
   * @param scheduler Time for the timer and the timestamps.
   * @param listener Hears each report, the source's error, its end.
   */
  constructor(
    private readonly source: ReportSource,
    private readonly settings: ResolvedReportsConfig,
    private readonly scheduler: SchedulerLike,
    private readonly listener: Observer<ConnectionReport>,
  ) {
    super();
    this.periodStart = scheduler.now();
    this.dueAt = this.periodStart + settings.periodMs;
    this.latencies = new LatencyWindow(2 * Math.max(1, settings.sparklineWidth));
    if (source.snapshot === undefined) {
      this.listen(source.quality$, 'quality');
      this.listen(source.stats$, 'stats');
      if (source.feedLag$ !== undefined) this.listen(source.feedLag$, 'feedLag');
    }
    this.listen(source.latency$, 'latency');
    if (source.lag$ !== undefined) {
      this.maxLagMs = 0;
      this.listen(source.lag$, 'lag');
    }
    this.listen(source.events$, 'events');
    if (source.snapshot === undefined) this.listen(source.status$, 'status');
    if (!this.stopped) DeadlineQueue.of(scheduler).add(this);
    if (settings.trigger$ !== undefined) this.listen(from(settings.trigger$), 'trigger');
  }

  override unsubscribe(): void {
    if (this.closed) return;
    this.stopped = true;
    super.unsubscribe();
    DeadlineQueue.of(this.scheduler).remove(this);
    const inputs = this.inputs;
    this.inputs = [];
    for (const input of inputs) input.unsubscribe();
  }

  /** The report timer: the next one queued a period from now, then this one's report. */
  due(queue: DeadlineQueue): void {
    if (this.closed) return;
    this.dueAt = this.scheduler.now() + this.settings.periodMs;
    queue.add(this);
    this.report();
  }

  /** A notification of one input. */
  hear(feed: Feed, value: unknown): void {
    if (this.stopped) return;
    switch (feed) {
      case 'status':
        this.status = value as ConnectionStatus;
        return;
      case 'quality':
        this.quality = value as ConnectionQuality;
        return;
      case 'stats':
        this.stats = value as ConnectionStats;
        return;
      case 'feedLag':
        this.feedLag = value as readonly FeedLagReading[];
        return;
      case 'latency':
        this.latencies.add((value as LatencySample).latencyMs);
        return;
      case 'lag':
        this.maxLagMs = Math.max(this.maxLagMs ?? 0, value as number);
        return;
      case 'events':
        return this.noteEvent(value as ConnectionEvent);
      case 'trigger':
        return this.report();
    }
  }

  /** The end of an input: the status (or, from a `Connection`, its events) ends the reports. */
  ended(feed: Feed): void {
    if (this.stopped) return;
    if (feed === 'status' || (feed === 'events' && this.source.snapshot !== undefined)) this.finish(undefined, false);
  }

  /** An input failed: the reports fail with it. */
  fail(error: unknown): void {
    if (!this.stopped) this.finish(error, true);
  }

  /** Takes a report of the period so far and starts the next period. */
  report(): void {
    if (this.stopped) return;
    const snapshot = this.source.snapshot?.();
    const status = snapshot ? snapshot.status : this.status;
    const quality = snapshot ? snapshot.quality : this.quality;
    const stats = snapshot ? snapshot.stats : this.stats;
    const feedLag = snapshot ? (snapshot.feedLag ?? []) : this.feedLag;
    if (status === undefined || quality === undefined || stats === undefined) return;
    const at = this.scheduler.now();
    const { thresholds, notableEvents, minSeverity, sparklineWidth } = this.settings;
    const report = buildReport({
      at,
      periodStart: this.periodStart,
      status,
      quality,
      stats,
      latencies: this.latencies,
      events: this.notable?.toArray() ?? [],
      notableEventCount: this.notableCount,
      feedLag,
      ...(this.maxLagMs !== undefined ? { maxLagMs: this.maxLagMs } : {}),
      thresholds,
      notableEvents,
      minSeverity,
      sparklineWidth,
    });
    this.periodStart = at;
    this.latencies = new LatencyWindow(this.latencies.capacity);
    this.notable?.clear();
    this.notableCount = 0;
    if (this.maxLagMs !== undefined) this.maxLagMs = 0;
    this.listener.next(report);
  }

  private noteEvent(event: ConnectionEvent): void {
    if (event.severity < this.settings.minSeverity) return;
    this.notable ??= new EventLog(Math.max(1, this.settings.notableEvents));
    this.notable.append(event);
    this.notableCount++;
  }

  private listen(input$: Observable<unknown>, feed: Feed): void {
    if (this.stopped) return;
    const subscription = listenTo(input$, new FeedObserver(this, feed));
    if (this.stopped) subscription.unsubscribe();
    else this.inputs = this.inputs.concat(subscription);
  }

  private finish(error: unknown, failed: boolean): void {
    this.stopped = true;
    try {
      if (failed) this.listener.error(error);
      else this.listener.complete();
    } finally {
      this.unsubscribe();
    }
  }
}

/** One input of a run: shielded, no closures, no wrapper around it. */
class FeedObserver extends ShieldedListener<unknown> {
  constructor(
    private readonly run: ReportRun,
    private readonly feed: Feed,
  ) {
    super();
  }

  protected hear(value: unknown): void {
    this.run.hear(this.feed, value);
  }

  protected failed(error: unknown): void {
    this.run.fail(error);
  }

  protected ended(): void {
    this.run.ended(this.feed);
  }
}
