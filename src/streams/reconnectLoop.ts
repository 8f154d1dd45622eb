import {
  EMPTY,
  NEVER,
  Observable,
  SchedulerLike,
  Subscriber,
  Subscription,
  catchError,
  defer,
  exhaustMap,
  from,
  interval,
  merge,
  mergeMap,
  of,
  switchMap,
  take,
  throwError,
  timer,
} from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { FatalExchangeError } from '../model/FatalExchangeError';
import { LifelineConfig } from '../model/LifelineConfig';
import { RetryExhaustedError, errorMessage } from '../model/RetryExhaustedError';
import { TransportError } from '../model/TransportError';
import { RetryBackoffConfig, retryBackoff } from '../operators/retryBackoff';
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
  /** The loop leaves a live socket of its own accord (failback): reset it unless it is healthy. */
  readonly leaving?: () => void;
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
  return new Observable<never>((subscriber) => new ReconnectLoop(options, subscriber).run(restarts$));
}

/** One subscription's loop: its state in named fields, its steps as methods. */
class ReconnectLoop {
  private attemptsStarted = 0;
  private recovering = false;
  /** Whether a socket is live now: a restart then ends it with a Disconnected. */
  private up = false;
  private cycling: Subscription | undefined;

  constructor(
    private readonly options: ReconnectLoopOptions,
    private readonly subscriber: Subscriber<never>,
  ) {}

  run(restarts$: Observable<RestartRequest>): Subscription {
    const subscription = new Subscription(() => this.cycling?.unsubscribe());
    this.startCycle();
    subscription.add(restarts$.subscribe((request) => this.restart(request)));
    return subscription;
  }

  private now(): number {
    return this.options.scheduler.now();
  }

  /** A restart request: the current socket ends (a requested Disconnected) and a fresh cycle starts now. */
  private restart(request: RestartRequest): void {
    this.cycling?.unsubscribe();
    this.recovering = false;
    if (this.up)
      this.options.dispatch({ type: 'disconnected', at: this.now(), reason: request.reason, requested: true });
    this.up = false;
    this.startCycle();
  }

  private startCycle(): void {
    this.cycling = this.cycle().subscribe({ error: (error: unknown) => this.subscriber.error(error) });
  }

  /** A cycle on the current endpoint: the immediate try plus up to maxAttempts retries, then what follows. */
  private cycle(): Observable<void> {
    return defer(() => {
      const state = { attempt: 0 };
      return this.attempt(state).pipe(
        retryBackoff<void>(this.backoff(state)),
        catchError((error: unknown) => this.cycleEnded(error, state)),
      );
    });
  }

  /** The retry policy of one cycle: the handle's, with Retry-After honoured and each retry reported. */
  private backoff(state: { attempt: number }): RetryBackoffConfig {
    const { config, shouldRetry, dispatch, random, scheduler } = this.options;
    return {
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
        !this.recovering &&
        shouldRetry(error, attempt),
      delayAtLeast: (error) => this.retryAfter(error),
      onAttempt: ({ attempt, delay, error }) => {
        state.attempt = attempt;
        const retryAfterMs = this.retryAfter(error);
        dispatch({
          type: 'retryScheduled',
          at: this.now(),
          attempt,
          maxAttempts: config.maxAttempts,
          delayMs: delay,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
      },
      random,
      scheduler,
    };
  }

  /** The wait a rejected upgrade asked for (`Retry-After`), capped at `maxRetryAfter`. */
  private retryAfter(error: unknown): number | undefined {
    const asked = error instanceof TransportError ? error.details.retryAfterMs : undefined;
    return asked === undefined ? undefined : Math.min(asked, this.options.config.maxRetryAfter);
  }

  /** A cycle gave up: back to the preferred endpoint, on to the next one, or Failed (and recovery later). */
  private cycleEnded(error: unknown, state: { attempt: number }): Observable<void> {
    const { config, endpoints, dispatch, scheduler } = this.options;
    if (error instanceof PreferredIsBack) {
      const move = endpoints.failback();
      if (move) dispatch({ type: 'failover', at: this.now(), ...move, reason: error.message });
      return this.cycle();
    }
    if (error instanceof FatalExchangeError) {
      dispatch({ type: 'failed', at: this.now(), attempts: state.attempt, error: error.reason, fatal: true });
      return NEVER;
    }
    const exhausted = error instanceof RetryExhaustedError;
    const reason = errorMessage(exhausted ? error.cause : error);
    const move = endpoints.failover();
    if (move) {
      dispatch({ type: 'failover', at: this.now(), ...move, reason });
      return this.cycle();
    }
    dispatch({
      type: 'failed',
      at: this.now(),
      attempts: exhausted ? error.attempts : state.attempt,
      error: reason,
      ...(Number.isFinite(config.recoveryInterval) ? { recoveryInMs: config.recoveryInterval } : {}),
    });
    if (!Number.isFinite(config.recoveryInterval)) return NEVER;
    return timer(config.recoveryInterval, scheduler).pipe(
      switchMap(() => {
        this.recovering = true;
        endpoints.failback();
        return this.cycle();
      }),
    );
  }

  /** One attempt on the current endpoint: a budget slot (at once when there is one), then the socket. */
  private attempt(state: { attempt: number }): Observable<void> {
    return defer(() => {
      const wait = this.take();
      if (wait === 0) return this.open(state);
      return this.waitForSlot(wait).pipe(switchMap(() => this.open(state)));
    });
  }

  /** Takes a connection slot: 0 now, else the wait (or the budget's answer to come). */
  private take(): number | Promise<number> {
    try {
      return this.options.budget.take(this.now());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Waits for a slot in the connection budget, saying so while it waits. A shared budget that cannot
   * be reached holds every attempt back (fail closed) and is asked again a second later.
   */
  private waitForSlot(first: number | Promise<number>): Observable<unknown> {
    const { dispatch, scheduler } = this.options;
    return (typeof first === 'number' ? of(first) : from(first)).pipe(
      catchError((error: unknown) => {
        dispatch({
          type: 'error',
          at: this.now(),
          message: `connection budget unavailable, no attempt until it answers: ${errorMessage(error)}`,
        });
        return of(BUDGET_RETRY_MS);
      }),
      mergeMap((waitMs) => {
        if (waitMs <= 0) return of(undefined);
        dispatch({ type: 'budgetWait', at: this.now(), waitMs });
        return timer(waitMs, scheduler).pipe(mergeMap(() => this.waitForSlot(this.take())));
      }),
    );
  }

  /** Opens a socket and runs its session; says how the attempt or the link ended. */
  private open(state: { attempt: number }): Observable<void> {
    const { config, endpoints, dispatch, openSession } = this.options;
    const attempt = state.attempt;
    const reconnect = this.attemptsStarted++ > 0;
    let live = false;
    dispatch({
      type: 'connecting',
      at: this.now(),
      attempt,
      maxAttempts: config.maxAttempts,
      reconnect,
      ...(endpoints.several ? { endpoint: endpoints.url } : {}),
    });
    // The attempt succeeded once the session says so (its handshake done): a socket that opened but
    // failed its handshake is a failed attempt, not a lost link.
    const onLive = (): void => {
      live = true;
      this.up = true;
      this.recovering = false;
    };
    return endpoints.open({ attempt, reconnect }).pipe(
      switchMap((connection) => {
        const session = openSession(connection, { attempt, reconnect, url: endpoints.openedUrl, live: onLive });
        const failback = this.failback();
        return failback === undefined ? session : merge(session, failback);
      }),
      catchError((error: unknown) => {
        this.up = false;
        if (live) this.lost(error);
        else dispatch({ type: 'connectFailed', at: this.now(), attempt, error: errorMessage(error), reconnect });
        return throwError(() => error);
      }),
    );
  }

  /** A live link ended: why, and the close code if the peer gave one. */
  private lost(error: unknown): void {
    const closeCode = error instanceof TransportError ? error.details.closeCode : undefined;
    const back = error instanceof PreferredIsBack;
    this.options.dispatch({
      type: 'disconnected',
      at: this.now(),
      reason: back ? 'moving back to the preferred endpoint' : errorMessage(error),
      ...(closeCode !== undefined ? { code: closeCode } : {}),
      ...(back ? { requested: true } : {}),
    });
  }

  /** On a fallback endpoint: ends the session with PreferredIsBack once the preferred one answers. */
  private failback(): Observable<never> | undefined {
    const { config, endpoints, scheduler } = this.options;
    if (!Number.isFinite(config.failbackAfter) || !endpoints.onFallback) return undefined;
    return interval(config.failbackAfter, scheduler).pipe(
      exhaustMap(() => this.preferredAnswers()),
      take(1),
      mergeMap(() => {
        this.options.leaving?.();
        return throwError(() => new PreferredIsBack());
      }),
    );
  }

  /** Opens (and at once closes) a socket to the preferred endpoint; emits if it opened. */
  private preferredAnswers(): Observable<unknown> {
    // A probe never waits for the budget: with no slot now (or a budget not answering at once), it skips this look.
    if (this.take() !== 0) return EMPTY;
    return this.options.endpoints.openPreferred({ attempt: 0, reconnect: true }).pipe(
      take(1),
      catchError(() => EMPTY),
    );
  }
}
