import { Subject, Subscription, merge } from 'rxjs';
import { WireData } from '../model/Codec';
import { overallScore, qualityWarnings } from '../model/ConnectionQuality';
import { initialStats, reconnectSuccessRate, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { DataMeter } from '../model/DataMeter';
import { initialLinkModel } from '../model/LinkModel';
import { parseDuration } from '../model/parseDuration';
import { PersistedState } from '../model/PersistedState';
import { errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { Broadcast } from './Broadcast';
import { Connection, ConnectionSnapshot, ConnectOptions, SendOptions } from './Connection';
import { Endpoints } from './Endpoints';
import { FeedWatch } from './feedWatch';
import { lifetimeMonitors } from './lifetimeMonitors';
import { linkSession } from './linkSession';
import { LinkStore } from './LinkStore';
import { Outbox } from './Outbox';
import { RestartRequest, reconnectLoop } from './reconnectLoop';
import { resolveConnectOptions } from './resolveConnectOptions';

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
 * `reconnect()` or tries once every `recoveryInterval`. Every attempt takes a slot from the
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
  const resolved = resolveConnectOptions(options);
  const { config, codec, scheduler, restore } = resolved;
  const now = (): number => scheduler.now();
  const start = now();
  const store = new LinkStore(
    initialLinkModel(
      start,
      config.maxAttempts,
      restore?.state ? restoredStats(restore.state, start) : initialStats(start),
    ),
    config,
    config.maxEvents,
    restore?.state?.recentEvents,
  );
  const outbox = new Outbox(config.queueSize, scheduler);
  for (const data of resolved.subscriptions) outbox.addSubscription(data, undefined);
  // Not a Subject: this is the per-message path (see Broadcast).
  const messages = new Broadcast<In>();
  const meter = new DataMeter(config.dataSilence, now);
  const restarts = new Subject<RestartRequest>();
  const endpoints = new Endpoints(config.urls, resolved.transports);
  const session = {
    config,
    scheduler,
    outbox,
    store,
    appPing: resolved.appPing,
    inbound: {
      meter,
      decode: (data: WireData) => codec.decode(data),
      feedWatch: resolved.watchdogs.length > 0 ? new FeedWatch<In, WireData>(resolved.watchdogs, start) : undefined,
      deliver: (message: In) => messages.next(message),
      malformed: (message: string) => store.dispatch({ type: 'error', at: now(), message }),
      now,
    },
  };
  const engine = new Subscription();
  if (restore?.warning !== undefined) {
    // On the scheduler, so that subscribers attached right after connect() (log, metrics) see it too.
    const message = `state not restored, starting fresh: ${restore.warning}`;
    engine.add(scheduler.schedule(() => store.dispatch({ type: 'error', at: start, message })));
  }
  engine.add(
    merge(
      reconnectLoop(
        {
          ...resolved,
          endpoints,
          dispatch: (signal) => store.dispatch(signal),
          openSession: (c, a, r) => linkSession(session, c, a, r),
        },
        restarts,
      ),
      lifetimeMonitors(meter, resolved.probe, config, scheduler),
    ).subscribe((signal) => store.dispatch(signal)),
  );
  const encode = (message: Out): WireData => {
    try {
      return codec.encode(message);
    } catch (error) {
      throw new SendError('encode', `cannot encode message: ${errorMessage(error)}`, error);
    }
  };
  let closing: Promise<void> | undefined;

  return {
    config,
    messages$: messages.asObservable(),
    status$: store.select((model) => model.state.status),
    state$: store.select((model) => model.state),
    events$: store.events$,
    quality$: store.select((model) => model.quality),
    stats$: store.select((model) => model.stats),
    latency$: store.latency$,
    send(message: Out, sendOptions: SendOptions = {}): Promise<void> {
      if (closing) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
      try {
        const data = encode(message);
        const ttl =
          sendOptions.ttl === undefined
            ? config.queueTtl
            : parseDuration(sendOptions.ttl, 'ttl', { allowZero: false, allowInfinity: true });
        return outbox.send(data, ttl, sendOptions.queue !== false, () => store.model.state.status);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    addSubscription: (message: Out, unsubscribeMessage?: Out): Subscription =>
      outbox.addSubscription(
        encode(message),
        unsubscribeMessage === undefined ? undefined : encode(unsubscribeMessage),
      ),
    snapshot: (): ConnectionSnapshot => snapshotOf(store, outbox, config, now()),
    reconnect(): void {
      if (!closing) restarts.next({ reason: 'reconnect requested by the application' });
    },
    close(): Promise<void> {
      if (closing) return closing;
      store.dispatch({ type: 'closed', at: now() });
      outbox.close();
      messages.complete();
      restarts.complete();
      engine.unsubscribe();
      store.complete();
      closing = Promise.all(endpoints.all().map((transport) => transport.drain?.())).then(() => undefined);
      return closing;
    },
  };
}

/** Everything known at `at`, as plain data: uptime computed once, for the quality and the figures alike. */
function snapshotOf(
  store: LinkStore,
  outbox: Outbox,
  thresholds: Parameters<typeof qualityWarnings>[1],
  at: number,
): ConnectionSnapshot {
  const { state, stats } = store.model;
  const uptime = uptimePercentage(stats, at);
  const quality = { ...store.model.quality, uptimePercentage: uptime };
  return {
    at,
    status: state.status,
    state,
    quality,
    score: overallScore(quality),
    warnings: qualityWarnings(quality, thresholds),
    stats,
    totalDowntime: totalDowntime(stats, at),
    uptimePercentage: uptime,
    reconnectSuccessRate: reconnectSuccessRate(stats),
    recentEvents: store.recentEvents(),
    queued: outbox.queued,
  };
}

/** Statistics carried over a restart: the time the process was away counts as downtime. */
function restoredStats(state: PersistedState, now: number): ReturnType<typeof initialStats> {
  const { stats } = state;
  return { ...stats, downSince: stats.downSince ?? Math.min(state.savedAt, now) };
}
