import { Observable, SchedulerLike, Subject, Subscription, bufferTime, filter, last, map, takeUntil } from 'rxjs';
import { WireData } from '../model/Codec';
import { overallScore, qualityWarnings } from '../model/ConnectionQuality';
import { reconnectSuccessRate, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { parseDuration } from '../model/parseDuration';
import { RequestError } from '../model/RequestError';
import { errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { Broadcast } from './Broadcast';
import { Connection, ConnectionSnapshot, SendOptions } from './Connection';
import { Endpoints } from './Endpoints';
import { EventLoopMonitor } from './EventLoopMonitor';
import { LinkSessionContext } from './linkSession';
import { RestartRequest } from './reconnectLoop';
import { ResolvedConnectOptions, subscriptionEntry } from './resolveConnectOptions';
import { MessageOrBuilder, RequestOptions, SubscriptionHandle, SubscriptionOptions } from './SessionOptions';

/** The parts `connect()` wired, from which the handle is made. */
export interface HandleParts<In, Out> {
  readonly context: LinkSessionContext<In, Out>;
  readonly resolved: ResolvedConnectOptions<In, Out>;
  readonly messages: Broadcast<In>;
  readonly eventLoop: EventLoopMonitor;
  readonly restarts: Subject<RestartRequest>;
  readonly endpoints: Endpoints;
  /** Tears everything down; resolves when every socket has closed. */
  readonly close: () => Promise<void>;
}

/**
 * The handle `connect()` returns, over the parts it wired: the streams are selections of the one
 * store, `send` and `request` go through the outbox, `subscribe` through the subscription book.
 */
export function connectionHandle<In, Out>(parts: HandleParts<In, Out>): Connection<In, Out> {
  const { context, resolved, messages, eventLoop, restarts } = parts;
  const { store, outbox, requests, subscriptions, config, scheduler } = context;
  const { codec } = resolved;
  let closing: Promise<void> | undefined;
  const encode = (message: Out): WireData => {
    try {
      return codec.encode(message);
    } catch (error) {
      throw new SendError('encode', `cannot encode message: ${errorMessage(error)}`, error);
    }
  };
  const durationOf = (value: SendOptions['ttl'], field: string, fallback: number): number =>
    value === undefined ? fallback : parseDuration(value, field, { allowZero: false, allowInfinity: true });
  return {
    config,
    messages$: messages.asObservable(),
    status$: store.select((model) => model.state.status),
    state$: store.select((model) => model.state),
    events$: store.events$,
    quality$: store.select((model) => model.quality),
    stats$: store.select((model) => model.stats),
    latency$: store.latency$,
    ready$: store.select((model) => model.state.ready),
    // Ends with the handle, as its other streams do: the lag monitor's timer must not outlive close().
    lag$: lagEvery(eventLoop, config.sampleInterval, scheduler).pipe(takeUntil(store.select(() => 0).pipe(last()))),
    send(message: Out, options: SendOptions = {}): Promise<void> {
      if (closing) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
      try {
        const ttl = durationOf(options.ttl, 'ttl', config.queueTtl);
        return outbox.send(encode(message), ttl, options.queue !== false, () => store.model.state.status);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    request<Reply = In>(message: Out, options: RequestOptions = {}): Promise<Reply> {
      if (closing)
        return Promise.reject(new RequestError('notSent', 'closed', 'connection is closed; request not sent'));
      try {
        const ttl = durationOf(options.ttl, 'ttl', config.queueTtl);
        const timeoutMs = durationOf(options.timeout, 'timeout', config.requestTimeout);
        return outbox.request(
          { build: (id, deadline) => context.encodeRequest(message, id, deadline), timeoutMs, book: requests },
          ttl,
        ) as Promise<Reply>;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    subscribe(message: MessageOrBuilder<Out>, options: SubscriptionOptions<In, Out> = {}): SubscriptionHandle {
      const entry = subscriptionEntry(message, 'subscribe', options, resolved.acks, codec, config, (m) =>
        encode(m as Out),
      );
      const live = store.model.state.status === 'Connected' || store.model.state.status === 'Unstable';
      const current = context.current.session;
      return subscriptions.add(
        entry,
        live && current !== undefined ? (sub) => void liveSend(sub.build()) : undefined,
        (data) => void (live ? liveSend(data) : undefined),
      );
    },
    addSubscription(message: Out, unsubscribeMessage?: Out): Subscription {
      const handle = this.subscribe(
        message,
        unsubscribeMessage === undefined ? {} : { unsubscribe: unsubscribeMessage },
      );
      return new Subscription(() => handle.unsubscribe());
    },
    snapshot: (): ConnectionSnapshot => snapshotOf(parts, scheduler.now()),
    exchangeNow: () => context.exchangeNow(),
    reconnect(): void {
      if (closing) return;
      // Abandoned with a reset: nothing still buffered for the old socket may reach the exchange later.
      context.current.session?.abandon();
      restarts.next({ reason: 'reconnect requested by the application' });
    },
    close(): Promise<void> {
      if (!closing) closing = parts.close();
      return closing;
    },
  };

  /** A subscription or its farewell for the socket up now: written through the outbox, never queued for later. */
  function liveSend(data: WireData): Promise<void> {
    const session = context.current.session;
    if (session === undefined) return Promise.resolve();
    return outbox.sessionSendCurrent(data).catch(() => undefined);
  }
}

/** The largest event-loop lag of each `every`, ms: one value per period, only while subscribed. */
function lagEvery(eventLoop: EventLoopMonitor, every: number, scheduler: SchedulerLike): Observable<number> {
  return new Observable<number>((subscriber) => {
    const use = eventLoop.use();
    use.add(
      eventLoop.lag$
        .pipe(
          bufferTime(every, scheduler),
          filter((lags) => lags.length > 0),
          map((lags) => Math.max(...lags)),
        )
        .subscribe(subscriber),
    );
    return use;
  });
}

/** Everything known at `at`, as plain data: uptime computed once, for the quality and the figures alike. */
function snapshotOf<In, Out>(parts: HandleParts<In, Out>, at: number): ConnectionSnapshot {
  const { store, outbox, config } = parts.context;
  const { state, stats } = store.model;
  const uptime = uptimePercentage(stats, at);
  const quality = { ...store.model.quality, uptimePercentage: uptime };
  return {
    at,
    status: state.status,
    state,
    quality,
    score: overallScore(quality),
    warnings: qualityWarnings(quality, config),
    stats,
    totalDowntime: totalDowntime(stats, at),
    uptimePercentage: uptime,
    reconnectSuccessRate: reconnectSuccessRate(stats),
    recentEvents: store.recentEvents(),
    queued: outbox.queued,
    maxLagMs: parts.eventLoop.maxLag(at - config.sampleInterval, at),
  };
}
