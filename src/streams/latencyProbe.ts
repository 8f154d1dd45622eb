import {
  Observable,
  ObservableInput,
  SchedulerLike,
  asyncScheduler,
  catchError,
  defaultIfEmpty,
  defer,
  exhaustMap,
  from,
  map,
  of,
  take,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { errorMessage } from '../model/RetryExhaustedError';

/** A connection check: any async call that proves the exchange answers, e.g. an account-info request. */
export type Probe = () => ObservableInput<unknown>;

/** How often the latency probe runs the connection check, and how long a check may take. */
export interface LatencyProbeOptions {
  /** Milliseconds between checks. Defaults to `60000`. */
  readonly checkInterval?: number;
  /** Milliseconds a check may take before it counts as failed. Defaults to `10000`. */
  readonly probeTimeout?: number;
}

/** The outcome of one check. `initial` marks the check made at start, whose failure only warns. */
export type ProbeSample =
  | { readonly ok: true; readonly latencyMs: number; readonly initial: boolean }
  | { readonly ok: false; readonly error: string; readonly initial: boolean };

/**
 * Runs the user's probe at once and then every `checkInterval`, timing each run (seed:
 * `check_connection` / `test_connection`).
 *
 * ```
 * probe:     --x|                 (answers after 2)
 * result:    --a--------b------   (checkInterval 9: a = { ok: true, latencyMs: 2, initial: true })
 * ```
 *
 * A run that errors, or takes longer than `probeTimeout`, gives `{ ok: false, error }`; the stream
 * itself never errors. A run still pending when the next is due is not doubled up (`exhaustMap`).
 * A probe that completes without a value counts as a success at completion.
 *
 * @example
 * latencyProbe(() => fetchAccountInfo(), { checkInterval: 60000 })
 * // { ok: true, latencyMs: 84, initial: true }, then one sample a minute
 *
 * @param probe The check; a function returning a Promise or an Observable.
 * @param options Interval and timeout.
 * @param scheduler Schedules checks and timeouts and times them. Defaults to `asyncScheduler`.
 */
export function latencyProbe(
  probe: Probe,
  options: LatencyProbeOptions = {},
  scheduler: SchedulerLike = asyncScheduler,
): Observable<ProbeSample> {
  const { checkInterval = 60_000, probeTimeout = 10_000 } = options;
  return timer(0, checkInterval, scheduler).pipe(
    exhaustMap((run) => {
      const initial = run === 0;
      const started = scheduler.now();
      return defer(() => from(probe())).pipe(
        take(1),
        defaultIfEmpty(undefined),
        timeout({
          first: probeTimeout,
          scheduler,
          with: () => throwError(() => new Error(`probe timed out after ${probeTimeout} ms`)),
        }),
        map((): ProbeSample => ({ ok: true, latencyMs: scheduler.now() - started, initial })),
        catchError((error: unknown) => of<ProbeSample>({ ok: false, error: errorMessage(error), initial })),
      );
    }),
  );
}
