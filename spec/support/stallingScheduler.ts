import { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** A scheduler whose process can stall, and the switch that stalls it. */
export interface StallingScheduler {
  /** Give this to `connect()` (and to the `MarbleTransport`, so pongs are read late too). */
  readonly scheduler: SchedulerLike;
  /**
   * The process is blocked from `from` for `ms` (virtual time): nothing scheduled on `scheduler` runs
   * in between; whatever fell due meanwhile runs at the end, late, in the order it was due.
   */
  stall(from: number, ms: number): void;
}

/**
 * The test scheduler as a stalled process sees it, for marble specs of event-loop lag: a handler
 * blocking the loop, a GC pause. Time itself is the test scheduler's (`now()` is its clock), but an
 * action due inside a stall runs at the stall's end instead, as Node runs a timer (or reads a frame)
 * once the loop is free again. Actions scheduled on the test scheduler directly (a spec's own
 * `schedule`, cold marbles) are not held back.
 *
 * ```
 * due:      --a--b-----c--      (actions due at 2, 5, 11)
 * stall:    ----[=====]---      (stall(4, 6): blocked from 4 to 10)
 * runs:     --a-------bc--      (b ran at 10, 5 ms late; c on time)
 * ```
 *
 * @example
 * testScheduler.run(({ cold }) => {
 *   const { scheduler, stall } = stallingScheduler(testScheduler);
 *   const transport = new MarbleTransport(scheduler, [cold('o', { o: MarbleTransport.OPEN })], { autoPongMs: 5 });
 *   const link = connect({ url: 'ws://exchange.test', transport, scheduler });
 *   stall(30_002, 1500);   // a handler blocks the loop for 1.5 s while the ping sent at 30 s is out
 *   testScheduler.schedule(() => void link.close(), 60_000);
 * });
 *
 * @param testScheduler The scheduler of the run.
 * @returns The stalling scheduler and its `stall` switch.
 */
export function stallingScheduler(testScheduler: TestScheduler): StallingScheduler {
  const stalls: Array<{ readonly from: number; readonly to: number }> = [];
  const stallAt = (now: number): { readonly to: number } | undefined =>
    stalls.find(({ from, to }) => now >= from && now < to);
  const scheduler: SchedulerLike = {
    now: () => testScheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      // Rescheduling goes through the test scheduler's action, which keeps this wrapper as its work.
      return testScheduler.schedule(
        function (this: SchedulerAction<T>, value?: T) {
          const stalled = stallAt(testScheduler.now());
          if (stalled !== undefined) this.schedule(value, stalled.to - testScheduler.now());
          else work.call(this, value);
        },
        delay,
        state,
      );
    },
  };
  return { scheduler, stall: (from, ms) => void stalls.push({ from, to: from + ms }) };
}
