import { SchedulerLike, Unsubscribable } from 'rxjs';
import { Codec, WireData } from '../model/Codec';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { DataMeter } from '../model/DataMeter';
import { LifelineConfig } from '../model/LifelineConfig';
import { initialLinkModel } from '../model/LinkModel';
import { Broadcast } from './Broadcast';
import { Endpoints } from './Endpoints';
import { EventLoopMonitor, Stall } from './EventLoopMonitor';
import { ClockOffsetEstimate } from '../model/clockOffset';
import { ExchangeClock } from './ExchangeClock';
import { FeedWatch } from './feedWatch';
import { HeartbeatMonitorConfig } from './HeartbeatMonitor';
import { lifetimeMonitors } from './lifetimeMonitors';
import { LinkStore } from './LinkStore';
import { Outbox } from './Outbox';
import { RelayInfo, RelayOwner, SessionRelay, SocketOpener } from './SessionRelay';
import { ReconnectLoop, ReconnectLoopOptions } from './ReconnectLoop';
import { LateReply, RequestBook, TimedReply } from './RequestBook';
import { ResolvedConnectOptions } from './resolveConnectOptions';
import { restoredStats } from './restoredStats';
import {
  AppPing,
  Directives,
  InboundParts,
  LinkSessionContext,
  LinkSessionHandle,
  SessionHooks,
} from './SocketSession';
import { SubscriptionBook } from './SubscriptionBook';

/**
 * Everything one handle runs, wired once: the store (the one fold), the outbox, the request and
 * subscription books, the clock, the inbound parts, the lifetime monitors and the reconnect loop,
 * whose sessions it serves as their context. A class, so that a handle costs its fields and shared
 * methods rather than a closure per part: at ten thousand handles that difference is most of the heap.
 */
export class LinkEngine<In, Out> implements LinkSessionContext<In, Out>, InboundParts<In>, ReconnectLoopOptions {
  readonly config: LifelineConfig;
  readonly scheduler: SchedulerLike;
  readonly heartbeatConfig: HeartbeatMonitorConfig;
  readonly store: LinkStore;
  readonly outbox: Outbox;
  readonly requests: RequestBook<In>;
  readonly subscriptions: SubscriptionBook<In>;
  readonly clock: ExchangeClock;
  readonly stalls: EventLoopMonitor;
  readonly endpoints: Endpoints;
  /** Not a Subject: this is the per-message path (see Broadcast). */
  readonly messages = new Broadcast<In>();
  readonly meter: DataMeter;
  readonly feedWatch: FeedWatch<In, WireData> | undefined;
  readonly appPing: AppPing | undefined;
  readonly directives: Directives<In>;
  readonly hooks: SessionHooks<In, Out>;
  readonly random: () => number;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /** The session on the current socket (see `LinkSessionContext.current`). */
  session: LinkSessionHandle | undefined;
  private readonly codec: Codec<In, Out>;
  /**
   * What runs for the link's lifetime, ended by `close()`: an exact array, not a Subscription (whose
   * finalizer array V8 gives 17 slots at the first `add`).
   */
  private running: readonly Unsubscribable[] = [];
  private ended = false;
  private readonly loop: ReconnectLoop;

  constructor(readonly resolved: ResolvedConnectOptions<In, Out>) {
    const { config, scheduler, restore } = resolved;
    const start = scheduler.now();
    this.config = config;
    this.scheduler = scheduler;
    this.codec = resolved.codec;
    this.appPing = resolved.appPing;
    this.directives = resolved.directives;
    this.hooks = resolved.hooks;
    this.random = resolved.random;
    this.shouldRetry = resolved.shouldRetry;
    this.heartbeatConfig = {
      heartbeatInterval: config.heartbeatInterval,
      heartbeatTimeout: config.heartbeatTimeout,
      adaptiveHeartbeat: config.adaptiveHeartbeat,
      dynamicTimeout: config.dynamicTimeout,
      latencyWarning: config.latencyWarning,
      pongTimeout: config.pongTimeout,
      pingOnStart: true,
    };
    this.store = new LinkStore(
      initialLinkModel(start, config.maxAttempts, restoredStats(restore?.state, start)),
      config,
      config.maxEvents,
      restore?.state?.recentEvents,
    );
    this.stalls = EventLoopMonitor.of(scheduler);
    this.outbox = new Outbox(config, scheduler, resolved.messageBudget, this);
    this.clock = new ExchangeClock(scheduler, config.maxClockOffset, this);
    this.requests = new RequestBook<In>(resolved.replies, scheduler, this);
    this.subscriptions = new SubscriptionBook<In>(scheduler);
    this.meter = new DataMeter(config.dataSilence, scheduler);
    // The feeds' lag is judged on the exchange's clock: the offset as the replies measured it.
    this.feedWatch =
      resolved.watchdogs.length > 0 ? new FeedWatch(resolved.watchdogs, start, () => this.clock.estimate) : undefined;
    this.endpoints = new Endpoints(resolved.endpoints);
    for (const entry of resolved.subscriptions) this.subscriptions.add(entry, false, noop);
    // The engine is the loop's options: it has them all, and an options object would be one more per link.
    this.loop = new ReconnectLoop(this);
  }

  // ReconnectLoopOptions
  get budget(): ResolvedConnectOptions<In, Out>['budget'] {
    return this.resolved.budget;
  }

  get link(): LinkEngine<In, Out> {
    return this;
  }

  // LinkSessionContext
  get inbound(): InboundParts<In> {
    return this;
  }

  get current(): LinkEngine<In, Out> {
    return this;
  }

  encode(message: Out): WireData {
    return this.codec.encode(message);
  }

  /** Deadlines stamped into requests are in the exchange's time. */
  encodeRequest(message: Out, id: number, deadline: number): WireData {
    return this.resolved.requests.encode(message, id, deadline + this.clock.offsetMs);
  }

  exchangeNow(): number {
    return this.clock.now();
  }

  restart(reason: string): void {
    this.loop.restart(reason);
  }

  // InboundParts
  decode(data: WireData): In {
    return this.codec.decode(data);
  }

  deliver(message: In): void {
    this.messages.next(message);
  }

  malformed(message: string): void {
    this.report(message);
  }

  now(): number {
    return this.scheduler.now();
  }

  // What the parts report.
  /** The message budget could not be reached (see `Outbox`). */
  budgetUnavailable(error: unknown): void {
    this.report(`message budget unavailable, nothing written: ${String(error)}`);
  }

  /** The clock offset to the exchange is past `maxClockOffset` (see `ExchangeClock`). */
  offsetTooLarge(estimate: ClockOffsetEstimate): void {
    this.report(
      `clock offset to the exchange ${Math.round(estimate.offsetMs)} ms (± ${Math.round(estimate.uncertaintyMs)}), past ${this.config.maxClockOffset} ms: sign with exchangeNow()`,
    );
  }

  /** A reply came for a request already settled (see `RequestBook`). */
  late({ id, reason }: LateReply): void {
    this.report(`late reply to request ${id} (${reason})`);
  }

  /** A reply carried the exchange's time: a sample for the clock. */
  timed(sample: TimedReply): void {
    this.clock.add(sample);
  }

  dispatch(signal: ConnectionSignal): void {
    this.store.dispatch(signal);
  }

  /** Starts the lifetime monitors and the reconnect loop: connecting begins. */
  start(): void {
    const { config, scheduler, resolved } = this;
    const restoreWarning = resolved.restore?.warning;
    if (restoreWarning !== undefined) {
      // On the scheduler, so that subscribers attached right after connect() (log, metrics) see it too.
      const at = scheduler.now();
      this.keep(scheduler.schedule(() => this.report(`state not restored, starting fresh: ${restoreWarning}`, at)));
    }
    this.keep(this.stalls.join(this));
    this.keep(lifetimeMonitors(this.meter, resolved.probe, config, scheduler, this));
    if (this.feedWatch !== undefined) {
      this.keep(
        this.feedWatch.lagSignals(config.sampleInterval, scheduler).subscribe((signal) => this.dispatch(signal)),
      );
    }
    this.loop.start();
  }

  /** The reconnect loop's way to run a link on a socket (see `SessionRelay`). */
  openSession(opener: SocketOpener, info: RelayInfo, owner: RelayOwner): SessionRelay<In, Out> {
    return new SessionRelay(this, opener, info, owner);
  }

  /** The lifetime monitors ask: is the throughput figure 0 now? */
  quiet(): boolean {
    return this.store.model.quality.dataThroughput === 0;
  }

  /** A stall of the process (see `EventLoopMonitor`): past `lagWarning`, a signal. */
  /** The process stalled (an `EventLoopMonitor` listener). */
  stalled(stall: Stall): void {
    if (stall.lagMs >= this.config.lagWarning) this.dispatch({ type: 'stall', at: stall.to, lagMs: stall.lagMs });
  }

  /** Leaving the socket (closing, failing back): a healthy link closes cleanly; one that is not is abandoned with a reset. */
  leaving(): void {
    const { status, outbound } = this.store.model.state;
    if (status !== ConnectionStatus.Connected || outbound !== 'confirmed') this.session?.abandon();
  }

  /** Tears everything down; resolves when every socket has closed. */
  close(): Promise<void> {
    this.leaving();
    this.dispatch({ type: 'closed', at: this.now() });
    this.outbox.close();
    this.requests.close();
    this.subscriptions.close();
    this.messages.complete();
    this.loop.stop();
    this.ended = true;
    const running = this.running;
    this.running = [];
    for (const each of running) each.unsubscribe();
    this.store.complete();
    return this.endpoints.drain();
  }

  /** Keeps `part` running until `close()` (or ends it at once after). */
  private keep(part: Unsubscribable): void {
    if (this.ended) part.unsubscribe();
    else this.running = this.running.concat(part);
  }

  private report(message: string, at = this.now()): void {
    this.dispatch({ type: 'error', at, message });
  }
}

const noop = (): void => undefined;
