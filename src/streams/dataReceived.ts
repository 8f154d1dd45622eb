import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { DataMeter, DataResumption } from '../model/DataMeter';
import { SharedTicker } from './SharedTicker';

/** How often `dataReceived` samples the inbound counters. */
export interface DataReceivedOptions {
  /** Milliseconds between samples. Defaults to `1000`. */
  readonly sampleInterval?: number;
}

/** Inbound traffic over one sampling tick. */
export interface DataSample {
  /** Messages during the tick. */
  readonly messages: number;
  /** Bytes during the tick. */
  readonly bytes: number;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  /** When data was last noticed (to within the sampling interval), if any has arrived. */
  readonly lastDataAt: number | undefined;
  /** Set when data started after an open, or resumed after a silence, during the tick. */
  readonly resumption: DataResumption | undefined;
}

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
    let previous = scheduler.now();
    const tick = SharedTicker.of(scheduler, sampleInterval).add(() => {
      const now = scheduler.now();
      const perSecond = 1000 / Math.max(1, now - previous);
      previous = now;
      let taken: ReturnType<DataMeter['take']>;
      let lastDataAt: number | undefined;
      try {
        taken = meter.take();
        lastDataAt = meter.lastDataAt();
      } catch (error) {
        // Thrown into the shared tick it would stop every sampler: it ends this one only.
        tick.unsubscribe();
        subscriber.error(error);
        return;
      }
      const { messages, bytes, resumption } = taken;
      subscriber.next({
        messages,
        bytes,
        messagesPerSecond: messages * perSecond,
        bytesPerSecond: bytes * perSecond,
        lastDataAt,
        resumption,
      });
    });
    return tick;
  });
}
