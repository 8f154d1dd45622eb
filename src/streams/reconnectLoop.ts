import {
  EMPTY,
  NEVER,
  Observable,
  SchedulerLike,
  catchError,
  defer,
  exhaustMap,
  from,
  interval,
  map,
  merge,
  mergeMap,
  of,
  startWith,
  switchMap,
  take,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { FatalExchangeError } from '../model/FatalExchangeError';
import { LifelineConfig } from '../model/LifelineConfig';
import { RetryExhaustedError, errorMessage } from '../model/RetryExhaustedError';
import { TransportError } from '../model/TransportError';
import { retryBackoff } from '../operators/retryBackoff';
import { Endpoints } from './Endpoints';
import { SocketInfo } from './linkSession';
import { TransportConnection } from './Transport';

/** Takes one connection slot: 0 to go now, else the ms after which to ask again (see `Budget`). */
export interface AttemptBudget {
  take(now: number): number | Promise<number>;
}

/** What the loop needs to run attempts; it owns attempt numbering, failover and recovery. */
export interface ReconnectLoopOptions {
  readonly config: Pick<
    LifelineConfig,
    | 'maxAttempts'
    | 'initialDelay'
    | 'maxDelay'
    | 'factor'
    | 'jitter'
    | 'resetOnSuccess'
    | 'recoveryInterval'
    | 'failbackAfter'
    | 'maxRetryAfter'
  >;
  readonly endpoints: Endpoints;
  readonly budget: AttemptBudget;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
  readonly dispatch: (signal: ConnectionSignal) => void;
  /**
   * Runs one open socket: emits once when it is live, errors when the link must end, never
   * completes (see `linkSession`).
   */
  readonly openSession: (connection: TransportConnection, info: SocketInfo) => Observable<void>;
}

/** Why the loop restarts at once: the application asked, or the preferred endpoint answers again. */
export interface RestartRequest {
  readonly reason: string;
}

/** A shared connection budget that did not answer is asked again after this long, ms. */
const BUDGET_RETRY_MS = 1000;

/** Ends the session on a fallback endpoint because the preferred one answers again. */
class PreferredIsBack extends Error {
  constructor() {
    super('the preferred endpoint answers again');
  }
}

/**
 * The reconnect loop: one cycle of attempts on the current endpoint (the immediate try, then up to
 * `maxAttempts` retries on `retryBackoff`), failover down the endpoint list when a cycle is spent,
 * Failed after the last one, then a recovery cycle every `recoveryInterval`; and on a fallback
 * endpoint, a probe of the preferred one every `failbackAfter`. Every attempt and probe takes a slot
 * from the connection budget first. A restart request ends the current socket and starts a new
 * cycle at once, with a fresh retry budget.
 *
 * ```
 * attempts:  a--x-------a---x-----------a--o------    (a attempt, x failed, o open)
 * signals:   c--f r(2s) c---f r(4s)     c--o          (connecting, connectFailed, retryScheduled, open)
 * ```
 *
 * All state (the attempt number, whether a socket ever opened, recovery) lives per subscription.
 *
 * @param options The endpoints, budget, retry policy, and the session to run on each socket.
 * @param restarts$ Restart requests (`reconnect()`).
 * @returns Never emits; runs until unsubscribed.
 */
export function reconnectLoop(options: ReconnectLoopOptions, restarts$: Observable<RestartRequest>): Observable<never> {
  const { config, endpoints, budget, shouldRetry, random, scheduler, dispatch, openSession } = options;
  const now = (): number => scheduler.now();
  return defer(() => {
    let attemptsStarted = 0;
    let recovering = false;
    /** Whether a socket is live now: a restart then ends it with a Disconnected. */
    let up = false;

    /**
     * Waits for a slot in the connection budget, saying so while it waits. A shared budget that
     * cannot be reached holds every attempt back (fail closed) and is asked again a second later.
     */
    const slot = (): Observable<unknown> =>
      defer(() => {
        const wait = budget.take(now());
        return typeof wait === 'number' ? of(wait) : from(wait);
      }).pipe(
        catchError((error: unknown) => {
          dispatch({
            type: 'error',
            at: now(),
            message: `connection budget unavailable, no attempt until it answers: ${errorMessage(error)}`,
          });
          return of(BUDGET_RETRY_MS);
        }),
        mergeMap((waitMs) => {
          if (waitMs <= 0) return of(undefined);
          dispatch({ type: 'budgetWait', at: now(), waitMs });
          return timer(waitMs, scheduler).pipe(mergeMap(slot));
        }),
      );

    /** Opens (and at once closes) a socket to the preferred endpoint; emits if it opened. */
    const preferredAnswers$ = defer(() => {
      const wait = budget.take(now());
      // A probe never waits for the budget: with no slot now (or a budget not answering at once), it skips this look.
      if (wait !== 0) return EMPTY;
      return endpoints.openPreferred({ attempt: 0, reconnect: true }).pipe(
        take(1),
        catchError(() => EMPTY),
      );
    });
    /** On a fallback endpoint: ends the session with PreferredIsBack once the preferred one answers. */
    const failback = (): Observable<never> =>
      Number.isFinite(config.failbackAfter) && endpoints.onFallback
        ? interval(config.failbackAfter, scheduler).pipe(
            exhaustMap(() => preferredAnswers$),
            take(1),
            mergeMap(() => throwError(() => new PreferredIsBack())),
          )
        : EMPTY;

    /** One attempt on the current endpoint: budget, then the socket and its session. */
    const attempt$ = (cycle: { attempt: number }): Observable<void> =>
      slot().pipe(
        switchMap(() => {
          const attempt = cycle.attempt;
          const reconnect = attemptsStarted++ > 0;
          let opened = false;
          dispatch({
            type: 'connecting',
            at: now(),
            attempt,
            maxAttempts: config.maxAttempts,
            reconnect,
            ...(endpoints.several ? { endpoint: endpoints.url } : {}),
          });
          return endpoints.open({ attempt, reconnect }).pipe(
            switchMap(({ connection, url }) => {
              return merge(
                openSession(connection, { attempt, reconnect, url }).pipe(
                  // The attempt succeeded once the session says so (its handshake done): a socket that
                  // opened but failed its handshake is a failed attempt, not a lost link.
                  tap(() => {
                    opened = true;
                    up = true;
                    recovering = false;
                  }),
                ),
                failback(),
              );
            }),
            catchError((error: unknown) => {
              up = false;
              if (opened) {
                const closeCode = error instanceof TransportError ? error.details.closeCode : undefined;
                dispatch({
                  type: 'disconnected',
                  at: now(),
                  reason:
                    error instanceof PreferredIsBack ? 'moving back to the preferred endpoint' : errorMessage(error),
                  ...(closeCode !== undefined ? { code: closeCode } : {}),
                  ...(error instanceof PreferredIsBack ? { requested: true } : {}),
                });
              } else {
                dispatch({ type: 'connectFailed', at: now(), attempt, error: errorMessage(error), reconnect });
              }
              return throwError(() => error);
            }),
          );
        }),
      );

    /** A cycle on the current endpoint: the immediate try plus up to maxAttempts retries. */
    const cycle = (): Observable<void> =>
      defer(() => {
        const state = { attempt: 0 };
        return attempt$(state).pipe(
          retryBackoff<void>({
            initialDelay: config.initialDelay,
            maxDelay: config.maxDelay,
            factor: config.factor,
            maxAttempts: config.maxAttempts,
            jitter: config.jitter,
            resetOnSuccess: config.resetOnSuccess,
            // A recovery cycle is one try per endpoint: until it opens, a failure moves straight on.
            shouldRetry: (error, attempt) =>
              !(error instanceof PreferredIsBack) &&
              !(error instanceof FatalExchangeError) &&
              !recovering &&
              shouldRetry(error, attempt),
            delayAtLeast: (error) => retryAfter(error),
            onAttempt: ({ attempt, delay, error }) => {
              state.attempt = attempt;
              const retryAfterMs = retryAfter(error);
              dispatch({
                type: 'retryScheduled',
                at: now(),
                attempt,
                maxAttempts: config.maxAttempts,
                delayMs: delay,
                ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
              });
            },
            random,
            scheduler,
          }),
          catchError((error: unknown) => {
            if (error instanceof PreferredIsBack) {
              const move = endpoints.failback();
              if (move) dispatch({ type: 'failover', at: now(), ...move, reason: error.message });
              return cycle();
            }
            if (error instanceof FatalExchangeError) {
              dispatch({ type: 'failed', at: now(), attempts: state.attempt, error: error.reason, fatal: true });
              return NEVER;
            }
            const exhausted = error instanceof RetryExhaustedError;
            const reason = errorMessage(exhausted ? error.cause : error);
            const move = endpoints.failover();
            if (move) {
              dispatch({ type: 'failover', at: now(), ...move, reason });
              return cycle();
            }
            dispatch({
              type: 'failed',
              at: now(),
              attempts: exhausted ? error.attempts : state.attempt,
              error: reason,
              ...(Number.isFinite(config.recoveryInterval) ? { recoveryInMs: config.recoveryInterval } : {}),
            });
            if (!Number.isFinite(config.recoveryInterval)) return NEVER;
            return timer(config.recoveryInterval, scheduler).pipe(
              switchMap(() => {
                recovering = true;
                endpoints.failback();
                return cycle();
              }),
            );
          }),
        );
      });

    /** The wait a rejected upgrade asked for (`Retry-After`), capped at `maxRetryAfter`. */
    const retryAfter = (error: unknown): number | undefined => {
      const asked = error instanceof TransportError ? error.details.retryAfterMs : undefined;
      return asked === undefined ? undefined : Math.min(asked, config.maxRetryAfter);
    };

    return restarts$.pipe(
      map((request): RestartRequest | undefined => request),
      startWith(undefined),
      switchMap((request) => {
        if (request !== undefined) {
          recovering = false;
          if (up) dispatch({ type: 'disconnected', at: now(), reason: request.reason, requested: true });
          up = false;
        }
        return cycle();
      }),
      mergeMap(() => EMPTY),
    );
  });
}
