import { Subject, Subscription } from 'rxjs';
import { WireData } from '../model/Codec';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { DataMeter } from '../model/DataMeter';
import { initialLinkModel } from '../model/LinkModel';
import { Broadcast } from './Broadcast';
import { Connection, ConnectOptions } from './Connection';
import { connectionHandle } from './connectionHandle';
import { Endpoints } from './Endpoints';
import { EventLoopMonitor } from './EventLoopMonitor';
import { ExchangeClock } from './ExchangeClock';
import { FeedWatch } from './feedWatch';
import { lifetimeMonitors } from './lifetimeMonitors';
import { LinkSessionContext, linkSession } from './linkSession';
import { LinkStore } from './LinkStore';
import { Outbox } from './Outbox';
import { RestartRequest, reconnectLoop } from './reconnectLoop';
import { RequestBook } from './RequestBook';
import { resolveConnectOptions } from './resolveConnectOptions';
import { restoredStats } from './restoredStats';
import { SubscriptionBook } from './SubscriptionBook';

/**
 * Opens a managed connection and keeps it alive and honest: heartbeats in both directions, latency
 * probes, data-flow sampling, quality scoring, reconnects with exponential backoff, the session run on
 * every socket (handshake, acknowledged subscriptions, resync: ready), requests with replies, and the
 * status, event, quality and statistics streams a strategy trades by.
 *
 * ```
 * socket:    --o-----------x            (o open, x lost)
 * status$:   C-K-----------D-R---R--K   (Connecting, Connected, Disconnected, Reconnecting: attempt 1, 2 …)
 * events$:   --C-----------D-A---F-AS   (Connected, Disconnected, ReconnectAttempt, ReconnectFailed, …Success)
 * ```
 *
 * Connecting starts at once. On every (re)connect the handshake runs first, then the subscriptions
 * are sent, then (once ready) the queued messages in order. After `maxAttempts` failed retries the
 * next endpoint (if `url` lists several) is tried, and after the last one the status is Failed; the
 * handle then waits for `reconnect()` or tries once every `recoveryInterval`. Every attempt takes a
 * slot from the connection budget, every message one from the message budget. Every option is
 * validated before anything starts: a bad one throws a `ConfigError` naming the field.
 *
 * @example
 * const link = connect({ url: 'wss://api.example.com/ws', subscriptions: [{ method: 'subscribe', channel: 'trades' }] });
 * link.status$.subscribe((status) => console.log(status));   // Connecting, Connected, …
 * link.messages$.subscribe((message) => strategy.onMessage(message));
 * await link.send({ method: 'order', px: '67000.5', sz: '0.01' }, { ttl: '2s' });
 * await link.close();
 *
 * @param options The endpoint(s), the settings (see `LifelineConfigInput`), the session and the injectable parts.
 * @returns The handle: streams, `send`, `request`, `subscribe`, `snapshot`, `reconnect`, `close`.
 */
export function connect<In = unknown, Out = unknown>(options: ConnectOptions<In, Out>): Connection<In, Out> {
  const resolved = resolveConnectOptions(options);
  const { config, codec, scheduler, restore } = resolved;
  const now = (): number => scheduler.now();
  const start = now();
  const store = new LinkStore(
    initialLinkModel(start, config.maxAttempts, restoredStats(restore?.state, start)),
    config,
    config.maxEvents,
    restore?.state?.recentEvents,
  );
  const dispatch = store.dispatch.bind(store);
  const eventLoop = EventLoopMonitor.of(scheduler);
  const engine = new Subscription();
  const outbox = new Outbox(config, scheduler, resolved.messageBudget, (error) =>
    dispatch({ type: 'error', at: now(), message: `message budget unavailable, nothing written: ${String(error)}` }),
  );
  const clock = new ExchangeClock(scheduler, config.maxClockOffset, (estimate) =>
    dispatch({
      type: 'error',
      at: now(),
      message: `clock offset to the exchange ${Math.round(estimate.offsetMs)} ms (± ${Math.round(estimate.uncertaintyMs)}), past ${config.maxClockOffset} ms: sign with exchangeNow()`,
    }),
  );
  const requests = new RequestBook<In>(
    resolved.replies,
    scheduler,
    ({ id, reason }) => dispatch({ type: 'error', at: now(), message: `late reply to request ${id} (${reason})` }),
    (sample) => clock.add(sample),
  );
  const subscriptions = new SubscriptionBook<In>(scheduler);
  // Not a Subject: this is the per-message path (see Broadcast).
  const messages = new Broadcast<In>();
  const meter = new DataMeter(config.dataSilence, now);
  const restarts = new Subject<RestartRequest>();
  const endpoints = new Endpoints(resolved.endpoints);
  const context: LinkSessionContext<In, Out> = {
    config,
    heartbeatConfig: {
      heartbeatInterval: config.heartbeatInterval,
      heartbeatTimeout: config.heartbeatTimeout,
      adaptiveHeartbeat: config.adaptiveHeartbeat,
      dynamicTimeout: config.dynamicTimeout,
      latencyWarning: config.latencyWarning,
      pongTimeout: config.pongTimeout,
      pingOnStart: true,
    },
    scheduler,
    appPing: resolved.appPing,
    directives: resolved.directives,
    hooks: resolved.hooks,
    store,
    outbox,
    requests,
    subscriptions,
    stalls: eventLoop,
    encode: (message: Out) => codec.encode(message),
    inbound: {
      meter,
      decode: (data: WireData) => codec.decode(data),
      feedWatch: resolved.watchdogs.length > 0 ? new FeedWatch<In, WireData>(resolved.watchdogs, start) : undefined,
      deliver: (message: In) => messages.next(message),
      malformed: (message: string) => dispatch({ type: 'error', at: now(), message }),
      now,
    },
    exchangeNow: () => clock.now(),
    // Deadlines stamped into requests are in the exchange's time.
    encodeRequest: (message: Out, id: number, deadline: number) =>
      resolved.encodeRequest(message, id, deadline + clock.offsetMs),
    restart: (reason) => restarts.next({ reason }),
    current: { session: undefined },
  };
  if (restore?.warning !== undefined) {
    // On the scheduler, so that subscribers attached right after connect() (log, metrics) see it too.
    const message = `state not restored, starting fresh: ${restore.warning}`;
    engine.add(scheduler.schedule(() => dispatch({ type: 'error', at: start, message })));
  }
  engine.add(eventLoop.use());
  engine.add(
    eventLoop.stalls$.subscribe((stall) => {
      if (stall.lagMs >= config.lagWarning) dispatch({ type: 'stall', at: stall.to, lagMs: stall.lagMs });
    }),
  );
  engine.add(
    lifetimeMonitors(
      meter,
      resolved.probe,
      config,
      scheduler,
      dispatch,
      () => store.model.quality.dataThroughput === 0,
    ),
  );
  engine.add(
    reconnectLoop(
      {
        config,
        endpoints,
        budget: resolved.budget,
        shouldRetry: resolved.shouldRetry,
        random: resolved.random,
        scheduler,
        dispatch,
        openSession: (connection, info) => linkSession(context, connection, info),
        leaving: () => leave(),
      },
      restarts,
    ).subscribe(),
  );
  // Leaving a socket: a healthy link closes cleanly; one that is not is abandoned with a reset.
  const leave = (): void => {
    const { status, outbound } = store.model.state;
    if (status !== ConnectionStatus.Connected || outbound !== 'confirmed') context.current.session?.abandon();
  };
  for (const entry of resolved.subscriptions) subscriptions.add(entry, undefined, () => undefined);
  return connectionHandle<In, Out>({
    context,
    resolved,
    messages,
    eventLoop,
    restarts,
    endpoints,
    close: () => {
      leave();
      dispatch({ type: 'closed', at: now() });
      outbox.close();
      requests.close();
      subscriptions.close();
      messages.complete();
      restarts.complete();
      engine.unsubscribe();
      store.complete();
      return endpoints.drain();
    },
  });
}
