import { Observable, Subscription, VirtualTimeScheduler } from 'rxjs';
import { RunHelpers, TestScheduler } from 'rxjs/testing';

/** What `runAsync` gives its body: the marble helpers of `run()`, plus a way to move virtual time. */
export interface AsyncRunHelpers extends Pick<RunHelpers, 'cold' | 'hot' | 'expectObservable' | 'time'> {
  /**
   * Runs every action scheduled up to virtual time `ms` (absolute), letting promise callbacks run
   * between two scheduler times, as they would between two timers in real time.
   */
  until(ms: number): Promise<void>;
}

/**
 * `testScheduler.run()` for specs whose code under test awaits promises in the middle of virtual
 * time (a handshake that awaits `session.request()`, an async URL function). `run()` flushes in one
 * synchronous go, so a promise callback would only run once every timer has fired; here time moves
 * in steps, one scheduler time at a time, and pending promise callbacks run between steps.
 *
 * Marbles are parsed as in run mode (1 frame = 1 ms, `100ms` time progressions). `expectObservable`
 * assertions are checked at the end, once the body has run virtual time out: the body must end every
 * infinite stream (close the link) before it returns.
 *
 * @example
 * await runAsync(testScheduler, async ({ cold, until }) => {
 *   const link = connect({ url, transport: new MarbleTransport(testScheduler, [cold('o')]), scheduler: testScheduler, handshake });
 *   await until(1000);
 *   expect(transport.connections[0]?.texts).toEqual(['{"op":"login","id":1}']);
 *   await link.close();
 * });
 */
export async function runAsync(
  scheduler: TestScheduler,
  body: (helpers: AsyncRunHelpers) => Promise<void>,
): Promise<void> {
  const internals = scheduler as unknown as { runMode: boolean };
  const previousFactor = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  internals.runMode = true;
  const until = async (target: number): Promise<void> => {
    for (;;) {
      await promiseCallbacks();
      while (scheduler.hotObservables.length > 0) scheduler.hotObservables.shift()?.setup();
      const next = scheduler.actions[0];
      if (next === undefined || next.delay > target) break;
      scheduler.maxFrames = next.delay;
      // The plain virtual-time flush: TestScheduler's own would check expectObservable too early.
      VirtualTimeScheduler.prototype.flush.call(scheduler);
    }
    scheduler.frame = Math.max(scheduler.frame, target);
    await promiseCallbacks();
  };
  try {
    await body({
      cold: scheduler.createColdObservable.bind(scheduler),
      hot: scheduler.createHotObservable.bind(scheduler),
      expectObservable: scheduler.expectObservable.bind(scheduler),
      time: scheduler.createTime.bind(scheduler),
      until,
    });
    scheduler.maxFrames = Infinity;
    scheduler.flush();
  } finally {
    TestScheduler.frameTimeFactor = previousFactor;
    internals.runMode = false;
  }
}

/** Lets every pending promise callback run (a macrotask turn runs after all microtasks). */
export function promiseCallbacks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Records every value of `source$` with the virtual time it arrived. */
export function record<T>(scheduler: TestScheduler, source$: Observable<T>): Array<[number, T]> {
  const log: Array<[number, T]> = [];
  source$.subscribe((value) => log.push([scheduler.now(), value]));
  return log;
}

/** Runs `work` at virtual time `ms` from now. */
export function at(scheduler: TestScheduler, ms: number, work: () => void): Subscription {
  return scheduler.schedule(work, ms);
}

/**
 * The most of `times` that fall in one window of `windowMs`, over every window, wherever it starts:
 * a window [t, t + windowMs) starting at each recorded time covers every worst case.
 */
export function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[start] as number) + windowMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}
