import { Observable, ObservableInput, SchedulerLike, Subscriber, Subscription, from, last, timeout } from 'rxjs';
import { WireData } from '../model/Codec';
import { SessionStep } from '../model/ConnectionSignal';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { DataMeter } from '../model/DataMeter';
import { FatalExchangeError } from '../model/FatalExchangeError';
import { HeartbeatTimeoutError } from '../model/HeartbeatTimeoutError';
import { LatencyForecast } from '../model/LatencyForecast';
import { LifelineConfig } from '../model/LifelineConfig';
import { LinkModel } from '../model/LinkModel';
import { parseDuration } from '../model/parseDuration';
import { RequestError } from '../model/RequestError';
import { errorMessage } from '../model/RetryExhaustedError';
import { SessionError } from '../model/SessionError';
import { UnstableLinkError } from '../model/UnstableLinkError';
import { Broadcast } from './Broadcast';
import { FeedWatch } from './feedWatch';
import {
  HeartbeatLink,
  HeartbeatMonitor,
  HeartbeatMonitorConfig,
  HeartbeatReport,
  StallClock,
} from './HeartbeatMonitor';
import { LinkStore } from './LinkStore';
import { Outbox } from './Outbox';
import { RequestBook } from './RequestBook';
import { RequestOptions, Session } from './SessionOptions';
import { SubscribeRound, SubscriptionBook } from './SubscriptionBook';
import { TransportConnection, TransportListener } from './Transport';

/** The parts of a handle every inbound frame goes through. */
export interface InboundParts<In> {
  /** Counts frames; the heartbeat's inbound liveness clock. */
  readonly meter: DataMeter;
  readonly decode: (data: WireData) => In;
  /** Stale-feed watchdogs, when any are configured. */
  readonly feedWatch: FeedWatch<In, WireData> | undefined;
  /** Where decoded messages go: the handle's `messages$`. */
  readonly deliver: (message: In) => void;
  /** A frame the codec could not decode: an event, never a crash. */
  readonly malformed: (reason: string) => void;
  readonly now: () => number;
}

/** The application ping: the frame to send and how to recognise its answer. */
export interface AppPing {
  readonly frame: WireData;
  readonly isPong: (data: WireData) => boolean;
}

/** What the exchange may tell the link, as the session reads it from inbound frames and messages. */
export interface Directives<In> {
  readonly ignore: ((data: WireData) => boolean) | undefined;
  readonly reconnectOn: ((message: In) => string | boolean | undefined) | undefined;
  readonly fatalOn: ((message: In) => string | boolean | undefined) | undefined;
}

/** A session's hooks: the per-connect handshake and the resync, each an async step. */
export interface SessionHooks<In, Out> {
  readonly handshake: ((session: Session<In, Out>) => ObservableInput<unknown>) | undefined;
  readonly resync: ((session: Session<In, Out>) => ObservableInput<unknown>) | undefined;
}

/** What a session needs from the handle that owns it. */
export interface LinkSessionContext<In, Out> {
  readonly config: LifelineConfig;
  /** The heartbeat's settings, shared by every socket of the handle. */
  readonly heartbeatConfig: HeartbeatMonitorConfig;
  readonly scheduler: SchedulerLike;
  readonly store: LinkStore;
  readonly outbox: Outbox;
  readonly requests: RequestBook<In>;
  readonly subscriptions: SubscriptionBook<In>;
  /** The hot path's parts: meter, codec, watchdogs, outlets. */
  readonly inbound: InboundParts<In>;
  /** The application ping; undefined for protocol pings. */
  readonly appPing: AppPing | undefined;
  readonly directives: Directives<In>;
  readonly hooks: SessionHooks<In, Out>;
  /** The process's own stalls, kept out of round trips and silences. */
  readonly stalls: StallClock;
  readonly encode: (message: Out) => WireData;
  /** Encodes a request with its correlation id and deadline stamped in. */
  readonly encodeRequest: (message: Out, id: number, deadline: number) => WireData;
  readonly exchangeNow: () => number;
  /** The exchange asked for a reconnect now (`reconnectOn`). */
  readonly restart: (reason: string) => void;
  /** The session on the current socket, so the handle can abandon it (reset) or close it cleanly. */
  readonly current: { session: LinkSessionHandle | undefined };
}

/** What the handle may do with the session on the current socket. */
export interface LinkSessionHandle {
  /** Abandons the socket with a TCP reset: nothing written on it reaches the peer any more. */
  abandon(): void;
}

/** Which attempt opened the socket, where to, and who hears that it succeeded. */
export interface SocketInfo {
  readonly attempt: number;
  readonly reconnect: boolean;
  readonly url: string;
  /** The attempt succeeded (the handshake done): called once, just before the session emits. */
  readonly live?: () => void;
}

/**
 * One open socket, from its open to its end: the session set up on it (handshake, subscriptions with
 * their acknowledgements, resync: ready), then watched (inbound frames, the heartbeat in both
 * directions, the unstable timer, the feed watchdogs, the latency forecast). It emits once when the
 * attempt has succeeded (the handshake done: retryBackoff's minimum uptime counts from there), errors
 * when the link must end (a step failed, the heartbeat timed out, unstable too long, the exchange said
 * so) and never completes by itself; unsubscribing tears it all down.
 *
 * ```
 * socket:    o--h----s--r------x      (open, handshake done, subscriptions confirmed, resync done; x closed)
 * result:    ---a--------------#      (a: the attempt succeeded, once; then the transport's error)
 * ready$:    f-------------t---f      (ready only once every step is done and the outbound path confirmed)
 * ```
 *
 * @param context The handle's parts.
 * @param connection The socket, just opened.
 * @param info The attempt that opened it.
 * @returns Emits once when the attempt succeeded; errors when the link must end.
 */
export function linkSession<In, Out>(
  context: LinkSessionContext<In, Out>,
  connection: TransportConnection,
  info: SocketInfo,
): Observable<void> {
  return new Observable<void>((subscriber) => new SocketSession(context, connection, info, subscriber).start());
}

/** The state of one socket's session: a class, so a socket costs named methods, not a web of closures. */
class SocketSession<In, Out>
  implements TransportListener, LinkSessionHandle, HeartbeatLink, HeartbeatReport, SubscribeRound
{
  private readonly openedAt: number;
  private readonly subscription = new Subscription();
  private readonly heartbeat: HeartbeatMonitor;
  private readonly forecast: LatencyForecast | undefined;
  /** Inbound messages for the hooks, while a hook may listen. */
  private sessionMessages: Broadcast<In> | undefined;
  private appPingsInFlight = 0;
  private setUp = false;
  private resyncing = false;
  private settledOnce = false;
  /** Whether setting up took steps (a handshake, acks, a resync): only then is "ready" an event. */
  private steps = false;
  private outboundConfirmed = true;
  private ready = false;
  private reportedSetUp = false;
  /** Whether the attempt succeeded (the handshake done): the session's figures start from there. */
  private live = false;
  /** A round trip measured during the handshake, reported with the open (which starts the figures afresh). */
  private earlyRttMs: number | undefined;
  private unstableTimer: Subscription | undefined;
  private ended = false;

  constructor(
    private readonly context: LinkSessionContext<In, Out>,
    private readonly connection: TransportConnection,
    private readonly info: SocketInfo,
    private readonly subscriber: Subscriber<void>,
  ) {
    const { config, scheduler, stalls } = context;
    this.openedAt = scheduler.now();
    // The session is the heartbeat's link and its report: one object, no closures per socket.
    this.heartbeat = new HeartbeatMonitor(this, context.heartbeatConfig, scheduler, this, stalls);
    this.forecast = config.prediction
      ? new LatencyForecast(
          { latencyWarning: config.latencyWarning, predictionHorizon: config.predictionHorizon },
          config.predictionWindow,
        )
      : undefined;
  }

  /** Subscribed: listens, attaches the outbox, starts the heartbeat and the first step. */
  start(): Subscription {
    const { inbound, outbox, hooks, current } = this.context;
    inbound.meter.markOpen();
    inbound.feedWatch?.reset(this.openedAt);
    if (hooks.handshake !== undefined || hooks.resync !== undefined) this.sessionMessages = new Broadcast<In>();
    this.connection.listen(this);
    outbox.attach({ connection: this.connection, progress: this.heartbeat });
    current.session = this;
    this.subscription.add(() => this.end());
    this.subscription.add(this.heartbeat.start());
    this.watch();
    if (hooks.handshake !== undefined) this.step('handshake', hooks.handshake, () => this.opened());
    else this.opened();
    return this.subscription;
  }

  abandon(): void {
    this.connection.abort();
  }

  // TransportListener: the hot path.
  message(data: WireData): void {
    const { inbound, directives, requests, subscriptions } = this.context;
    inbound.meter.record(typeof data === 'string' ? data.length : data.byteLength);
    if (this.appPingsInFlight > 0 && (this.context.appPing as AppPing).isPong(data)) {
      this.appPingsInFlight--;
      inbound.meter.recordPong();
      this.heartbeat.pong(undefined);
      return;
    }
    if (directives.ignore !== undefined && directives.ignore(data)) return;
    let message: In;
    try {
      message = inbound.decode(data);
    } catch (error) {
      inbound.malformed(`malformed inbound message: ${errorMessage(error)}`);
      return;
    }
    // What the exchange directs comes first: a fatal answer may be the reply to a login.
    if (directives.fatalOn !== undefined || directives.reconnectOn !== undefined) {
      if (this.directed(message)) return;
    }
    if (requests.expecting && requests.reply(message)) return;
    if (subscriptions.awaitingAcks) subscriptions.inspect(message);
    if (inbound.feedWatch !== undefined) inbound.feedWatch.record(message, inbound.now());
    this.sessionMessages?.next(message);
    inbound.deliver(message);
  }

  pong(id: number | undefined): void {
    this.context.inbound.meter.recordPong();
    if (id !== undefined) this.heartbeat.pong(id);
  }

  private now(): number {
    return this.context.scheduler.now();
  }

  private dispatch(signal: Parameters<LinkStore['dispatch']>[0]): void {
    if (!this.ended) this.context.store.dispatch(signal);
  }

  // HeartbeatLink
  ping(id: number): void {
    const appPing = this.context.appPing;
    if (appPing === undefined) return this.connection.ping(id);
    this.appPingsInFlight++;
    this.connection.send(appPing.frame, ignoreWrite);
  }

  lastActivityAt(): number {
    return this.context.inbound.meter.lastActivityAt();
  }

  // HeartbeatReport
  rtt(latencyMs: number): void {
    // Before the open, a sample would be wiped by it: the link would have no latency, hence no good
    // quality (and a closed trade gate), until the next ping, a whole heartbeat interval later.
    if (!this.live) {
      this.earlyRttMs = latencyMs;
      return;
    }
    const at = this.now();
    this.dispatch({ type: 'roundTrip', at, source: 'heartbeat', latencyMs });
    const forecast = this.forecast?.add({ at, latencyMs });
    if (forecast !== undefined) {
      const { currentMs, projectedMs, slopeMsPerSecond, horizonMs } = forecast;
      this.dispatch({ type: 'forecast', at, currentMs, projectedMs, slopeMsPerSecond, horizonMs });
    }
  }

  lost(): void {
    this.dispatch({ type: 'pingLost', at: this.now() });
  }

  outbound(confirmed: boolean, silentMs: number): void {
    this.outboundConfirmed = confirmed;
    this.dispatch({ type: 'outbound', at: this.now(), confirmed, silentMs });
    this.judgeReady();
  }

  timeout(silentMs: number, timeoutMs: number, direction: 'inbound' | 'outbound'): void {
    this.dispatch({ type: 'heartbeatTimeout', at: this.now(), silentMs, timeoutMs, direction });
    // Abandoned: a reset, so nothing still buffered for it can reach the exchange later.
    this.connection.abort();
    this.fail(new HeartbeatTimeoutError(silentMs, timeoutMs));
  }

  /** The exchange spoke: a fatal message ends the link, a reconnect notice replaces it. True if acted on. */
  private directed(message: In): boolean {
    const { fatalOn, reconnectOn } = this.context.directives;
    const fatal = fatalOn?.(message);
    if (fatal !== undefined && fatal !== false) {
      // A request it answers settles first (refused), then the link ends for good.
      if (this.context.requests.size > 0) this.context.requests.reply(message);
      this.fail(new FatalExchangeError(fatal === true ? 'a fatal message from the exchange' : fatal));
      return true;
    }
    const notice = reconnectOn?.(message);
    if (notice !== undefined && notice !== false) {
      this.context.restart(
        notice === true ? 'the exchange asked for a reconnect' : `the exchange asked for a reconnect: ${notice}`,
      );
      return true;
    }
    return false;
  }

  /** The handshake is done (or there is none): the attempt succeeded; subscriptions come next. */
  private opened(): void {
    this.dispatch({ type: 'open', at: this.now(), attempt: this.info.attempt, reconnect: this.info.reconnect });
    this.live = true;
    if (this.earlyRttMs !== undefined) this.rtt(this.earlyRttMs);
    this.info.live?.();
    this.subscriber.next();
    const { subscriptions, outbox } = this.context;
    const entries = subscriptions.begin(this);
    const awaiting = subscriptions.awaitingAcks;
    if (awaiting) {
      this.steps = true;
      this.dispatch({ type: 'step', at: this.now(), step: 'subscribing' });
    }
    for (const entry of entries) {
      let data: WireData;
      try {
        data = entry.build();
      } catch (error) {
        this.dispatch({
          type: 'error',
          at: this.now(),
          message: `subscription ${entry.name} not sent: ${errorMessage(error)}`,
        });
        continue;
      }
      outbox.sessionSend(this.connection, data).catch(ignoreWrite);
    }
    // Written (queued first in the outbox), so nothing the application queued can overtake them.
    if (!awaiting && !this.settledOnce) this.resync();
  }

  // SubscribeRound
  confirmed(name: string): void {
    this.dispatch({ type: 'subscription', at: this.now(), name, verdict: 'confirmed' });
  }

  failed(name: string, reason: string, timedOut: boolean): void {
    this.dispatch({
      type: 'subscription',
      at: this.now(),
      name,
      verdict: timedOut ? 'unconfirmed' : 'rejected',
      reason,
    });
    // Not confirmed in time: the step is stuck, so the attempt fails and the next connect sends it again.
    if (timedOut) this.fail(new SessionError('subscribing', `subscription ${name} not confirmed: ${reason}`));
  }

  settled(allActive: boolean): void {
    this.settledOnce = true;
    if (allActive && !this.resyncing) this.resync();
    else this.judgeReady();
  }

  /** Subscriptions confirmed: the resync hook, if any, then the session is set up. */
  private resync(): void {
    this.resyncing = true;
    const resync = this.context.hooks.resync;
    if (resync === undefined) return this.setUpDone();
    const started = this.now();
    this.step('resync', resync, () => {
      this.dispatch({ type: 'resynced', at: this.now(), ms: this.now() - started });
      this.setUpDone();
    });
  }

  private setUpDone(): void {
    this.setUp = true;
    this.judgeReady();
  }

  /**
   * Set up: every step done, every acknowledged subscription active. Ready (and the outbox open):
   * set up, with the outbound path confirmed. The fold derives the same from the signals.
   */
  private judgeReady(): void {
    const setUp = this.setUp && this.context.subscriptions.allActive;
    if (setUp !== this.reportedSetUp) {
      this.reportedSetUp = setUp;
      const at = this.now();
      this.dispatch({ type: 'setUp', at, setUp, ...(setUp && this.steps ? { ms: at - this.openedAt } : {}) });
    }
    const ready = setUp && this.outboundConfirmed;
    if (ready === this.ready) return;
    this.ready = ready;
    if (ready) this.context.outbox.open();
    else this.context.outbox.hold();
  }

  /** Runs a hook as a step: within what is left of `readyTimeout`, its failure failing the attempt. */
  private step(
    step: SessionStep,
    hook: (session: Session<In, Out>) => ObservableInput<unknown>,
    done: () => void,
  ): void {
    this.steps = true;
    this.dispatch({ type: 'step', at: this.now(), step });
    const left = Math.max(1, this.openedAt + this.context.config.readyTimeout - this.now());
    const { scheduler } = this.context;
    let run: ObservableInput<unknown>;
    try {
      run = hook(this.session());
    } catch (error) {
      return this.fail(stepError(step, error));
    }
    this.subscription.add(
      from(run)
        .pipe(
          last(undefined, undefined),
          timeout({
            first: left,
            scheduler,
            with: () => {
              throw new SessionError(
                step,
                `${step} not done within readyTimeout (${this.context.config.readyTimeout} ms)`,
              );
            },
          }),
        )
        .subscribe({ next: () => done(), error: (error: unknown) => this.fail(stepError(step, error)) }),
    );
  }

  /** The socket being set up, as the hooks see it. */
  private session(): Session<In, Out> {
    const { outbox, requests, encode, encodeRequest, exchangeNow, config } = this.context;
    const connection = this.connection;
    return {
      attempt: this.info.attempt,
      reconnect: this.info.reconnect,
      url: this.info.url,
      messages$: (this.sessionMessages as Broadcast<In>).asObservable(),
      send: (message) => outbox.sessionSend(connection, encode(message)),
      request: <Reply>(message: Out, options: RequestOptions = {}): Promise<Reply> => {
        let timeoutMs: number;
        try {
          timeoutMs =
            options.timeout === undefined
              ? config.requestTimeout
              : parseDuration(options.timeout, 'timeout', { allowZero: false, allowInfinity: true });
        } catch (error) {
          return Promise.reject(error);
        }
        return outbox.sessionRequest(connection, {
          build: (id, deadline) => encodeRequest(message, id, deadline),
          timeoutMs,
          book: requests,
        }) as Promise<Reply>;
      },
      exchangeNow,
    };
  }

  /** The monitors that live as long as the socket: unstable too long, stale feeds. */
  private watch(): void {
    const { config, store, scheduler, inbound } = this.context;
    if (Number.isFinite(config.unstableTimeout)) {
      this.subscription.add(
        store.watch(isUnstable, (unstable) => {
          this.unstableTimer?.unsubscribe();
          this.unstableTimer = unstable
            ? scheduler.schedule(() => {
                // An unstable link is abandoned: nothing more it holds may go out later.
                this.connection.abort();
                this.fail(new UnstableLinkError(config.unstableTimeout));
              }, config.unstableTimeout)
            : undefined;
        }),
      );
      this.subscription.add(() => this.unstableTimer?.unsubscribe());
    }
    this.subscription.add(store.watch(isPoorNow, (poor) => this.heartbeat.quality(poor)));
    const feedWatch = inbound.feedWatch;
    if (feedWatch) {
      this.subscription.add(
        feedWatch.signals(scheduler).subscribe((signal) => {
          if (signal.kind === 'resumed') {
            this.dispatch({ type: 'feedResumed', at: signal.at, feed: signal.feed, silentMs: signal.silentMs });
            return;
          }
          const resend = feedWatch.watchdogs.find((watchdog) => watchdog.name === signal.feed)?.resubscribe ?? [];
          for (const data of resend) this.context.outbox.sessionSend(this.connection, data).catch(ignoreWrite);
          this.dispatch({ type: 'feedStale', ...signal, resubscribed: resend.length > 0 });
        }),
      );
    }
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.subscriber.error(error);
  }

  /** Torn down: nothing more goes to this socket; what waited on it is settled. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const { outbox, requests, subscriptions, current } = this.context;
    this.heartbeat.stop();
    // Whatever the socket still delivers while it closes is not the link's any more.
    this.connection.listen(deaf);
    outbox.detach(this.connection);
    requests.lost(this.connection, 'socket closed');
    subscriptions.end();
    this.sessionMessages?.complete();
    if (current.session === this) current.session = undefined;
  }
}

const ignoreWrite = (): void => undefined;
const isUnstable = (model: LinkModel): boolean => model.state.status === ConnectionStatus.Unstable;
const isPoorNow = (model: LinkModel): boolean => model.state.poor;
const deaf: TransportListener = { message: ignoreWrite, pong: ignoreWrite };

/** A step's failure as a SessionError; a request the exchange refused marks it `rejected` (not retried). */
function stepError(step: SessionStep, error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  const rejected = error instanceof RequestError && error.outcome === 'rejected';
  return new SessionError(step, `${step} failed: ${errorMessage(error)}`, rejected, error);
}
