import { SchedulerLike } from 'rxjs';
import { DataMeter, DataResumption } from '../model/DataMeter';

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
 * Turns a meter's counts into a sample per tick: the rates are over the time since the previous
 * tick (a sampler that joins a shared ticker late gets its first rates over the part it saw).
 *
 * @example
 * const sampler = new DataSampler(meter, scheduler);
 * // on each tick:
 * const { messagesPerSecond } = sampler.sample();
 */
export class DataSampler {
  private previous: number;

  constructor(
    readonly meter: DataMeter,
    private readonly scheduler: SchedulerLike,
  ) {
    this.previous = scheduler.now();
  }

  /** Reads and resets the meter: what came since the previous tick. */
  sample(): DataSample {
    const now = this.scheduler.now();
    const perSecond = 1000 / Math.max(1, now - this.previous);
    this.previous = now;
    const { messages, bytes, resumption } = this.meter.take();
    return {
      messages,
      bytes,
      messagesPerSecond: messages * perSecond,
      bytesPerSecond: bytes * perSecond,
      lastDataAt: this.meter.lastDataAt(),
      resumption,
    };
  }

  /** A tick with nothing to read (`meter.idle()`): only its time is kept, for the next rates. */
  skip(): void {
    this.previous = this.scheduler.now();
  }
}
