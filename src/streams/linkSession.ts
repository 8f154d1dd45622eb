import { EMPTY, Observable, SchedulerLike, Subject, Subscription, map, switchMap, tap, timer, filter } from 'rxjs';
import { WireData } from '../model/Codec';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { HeartbeatTimeoutError } from '../model/HeartbeatTimeoutError';
import { LifelineConfig } from '../model/LifelineConfig';
import { UnstableLinkError } from '../model/UnstableLinkError';
import { forecastDegradation } from '../operators/forecastDegradation';
import { HeartbeatTarget, heartbeat } from './heartbeat';
import { AppPongs, InboundParts, inboundPath } from './inboundPath';
import { LinkStore } from './LinkStore';
import { Outbox } from './Outbox';
import { TransportConnection } from './Transport';

/** The application ping: the frame to send and how to recognise its answer. */
export interface AppPing {
  readonly frame: WireData;
  readonly isPong: (data: WireData) => boolean;
}

/** What a session needs from the handle that owns it. */
export interface LinkSessionContext<In> {
  readonly config: LifelineConfig;
  readonly scheduler: SchedulerLike;
  /** Replays the subscriptions and the queue on open, then takes live sends. */
  readonly outbox: Outbox;
  /** The hot path's parts: meter, codec, watchdogs, outlets. */
  readonly inbound: InboundParts<In>;
  /** The application ping; undefined for protocol pings. */
  readonly appPing: AppPing | undefined;
  /** The handle's one state: signals go in, the quality judgement and latency come back out. */
  readonly store: Pick<LinkStore, 'dispatch' | 'select' | 'latency$'>;
}

const ignoreWrite = (): void => undefined;
const isUnstable = (status: ConnectionStatus): boolean => status === ConnectionStatus.Unstable;

/**
 * One open socket, from its open to its end. On subscribe it writes the subscriptions, then the
 * queued messages in order, reports the open and emits once (retryBackoff's minimum uptime counts
 * from there). Then it watches the socket: inbound frames, the heartbeat, the unstable timer, the
 * feed watchdogs and the latency forecast. It errors when the link must end (heartbeat timeout,
 * unstable too long) and never completes by itself; unsubscribing tears it all down.
 *
 * ```
 * socket:    o------m---m------x      (x: the transport errors, e.g. closed by the peer)
 * result:    a-----------------#      (a: up, once; then the transport's error)
 * ```
 *
 * @param context The handle's parts.
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
  const { config, scheduler, outbox, inbound, store } = context;
  return new Observable<void>((subscriber) => {
    const openedAt = scheduler.now();
    inbound.meter.markOpen();
    inbound.feedWatch?.reset(openedAt);
    outbox.attach(connection);
    store.dispatch({ type: 'open', at: openedAt, attempt, reconnect });
    subscriber.next();

    const session = new Subscription(() => outbox.detach(connection));
    const appPongs = appPongsOf(context.appPing, session);
    session.add(inboundPath(inbound, connection.messages$, appPongs?.watch));
    session.add(
      heartbeat(
        heartbeatTarget(connection, context, appPongs),
        {
          heartbeatInterval: config.heartbeatInterval,
          heartbeatTimeout: config.heartbeatTimeout,
          adaptiveHeartbeat: config.adaptiveHeartbeat,
          dynamicTimeout: config.dynamicTimeout,
          latencyWarning: config.latencyWarning,
          poor$: store.select((model) => model.state.poor),
          pingOnStart: true,
        },
        scheduler,
      ).subscribe((sample) => {
        const at = scheduler.now();
        switch (sample.kind) {
          case 'rtt':
            store.dispatch({ type: 'roundTrip', at, source: 'heartbeat', latencyMs: sample.rttMs });
            return;
          case 'lost':
            store.dispatch({ type: 'pingLost', at });
            return;
          case 'timeout':
            store.dispatch({ type: 'heartbeatTimeout', at, silentMs: sample.silentMs, timeoutMs: sample.timeoutMs });
            connection.terminate();
            subscriber.error(new HeartbeatTimeoutError(sample.silentMs, sample.timeoutMs));
        }
      }),
    );
    if (Number.isFinite(config.unstableTimeout)) {
      session.add(
        store
          .select((model) => isUnstable(model.state.status))
          .pipe(switchMap((unstable) => (unstable ? timer(config.unstableTimeout, scheduler) : EMPTY)))
          .subscribe(() => subscriber.error(new UnstableLinkError(config.unstableTimeout))),
      );
    }
    const feedWatch = inbound.feedWatch;
    if (feedWatch) {
      session.add(
        feedWatch.signals(scheduler).subscribe((signal) => {
          if (signal.kind === 'resumed') {
            store.dispatch({ type: 'feedResumed', at: signal.at, feed: signal.feed, silentMs: signal.silentMs });
            return;
          }
          const resend = feedWatch.watchdogs.find((watchdog) => watchdog.name === signal.feed)?.resubscribe ?? [];
          for (const data of resend) connection.send(data, ignoreWrite);
          store.dispatch({ type: 'feedStale', ...signal, resubscribed: resend.length > 0 });
        }),
      );
    }
    if (config.prediction) {
      session.add(
        store.latency$
          .pipe(
            map(({ at, latencyMs }) => ({ at, latencyMs })),
            forecastDegradation({
              latencyWarning: config.latencyWarning,
              predictionHorizon: config.predictionHorizon,
              predictionWindow: config.predictionWindow,
            }),
          )
          .subscribe(({ at, currentMs, projectedMs, slopeMsPerSecond, horizonMs }) =>
            store.dispatch({ type: 'forecast', at, currentMs, projectedMs, slopeMsPerSecond, horizonMs }),
          ),
      );
    }
    return session;
  });
}

/** Application pongs on one socket: the inbound path's watch, and the stream the heartbeat reads. */
function appPongsOf(
  appPing: AppPing | undefined,
  session: Subscription,
): { readonly watch: AppPongs; readonly pongs$: Observable<undefined> } | undefined {
  if (appPing === undefined) return undefined;
  const pongs = new Subject<undefined>();
  session.add(() => pongs.complete());
  return {
    watch: { inFlight: 0, isPong: appPing.isPong, answered: () => pongs.next(undefined) },
    pongs$: pongs.asObservable(),
  };
}

/** What the heartbeat pings and listens to: protocol ping frames, or the application ping. */
function heartbeatTarget<In>(
  connection: TransportConnection,
  context: LinkSessionContext<In>,
  appPongs: ReturnType<typeof appPongsOf>,
): HeartbeatTarget {
  const meter = context.inbound.meter;
  const lastActivityAt = (): number => meter.lastActivityAt();
  const appPing = context.appPing;
  if (appPing === undefined || appPongs === undefined) {
    return {
      ping: (id) => connection.ping(id),
      // Every pong is proof of life; only those echoing one of our ids are round trips.
      pongs$: connection.pongs$.pipe(
        tap(() => meter.recordPong()),
        filter((id) => id !== undefined),
      ),
      lastActivityAt,
    };
  }
  return {
    ping: () => {
      appPongs.watch.inFlight++;
      connection.send(appPing.frame, ignoreWrite);
    },
    pongs$: appPongs.pongs$.pipe(tap(() => meter.recordPong())),
    lastActivityAt,
  };
}
