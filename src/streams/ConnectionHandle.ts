import { Observable, Subscription } from 'rxjs';
import { WireData } from '../model/Codec';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionQuality, overallScore, qualityWarnings } from '../model/ConnectionQuality';
import { ConnectionState } from '../model/ConnectionState';
import { ConnectionStats, reconnectSuccessRate, totalDowntime, uptimePercentage } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { LifelineConfig } from '../model/LifelineConfig';
import { FeedLagReading } from '../model/FeedLagReading';
import { LinkModel } from '../model/LinkModel';
import { parseDuration } from '../model/parseDuration';
import { RequestError } from '../model/RequestError';
import { errorMessage } from '../model/RetryExhaustedError';
import { SendError } from '../model/SendError';
import { Connection, ConnectionSnapshot, LatencySample, SendOptions } from './Connection';
import { LagStream } from './LagStream';
import { LinkEngine } from './LinkEngine';
import { subscriptionEntry } from './resolveConnectOptions';
import { MessageOrBuilder, RequestOptions, SubscriptionHandle, SubscriptionOptions } from './SessionOptions';

/**
 * The handle `connect()` returns, over the engine it wired: the streams are selections of the one
 * store, made on first use and kept; `send` and `request` go through the outbox, `subscribe` through
 * the subscription book. A class, so a handle costs its fields, not a closure per method.
 */
export class ConnectionHandle<In, Out> implements Connection<In, Out> {
  private closing: Promise<void> | undefined;
  // Each stream made on first use and kept; fields rather than a record, which costs a dictionary per handle.
  private status: Observable<ConnectionStatus> | undefined;
  private state: Observable<ConnectionState> | undefined;
  private quality: Observable<ConnectionQuality> | undefined;
  private stats: Observable<ConnectionStats> | undefined;
  private ready: Observable<boolean> | undefined;
  private lag: Observable<number> | undefined;
  private feedLag: Observable<readonly FeedLagReading[]> | undefined;

  constructor(private readonly engine: LinkEngine<In, Out>) {}

  get config(): LifelineConfig {
    return this.engine.config;
  }

  get messages$(): Observable<In> {
    return this.engine.messages.asObservable();
  }

  get status$(): Observable<ConnectionStatus> {
    return (this.status ??= this.engine.store.select(statusOf));
  }

  get state$(): Observable<ConnectionState> {
    return (this.state ??= this.engine.store.select(stateOf));
  }

  get events$(): Observable<ConnectionEvent> {
    return this.engine.store.events$;
  }

  get quality$(): Observable<ConnectionQuality> {
    return (this.quality ??= this.engine.store.select(qualityOf));
  }

  get stats$(): Observable<ConnectionStats> {
    return (this.stats ??= this.engine.store.select(statsOf));
  }

  get latency$(): Observable<LatencySample> {
    return this.engine.store.latency$;
  }

  get ready$(): Observable<boolean> {
    return (this.ready ??= this.engine.store.select(readyOf));
  }

  get lag$(): Observable<number> {
    const { stalls, config, store } = this.engine;
    return (this.lag ??= new LagStream(store, stalls.lagEvery(config.sampleInterval)));
  }

  get feedLag$(): Observable<readonly FeedLagReading[]> {
    return (this.feedLag ??= this.engine.store.select(feedLagOf));
  }

  send(message: Out, options: SendOptions = {}): Promise<void> {
    if (this.closing) return Promise.reject(new SendError('closed', 'connection is closed; message not sent'));
    const { outbox, config, store } = this.engine;
    try {
      const ttl = durationOf(options.ttl, 'ttl', config.queueTtl);
      return outbox.send(this.encode(message), ttl, options.queue !== false, () => store.model.state.status);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  request<Reply = In>(message: Out, options: RequestOptions = {}): Promise<Reply> {
    if (this.closing)
      return Promise.reject(new RequestError('notSent', 'closed', 'connection is closed; request not sent'));
    const { engine } = this;
    try {
      const ttl = durationOf(options.ttl, 'ttl', engine.config.queueTtl);
      const timeoutMs = durationOf(options.timeout, 'timeout', engine.config.requestTimeout);
      return engine.outbox.request(
        { build: (id, deadline) => engine.encodeRequest(message, id, deadline), timeoutMs, book: engine.requests },
        ttl,
      ) as Promise<Reply>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  subscribe(message: MessageOrBuilder<Out>, options: SubscriptionOptions<In, Out> = {}): SubscriptionHandle {
    const { engine } = this;
    const { resolved } = engine;
    const entry = subscriptionEntry(message, 'subscribe', options, resolved.acks, resolved.codec, engine.config, (m) =>
      this.encode(m as Out),
    );
    // Up now: written at once; the farewell goes if the link is up when it is removed.
    return engine.subscriptions.add(entry, this.live(), (data) => {
      if (this.live()) void this.liveSend(data);
    });
  }

  addSubscription(message: Out, unsubscribeMessage?: Out): Subscription {
    const handle = this.subscribe(message, unsubscribeMessage === undefined ? {} : { unsubscribe: unsubscribeMessage });
    return new Subscription(() => handle.unsubscribe());
  }

  snapshot(): ConnectionSnapshot {
    return snapshotOf(this.engine, this.engine.now());
  }

  exchangeNow(): number {
    return this.engine.exchangeNow();
  }

  reconnect(): void {
    if (this.closing) return;
    // Abandoned with a reset: nothing still buffered for the old socket may reach the exchange later.
    this.engine.session?.abandon();
    this.engine.restart('reconnect requested by the application');
  }

  close(): Promise<void> {
    if (!this.closing) this.closing = this.engine.close();
    return this.closing;
  }

  private encode(message: Out): WireData {
    try {
      return this.engine.encode(message);
    } catch (error) {
      throw new SendError('encode', `cannot encode message: ${errorMessage(error)}`, error);
    }
  }

  private live(): boolean {
    const { status } = this.engine.store.model.state;
    return (status === 'Connected' || status === 'Unstable') && this.engine.session !== undefined;
  }

  /** A subscription or its farewell for the socket up now: written through the outbox, never queued for later. */
  private liveSend(data: WireData): Promise<void> {
    if (this.engine.session === undefined) return Promise.resolve();
    return this.engine.outbox.sessionSendCurrent(data).catch(() => undefined);
  }
}

const statusOf = (model: LinkModel): ConnectionStatus => model.state.status;
const stateOf = (model: LinkModel): ConnectionState => model.state;
const qualityOf = (model: LinkModel): ConnectionQuality => model.quality;
const statsOf = (model: LinkModel): ConnectionStats => model.stats;
const readyOf = (model: LinkModel): boolean => model.state.ready;
const feedLagOf = (model: LinkModel): readonly FeedLagReading[] => model.feedLag;

function durationOf(value: SendOptions['ttl'], field: string, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value, field, { allowZero: false, allowInfinity: true });
}

/** Everything known at `at`, as plain data: uptime computed once, for the quality and the figures alike. */
function snapshotOf<In, Out>(engine: LinkEngine<In, Out>, at: number): ConnectionSnapshot {
  const { store, outbox, config } = engine;
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
    maxLagMs: engine.stalls.maxLag(at - config.sampleInterval, at),
    feedLag: store.model.feedLag,
    ...(engine.clock.estimate !== undefined ? { clockOffset: engine.clock.estimate } : {}),
  };
}
