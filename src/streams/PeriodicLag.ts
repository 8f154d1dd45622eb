import { Observable, SchedulerAction, SchedulerLike, Subscriber, Subscription, TeardownLogic } from 'rxjs';
import { withoutClosed } from '../model/withoutClosed';

/** Where the looks come from: `use()` keeps the event-loop monitor looking until unsubscribed. */
export interface LagLooks {
  use(): Subscription;
}

/**
 * The largest event-loop lag of each `every` ms, for every subscriber with that period: one timer
 * however many handles listen, running while anyone does. Periods without a look say nothing.
 *
 * ```
 * looks (lag):  0-3-1---0-----2--
 * every 6:      ------3-----0-----2
 * ```
 *
 * As `bufferTime(every)` + `max` behind `share()`, which it replaced: that cost every subscriber a
 * Subject observer, its closure and a finalizer array, and a bot's report and metrics both listen.
 * Subscribers get no teardown (as with Broadcast): one that unsubscribes hears nothing more at once
 * and leaves at the next period's end, when the timer stops if none is left; `sweep` stops it at
 * once (a handle closing calls it).
 */
export class PeriodicLag extends Observable<number> {
  private subscribers: readonly Subscriber<number>[] = [];
  private timer: Subscription | undefined;
  private looking: Subscription | undefined;
  /** The largest lag heard this period; -1 while none was. */
  private max = -1;

  constructor(
    private readonly looks: LagLooks,
    private readonly every: number,
    private readonly scheduler: SchedulerLike,
  ) {
    super();
  }

  /** One look of the monitor. */
  hear(lagMs: number): void {
    if (lagMs > this.max) this.max = lagMs;
  }

  /** Drops the subscribers that left, and stops the timer when none is left. */
  sweep(): void {
    this.subscribers = withoutClosed(this.subscribers, isClosed);
    if (this.subscribers.length > 0 || this.timer === undefined) return;
    this.timer.unsubscribe();
    this.timer = undefined;
    this.looking?.unsubscribe();
    this.looking = undefined;
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected _subscribe(subscriber: Subscriber<number>): TeardownLogic {
    this.subscribers = withoutClosed(this.subscribers, isClosed).concat(subscriber);
    if (this.timer === undefined) {
      this.max = -1;
      this.looking = this.looks.use();
      this.timer = this.scheduler.schedule(PeriodicLag.periodEnd, this.every, this);
    }
    return undefined;
  }

  private static periodEnd(this: SchedulerAction<PeriodicLag>, lag?: PeriodicLag): void {
    if (lag === undefined) return;
    const max = lag.max;
    lag.max = -1;
    lag.sweep();
    if (lag.timer === undefined) return;
    if (max >= 0) for (const subscriber of lag.subscribers) subscriber.next(max);
    this.schedule(lag, lag.every);
  }
}

const isClosed = (subscriber: Subscriber<unknown>): boolean => subscriber.closed;
