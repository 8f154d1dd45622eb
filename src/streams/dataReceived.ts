import { Observable, SchedulerLike, Subscriber, asyncScheduler } from 'rxjs';
import { DataMeter } from '../model/DataMeter';
import { DataSample, DataSampler } from './DataSampler';
import { SharedTicker, Ticking } from './SharedTicker';

/** How often `dataReceived` samples the inbound counters. */
export interface DataReceivedOptions {
  /** Milliseconds between samples. Defaults to `1000`. */
  readonly sampleInterval?: number;
}

export type { DataSample } from './DataSampler';

/**
 * Samples the inbound counters every `sampleInterval`: one value per tick, never one per message.
 *
 * ```
 * messages:  -mm-m------mmm-    (counted by the meter on the hot path)
 * result:    -----a----b----c   (sampleInterval 5: ticks at 5, 10, 15; a = 3 messages, b = 0, c = 3)
 * ```
 *
 * The meter does the counting (`DataMeter.record`, O(1), no clock read, allocation-free); this stream
 * only reads and resets it on the tick, so a 100 000 msg/s feed costs the pipeline one emission a
 * second. Times (`lastDataAt`, silences) are those of the looks that noticed the data: exact to
 * within the sampling interval. The ticks come from one timer shared by every sampler with the same
 * period on the same scheduler (`SharedTicker`): a sampler that joins later ticks on the shared phase,
 * and its rates are over the time since its previous tick.
 *
 * @example
 * dataReceived(meter, { sampleInterval: 1000 })
 * // { messages: 812, bytes: 121800, messagesPerSecond: 812, bytesPerSecond: 121800, … } each second
 *
 * @param meter The counters the message path bumps.
 * @param options The sampling interval.
 * @param scheduler Schedules the ticks. Defaults to `asyncScheduler`.
 */
export function dataReceived(
  meter: DataMeter,
  options: DataReceivedOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<DataSample> {
  const { sampleInterval = 1000 } = options;
  return new Observable<DataSample>((subscriber) => {
    const ticker = SharedTicker.of(scheduler, sampleInterval);
    const ticks = new SampleTicks(new DataSampler(meter, scheduler), subscriber, ticker);
    ticker.add(ticks);
    return () => ticker.remove(ticks);
  });
}

/** One subscriber's samples, one per tick of the shared ticker. */
class SampleTicks implements Ticking {
  constructor(
    private readonly sampler: DataSampler,
    private readonly subscriber: Subscriber<DataSample>,
    private readonly ticker: SharedTicker,
  ) {}

  tick(): void {
    let sample: DataSample;
    try {
      sample = this.sampler.sample();
    } catch (error) {
      // Thrown into the shared tick it would stop every sampler: it ends this one only.
      this.ticker.remove(this);
      this.subscriber.error(error);
      return;
    }
    this.subscriber.next(sample);
  }
}
