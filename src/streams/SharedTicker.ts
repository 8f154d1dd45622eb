import { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * One timer for every handle that ticks at the same period on the same scheduler: the data samplers
 * of ten thousand links cost one timer callback a second, not ten thousand. The ticker runs while
 * anything is registered; each registration is called on every tick, in the order registered, and
 * leaves when its subscription ends (safe during a tick).
 *
 * ```
 * link a:    ^----t----t----t--!      (registered at 0)
 * link b:       ^-t----t----t---      (registered at 3: its ticks fall on the shared phase)
 * ```
 */
export class SharedTicker {
  private static readonly shared = new WeakMap<SchedulerLike, Map<number, SharedTicker>>();

  /** The ticker of `scheduler` at `periodMs`, made on first use. */
  static of(scheduler: SchedulerLike, periodMs: number): SharedTicker {
    let byPeriod = SharedTicker.shared.get(scheduler);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      SharedTicker.shared.set(scheduler, byPeriod);
    }
    let ticker = byPeriod.get(periodMs);
    if (ticker === undefined) {
      ticker = new SharedTicker(scheduler, periodMs);
      byPeriod.set(periodMs, ticker);
    }
    return ticker;
  }

  private ticks: ReadonlyArray<() => void> = [];
  private action: Subscription | undefined;

  private constructor(
    private readonly scheduler: SchedulerLike,
    private readonly periodMs: number,
  ) {}

  /** Calls `tick` on every tick until the returned subscription ends. */
  add(tick: () => void): Subscription {
    this.ticks = [...this.ticks, tick];
    if (this.action === undefined) this.action = this.scheduler.schedule(SharedTicker.run, this.periodMs, this);
    return new Subscription(() => {
      this.ticks = this.ticks.filter((each) => each !== tick);
      if (this.ticks.length > 0) return;
      this.action?.unsubscribe();
      this.action = undefined;
    });
  }

  private static run(this: SchedulerAction<SharedTicker>, ticker?: SharedTicker): void {
    if (ticker === undefined) return;
    const ticks = ticker.ticks;
    for (let i = 0; i < ticks.length; i++) (ticks[i] as () => void)();
    if (ticker.action !== undefined) this.schedule(ticker, ticker.periodMs);
  }
}
