import {
  EMPTY,
  Observable,
  Observer,
  SchedulerLike,
  Subject,
  Subscription,
  distinctUntilChanged,
  exhaustMap,
  filter,
  interval,
  map,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import { WireData } from '../model/Codec';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { DataMeter } from '../model/DataMeter';
import { HeartbeatTimeoutError } from '../model/HeartbeatTimeoutError';
import { LifelineConfig } from '../model/LifelineConfig';
import { LinkState } from '../model/LinkState';
import { QualitySample } from '../model/QualitySample';
import { errorMessage } from '../model/RetryExhaustedError';
import { UnstableLinkError } from '../model/UnstableLinkError';
import { forecastDegradation } from '../operators/forecastDegradation';
import { OutboundQueue } from './OutboundQueue';
import { LatencySample } from './Connection';
import { FeedWatch } from './feedWatch';
import { HeartbeatTarget, heartbeat } from './heartbeat';
import { TransportConnection } from './Transport';

/** What a session needs from the engine that owns it. */
export interface LinkSessionContext<In> {
  readonly config: LifelineConfig;
  readonly scheduler: SchedulerLike;
  readonly decode: (data: WireData) => In;
  /** Counts inbound data and is the heartbeat's liveness clock. */
  readonly meter: DataMeter;
  /** Stale-feed watchdogs (their resubscribe messages encoded), when any are configured. */
  readonly feedWatch: FeedWatch<In, WireData> | undefined;
  /** The application ping, encoded; undefined for protocol pings. */
  readonly pingFrame: WireData | undefined;
  readonly isPong: (data: WireData) => boolean;
  /** Written first on every open: the subscriptions. */
  readonly subscriptions: Iterable<WireData>;
  /** Flushed next, in order. */
  readonly queue: OutboundQueue;
  readonly linkState$: Observable<LinkState>;
  /** Round trips are pushed here; the latency forecast reads them back. */
  readonly latency: Subject<LatencySample>;
  readonly samples: Observer<QualitySample>;
  readonly messages: { next(message: In): void };
  readonly emit: (signal: ConnectionSignal) => void;
  /** The socket is flushed and takes live sends from now on. */
  readonly onLive: (connection: TransportConnection) => void;
  /** The session ended; live sends must stop going to `connection`. */
  readonly onGone: (connection: TransportConnection) => void;
  /** On a fallback endpoint: emits when a probe socket to the preferred endpoint opened. */
  readonly preferredAnswers$?: Observable<unknown>;
  /** Called once the preferred endpoint answers again: the engine moves back to it. */
  readonly onPreferredBack?: () => void;
}

const ignoreWrite = (): void => undefined;

/**
 * One open socket, from its open to its end. On subscribe it writes the subscriptions, then the
 * queued messages in order, marks the socket live and emits once (retryBackoff's minimum uptime
 * counts from there). Then it watches the socket: inbound messages (counted, pong-matched, decoded),
 * the heartbeat, the unstable timer, the feed watchdogs, the latency forecast and, on a fallback
 * endpoint, the way back to the preferred one. It errors when the link must end (heartbeat
 * timeout, unstable too long) and never completes by itself; unsubscribing tears it all down.
 *
 * ```
 * socket:    o------m---m------x      (x: the transport errors, e.g. closed by the peer)
 * result:    a-----------------#      (a: up, once; then the transport's error)
 * ```
 *
 * @param context The engine's parts: config, meter, queue, subjects, hooks.
 * @param connection The socket, just opened.
 * @param attempt The attempt in the reconnect cycle that opened it.
 * @param reconnect Whether this is a reconnect (any attempt but the handle's very first).
 */
export function linkSession<In>(
  context: LinkSessionContext<In>,
  connection: TransportConnection,
  attempt: number,
  reconnect: boolean,
): Observable<void> {
  const { config, scheduler, meter, feedWatch, emit, samples, latency } = context;
  const now = (): number => scheduler.now();
  return new Observable<void>((subscriber) => {
    const openedAt = now();
    meter.markOpen();
    feedWatch?.reset(openedAt);
    samples.next({ kind: 'sessionStart' });
    for (const data of context.subscriptions) connection.send(data, ignoreWrite);
    context.queue.flush((data, done) => connection.send(data, done));
    context.onLive(connection);
    emit({ type: 'open', at: openedAt, attempt, reconnect });
    subscriber.next();

    const appPongs = new Subject<undefined>();
    // Pong matching runs on the hot path only while application pings are unanswered.
    let appPingsInFlight = 0;
    const session = new Subscription(() => {
      context.onGone(connection);
      appPongs.complete();
    });
    session.add(
      // The hot path: no clock read and no allocation of ours (the meter stamps time when it is read).
      connection.messages$.subscribe((data) => {
        meter.record(typeof data === 'string' ? data.length : data.byteLength);
        if (appPingsInFlight > 0 && context.isPong(data)) {
          appPingsInFlight--;
          appPongs.next(undefined);
          return;
        }
        let message: In;
        try {
          message = context.decode(data);
        } catch (error) {
          emit({ type: 'error', at: now(), message: `malformed inbound message: ${errorMessage(error)}` });
          return;
        }
        if (feedWatch) feedWatch.record(message, now());
        context.messages.next(message);
      }),
    );

    const pingFrame = context.pingFrame;
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
    const poor$ = context.linkState$.pipe(
      map((state) => state.poor),
      distinctUntilChanged(),
    );
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
        context.linkState$
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
          const resend = feedWatch.watchdogs.find((watchdog) => watchdog.name === signal.feed)?.resubscribe ?? [];
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
          .subscribe(({ at, currentMs, projectedMs, slopeMsPerSecond, horizonMs }) =>
            emit({ type: 'forecast', at, currentMs, projectedMs, slopeMsPerSecond, horizonMs }),
          ),
      );
    }

    const { preferredAnswers$, onPreferredBack } = context;
    if (preferredAnswers$ && onPreferredBack && Number.isFinite(config.failbackAfter)) {
      // On a fallback: now and then, see whether the preferred endpoint answers, and go back if so.
      session.add(
        interval(config.failbackAfter, scheduler)
          .pipe(exhaustMap(() => preferredAnswers$))
          .subscribe(() => onPreferredBack()),
      );
    }
    return session;
  });
}
