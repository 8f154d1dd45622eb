import {
  BehaviorSubject,
  EMPTY,
  NEVER,
  Observable,
  Subject,
  Subscription,
  catchError,
  defer,
  distinctUntilChanged,
  map,
  of,
  shareReplay,
  skip,
  startWith,
  switchMap,
  take,
  throwError,
  timer,
} from 'rxjs';
import { WireData } from '../model/Codec';
import { ConnectionEvent } from '../model/ConnectionEvent';
import {
  ConnectionQuality,
  initialQuality,
  isPoor,
  overallScore,
  qualityThresholdsOf,
  qualityWarnings,
} from '../model/ConnectionQuality';
import { ConnectionSignal } from '../model/ConnectionSignal';
import {
  ConnectionStats,
  initialStats,
  reconnectSuccessRate,
  totalDowntime,
  uptimePercentage,
} from '../model/ConnectionStats';
import { DataMeter } from '../model/DataMeter';
import { EventLog } from '../model/EventLog';
import { LinkState, initialLinkState } from '../model/LinkState';
import { parseDuration } from '../model/parseDuration';
import { PersistedState } from '../model/PersistedState';
import { QualitySample } from '../model/QualitySample';
import { RetryExhaustedError, errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { TransportError } from '../model/TransportError';
import { retryBackoff } from '../operators/retryBackoff';
import { Connection, ConnectionSnapshot, ConnectOptions, LatencySample, SendOptions } from './Connection';
import { Broadcast } from './Broadcast';
import { dataReceived } from './dataReceived';
import { eventsFrom } from './eventsFrom';
import { FeedWatch } from './feedWatch';
import { latencyProbe } from './latencyProbe';
import { linkSession } from './linkSession';
import { linkStateFrom } from './linkStateFrom';
import { OutboundQueue } from './OutboundQueue';
import { qualityFrom } from './qualityFrom';
import { resolveConnectOptions } from './resolveConnectOptions';
import { statsFrom } from './statsFrom';
import { Transport, TransportConnection } from './Transport';

/**
 * Opens a managed connection and keeps it alive and honest: heartbeats, latency probes, data-flow
 * sampling, quality scoring, reconnects with exponential backoff, and the status, event, quality and
 * statistics streams a strategy trades by.
 *
 * ```
 * socket:    --o-----------x            (o open, x lost)
 * status$:   C-K-----------D-R---R--K   (Connecting, Connected, Disconnected, Reconnecting: attempt 1, 2 …)
 * events$:   --C-----------D-A---F-AS   (Connected, Disconnected, ReconnectAttempt, ReconnectFailed, …Success)
 * ```
 *
 * Connecting starts at once. On every (re)connect the `subscriptions` are sent first, then the
 * queued messages in order. After `maxAttempts` failed retries the next endpoint (if `url` lists
 * several) is tried, and after the last one the status is Failed; the handle then waits for
 * `reconnect()` or tries once every `recoveryInterval`. Every attempt takes a token from the
 * connection budget. Every option is validated before anything starts: a bad one throws a
 * `ConfigError` naming the field.
 *
 * @example
 * const link = connect({ url: 'wss://api.example.com/ws', subscriptions: [{ method: 'subscribe', channel: 'trades' }] });
 * link.status$.subscribe((status) => console.log(status));   // Connecting, Connected, …
 * link.messages$.subscribe((message) => strategy.onMessage(message));
 * await link.send({ method: 'order', px: '67000.5', sz: '0.01' }, { ttl: '2s' });
 * await link.close();
 *
 * @param options The endpoint(s), the settings (see `LifelineConfigInput`) and the injectable parts.
 * @returns The handle: streams, `send`, `snapshot`, `reconnect`, `close`.
 */
export function connect<In = unknown, Out = unknown>(options: ConnectOptions<In, Out>): Connection<In, Out> {
  const {
    config,
    codec,
    probe,
    shouldRetry,
    scheduler,
    random,
    transports,
    budget,
    subscriptions,
    watchdogs,
    pingFrame,
    isPong,
    restore,
  } = resolveConnectOptions(options);
  const thresholds = qualityThresholdsOf(config);
  const now = (): number => scheduler.now();
  const start = now();

  // Engine inputs. Everything the streams show is derived from these two.
  const signals = new Subject<ConnectionSignal>();
  const samples = new Subject<QualitySample>();
  let closed = false;
  const emit = (signal: ConnectionSignal): void => {
    if (!closed || signal.type === 'closed') signals.next(signal);
  };

  // Derived state, hot from the start so late subscribers get the current value.
  const initialState: LinkState = { ...initialLinkState(start, config.maxAttempts), endpoint: config.url };
  const linkState = new BehaviorSubject<LinkState>(initialState);
  const quality = new BehaviorSubject<ConnectionQuality>(initialQuality);
  const stats = new BehaviorSubject(restore?.state ? restoredStats(restore.state, start) : initialStats(start));
  const events = new Subject<ConnectionEvent>();
  const latency = new Subject<LatencySample>();
  // Not a Subject: this is the per-message path (see Broadcast).
  const messages = new Broadcast<In>();
  const eventLog = new EventLog<ConnectionEvent>(config.maxEvents);
  for (const event of restore?.state?.recentEvents ?? []) eventLog.append(event);
  const derived = new Subscription();
  derived.add(linkStateFrom(signals, initialState).subscribe(linkState));
  derived.add(statsFrom(signals, stats.value).subscribe(stats));
  derived.add(
    eventsFrom(signals, initialState).subscribe({
      next: (event) => {
        eventLog.append(event);
        events.next(event);
      },
      complete: () => events.complete(),
    }),
  );
  derived.add(qualityFrom(samples).subscribe(quality));
  derived.add(
    quality.pipe(skip(1)).subscribe((q) =>
      emit({
        type: 'quality',
        at: now(),
        quality: q,
        score: overallScore(q),
        poor: isPoor(q, thresholds),
        warnings: qualityWarnings(q, thresholds),
      }),
    ),
  );

  // Outbound: subscriptions replayed on every open, then the queue, then live sends.
  const replayed = new Set<{ readonly data: WireData }>(subscriptions.map((data) => ({ data })));
  const queue = new OutboundQueue(config.queueSize, scheduler);
  const encode = (message: Out): WireData => {
    try {
      return codec.encode(message);
    } catch (error) {
      throw new SendError('encode', `cannot encode message: ${errorMessage(error)}`, error);
    }
  };
  const ignoreWrite = (): void => undefined;

  // The open link, once its subscriptions and queue are flushed; undefined while down.
  let current: TransportConnection | undefined;
  const meter = new DataMeter(config.dataSilence, now);
  const feedWatch = watchdogs.length > 0 ? new FeedWatch<In, WireData>(watchdogs, start) : undefined;

  let endpoint = 0;
  let nextAttempt = 0;
  let attemptsStarted = 0;
  let recovering = false;
  const reconnectRequests = new Subject<void>();
  const dropCurrent = (): boolean => {
    const wasUp = current !== undefined;
    current = undefined;
    return wasUp;
  };
  /** Ends the live link (if any) and starts a new cycle at once. */
  const restart = (reason: string): void => {
    if (dropCurrent()) emit({ type: 'disconnected', at: now(), reason });
    reconnectRequests.next();
  };

  const session = {
    config,
    scheduler,
    decode: (data: WireData) => codec.decode(data),
    meter,
    feedWatch,
    pingFrame,
    isPong,
    subscriptions: {
      *[Symbol.iterator]() {
        for (const { data } of replayed) yield data;
      },
    },
    queue,
    linkState$: linkState.asObservable(),
    latency,
    samples,
    messages,
    emit,
    onLive: (connection: TransportConnection) => {
      current = connection;
      recovering = false;
    },
    onGone: (connection: TransportConnection) => {
      if (current === connection) current = undefined;
    },
  };
  /** On a fallback endpoint, the session also watches for the preferred one coming back. */
  const failback = () =>
    endpoint === 0
      ? {}
      : {
          preferredAnswers$,
          onPreferredBack: () => {
            const from = config.urls[endpoint] as string;
            endpoint = 0;
            emit({ type: 'failover', at: now(), from, to: config.url, reason: 'the preferred endpoint answers again' });
            restart('moving back to the preferred endpoint');
          },
        };

  /** Opens (and at once closes) a socket to the preferred endpoint; emits if it opened. */
  const preferredAnswers$ = defer(() => {
    budget.take(now());
    return (transports[0] as Transport).connect().pipe(
      take(1),
      map(() => undefined),
      catchError(() => EMPTY),
    );
  });

  /** One connection attempt: budget, then signals around the transport; errors when the link fails or dies. */
  const attempt$ = defer(() => {
    const waitMs = budget.take(now());
    if (waitMs > 0) emit({ type: 'budgetWait', at: now(), waitMs });
    return waitMs > 0 ? timer(waitMs, scheduler) : of(0);
  }).pipe(
    switchMap(() => {
      const attempt = nextAttempt;
      const reconnect = attemptsStarted++ > 0;
      const url = config.urls[endpoint] as string;
      let opened = false;
      emit({
        type: 'connecting',
        at: now(),
        attempt,
        maxAttempts: config.maxAttempts,
        reconnect,
        ...(config.urls.length > 1 ? { endpoint: url } : {}),
      });
      return (transports[endpoint] as Transport).connect().pipe(
        switchMap((connection) => {
          opened = true;
          return linkSession({ ...session, ...failback() }, connection, attempt, reconnect);
        }),
        catchError((error: unknown) => {
          dropCurrent();
          if (opened) {
            samples.next({ kind: 'disconnect' });
            const closeCode = error instanceof TransportError ? error.details.closeCode : undefined;
            emit({
              type: 'disconnected',
              at: now(),
              reason: errorMessage(error),
              ...(closeCode !== undefined ? { code: closeCode } : {}),
            });
          } else {
            emit({ type: 'connectFailed', at: now(), attempt, error: errorMessage(error), reconnect });
            // A failed attempt is a failed check: it weighs on the error rate and stability.
            samples.next({ kind: 'error' });
          }
          return throwError(() => error);
        }),
      );
    }),
  );

  /** A reconnect cycle on the current endpoint: the immediate try plus up to maxAttempts retries. */
  const cycle = (): Observable<void> =>
    defer(() => {
      nextAttempt = 0;
      return attempt$.pipe(
        retryBackoff<void>({
          initialDelay: config.initialDelay,
          maxDelay: config.maxDelay,
          factor: config.factor,
          maxAttempts: config.maxAttempts,
          jitter: config.jitter,
          resetOnSuccess: config.minUptime,
          // A recovery probe is one try per endpoint: until it opens, a failure moves straight on.
          shouldRetry: (error, attempt) => !recovering && shouldRetry(error, attempt),
          onAttempt: ({ attempt, delay }) => {
            nextAttempt = attempt;
            emit({ type: 'retryScheduled', at: now(), attempt, maxAttempts: config.maxAttempts, delayMs: delay });
          },
          random,
          scheduler,
        }),
      );
    }).pipe(
      catchError((error: unknown) => {
        const exhausted = error instanceof RetryExhaustedError;
        const reason = errorMessage(exhausted ? error.cause : error);
        if (endpoint < config.urls.length - 1) {
          const from = config.urls[endpoint] as string;
          endpoint++;
          emit({ type: 'failover', at: now(), from, to: config.urls[endpoint] as string, reason });
          return cycle();
        }
        emit({
          type: 'failed',
          at: now(),
          attempts: exhausted ? error.attempts : nextAttempt,
          error: reason,
          ...(Number.isFinite(config.recoveryInterval) ? { recoveryInMs: config.recoveryInterval } : {}),
        });
        if (!Number.isFinite(config.recoveryInterval)) return NEVER;
        return timer(config.recoveryInterval, scheduler).pipe(
          switchMap(() => {
            recovering = true;
            endpoint = 0;
            return cycle();
          }),
        );
      }),
    );

  const engine = new Subscription();
  if (restore?.warning !== undefined) {
    // On the scheduler, so that subscribers attached right after connect() (log, metrics) see it too.
    const warning = restore.warning;
    engine.add(
      scheduler.schedule(() =>
        emit({ type: 'error', at: start, message: `state not restored, starting fresh: ${warning}` }),
      ),
    );
  }
  engine.add(
    reconnectRequests
      .pipe(
        startWith(undefined),
        switchMap(() => cycle()),
      )
      .subscribe(),
  );

  // Lifetime monitors: data sampling (throughput, uptime, resumption) and the latency probe.
  engine.add(
    dataReceived(meter, { sampleInterval: config.sampleInterval }, scheduler).subscribe((sample) => {
      const at = now();
      samples.next({ kind: 'throughput', messagesPerSecond: sample.messagesPerSecond });
      samples.next({ kind: 'uptime', percentage: uptimePercentage(stats.value, at) });
      if (sample.resumption) emit({ type: 'dataResumed', at, ...sample.resumption });
    }),
  );
  if (probe) {
    engine.add(
      latencyProbe(
        probe,
        { checkInterval: config.checkInterval, probeTimeout: config.probeTimeout },
        scheduler,
      ).subscribe((result) => {
        const at = now();
        if (result.ok) {
          samples.next({ kind: 'probe', latencyMs: result.latencyMs });
          latency.next({ source: 'probe', latencyMs: result.latencyMs, at });
        } else {
          samples.next({ kind: 'error' });
          emit({
            type: 'error',
            at,
            message: result.initial
              ? `initial connection check failed (continuing): ${result.error}`
              : `connection check failed: ${result.error}`,
          });
        }
      }),
    );
  }

  const status$ = linkState.pipe(
    map((state) => state.status),
    distinctUntilChanged(),
    shareReplay({ refCount: true, bufferSize: 1 }),
  );
  let closing: Promise<void> | undefined;

  const snapshot = (): ConnectionSnapshot => {
    const at = now();
    const q = quality.value;
    const s = stats.value;
    return {
      at,
      status: linkState.value.status,
      state: linkState.value,
      quality: q,
      score: overallScore(q),
      warnings: qualityWarnings(q, thresholds),
      stats: s,
      totalDowntime: totalDowntime(s, at),
      uptimePercentage: uptimePercentage(s, at),
      reconnectSuccessRate: reconnectSuccessRate(s),
      recentEvents: eventLog.toArray(),
      queued: queue.length,
    };
  };

  return {
    config,
    messages$: messages.asObservable(),
    status$,
    state$: linkState.asObservable(),
    events$: events.asObservable(),
    quality$: quality.asObservable(),
    stats$: stats.asObservable(),
    latency$: latency.asObservable(),

    send(message: Out, sendOptions: SendOptions = {}): Promise<void> {
      if (closed) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
      let data: WireData;
      let ttl: number;
      try {
        data = encode(message);
        ttl =
          sendOptions.ttl === undefined
            ? config.queueTtl
            : parseDuration(sendOptions.ttl, 'ttl', { allowZero: false, allowInfinity: true });
      } catch (error) {
        return Promise.reject(error);
      }
      if (current !== undefined && queue.length === 0) {
        const link = current;
        let accepted = false;
        const written = new Promise<void>((resolve, reject) => {
          accepted = link.send(data, (error) =>
            error ? reject(new SendError('write', `socket failed while writing: ${error.message}`, error)) : resolve(),
          );
        });
        if (accepted) return written;
        // The socket closed before its close event reached us: nothing was sent, so queue it like any other.
      }
      if (sendOptions.queue === false) {
        return Promise.reject(
          new SendError('disconnected', `link is ${linkState.value.status}; message not queued (queue: false)`),
        );
      }
      return queue.add(data, ttl);
    },

    addSubscription(message: Out, unsubscribeMessage?: Out): Subscription {
      const entry = { data: encode(message) };
      const farewell = unsubscribeMessage === undefined ? undefined : encode(unsubscribeMessage);
      replayed.add(entry);
      current?.send(entry.data, ignoreWrite);
      return new Subscription(() => {
        if (!replayed.delete(entry)) return;
        if (farewell !== undefined) current?.send(farewell, ignoreWrite);
      });
    },

    snapshot,
    recentEvents: () => eventLog.toArray(),

    reconnect(): void {
      if (closed) return;
      recovering = false;
      restart('reconnect requested by the application');
    },

    close(): Promise<void> {
      if (closing) return closing;
      dropCurrent();
      emit({ type: 'closed', at: now() });
      closed = true;
      queue.rejectAll(new SendError('closed', 'connection closed before the message could be sent'));
      signals.complete();
      samples.complete();
      messages.complete();
      latency.complete();
      reconnectRequests.complete();
      engine.unsubscribe();
      derived.unsubscribe();
      closing = Promise.all(transports.map((transport) => transport.drain?.())).then(() => undefined);
      return closing;
    },
  };
}

/** Statistics carried over a restart: the time the process was away counts as downtime. */
function restoredStats(state: PersistedState, now: number): ConnectionStats {
  const { stats } = state;
  return { ...stats, downSince: stats.downSince ?? Math.min(state.savedAt, now) };
}
