import { ObservableInput, SchedulerLike, Subscription, Unsubscribable, from, last, timeout } from 'rxjs';
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
import { FeedSignal, FeedWatch } from './feedWatch';
import {
  HeartbeatLink,
  HeartbeatMonitor,
  HeartbeatMonitorConfig,
  HeartbeatReport,
  StallClock,
} from './HeartbeatMonitor';
import { LinkStore, SelectionTarget } from './LinkStore';
import { Outbox } from './Outbox';
import { RequestBook } from './RequestBook';
import { Session, SessionRequestOptions } from './SessionOptions';
import { SubscribeRound, SubscriptionBook, SubscriptionRound } from './SubscriptionBook';
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
  /** Draws the jitter of a successor's retry delay (see `maxConnectionAge`). */
  readonly random: () => number;
  /** Whether a failure is worth retrying: a successor that could not be set up is retried only if so. */
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /** The session on the current socket, so the handle can abandon it (reset) or close it cleanly. */
  readonly current: { session: LinkSessionHandle | undefined };
}

/** What the handle may do with the session on the current socket. */
export interface LinkSessionHandle {
  /** Abandons the socket with a TCP reset: nothing written on it reaches the peer any more. */
  abandon(): void;
}

/** Which attempt opened the socket, and where to. */
export interface SocketInfo {
  readonly attempt: number;
  readonly reconnect: boolean;
  readonly url: string;
}

/**
 * What a socket's session serves now: the link (`live`), a successor being set up to take over from
 * an aged socket (`standby`: nothing reaches the link's streams or outbox yet), or an old socket
 * that handed over and only waits for replies to requests written on it (`retired`).
 */
export type SessionRole = 'live' | 'standby' | 'retired';

/** Who hears how a session goes (see `SessionRelay`). */
export interface SessionOwner<In, Out> {
  /** Live: the attempt succeeded (the handshake done). Standby: set up, ready to take over. */
  reached(session: SocketSession<In, Out>): void;
  /** The session must end: why (a step failed, the heartbeat timed out, …); undefined when a retired one is done. */
  ended(session: SocketSession<In, Out>, error: unknown): void;
}

/** A successor's messages held until it takes over; beyond this the oldest go (the old socket delivered them). */
const MAX_HELD = 100_000;

/**
 * One open socket, from its open to its end: the session set up on it (handshake, subscriptions with
 * their acknowledgements, resync: ready), then watched (inbound frames, the heartbeat in both
 * directions, the unstable timer, the feed watchdogs, the latency forecast). It tells its owner once
 * the attempt has succeeded (the handshake done: retryBackoff's minimum uptime counts from there) and
 * when the link must end (a step failed, the heartbeat timed out, unstable too long, the exchange said
 * so); it never ends by itself; unsubscribing `start()`'s result tears it all down.
 *
 * ```
 * socket:    o--h----s--r------x      (open, handshake done, subscriptions confirmed, resync done; x closed)
 * owner:     ---a--------------e      (a: reached, once; e: ended with the reason)
 * ready$:    f-------------t---f      (ready only once every step is done and the outbound path confirmed)
 * ```
 *
 * A `standby` session (a successor to an aged socket) runs the handshake and the subscriptions with
 * nothing reaching the link: its messages are held, its verdicts kept apart, no signal folded; it is
 * reached once set up (no resync: there was no gap), and `promote()` makes it the link's socket.
 * `retire()` hands the link over: the old socket then only settles the replies to requests written on
 * it, and is ended once none waits.
 */
/** The state of one socket's session: a class, so a socket costs named methods, not a web of closures. */
export class SocketSession<In, Out>
  implements TransportListener, LinkSessionHandle, HeartbeatLink, HeartbeatReport, SubscribeRound
{
  readonly openedAt: number;
  /** The step running (the handshake, the resync hook), if any. */
  private stepRun: Subscription | undefined;
  /** While the session serves the link: its watch of the store (unstable, poor) and of the feeds. */
  private linkWatch: Unsubscribable | undefined;
  private feedSignals: Subscription | undefined;
  private round: SubscriptionRound<In> | undefined;
  /** A standby's decoded messages, delivered when it takes over. */
  private held: In[] | undefined;
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
  /** A failure found where the session could not end at once (see `failSoon`). */
  private failure: { readonly error: unknown; readonly timer: Subscription } | undefined;
  private ended = false;

  constructor(
    private readonly context: LinkSessionContext<In, Out>,
    readonly connection: TransportConnection,
    private readonly info: SocketInfo,
    private readonly owner: SessionOwner<In, Out>,
    private role: SessionRole = 'live',
  ) {
    const { config, scheduler, stalls } = context;
    this.openedAt = scheduler.now();
    // The session is the heartbeat's link and its report: one object, no closures per socket.
    this.heartbeat = new HeartbeatMonitor(this, context.heartbeatConfig, scheduler, this, stalls);
    // The link's config is the forecast's rule (its latency warning and horizon): no copy per socket.
    this.forecast = config.prediction ? new LatencyForecast(config, config.predictionWindow) : undefined;
  }

  /** Started: listens, and (live) serves the link at once; then the first step. `stop()` ends it. */
  start(): void {
    const { inbound, hooks } = this.context;
    if (this.role === 'live') {
      inbound.meter.markOpen();
      inbound.feedWatch?.reset(this.openedAt);
    } else this.held = [];
    if (hooks.handshake !== undefined || hooks.resync !== undefined) this.sessionMessages = new Broadcast<In>();
    this.connection.listen(this);
    if (this.role === 'live') this.serve();
    if (hooks.handshake !== undefined) this.step('handshake', hooks.handshake, () => this.opened());
    else this.opened();
  }

  /** Torn down: nothing more goes to this socket; what waited on it is settled. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    const { outbox, requests, current } = this.context;
    this.stopServing();
    this.stepRun?.unsubscribe();
    this.failure?.timer.unsubscribe();
    // Whatever the socket still delivers while it closes is not the link's any more.
    this.connection.listen(deaf);
    outbox.detach(this.connection);
    requests.lost(this.connection, 'socket closed');
    this.round?.end();
    this.sessionMessages?.complete();
    if (current.session === this) current.session = undefined;
  }

  /**
   * A set-up standby takes over the link: it becomes the outbox's socket, its heartbeat and watchers
   * start, its subscriptions' verdicts become theirs (what was added or removed meanwhile is written
   * now), and the messages it held are delivered, after the last one of the socket it replaces.
   */
  promote(): void {
    if (this.role !== 'standby') return;
    this.role = 'live';
    const { subscriptions, outbox, inbound } = this.context;
    this.serve();
    for (const data of subscriptions.adopt(this.round as SubscriptionRound<In>))
      outbox.sessionSend(this.connection, data).catch(ignoreWrite);
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) {
      inbound.feedWatch?.record(message, inbound.now());
      inbound.deliver(message);
    }
    this.reportedSetUp = true;
    this.judgeReady();
  }

  /**
   * Hands the link over to a successor: nothing more goes out on this socket or reaches the link
   * from it; it only settles the replies to requests written on it (its owner is told when none waits).
   */
  retire(): void {
    if (this.role !== 'live') return;
    this.role = 'retired';
    this.stopServing();
    this.context.outbox.detach(this.connection);
    this.sessionMessages?.complete();
    if (this.context.current.session === this) this.context.current.session = undefined;
  }

  /** Serves the link: the outbox writes here, the heartbeat and the watchers run. */
  private serve(): void {
    const { outbox, current, store, inbound, scheduler } = this.context;
    outbox.attach({ connection: this.connection, progress: this.heartbeat });
    current.session = this;
    this.heartbeat.start();
    this.linkWatch = store.watch(linkStanding, new LinkWatch(this));
    if (inbound.feedWatch !== undefined) {
      this.feedSignals = inbound.feedWatch.signals(scheduler).subscribe((signal) => this.feedSignal(signal));
    }
  }

  private stopServing(): void {
    this.heartbeat.stop();
    this.linkWatch?.unsubscribe();
    this.linkWatch = undefined;
    this.feedSignals?.unsubscribe();
    this.feedSignals = undefined;
    this.unstableTimer?.unsubscribe();
    this.unstableTimer = undefined;
  }

  /**
   * The link's standing changed: unstable (abandoned after `unstableTimeout` unless it recovers) or
   * poor (the heartbeat adapts its interval).
   */
  standing(unstable: boolean, poor: boolean): void {
    this.heartbeat.quality(poor);
    const { config, scheduler } = this.context;
    if (!Number.isFinite(config.unstableTimeout) || unstable === (this.unstableTimer !== undefined)) return;
    this.unstableTimer?.unsubscribe();
    this.unstableTimer = unstable ? scheduler.schedule(unstableTooLong, config.unstableTimeout, this) : undefined;
  }

  /** Unstable for `unstableTimeout`: abandoned, so nothing more it holds may go out later. */
  unstableTooLong(): void {
    this.connection.abort();
    this.fail(new UnstableLinkError(this.context.config.unstableTimeout));
  }

  /** A feed went stale or resumed: resubscribed where it says so, and folded. */
  private feedSignal(signal: FeedSignal): void {
    const feedWatch = this.context.inbound.feedWatch as FeedWatch<In, WireData>;
    const resend = feedWatch.resubscribeFor(signal);
    for (const data of resend) this.context.outbox.sessionSend(this.connection, data).catch(ignoreWrite);
    this.dispatch(feedWatch.connectionSignalOf(signal, resend.length > 0));
  }

  abandon(): void {
    this.connection.abort();
  }

  // TransportListener: the hot path.
  message(data: WireData): void {
    if (this.role !== 'live') return this.offLink(data);
    const { inbound, directives, requests } = this.context;
    inbound.meter.record(typeof data === 'string' ? data.length : data.byteLength);
    if (this.appPingsInFlight > 0 && (this.context.appPing as AppPing).isPong(data)) {
      this.appPingsInFlight--;
      inbound.meter.recordPong();
      this.heartbeat.pong(undefined);
      return;
    }
    const message = this.decode(data);
    if (message === undefined) return;
    // What the exchange directs comes first: a fatal answer may be the reply to a login.
    if (directives.fatalOn !== undefined || directives.reconnectOn !== undefined) {
      if (this.directed(message)) return;
    }
    if (requests.expecting && requests.reply(message)) return;
    const round = this.round;
    if (round !== undefined && round.awaiting) round.inspect(message);
    if (inbound.feedWatch !== undefined) inbound.feedWatch.record(message, inbound.now());
    this.sessionMessages?.next(message);
    inbound.deliver(message);
  }

  /** A frame as a message; undefined for an ignored frame or one the codec refused (an event, never a crash). */
  private decode(data: WireData): In | undefined {
    const { ignore } = this.context.directives;
    if (ignore !== undefined && ignore(data)) return undefined;
    try {
      return this.context.inbound.decode(data);
    } catch (error) {
      this.context.inbound.malformed(`malformed inbound message: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /**
   * A frame on a socket that does not serve the link. A standby's: the session's replies and
   * verdicts, its messages held for the switch (a fatal answer or a reconnect notice ends it). A
   * retired one's: only replies to the requests written on it; once none waits it is done.
   */
  private offLink(data: WireData): void {
    const message = this.decode(data);
    if (message === undefined) return;
    const { requests, directives } = this.context;
    if (this.role === 'retired') {
      if (requests.size > 0 && requests.reply(message) && requests.pendingOn(this.connection) === 0)
        this.owner.ended(this, undefined);
      return;
    }
    if ((directives.fatalOn !== undefined || directives.reconnectOn !== undefined) && this.directed(message)) return;
    if (requests.size > 0 && requests.reply(message)) return;
    const round = this.round;
    if (round !== undefined && round.awaiting) round.inspect(message);
    this.sessionMessages?.next(message);
    const held = this.held;
    if (held === undefined) {
      // This very message (the last verdict) promoted it: it is the link's now.
      const { inbound } = this.context;
      inbound.feedWatch?.record(message, inbound.now());
      inbound.deliver(message);
    } else if (held.push(message) > MAX_HELD) held.shift();
  }

  pong(id: number | undefined): void {
    this.context.inbound.meter.recordPong();
    if (id !== undefined) this.heartbeat.pong(id);
  }

  private now(): number {
    return this.context.scheduler.now();
  }

  /** Folds a signal about the link: only a live session's (a standby's errors too: they are worth seeing). */
  private dispatch(signal: Parameters<LinkStore['dispatch']>[0]): void {
    if (this.ended) return;
    if (this.role === 'live' || (this.role === 'standby' && signal.type === 'error'))
      this.context.store.dispatch(signal);
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

  acknowledged(): number | undefined {
    return this.connection.acknowledged?.();
  }

  backlog(): number | undefined {
    return this.connection.unacknowledgedBytes?.(false);
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
    const forecast = this.forecast?.add(at, latencyMs);
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

  /**
   * The exchange spoke: a fatal message ends the link, a reconnect notice replaces it. On a successor
   * being set up, a notice is about that socket: it is given up (never promoted), and renewal tries a
   * fresh one under its retry policy. True if acted on.
   */
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
    if (notice === undefined || notice === false) return false;
    const reason =
      notice === true ? 'the exchange asked for a reconnect' : `the exchange asked for a reconnect: ${notice}`;
    if (this.role === 'standby')
      this.fail(new SessionError(this.round === undefined ? 'handshake' : 'subscribing', reason));
    else this.context.restart(reason);
    return true;
  }

  /** The handshake is done (or there is none): the attempt succeeded; subscriptions come next. */
  private opened(): void {
    const standby = this.role === 'standby';
    if (!standby) {
      this.dispatch({ type: 'open', at: this.now(), attempt: this.info.attempt, reconnect: this.info.reconnect });
      this.owner.reached(this);
    }
    this.live = true;
    if (this.earlyRttMs !== undefined) this.rtt(this.earlyRttMs);
    const round = this.context.subscriptions.begin(this, standby);
    this.round = round;
    const awaiting = round.awaiting;
    if (awaiting) {
      this.steps = true;
      this.dispatch({ type: 'step', at: this.now(), step: 'subscribing' });
    }
    round.putAll();
    // Written (queued first in the outbox), so nothing the application queued can overtake them.
    if (!awaiting && !this.settledOnce) this.resync();
  }

  // SubscribeRound
  write(data: WireData): void {
    this.context.outbox.sessionSend(this.connection, data).catch(ignoreWrite);
  }

  unsent(name: string, reason: string, acked: boolean): void {
    const message = `subscription ${name} not sent: ${reason}`;
    this.dispatch({ type: 'error', at: this.now(), message });
    // With an ack it can never be confirmed on this socket: the attempt fails now, as it would at the
    // ack's timeout, and the next socket builds it again. A successor must carry all the old one does.
    if (acked || this.role === 'standby') this.failSoon(new SessionError('subscribing', message));
  }
  confirmed(name: string): void {
    this.dispatch({ type: 'subscription', at: this.now(), name, verdict: 'confirmed' });
  }

  failed(name: string, reason: string, timedOut: 'ack' | 'ready' | false): void {
    this.dispatch({
      type: 'subscription',
      at: this.now(),
      name,
      verdict: timedOut !== false ? 'unconfirmed' : 'rejected',
      reason,
    });
    // Not confirmed in time: the step is stuck, so the attempt fails and the next connect sends it again.
    // A successor refused one cannot take over from a socket on which it is active.
    if (timedOut === 'ready') {
      const { readyTimeout } = this.context.config;
      this.fail(
        new SessionError(
          'subscribing',
          `subscribing not done within readyTimeout (${readyTimeout} ms): subscription ${name} not confirmed`,
        ),
      );
    } else if (timedOut === 'ack' || this.role === 'standby')
      this.fail(new SessionError('subscribing', `subscription ${name} not confirmed: ${reason}`));
  }

  readyBy(): number {
    return this.setUp ? Infinity : this.openedAt + this.context.config.readyTimeout;
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
    // A successor leaves no gap to backfill.
    if (resync === undefined || this.role === 'standby') return this.setUpDone();
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
    if (this.role === 'retired') return;
    if (this.role === 'standby') {
      // One about to fail (a subscription it could not build) must not take over meanwhile.
      if (this.setUp && this.failure === undefined && (this.round?.allActive ?? false)) this.owner.reached(this);
      return;
    }
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

  /**
   * Runs a hook as a step: within what is left of `readyTimeout` (one deadline from the socket opening,
   * which the acks share too), its failure failing the attempt.
   */
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
    this.stepRun?.unsubscribe();
    this.stepRun = from(run)
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
      .subscribe({ next: () => done(), error: (error: unknown) => this.fail(stepError(step, error)) });
  }

  /** The socket being set up, as the hooks see it. */
  private session(): Session<In, Out> {
    const { context, connection } = this;
    const { outbox, requests, config } = context;
    return {
      attempt: this.info.attempt,
      reconnect: this.info.reconnect,
      url: this.info.url,
      messages$: (this.sessionMessages as Broadcast<In>).asObservable(),
      send: (message) => outbox.sessionSend(connection, context.encode(message)),
      request: <Reply>(message: Out, options: SessionRequestOptions = {}): Promise<Reply> => {
        let timeoutMs: number;
        try {
          timeoutMs =
            options.timeout === undefined
              ? config.requestTimeout
              : parseDuration(options.timeout, 'timeout', { allowZero: false, allowInfinity: true });
        } catch (error) {
          return Promise.reject(error as Error);
        }
        return outbox.sessionRequest(connection, {
          build: (id, deadline) => context.encodeRequest(message, id, deadline),
          timeoutMs,
          book: requests,
        }) as Promise<Reply>;
      },
      exchangeNow: () => context.exchangeNow(),
    };
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.owner.ended(this, error);
  }

  /**
   * Fails it once the scheduler next runs, not in the middle of what found the failure (the
   * application's `subscribe()`, a successor's switch), which must finish first.
   */
  private failSoon(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error, timer: this.context.scheduler.schedule(failNow, 0, this) };
  }

  /** The failure `failSoon` kept, now. */
  failNow(): void {
    if (this.failure !== undefined) this.fail(this.failure.error);
  }
}

// Scheduled with the session as its state: no closure per socket.
function failNow(this: unknown, session?: { failNow(): void }): void {
  session?.failNow();
}

const ignoreWrite = (): void => undefined;
/** The link's standing as one number, so a session watches it with one selection: 2 unstable, 1 poor. */
const linkStanding = (model: LinkModel): number =>
  (model.state.status === ConnectionStatus.Unstable ? 2 : 0) + (model.state.poor ? 1 : 0);

/** What a session does about the link's standing. */
interface Standing {
  standing(unstable: boolean, poor: boolean): void;
  unstableTooLong(): void;
}

// Scheduled with the session as its state: no closure per socket.
function unstableTooLong(this: unknown, session?: Standing): void {
  session?.unstableTooLong();
}

/** Hears the link's standing for a session (see `SocketSession.standing`). */
class LinkWatch implements SelectionTarget<number> {
  constructor(private readonly session: Standing) {}

  next(standing: number): void {
    this.session.standing(standing >= 2, standing % 2 === 1);
  }

  complete(): void {
    // The store ends with the handle, which stops the session itself.
  }
}
const deaf: TransportListener = { message: ignoreWrite, pong: ignoreWrite };

/** A step's failure as a SessionError; a request the exchange refused marks it `rejected` (not retried). */
function stepError(step: SessionStep, error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  const rejected = error instanceof RequestError && error.outcome === 'rejected';
  return new SessionError(step, `${step} failed: ${errorMessage(error)}`, rejected, error);
}
