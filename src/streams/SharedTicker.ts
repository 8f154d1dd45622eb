import { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { getOrMake } from '../model/getOrMake';

/**
 * One timer for every handle that ticks at the same period on the same scheduler: the data samplers
 * of ten thousand links cost one timer callback a second, not ten thousand. The ticker runs while
 * anything is registered; each registration is called on every tick, in the order registered, and
 * leaves when removed (safe during a tick: one that leaves is not called again, one that joins
 * waits for the next tick).
 *
 * ```
 * link a:    ^----t----t----t--!      (registered at 0)
 * link b:       ^-t----t----t---      (registered at 3: its ticks fall on the shared phase)
 * ```
 */
export class SharedTicker {
  private static readonly shared = new WeakMap<SchedulerLike, Map<number, SharedTicker>>();

  /** The ticker of `periodMs` on `scheduler`, made on first use. */
  static of(scheduler: SchedulerLike, periodMs: number): SharedTicker {
    const byPeriod = getOrMake(SharedTicker.shared, scheduler, () => new Map<number, SharedTicker>());
    return getOrMake(byPeriod, periodMs, () => new SharedTicker(scheduler, periodMs));
  }

  /** In the order registered; a Set, so that joining and leaving are O(1) at ten thousand handles. */
  private readonly ticks = new Set<Ticking>();
  /** The members of the tick in progress (reused: emptied as they are called). */
  private readonly due: (Ticking | undefined)[] = [];
  private action: Subscription | undefined;

  private constructor(
    private readonly scheduler: SchedulerLike,
    private readonly periodMs: number,
  ) {}

  /** Calls `ticking.tick()` on every tick from now on, until `remove(ticking)`. */
  add(ticking: Ticking): void {
    this.ticks.add(ticking);
    if (this.action === undefined) this.action = this.scheduler.schedule(SharedTicker.run, this.periodMs, this);
  }

  /** Stops ticking `ticking`; the timer stops with the last one. */
  remove(ticking: Ticking): void {
    this.ticks.delete(ticking);
    if (this.ticks.size > 0) return;
    this.action?.unsubscribe();
    this.action = undefined;
  }

  private static run(this: SchedulerAction<SharedTicker>, ticker?: SharedTicker): void {
    if (ticker === undefined) return;
    // Those registered when the tick came, even if one leaves or another joins meanwhile: copied into
    // an array kept between ticks (no copy and no iterator result per member per tick).
    const due = ticker.due;
    let count = 0;
    ticker.ticks.forEach((ticking) => {
      due[count++] = ticking;
    });
    for (let i = 0; i < count; i++) {
      const ticking = due[i] as Ticking;
      due[i] = undefined;
      if (ticker.ticks.has(ticking)) ticking.tick();
    }
    if (ticker.action !== undefined) this.schedule(ticker, ticker.periodMs);
  }
}

/** What a ticker calls: an object, not a closure (one per link). */
export interface Ticking {
  tick(): void;
}
