import { Observable, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

// Helpers for the outbound contract specs: they drive connect() through a MarbleTransport inside
// `testScheduler.run`, where promises settle only after the run (microtasks come after the flush).

/** Runs `work` at virtual time `ms`; inside `run` only. */
export function at(scheduler: TestScheduler, ms: number, work: () => void): Subscription {
  return scheduler.schedule(work, ms);
}

/** Every value of `source$` with the time it arrived (by `clock`, the test scheduler's by default). */
export function record<T>(
  scheduler: TestScheduler,
  source$: Observable<T>,
  clock: SchedulerLike = scheduler,
): Array<[number, T]> {
  const log: Array<[number, T]> = [];
  source$.subscribe((value) => log.push([clock.now(), value]));
  return log;
}

/** How a `send()` ended, filled in when its promise settles: `pending` until then. */
export interface Outcome {
  state: 'pending' | 'resolved' | 'rejected';
  reason?: string;
}

/**
 * Tracks `promise`, appending `label` to `order` when it resolves, so specs can check the order
 * sends resolved in (their time is not observable: promises settle after the run).
 */
export function outcomeOf(promise: Promise<unknown>, label?: string, order?: string[]): Outcome {
  const outcome: Outcome = { state: 'pending' };
  promise.then(
    () => {
      outcome.state = 'resolved';
      if (label !== undefined) order?.push(label);
    },
    (error: { reason?: string }) => {
      outcome.state = 'rejected';
      outcome.reason = error.reason;
    },
  );
  return outcome;
}

/** Lets every settled promise's callbacks run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
