import {
  EMPTY,
  Observable,
  SchedulerLike,
  Subscription,
  catchError,
  defer,
  exhaustMap,
  from,
  interval,
  mergeMap,
  of,
  switchMap,
  take,
  throwError,
  timer,
} from 'rxjs';
import { askedWait } from '../model/askedWait';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { FatalExchangeError } from '../model/FatalExchangeError';
import { LifelineConfig } from '../model/LifelineConfig';
import { RetryExhaustedError, errorMessage } from '../model/RetryExhaustedError';
import { TransportError } from '../model/TransportError';
import { RetryAttempt, RetryBackoffConfig, retryBackoff } from '../operators/retryBackoff';
import { DirectStream } from './DirectStream';
import { DirectObserver, DirectSubscriber } from './DirectSubscriber';
import { Endpoints } from './Endpoints';
import { RelayInfo, RelayOwner, SocketOpener } from './SessionRelay';
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
  /** Where the signals go, and how a link is run on a socket. */
  readonly link: LoopLink;
}

/** A link running on a socket (and its successors): see `SessionRelay`. */
export interface RunningLink {
  start(): void;
  stop(): void;
}

/** The handle the loop works for. */
export interface LoopLink {
  dispatch(signal: ConnectionSignal): void;
  /** Runs the link on the attempt's socket (and its successors), telling `owner` how it goes. */
  openSession(opener: SocketOpener, info: RelayInfo, owner: RelayOwner): RunningLink;
  /** The loop leaves a live socket of its own accord (failback): reset it unless it is healthy. */
  leaving(): void;
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
 * `maxAttempts` retries on `retryBackoff`, which retries by `retryWhen`), failover down the endpoint
 * list when a cycle is spent, Failed after the last one, then a recovery cycle every
 * `recoveryInterval`; and on a fallback endpoint, a probe of the preferred one every
 * `failbackAfter`. Every attempt and probe takes a slot from the connection budget first. A restart
 * ends the current socket and starts a new cycle at once, with a fresh retry budget.
 *
 * ```
 * attempts:  a--x-------a---x-----------a--o------    (a attempt, x failed, o open)
 * signals:   c--f r(2s) c---f r(4s)     c--o          (connecting, connectFailed, retryScheduled, open)
 * ```
 *
 * A class with its state in named fields and its steps as methods: while a link is up, it holds one
 * attempt and the retry operator's subscription, not a chain of operators per step.
 *
 * @example
 * const loop = new ReconnectLoop({ config, endpoints, budget, shouldRetry, random, scheduler, link });
 * loop.start();                       // connecting at once
 * loop.restart('reconnect requested'); // a fresh cycle now
 * loop.stop();                        // every socket closed, no more attempts
 */
export class ReconnectLoop {
  private attemptsStarted = 0;
  /** The attempt number within the current cycle (0: the immediate try). */
  cycleAttempt = 0;
  private recovering = false;
  /** Whether a socket is live now: a restart then ends it with a Disconnected. */
  private up = false;
  private cycling: Subscription | undefined;
  private recovery: Subscription | undefined;
  private generation = 0;
  private stopped = false;
  /** Each subscription is one attempt: what the retry operator resubscribes. */
  private readonly attempts: Observable<void> = new AttemptStream(this);

  constructor(readonly options: ReconnectLoopOptions) {}

  start(): void {
    this.startCycle();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.recovery?.unsubscribe();
    this.cycling?.unsubscribe();
  }

  /** The current socket ends (a requested Disconnected) and a fresh cycle starts now. */
  restart(reason: string): void {
    if (this.stopped) return;
    this.generation++;
    this.recovery?.unsubscribe();
    this.cycling?.unsubscribe();
    this.recovering = false;
    if (this.up) this.options.link.dispatch({ type: 'disconnected', at: this.now(), reason, requested: true });
    this.up = false;
    // Ending the socket can reach the application, which may close the handle: then no new cycle.
    if (!this.stopped) this.startCycle();
  }

  now(): number {
    return this.options.scheduler.now();
  }

  /** A cycle on the current endpoint: the immediate try plus up to maxAttempts retries, then what follows. */
  private startCycle(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.cycleAttempt = 0;
    const subscription = this.attempts.pipe(retryBackoff<void>(this.backoff())).subscribe(new Cycle(this, generation));
    // Superseded while subscribing: by the next cycle (this one ended at once: nothing to do), or by a
    // restart or a stop heard meanwhile (an application reacting to Connected): then this one goes.
    if (generation === this.generation) this.cycling = subscription;
    else subscription.unsubscribe();
  }

  /** The retry policy of one cycle: the handle's, with Retry-After honoured and each retry reported. */
  private backoff(): RetryBackoffConfig {
    return new CyclePolicy(this);
  }

  /** Whether a cycle retries `error`. A recovery cycle is one try per endpoint: a failure moves straight on. */
  retryAllowed(error: unknown, attempt: number): boolean {
    return (
      !(error instanceof PreferredIsBack) &&
      !(error instanceof FatalExchangeError) &&
      !this.recovering &&
      this.options.shouldRetry(error, attempt)
    );
  }

  /** A retry of the cycle is scheduled: said as a signal. */
  retrying({ attempt, delay, error }: RetryAttempt): void {
    this.cycleAttempt = attempt;
    const retryAfterMs = this.retryAfter(error);
    this.options.link.dispatch({
      type: 'retryScheduled',
      at: this.now(),
      attempt,
      maxAttempts: this.options.config.maxAttempts,
      delayMs: delay,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  /** The wait a rejected upgrade asked for (`Retry-After`), capped at `maxRetryAfter`. */
  retryAfter(error: unknown): number | undefined {
    return askedWait(error, this.options.config.maxRetryAfter);
  }

  /** The cycle of `generation` gave up; heard only while it is the current one. */
  cycleFailed(generation: number, error: unknown): void {
    if (generation === this.generation) this.cycleEnded(error);
  }

  /** A cycle gave up: back to the preferred endpoint, on to the next one, or Failed (and recovery later). */
  private cycleEnded(error: unknown): void {
    const { config, endpoints, link, scheduler } = this.options;
    if (error instanceof PreferredIsBack) {
      const move = endpoints.failback();
      if (move) link.dispatch({ type: 'failover', at: this.now(), ...move, reason: error.message });
      return this.startCycle();
    }
    if (error instanceof FatalExchangeError) {
      link.dispatch({ type: 'failed', at: this.now(), attempts: this.cycleAttempt, error: error.reason, fatal: true });
      return;
    }
    const exhausted = error instanceof RetryExhaustedError;
    const reason = errorMessage(exhausted ? error.cause : error);
    const move = endpoints.failover();
    if (move) {
      link.dispatch({ type: 'failover', at: this.now(), ...move, reason });
      return this.startCycle();
    }
    link.dispatch({
      type: 'failed',
      at: this.now(),
      attempts: exhausted ? error.attempts : this.cycleAttempt,
      error: reason,
      ...(Number.isFinite(config.recoveryInterval) ? { recoveryInMs: config.recoveryInterval } : {}),
    });
    if (Number.isFinite(config.recoveryInterval)) {
      this.recovery = scheduler.schedule(recover, config.recoveryInterval, this);
    }
  }

  /** Failed, `recoveryInterval` later: a recovery cycle from the preferred endpoint. */
  recover(): void {
    this.recovery = undefined;
    this.recovering = true;
    this.options.endpoints.failback();
    this.startCycle();
  }

  /** Takes a connection slot: 0 now, else the wait (or the budget's answer to come). */
  take(): number | Promise<number> {
    try {
      return this.options.budget.take(this.now());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Waits for a slot in the connection budget, saying so (`announce`) while it waits. A shared budget
   * that cannot be reached holds every attempt back (fail closed) and is asked again a second later.
   */
  waitForSlot(first: number | Promise<number>, announce: boolean): Observable<unknown> {
    const { link, scheduler } = this.options;
    return (typeof first === 'number' ? of(first) : from(first)).pipe(
      catchError((error: unknown) => {
        link.dispatch({
          type: 'error',
          at: this.now(),
          message: `connection budget unavailable, no attempt until it answers: ${errorMessage(error)}`,
        });
        return of(BUDGET_RETRY_MS);
      }),
      mergeMap((waitMs) => {
        if (waitMs <= 0) return of(undefined);
        if (announce) link.dispatch({ type: 'budgetWait', at: this.now(), waitMs });
        return timer(waitMs, scheduler).pipe(mergeMap(() => this.waitForSlot(this.take(), announce)));
      }),
    );
  }

  /** A successor socket for an aged one: same endpoint, a slot of its own, no attempt of the loop's. */
  successor$(attempt: number): Observable<TransportConnection> {
    return defer(() => {
      const wait = this.take();
      const open = (): Observable<TransportConnection> => this.options.endpoints.open({ attempt, reconnect: true });
      return wait === 0 ? open() : this.waitForSlot(wait, false).pipe(switchMap(open));
    });
  }

  /** An attempt begins: its number, and whether it is a reconnect (a socket was tried before). */
  attemptStarted(): RelayInfo {
    const { config, endpoints, link } = this.options;
    const attempt = this.cycleAttempt;
    const reconnect = this.attemptsStarted++ > 0;
    link.dispatch({
      type: 'connecting',
      at: this.now(),
      attempt,
      maxAttempts: config.maxAttempts,
      reconnect,
      ...(endpoints.several ? { endpoint: endpoints.url } : {}),
    });
    return { attempt, reconnect };
  }

  /** The attempt succeeded (its handshake done). */
  attemptLive(): void {
    this.up = true;
    this.recovering = false;
  }

  /** The attempt ended: a lost link (after it went live) or a failed attempt. */
  attemptEnded(info: RelayInfo, live: boolean, error: unknown): void {
    this.up = false;
    if (live) return this.lost(error);
    this.options.link.dispatch({
      type: 'connectFailed',
      at: this.now(),
      attempt: info.attempt,
      error: errorMessage(error),
      reconnect: info.reconnect,
    });
  }

  /** A live link ended: why, and the close code if the peer gave one. */
  private lost(error: unknown): void {
    const closeCode = error instanceof TransportError ? error.details.closeCode : undefined;
    const back = error instanceof PreferredIsBack;
    this.options.link.dispatch({
      type: 'disconnected',
      at: this.now(),
      reason: back ? 'moving back to the preferred endpoint' : errorMessage(error),
      ...(closeCode !== undefined ? { code: closeCode } : {}),
      ...(back ? { requested: true } : {}),
    });
  }

  /** On a fallback endpoint: errors with PreferredIsBack once the preferred one answers. */
  failback(): Observable<never> | undefined {
    const { config, endpoints, scheduler } = this.options;
    if (!Number.isFinite(config.failbackAfter) || !endpoints.onFallback) return undefined;
    return interval(config.failbackAfter, scheduler).pipe(
      exhaustMap(() => this.preferredAnswers()),
      take(1),
      mergeMap(() => {
        this.options.link.leaving();
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

// Scheduled with the loop as its state: no closure per handle.
function recover(this: unknown, loop?: ReconnectLoop): void {
  loop?.recover();
}

/**
 * The attempts of a loop: each subscription is one `Attempt`, which is also the subscription (so the
 * retry operator's observer is handed to it with no RxJS subscriber between them; see `DirectStream`).
 */
class AttemptStream extends DirectStream<void> {
  constructor(private readonly loop: ReconnectLoop) {
    super();
  }

  protected adopt(observer: DirectObserver<void>): Subscription {
    const attempt = new Attempt(this.loop, observer);
    attempt.start();
    return attempt;
  }
}

/** What hears a cycle's end: the loop, while the cycle is its current one. */
class Cycle extends DirectSubscriber<void> {
  constructor(
    private readonly loop: ReconnectLoop,
    private readonly generation: number,
  ) {
    super(undefined);
  }

  override error(error: unknown): void {
    if (this.closed) return;
    try {
      this.loop.cycleFailed(this.generation, error);
    } finally {
      this.unsubscribe();
    }
  }
}

/**
 * One attempt, as the retry operator subscribes it: a budget slot (at once when there is one), then
 * the socket and the link run on it. It emits once when the attempt succeeded (its handshake done)
 * and errors when the attempt fails or the link ends; unsubscribing stops it all.
 */
class Attempt extends DirectSubscriber<void> implements RelayOwner, SocketOpener {
  private info: RelayInfo | undefined;
  private running: RunningLink | undefined;
  private waiting: Subscription | undefined;
  private failingBack: Subscription | undefined;
  private wentLive = false;
  private done = false;

  constructor(
    private readonly loop: ReconnectLoop,
    observer: DirectObserver<void>,
  ) {
    super(observer);
  }

  start(): void {
    const wait = this.loop.take();
    if (wait === 0) this.open();
    else
      this.waiting = this.loop
        .waitForSlot(wait, true)
        .pipe(take(1))
        .subscribe({ next: () => this.open(), error: (error: unknown) => this.ended(error) });
  }

  override unsubscribe(): void {
    if (this.closed) return;
    this.done = true;
    super.unsubscribe();
    this.waiting?.unsubscribe();
    this.failingBack?.unsubscribe();
    this.running?.stop();
  }

  // SocketOpener
  get first$(): Observable<TransportConnection> {
    return this.loop.options.endpoints.open(this.info as RelayInfo);
  }

  successor$(): Observable<TransportConnection> {
    return this.loop.successor$((this.info as RelayInfo).attempt);
  }

  url(): string {
    return this.loop.options.endpoints.openedUrl;
  }

  // RelayOwner
  live(): void {
    if (this.done) return;
    this.wentLive = true;
    this.loop.attemptLive();
    this.next();
  }

  ended(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.info !== undefined) this.loop.attemptEnded(this.info, this.wentLive, error);
    this.error(error);
  }

  private open(): void {
    if (this.done) return;
    this.info = this.loop.attemptStarted();
    this.running = this.loop.options.link.openSession(this, this.info, this);
    this.running.start();
    const failback = this.loop.failback();
    if (failback !== undefined && !this.done) {
      this.failingBack = failback.subscribe({ error: (error: unknown) => this.ended(error) });
    }
  }
}

/**
 * One cycle's retry policy: the handle's settings, with the loop's hooks as methods (no closures;
 * `retryBackoff` calls a config's hooks as its methods).
 */
class CyclePolicy implements RetryBackoffConfig {
  constructor(private readonly loop: ReconnectLoop) {}

  get initialDelay(): number {
    return this.loop.options.config.initialDelay;
  }
  get maxDelay(): number {
    return this.loop.options.config.maxDelay;
  }
  get factor(): number {
    return this.loop.options.config.factor;
  }
  get maxAttempts(): number {
    return this.loop.options.config.maxAttempts;
  }
  get jitter(): LifelineConfig['jitter'] {
    return this.loop.options.config.jitter;
  }
  get resetOnSuccess(): LifelineConfig['resetOnSuccess'] {
    return this.loop.options.config.resetOnSuccess;
  }
  get random(): () => number {
    return this.loop.options.random;
  }
  get scheduler(): SchedulerLike {
    return this.loop.options.scheduler;
  }

  shouldRetry(error: unknown, attempt: number): boolean {
    return this.loop.retryAllowed(error, attempt);
  }

  delayAtLeast(error: unknown): number | undefined {
    return this.loop.retryAfter(error);
  }

  onAttempt(attempt: RetryAttempt): void {
    this.loop.retrying(attempt);
  }
}
