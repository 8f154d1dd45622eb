import { Observable, SchedulerAction, SchedulerLike, Subscriber, Subscription, TeardownLogic } from 'rxjs';

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
 * and leaves at the next period's end, when the timer stops if none is left; `leave` takes one out
 * at once (a handle closing calls it), stopping the timer if it was the last.
 */
export class PeriodicLag extends Observable<number> {
  /** Every handle's subscribers, in one set: adding and leaving are O(1) at ten thousand handles. */
  private readonly subscribers = new Set<LagListener>();
  private timer: Subscription | undefined;
  private looking: Subscription | undefined;
  /** Counts the timer's starts: a period end of an earlier run (stopped within it) does not go on. */
  private run = 0;
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

  /** Takes `subscriber` out now (it ended), and stops the timer when none is left. */
  leave(subscriber: LagListener): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  private stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.looking?.unsubscribe();
    this.looking = undefined;
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected _subscribe(subscriber: Subscriber<number>): TeardownLogic {
    this.join(subscriber);
    return undefined;
  }

  /** Adds a subscriber (an RxJS one, or one of ours): the maxima from the end of this period on. */
  join(subscriber: LagListener): void {
    this.subscribers.add(subscriber);
    if (this.timer === undefined) {
      this.max = -1;
      this.looking = this.looks.use();
      this.timer = this.scheduler.schedule(PeriodicLag.periodEnd, this.every, { lag: this, run: ++this.run });
    }
  }

  private static periodEnd(this: SchedulerAction<LagRun>, state?: LagRun): void {
    if (state === undefined) return;
    const { lag, run } = state;
    const max = lag.max;
    lag.max = -1;
    // One pass: the ones that left go, the others hear the period (a set visits what is added while
    // iterating: one subscribed by a subscriber hears it too, as it was subscribed when it ended).
    // forEach, not for-of: no iterator result per subscriber.
    lag.subscribers.forEach((subscriber) => {
      if (subscriber.closed) lag.subscribers.delete(subscriber);
      else if (max >= 0) subscriber.next(max);
    });
    if (lag.subscribers.size === 0) lag.stop();
    // Stopped, or stopped and started afresh by a subscriber (another timer now): this one ends.
    if (lag.timer !== undefined && lag.run === run) this.schedule(state, lag.every);
  }
}

/** Who hears the maxima: a subscriber; once closed, it leaves at the period's end. */
export interface LagListener {
  next(lagMs: number): void;
  readonly closed: boolean;
}

/** The state of a period timer: whose, and which run of it. */
interface LagRun {
  readonly lag: PeriodicLag;
  readonly run: number;
}
