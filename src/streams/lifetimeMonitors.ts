import { ObservableInput, SchedulerLike, Subscription } from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { DataMeter } from '../model/DataMeter';
import { LifelineConfig } from '../model/LifelineConfig';
import { DataSampler } from './DataSampler';
import { SharedTicker, Ticking } from './SharedTicker';
import { reportUnhandled } from './reportUnhandled';
import { latencyProbe } from './latencyProbe';

/** The handle the monitors report to. */
export interface MonitoredLink {
  dispatch(signal: ConnectionSignal): void;
  /** Whether the throughput figure is 0 now. */
  quiet(): boolean;
}

/**
 * What watches a handle for its whole life, across sockets, reported as signals for the fold: the
 * data sampler (throughput every `sampleInterval`, and data resuming after a silence) and, when the
 * application gave one, the connection check (`probe`) every `checkInterval`.
 *
 * ```
 * sampler:   ----t----t----t-     (throughput, every sampleInterval; dataResumed when data restarts)
 * probe:     r---------r------     (roundTrip, or checkFailed; at start, then every checkInterval)
 * signals:   r---t----(tr)-t-
 * ```
 *
 * A quiet link whose throughput is already 0 reports nothing on its ticks: nothing would move.
 *
 * @param meter The inbound counters.
 * @param probe The application's connection check, if any.
 * @param config The sampling and check intervals.
 * @param scheduler Schedules ticks and checks and stamps them.
 * @param link Where the signals go, and whether the throughput figure is 0 now (then a tick without
 *   data says nothing new).
 * @returns The subscription that runs them.
 */
export function lifetimeMonitors(
  meter: DataMeter,
  probe: (() => ObservableInput<unknown>) | undefined,
  config: Pick<LifelineConfig, 'sampleInterval' | 'checkInterval' | 'probeTimeout'>,
  scheduler: SchedulerLike,
  link: MonitoredLink,
): Subscription {
  const subscription = new DataWatch(new DataSampler(meter, scheduler), link, scheduler, config.sampleInterval);
  if (probe) {
    subscription.add(
      latencyProbe(
        probe,
        { checkInterval: config.checkInterval, probeTimeout: config.probeTimeout },
        scheduler,
      ).subscribe((result) =>
        link.dispatch(
          result.ok
            ? { type: 'roundTrip', at: scheduler.now(), source: 'probe', latencyMs: result.latencyMs }
            : { type: 'checkFailed', at: scheduler.now(), error: result.error, initial: result.initial },
        ),
      ),
    );
  }
  return subscription;
}

/**
 * The data sampler of one handle, on the shared ticker: a subscription that is its own tick. A quiet
 * link with nothing new (the common case at ten thousand idle links) costs a time read per tick, no
 * sample and no signal; anything else is sampled and dispatched as before.
 */
class DataWatch extends Subscription implements Ticking {
  private readonly ticker: SharedTicker;

  constructor(
    private readonly sampler: DataSampler,
    private readonly link: MonitoredLink,
    private readonly scheduler: SchedulerLike,
    sampleInterval: number,
  ) {
    super();
    this.ticker = SharedTicker.of(scheduler, sampleInterval);
    this.ticker.add(this);
  }

  tick(): void {
    const { sampler, link } = this;
    if (sampler.meter.idle() && link.quiet()) return sampler.skip();
    try {
      const sample = sampler.sample();
      const at = this.scheduler.now();
      if (sample.messages > 0 || !link.quiet()) {
        link.dispatch({ type: 'throughput', at, messagesPerSecond: sample.messagesPerSecond });
      }
      if (sample.resumption) link.dispatch({ type: 'dataResumed', at, ...sample.resumption });
    } catch (error) {
      // As RxJS reports a throw from a subscriber: asynchronously, so the other links' ticks go on.
      reportUnhandled(error);
    }
  }

  override unsubscribe(): void {
    this.ticker.remove(this);
    super.unsubscribe();
  }
}
