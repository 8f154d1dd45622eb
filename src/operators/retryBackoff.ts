import {
  MonoTypeOperatorFunction,
  Observable,
  Observer,
  SchedulerLike,
  Subscriber,
  TeardownLogic,
  asyncScheduler,
  concatMap,
  retryWhen,
  throwError,
  timer,
} from 'rxjs';
import { Jitter, backoffDelay } from '../model/backoffDelay';
import { ConfigError } from '../model/ConfigError';
import { attempts, factor as factorRule, jitter as jitterRule } from '../model/configRules';
import { Duration, parseDuration } from '../model/parseDuration';
import { RetryExhaustedError } from '../model/RetryExhaustedError';

/** What `onAttempt` is told before each retry's delay starts. */
export interface RetryAttempt {
  /** The 1-based number of the retry about to be made. */
  readonly attempt: number;
  /** Milliseconds until it is made. */
  readonly delay: number;
  /** The error that caused it. */
  readonly error: unknown;
}

/**
 * How `retryBackoff` retries: the delay schedule, the attempt budget, when the count resets, which
 * errors to retry. The hooks (`shouldRetry`, `delayAtLeast`, `onAttempt`) are called as methods of
 * this object, so it can be an instance of a class.
 */
export interface RetryBackoffConfig {
  /** Delay before the first retry. Milliseconds or a string like `'2s'`. Defaults to `2000`. */
  readonly initialDelay?: Duration;
  /** Cap on any delay. Defaults to `60000`. */
  readonly maxDelay?: Duration;
  /** Growth of the delay per retry. Defaults to `2`. */
  readonly factor?: number;
  /**
   * Retries after the first try, so at most `maxAttempts + 1` subscriptions; `Infinity` retries
   * forever. Defaults to `5`.
   */
  readonly maxAttempts?: number;
  /** `'none'` (exact), `'full'`, `'equal'`, or a ratio 0–1 (± that share). Defaults to `'none'`. */
  readonly jitter?: Jitter;
  /**
   * `true`: the retry count resets whenever the source emits. A duration: only once the source has
   * stayed up (first emission to error) that long, so a link that connects and drops at once keeps
   * backing off. `false`: never resets. Defaults to `false`.
   */
  readonly resetOnSuccess?: boolean | Duration;
  /** Whether to retry `error`; `attempt` is the 1-based retry about to be made. `false` rethrows `error` as is. Defaults to always. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * The least delay an error asks for, ms (a server's `Retry-After`): the retry waits at least that
   * long, even past `maxDelay`; `undefined` for the usual backoff. Defaults to none.
   */
  readonly delayAtLeast?: (error: unknown) => number | undefined;
  /** Called before each retry's delay starts. */
  readonly onAttempt?: (attempt: RetryAttempt) => void;
  /** Uniform random source in [0, 1) for jitter. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** Schedules the delays and reads the time. Defaults to `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Resubscribes to the source after an error, waiting `initialDelay × factor^(n−1)` (capped at
 * `maxDelay`, optionally jittered) before retry n; after `maxAttempts` retries it errors with a
 * `RetryExhaustedError` carrying the attempt count and the last error.
 *
 * ```
 * source:    --a--#
 * result:    --a-------a----------a--#    (initialDelay 3, factor 2, maxAttempts 2: delays 3, 6)
 * error:     RetryExhaustedError { attempts: 2, cause: the last error }
 * ```
 *
 * All state (the retry count, the time the source came up) lives per subscription. With
 * `resetOnSuccess` set to a duration, a source that emits and fails sooner keeps its count: that is
 * what stops a flapping server from being hammered at the initial delay.
 *
 * Built on `retryWhen`, as the product's design asks. RxJS 7 deprecates `retryWhen` in favour of
 * `retry({ delay })`; it is used only in this file, so moving over is a local change.
 *
 * @example
 * const ticks$ = socket$.pipe(retryBackoff({ initialDelay: '2s', maxAttempts: 5, jitter: 'none' }));
 * // errors at 0 s, retries at 2, 6, 14, 30, 62 s, then errors with RetryExhaustedError(5, lastError)
 *
 * @param config Delays, budget and hooks; every duration is validated (a `ConfigError` names the field).
 * @returns An operator that retries its source with exponential backoff.
 */
export function retryBackoff<T>(config: RetryBackoffConfig = {}): MonoTypeOperatorFunction<T> {
  const {
    initialDelay = 2000,
    maxDelay = 60_000,
    factor = 2,
    maxAttempts = 5,
    jitter = 'none',
    resetOnSuccess = false,
    random = Math.random,
    scheduler = asyncScheduler,
  } = config;
  const schedule = {
    initialDelay: parseDuration(initialDelay, 'initialDelay'),
    maxDelay: parseDuration(maxDelay, 'maxDelay'),
    factor: factorRule('factor', factor),
    jitter: jitterRule('jitter', jitter),
  };
  if (schedule.maxDelay < schedule.initialDelay) {
    throw new ConfigError('maxDelay', maxDelay, `a duration >= initialDelay (${String(initialDelay)})`);
  }
  const budget = attempts('maxAttempts', maxAttempts);
  const resetAfter =
    resetOnSuccess === true
      ? 0
      : resetOnSuccess === false
        ? undefined
        : parseDuration(resetOnSuccess, 'resetOnSuccess');

  // The hooks stay on `config` and are called as its methods: a config can be an object of a class,
  // with no closure per hook (a lifeline handle makes one per reconnect cycle).
  const rules: BackoffRules = { schedule, budget, resetAfter, hooks: config, random, scheduler };
  return (source: Observable<T>) => new RetryBackoffStream(source, rules);
}

/** What one application of `retryBackoff` retries by, resolved and checked once. */
interface BackoffRules {
  readonly schedule: Parameters<typeof backoffDelay>[1];
  readonly budget: number;
  readonly resetAfter: number | undefined;
  readonly hooks: Pick<RetryBackoffConfig, 'shouldRetry' | 'delayAtLeast' | 'onAttempt'>;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
}

/**
 * The operator's result: each subscription runs its own retry count (`BackoffRun`) over `retryWhen`.
 * Classes rather than a `defer` and a `tap` with their closures: a lifeline handle holds one of these
 * subscriptions for as long as it lives, ten thousand handles as many.
 */
class RetryBackoffStream<T> extends Observable<T> {
  constructor(
    private readonly origin: Observable<T>,
    private readonly rules: BackoffRules,
  ) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    const run = new BackoffRun(this.origin, this.rules);
    return new UpTracked(run).pipe(retryWhen(run.notifier)).subscribe(subscriber);
  }
}

/** One subscription's retry count, and since when its source has been up (its first value). */
class BackoffRun<T> {
  retries = 0;
  upSince: number | undefined;

  constructor(
    readonly origin: Observable<T>,
    private readonly rules: BackoffRules,
  ) {}

  /** `retryWhen`'s notifier: each error, a delay before the retry, or the error that ends it all. */
  readonly notifier = (errors: Observable<unknown>): Observable<unknown> =>
    errors.pipe(concatMap((error: unknown) => this.next(error)));

  /** The source emitted: it is up, from its first value of this subscription. */
  up(): void {
    if (this.upSince === undefined) this.upSince = this.rules.scheduler.now();
  }

  private next(error: unknown): Observable<unknown> {
    const { resetAfter, budget, hooks, schedule, random, scheduler } = this.rules;
    if (resetAfter !== undefined && this.upSince !== undefined && scheduler.now() - this.upSince >= resetAfter) {
      this.retries = 0;
    }
    const attempt = this.retries + 1;
    const retries = this.retries;
    if (attempt > budget) return throwError(() => new RetryExhaustedError(retries, error));
    if (hooks.shouldRetry !== undefined && !hooks.shouldRetry(error, attempt)) return throwError(() => error);
    this.retries = attempt;
    const delay = Math.max(backoffDelay(attempt, schedule, random), hooks.delayAtLeast?.(error) ?? 0);
    hooks.onAttempt?.({ attempt, delay, error });
    return timer(delay, scheduler);
  }
}

/** The source, each subscription of it starting a new "up" (as `defer` + `tap` did). */
class UpTracked<T> extends Observable<T> {
  constructor(private readonly run: BackoffRun<T>) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    this.run.upSince = undefined;
    return this.run.origin.subscribe(new UpWatch(this.run, subscriber));
  }
}

/** Passes the source's notifications on, noting the first value. */
class UpWatch<T> implements Observer<T> {
  constructor(
    private readonly run: BackoffRun<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  next(value: T): void {
    this.run.up();
    this.subscriber.next(value);
  }

  error(error: unknown): void {
    this.subscriber.error(error);
  }

  complete(): void {
    this.subscriber.complete();
  }
}
