import {
  BehaviorSubject,
  EMPTY,
  NEVER,
  Observable,
  Subject,
  Subscription,
  asyncScheduler,
  catchError,
  defer,
  distinctUntilChanged,
  exhaustMap,
  filter,
  interval,
  map,
  of,
  shareReplay,
  skip,
  startWith,
  switchMap,
  take,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { Codec, WireData, jsonCodec } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { ConnectionBudget } from '../model/connectionBudget';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionQuality, initialQuality, isPoor, overallScore, qualityWarnings } from '../model/ConnectionQuality';
import { ConnectionSignal } from '../model/ConnectionSignal';
import {
  ConnectionStats,
  initialStats,
  reconnectSuccessRate,
  totalDowntime,
  uptimePercentage,
} from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { DataMeter } from '../model/DataMeter';
import { EventLog } from '../model/EventLog';
import { HeartbeatTimeoutError } from '../model/HeartbeatTimeoutError';
import { LifelineConfig, resolveConfig } from '../model/LifelineConfig';
import { LinkState, initialLinkState } from '../model/LinkState';
import { parseDuration } from '../model/parseDuration';
import { PersistedState } from '../model/PersistedState';
import { QualitySample } from '../model/QualitySample';
import { RetryExhaustedError, errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { TransportError } from '../model/TransportError';
import { UnstableLinkError } from '../model/UnstableLinkError';
import { forecastDegradation } from '../operators/forecastDegradation';
import { retryBackoff } from '../operators/retryBackoff';
import {
  Connection,
  ConnectionSnapshot,
  ConnectOptions,
  LatencySample,
  SendOptions,
  WatchdogOptions,
} from './Connection';
import { dataReceived } from './dataReceived';
import { eventsFrom } from './eventsFrom';
import { FeedWatch } from './feedWatch';
import { HeartbeatTarget, heartbeat } from './heartbeat';
import { latencyProbe } from './latencyProbe';
import { linkStateFrom } from './linkStateFrom';
import { OutboundQueue } from './OutboundQueue';
import { qualityFrom } from './qualityFrom';
import { statsFrom } from './statsFrom';
import { Transport, TransportConnection } from './Transport';
import { webSocketTransport } from './webSocketTransport';

const NOT_RETRYABLE_HTTP = new Set([400, 401, 403, 404]);

/**
 * The default retry policy: retry everything except an upgrade the server rejected as a client
 * error (HTTP 400, 401, 403, 404): bad credentials do not fix themselves, and hammering a server
 * with them is how API keys get banned. 5xx (e.g. 503 during maintenance) is retried.
 */
export function defaultShouldRetry(error: unknown): boolean {
  const status = error instanceof TransportError ? error.details.httpStatus : undefined;
  return status === undefined || !NOT_RETRYABLE_HTTP.has(status);
}

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
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', options, 'an object with a url');
  const {
    probe,
    codec = jsonCodec as unknown as Codec<In, Out>,
    subscriptions: initialSubscriptions = [],
    shouldRetry = defaultShouldRetry,
    tls,
    transport: givenTransport,
    budget: sharedBudget,
    watchdogs = [],
    restore,
    scheduler = asyncScheduler,
    random = Math.random,
    ...settings
  } = options;
  const config = resolveConfig(settings);
  checkParts({
    tls,
    probe,
    codec,
    initialSubscriptions,
    shouldRetry,
    random,
    scheduler,
    givenTransport,
    sharedBudget,
    watchdogs,
  });
  const transports = config.urls.map((url) => transportFor(url, givenTransport, config, tls));
  const budget =
    sharedBudget ?? new ConnectionBudget({ limit: config.connectLimit, windowMs: config.connectLimitWindow });
  const feedWatch =
    watchdogs.length > 0 ? new FeedWatch<In, Out>(watchdogs.map(resolveWatchdog), scheduler.now()) : undefined;
  const thresholds = {
    qualityThreshold: config.qualityThreshold,
    latencyWarningMs: config.latencyWarning,
    errorRateWarning: config.errorRateWarning,
  };
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
  const messages = new Subject<In>();
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
  const replayed = new Set<{ readonly data: WireData }>();
  const queue = new OutboundQueue(config.queueSize, scheduler);
  const encode = (message: Out): WireData => {
    try {
      return codec.encode(message);
    } catch (error) {
      throw new SendError('encode', `cannot encode message: ${errorMessage(error)}`, error);
    }
  };
  // Known up front, so a message the codec cannot encode is a configuration error, not a send error.
  const encodeOption = (message: Out, field: string): WireData => {
    try {
      return codec.encode(message);
    } catch (error) {
      throw new ConfigError(field, message, `a message the codec can encode (${errorMessage(error)})`);
    }
  };
  initialSubscriptions.forEach((message, i) => replayed.add({ data: encodeOption(message, `subscriptions[${i}]`) }));
  const resubscriptions = watchdogs.map((watchdog, w) =>
    (watchdog.resubscribe ?? []).map((message, i) => encodeOption(message, `watchdogs[${w}].resubscribe[${i}]`)),
  );
  const ignoreWrite = (): void => undefined;

  // The open link, once its subscriptions and queue are flushed; undefined while down.
  let current: TransportConnection | undefined;
  const meter = new DataMeter(config.dataSilence, now);
  const pingFrame = config.ping === 'app' ? encodePing(config.pingMessage, codec) : undefined;
  const pongMatch = config.pongMatch;
  const isPong =
    typeof pongMatch === 'string'
      ? (data: WireData) => typeof data === 'string' && data.includes(pongMatch)
      : (data: WireData) => typeof data === 'string' && pongMatch(data);
  const poor$ = linkState.pipe(
    map((state) => state.poor),
    distinctUntilChanged(),
  );

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

  /** One open socket: flush, then watch it until it dies. Emits once when up, for retryBackoff's minimum uptime. */
  const openSession = (connection: TransportConnection, attempt: number, reconnect: boolean): Observable<void> =>
    new Observable<void>((subscriber) => {
      const openedAt = now();
      meter.markOpen();
      feedWatch?.reset(openedAt);
      samples.next({ kind: 'sessionStart' });
      recovering = false;
      for (const { data } of replayed) connection.send(data, ignoreWrite);
      queue.flush((data, done) => connection.send(data, done));
      current = connection;
      emit({ type: 'open', at: openedAt, attempt, reconnect });
      subscriber.next();

      const appPongs = new Subject<undefined>();
      // Pong matching runs on the hot path only while application pings are unanswered.
      let appPingsInFlight = 0;
      const session = new Subscription(() => {
        if (current === connection) current = undefined;
        appPongs.complete();
      });
      session.add(
        // The hot path: no clock read and no allocation of ours (the meter stamps time when it is read).
        connection.messages$.subscribe((data) => {
          meter.record(typeof data === 'string' ? data.length : data.byteLength);
          if (appPingsInFlight > 0 && isPong(data)) {
            appPingsInFlight--;
            appPongs.next(undefined);
            return;
          }
          let message: In;
          try {
            message = codec.decode(data);
          } catch (error) {
            emit({ type: 'error', at: now(), message: `malformed inbound message: ${errorMessage(error)}` });
            return;
          }
          if (feedWatch) feedWatch.record(message, now());
          messages.next(message);
        }),
      );
      const target: HeartbeatTarget =
        pingFrame === undefined
          ? {
              ping: (id) => connection.ping(id),
              // Every pong is proof of life; only those echoing one of our ids are round trips.
              pongs$: connection.pongs$.pipe(
                tap(() => meter.recordPong()),
                filter((id) => id !== undefined),
              ),
              lastActivityAt: () => meter.lastActivityAt(),
            }
          : {
              ping: () => {
                appPingsInFlight++;
                connection.send(pingFrame, ignoreWrite);
              },
              pongs$: appPongs.pipe(tap(() => meter.recordPong())),
              lastActivityAt: () => meter.lastActivityAt(),
            };
      session.add(
        heartbeat(
          target,
          {
            heartbeatInterval: config.heartbeatInterval,
            heartbeatTimeout: config.heartbeatTimeout,
            adaptiveHeartbeat: config.adaptiveHeartbeat,
            dynamicTimeout: config.dynamicTimeout,
            latencyWarningMs: config.latencyWarning,
            poor$,
          },
          scheduler,
        ).subscribe((sample) => {
          switch (sample.kind) {
            case 'rtt':
              samples.next({ kind: 'heartbeat', rttMs: sample.rttMs });
              latency.next({ source: 'heartbeat', latencyMs: sample.rttMs, at: now() });
              return;
            case 'lost':
              samples.next({ kind: 'lost' });
              return;
            case 'timeout':
              emit({ type: 'heartbeatTimeout', at: now(), silentMs: sample.silentMs, timeoutMs: sample.timeoutMs });
              connection.terminate();
              subscriber.error(new HeartbeatTimeoutError(sample.silentMs, sample.timeoutMs));
          }
        }),
      );
      if (Number.isFinite(config.unstableTimeout)) {
        session.add(
          linkState
            .pipe(
              map((state) => state.status === ConnectionStatus.Unstable),
              distinctUntilChanged(),
              switchMap((unstable) => (unstable ? timer(config.unstableTimeout, scheduler) : EMPTY)),
            )
            .subscribe(() => subscriber.error(new UnstableLinkError(config.unstableTimeout))),
        );
      }
      if (feedWatch) {
        session.add(
          feedWatch.signals(scheduler).subscribe((signal) => {
            if (signal.kind === 'resumed') {
              emit({ type: 'feedResumed', at: signal.at, feed: signal.feed, silentMs: signal.silentMs });
              return;
            }
            const index = watchdogs.findIndex((watchdog) => watchdog.name === signal.feed);
            const resend = resubscriptions[index] ?? [];
            for (const data of resend) connection.send(data, ignoreWrite);
            emit({ type: 'feedStale', ...signal, resubscribed: resend.length > 0 });
          }),
        );
      }
      if (config.prediction) {
        session.add(
          latency
            .pipe(
              map(({ at, latencyMs }) => ({ at, latencyMs })),
              forecastDegradation({
                thresholdMs: config.latencyWarning,
                horizonMs: config.predictionHorizon,
                window: config.predictionWindow,
              }),
            )
            .subscribe((forecast) =>
              emit({
                type: 'forecast',
                at: forecast.at,
                currentMs: forecast.currentMs,
                projectedMs: forecast.projectedMs,
                slopeMsPerSecond: forecast.slopeMsPerSecond,
                horizonMs: forecast.horizonMs,
              }),
            ),
        );
      }
      if (endpoint > 0 && Number.isFinite(config.failbackAfter)) {
        // On a fallback: now and then, see whether the preferred endpoint answers, and go back if so.
        session.add(
          interval(config.failbackAfter, scheduler)
            .pipe(exhaustMap(() => preferredAnswers$))
            .subscribe(() => {
              const from = config.urls[endpoint] as string;
              endpoint = 0;
              emit({
                type: 'failover',
                at: now(),
                from,
                to: config.url,
                reason: 'the preferred endpoint answers again',
              });
              restart('moving back to the preferred endpoint');
            }),
        );
      }
      return session;
    });

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
          return openSession(connection, attempt, reconnect);
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

function transportFor(
  url: string,
  given: Transport | ((url: string) => Transport) | undefined,
  config: LifelineConfig,
  tls: ConnectOptions['tls'],
): Transport {
  if (typeof given === 'function') return given(url);
  if (given !== undefined) return given;
  return webSocketTransport({
    url,
    protocols: config.protocols,
    headers: config.headers,
    handshakeTimeout: config.handshakeTimeout,
    maxPayload: config.maxPayload,
    closeTimeout: config.closeTimeout,
    ...(tls ? { tls } : {}),
  });
}

function resolveWatchdog<In, Out>(
  watchdog: WatchdogOptions<In, Out>,
  index: number,
): { name: string; match: (message: In) => boolean; staleAfter: number } {
  const field = `watchdogs[${index}]`;
  if (typeof watchdog !== 'object' || watchdog === null) throw new ConfigError(field, watchdog, 'a watchdog object');
  if (typeof watchdog.name !== 'string' || watchdog.name.length === 0) {
    throw new ConfigError(`${field}.name`, watchdog.name, 'a non-empty name');
  }
  if (typeof watchdog.match !== 'function') {
    throw new ConfigError(`${field}.match`, watchdog.match, 'a function (message) => boolean');
  }
  if (watchdog.resubscribe !== undefined && !Array.isArray(watchdog.resubscribe)) {
    throw new ConfigError(`${field}.resubscribe`, watchdog.resubscribe, 'an array of messages');
  }
  const staleAfter = parseDuration(watchdog.staleAfter, `${field}.staleAfter`, { allowZero: false });
  return { name: watchdog.name, match: watchdog.match, staleAfter };
}

function encodePing<In, Out>(pingMessage: unknown, codec: Codec<In, Out>): WireData {
  if (typeof pingMessage === 'string') return pingMessage;
  try {
    return codec.encode(pingMessage as Out);
  } catch (error) {
    throw new ConfigError('pingMessage', pingMessage, `a value the codec can encode (${errorMessage(error)})`);
  }
}

function checkParts(parts: Record<string, unknown>): void {
  const {
    tls,
    probe,
    codec,
    initialSubscriptions,
    shouldRetry,
    random,
    scheduler,
    givenTransport,
    sharedBudget,
    watchdogs,
  } = parts as Record<string, never>;
  if (tls !== undefined && (typeof tls !== 'object' || tls === null || Array.isArray(tls))) {
    throw new ConfigError('tls', tls, 'an object of TLS options, e.g. { ca }');
  }
  if (probe !== undefined && typeof probe !== 'function') {
    throw new ConfigError('probe', probe, 'a function returning a Promise or an Observable');
  }
  const c = codec as { encode?: unknown; decode?: unknown } | null;
  if (typeof c !== 'object' || c === null || typeof c.encode !== 'function' || typeof c.decode !== 'function') {
    throw new ConfigError('codec', codec, 'an object with encode(message) and decode(data) functions');
  }
  if (!Array.isArray(initialSubscriptions))
    throw new ConfigError('subscriptions', initialSubscriptions, 'an array of messages');
  if (typeof shouldRetry !== 'function')
    throw new ConfigError('shouldRetry', shouldRetry, 'a function (error, attempt) => boolean');
  if (typeof random !== 'function') throw new ConfigError('random', random, 'a function returning a number in [0, 1)');
  const s = scheduler as { now?: unknown; schedule?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.now !== 'function' || typeof s.schedule !== 'function') {
    throw new ConfigError('scheduler', scheduler, 'an RxJS SchedulerLike');
  }
  const t = givenTransport as { connect?: unknown } | undefined;
  if (
    t !== undefined &&
    typeof t !== 'function' &&
    (typeof t !== 'object' || t === null || typeof t.connect !== 'function')
  ) {
    throw new ConfigError('transport', givenTransport, 'a Transport ({ connect() }) or a function (url) => Transport');
  }
  const b = sharedBudget as { take?: unknown } | undefined;
  if (b !== undefined && (typeof b !== 'object' || b === null || typeof b.take !== 'function')) {
    throw new ConfigError('budget', sharedBudget, 'a ConnectionBudget');
  }
  if (!Array.isArray(watchdogs)) throw new ConfigError('watchdogs', watchdogs, 'an array of watchdogs');
}
