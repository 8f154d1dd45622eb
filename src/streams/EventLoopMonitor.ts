import { SchedulerAction, SchedulerLike, Subscription, Unsubscribable } from 'rxjs';
import { getOrMake } from '../model/getOrMake';
import { PeriodicLag } from './PeriodicLag';

/** One stall of the process: its own timers ran `lagMs` late, from `from` to `to` (scheduler time). */
export interface Stall {
  readonly from: number;
  readonly to: number;
  readonly lagMs: number;
}

/** How often the monitor looks, ms: the resolution of what it can see. */
const TICK_MS = 100;
/** Lateness under this is scheduling noise, not a stall. */
const STALL_MS = 20;
/** Seconds of per-second maxima kept, for `maxLag` over a report period. */
const HISTORY_SECONDS = 15 * 60;
/** Stalls kept, for taking them out of round trips. */
const STALLS_KEPT = 64;

/**
 * How late this process runs its own timers: the event-loop lag, measured by the scheduler's own
 * lateness (a look every 100 ms that notes how late it ran). One monitor per scheduler, shared by
 * every handle on it, running while any handle uses it.
 *
 * ```
 * looks:     -l-l-l--------l-l-    (a handler blocked the loop for 800 ms)
 * stalled:   --------------s---    (s: { from, to, lagMs: 800 }, to each joined handle)
 * ```
 *
 * A round trip measured across a stall includes time the pong sat unread in the kernel: the heartbeat
 * takes `stalledBetween(sentAt, now)` out of it, so a busy bot never makes a healthy link look slow.
 * A stall still going on when asked (the look that would notice it has not run yet: the handler that
 * blocked has only just returned) counts too.
 */
export class EventLoopMonitor {
  private static readonly shared = new WeakMap<SchedulerLike, EventLoopMonitor>();

  /** The monitor of `scheduler`, made on first use. */
  static of(scheduler: SchedulerLike): EventLoopMonitor {
    return getOrMake(EventLoopMonitor.shared, scheduler, () => new EventLoopMonitor(scheduler));
  }

  private users = 0;
  private looks: Subscription | undefined;
  private lastLookAt = 0;
  private readonly stalls: Stall[] = [];
  /** Per-second maxima of the lag, newest last: [second, lagMs]. */
  private readonly seconds: Array<[number, number]> = [];
  /** The handles that hear each stall (`join`). */
  private readonly listeners = new Set<StallListener>();

  /** The per-period maxima, one shared timer per period however many handles listen. */
  private readonly periodic = new Map<number, PeriodicLag>();

  private constructor(private readonly scheduler: SchedulerLike) {}

  /**
   * The largest lag of each `every` ms: one value per period with looks in it, while subscribed.
   * Shared: every handle with the same period reads the same timer (a timer per handle costs ~7 KB
   * and a wake-up each period, at thousands of links).
   */
  lagEvery(every: number): PeriodicLag {
    return getOrMake(this.periodic, every, () => new PeriodicLag(this, every, this.scheduler));
  }

  /** Starts looking (if this is the first user); the returned subscription stops when the last one ends. */
  use(): Subscription {
    this.enter();
    return new Subscription(() => this.leave());
  }

  /**
   * `use()` for a handle that also hears each stall (`listener.stalled`): one small membership per
   * handle, in a Set (joining and leaving O(1) at ten thousand handles; a Broadcast's copied list and
   * a subscriber each made it quadratic and ~300 B per handle).
   */
  join(listener: StallListener): Unsubscribable {
    this.enter();
    this.listeners.add(listener);
    return new StallMembership(this, listener);
  }

  /** Ends a `join`. */
  part(listener: StallListener): void {
    if (this.listeners.delete(listener)) this.leave();
  }

  private enter(): void {
    if (this.users++ === 0) this.start();
  }

  private leave(): void {
    if (--this.users > 0) return;
    this.looks?.unsubscribe();
    this.looks = undefined;
  }

  /** Milliseconds the process was stalled within [from, to], a stall still under way included. */
  stalledBetween(from: number, to: number): number {
    let total = 0;
    for (const stall of this.stalls) total += overlap(stall.from, stall.to, from, to);
    if (this.looks !== undefined) {
      const due = this.lastLookAt + TICK_MS;
      if (to - due > STALL_MS) total += overlap(due, to, from, to);
    }
    return Math.min(total, Math.max(0, to - from));
  }

  /** The largest lag seen in [from, to], ms (per-second resolution). */
  maxLag(from: number, to: number): number {
    let max = 0;
    for (const [second, lag] of this.seconds) {
      if (second * 1000 + 1000 > from && second * 1000 <= to && lag > max) max = lag;
    }
    return max;
  }

  private start(): void {
    this.lastLookAt = this.scheduler.now();
    this.looks = this.scheduler.schedule(EventLoopMonitor.lookAction, TICK_MS, this);
  }

  private static lookAction(this: SchedulerAction<EventLoopMonitor>, monitor?: EventLoopMonitor): void {
    if (monitor === undefined) return;
    const now = monitor.scheduler.now();
    monitor.look(now, Math.max(0, now - monitor.lastLookAt - TICK_MS));
    this.schedule(monitor, TICK_MS);
  }

  private look(now: number, lagMs: number): void {
    this.lastLookAt = now;
    const second = Math.floor(now / 1000);
    const last = this.seconds[this.seconds.length - 1];
    if (last !== undefined && last[0] === second) last[1] = Math.max(last[1], lagMs);
    else {
      this.seconds.push([second, lagMs]);
      if (this.seconds.length > HISTORY_SECONDS) this.seconds.shift();
    }
    if (lagMs > STALL_MS) {
      const stall = { from: now - lagMs, to: now, lagMs };
      this.stalls.push(stall);
      if (this.stalls.length > STALLS_KEPT) this.stalls.shift();
      for (const listener of Array.from(this.listeners)) listener.stalled(stall);
    }
    for (const maxima of this.periodic.values()) maxima.hear(lagMs);
  }
}

function overlap(aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  return Math.max(0, Math.min(aTo, bTo) - Math.max(aFrom, bFrom));
}

/** What hears the stalls of the process. */
export interface StallListener {
  stalled(stall: Stall): void;
}

/** One handle's `join`: unsubscribing parts it. */
class StallMembership implements Unsubscribable {
  constructor(
    private readonly monitor: EventLoopMonitor,
    private readonly listener: StallListener,
  ) {}

  unsubscribe(): void {
    this.monitor.part(this.listener);
  }
}
