import { Observable, SchedulerLike, Subscription } from 'rxjs';
import { askedWait } from '../model/askedWait';
import { backoffDelay } from '../model/backoffDelay';
import { RenewalRefusal } from '../model/ConnectionSignal';
import { FatalExchangeError } from '../model/FatalExchangeError';
import { errorMessage } from '../model/RetryExhaustedError';
import { LinkSessionContext, SessionOwner, SessionRole, SocketSession } from './SocketSession';
import { TransportConnection } from './Transport';

/** Where a link's sockets come from. */
export interface SocketOpener {
  /** The socket of this attempt: emits it once open, errors when it fails to open or closes. */
  readonly first$: Observable<TransportConnection>;
  /** A successor socket to the same endpoint (after a connection-budget slot), for an aged socket. */
  readonly successor$: () => Observable<TransportConnection>;
  /** The URL the socket that just opened went to. */
  readonly url: () => string;
}

/** The attempt the link belongs to. */
export interface RelayInfo {
  readonly attempt: number;
  readonly reconnect: boolean;
}

/** Who hears how the link goes: live once (the attempt succeeded), then ended with the reason. */
export interface RelayOwner {
  /** The attempt succeeded (the handshake done). */
  live(): void;
  /** The link ended: its socket failed or closed, or its session must end. */
  ended(error: unknown): void;
}

/**
 * One link's sockets, one after another without a gap: the session on the attempt's socket, and,
 * when `maxConnectionAge` is finite, before that socket reaches the age, a successor made ready
 * alongside it (make-before-break: opened, handshaken, subscribed and confirmed while the old one
 * still serves), which then takes over; the old socket only settles the replies to requests written
 * on it (for at most `requestTimeout`) and closes cleanly. A successor that cannot be set up (a step
 * failed, or the exchange sent it a fatal message or a reconnect notice) is torn down and tried again
 * while the current socket serves on, under the reconnect policy: after the backoff's delay (at least
 * a `Retry-After`), at most `maxAttempts` times in a row, and never after a fatal message or an error
 * `shouldRetry` refuses (a refused login): then renewal gives up, and the socket serves until it ends.
 *
 * ```
 * old socket:  o---a-------------S==R-----c    (o open, a live, S successor started, R replaced, c closed cleanly)
 * successor:   ------------------o=r-------    (r set up: takes over at once)
 * messages$:   ----1-2-3-4-5-6-7-8-9-9-10--    (the old socket's, then the successor's: the switch may repeat, never skip)
 * owner:       ----a-----------------------    (live once when the attempt succeeded; ended when the link ends)
 * ```
 *
 * @example
 * const relay = new SessionRelay(context, opener, { attempt: 0, reconnect: false }, owner);
 * relay.start();   // owner.live() once the handshake is done
 * relay.stop();    // every socket closed
 */
export class SessionRelay<In, Out> implements SessionOwner<In, Out> {
  private current: Leg<In, Out>;
  private standby: Leg<In, Out> | undefined;
  private retired: Leg<In, Out>[] | undefined;
  private renewal: Subscription | undefined;
  private failures = 0;

  /**
   * @param context The handle's parts.
   * @param opener The attempt's socket and where successors come from.
   * @param info The attempt.
   * @param owner Hears the link live and ended.
   */
  constructor(
    private readonly context: LinkSessionContext<In, Out>,
    private readonly opener: SocketOpener,
    private readonly info: RelayInfo,
    private readonly owner: RelayOwner,
  ) {
    this.current = new Leg(this, 'live');
  }

  start(): void {
    this.current.open(this.opener.first$);
  }

  stop(): void {
    this.renewal?.unsubscribe();
    this.standby?.close();
    if (this.retired !== undefined) for (const leg of this.retired) leg.close();
    this.retired = undefined;
    this.current.close();
  }

  // SessionOwner
  reached(session: SocketSession<In, Out>): void {
    if (session === this.current.session) {
      this.owner.live();
      this.scheduleRenewal(session.openedAt);
    } else if (this.standby !== undefined && session === this.standby.session) this.promote(this.standby);
  }

  ended(session: SocketSession<In, Out>, error: unknown): void {
    const leg = this.legOf(session);
    if (leg !== undefined) this.legFailed(leg, error);
  }

  /** A socket of `leg` opened: its session starts. */
  legOpened(leg: Leg<In, Out>, connection: TransportConnection): SocketSession<In, Out> {
    const { attempt, reconnect } = this.info;
    const info = { attempt, reconnect: reconnect || leg.role === 'standby', url: this.opener.url() };
    return new SocketSession(this.context, connection, info, this, leg.role);
  }

  /** A socket failed to open or closed, or its session must end: the link's ends the link; a successor's is retried; a retired one is done. */
  legFailed(leg: Leg<In, Out>, error: unknown): void {
    if (leg === this.current) this.owner.ended(error);
    else if (leg === this.standby) this.standbyFailed(error);
    else if (this.retired?.includes(leg) === true) this.closeRetired(leg);
  }

  private legOf(session: SocketSession<In, Out>): Leg<In, Out> | undefined {
    if (session === this.current.session) return this.current;
    if (session === this.standby?.session) return this.standby;
    return this.retired?.find((leg) => leg.session === session);
  }

  private now(): number {
    return this.context.scheduler.now();
  }

  /** The successor's set-up starts when the current socket reaches `maxConnectionAge`. */
  private scheduleRenewal(openedAt: number, inMs = openedAt + this.context.config.maxConnectionAge - this.now()): void {
    if (!Number.isFinite(this.context.config.maxConnectionAge)) return;
    this.renewal?.unsubscribe();
    this.renewal = this.context.scheduler.schedule(renew, Math.max(0, inMs), this);
  }

  private age(): number {
    const openedAt = this.current.session?.openedAt;
    return openedAt === undefined ? 0 : this.now() - openedAt;
  }

  /** Sets a successor up beside the aged socket. */
  renew(): void {
    this.renewal = undefined;
    this.context.store.dispatch({ type: 'renewal', at: this.now(), phase: 'started', ageMs: this.age() });
    const standby = new Leg(this, 'standby');
    this.standby = standby;
    standby.open(this.opener.successor$());
  }

  /**
   * The successor could not be set up: it goes, and the current socket serves on. It is tried again
   * later as a reconnect would be, or, when the policy says no, not at all.
   */
  private standbyFailed(error: unknown): void {
    this.standby?.close();
    this.standby = undefined;
    const { config, store, random } = this.context;
    const attempt = ++this.failures;
    const at = this.now();
    const ageMs = this.age();
    const reason = errorMessage(error);
    const refusal = this.refusal(error, attempt);
    if (refusal !== undefined) {
      store.dispatch({ type: 'renewal', at, phase: 'gaveUp', ageMs, reason, because: refusal, retries: attempt - 1 });
      return;
    }
    const retryInMs = Math.max(backoffDelay(attempt, config, random), askedWait(error, config.maxRetryAfter) ?? 0);
    store.dispatch({ type: 'renewal', at, phase: 'failed', ageMs, reason, retryInMs });
    this.scheduleRenewal(at, retryInMs);
  }

  /** Why retry `attempt` after `error` is not to be made, as `retryBackoff` decides for a reconnect; undefined: it is. */
  private refusal(error: unknown, attempt: number): RenewalRefusal | undefined {
    if (error instanceof FatalExchangeError) return 'fatal';
    if (attempt > this.context.config.maxAttempts) return 'exhausted';
    let retry: boolean;
    try {
      retry = this.context.shouldRetry(error, attempt);
    } catch {
      // A policy that throws is no licence to hammer the exchange.
      retry = false;
    }
    return retry ? undefined : 'notRetried';
  }

  /** The successor is set up: it takes over, and the old socket settles its replies, then closes. */
  private promote(standby: Leg<In, Out>): void {
    const old = this.current;
    const oldSession = old.session as SocketSession<In, Out>;
    const successor = standby.session as SocketSession<In, Out>;
    const at = this.now();
    this.standby = undefined;
    this.current = standby;
    standby.role = 'live';
    old.role = 'retired';
    this.failures = 0;
    oldSession.retire();
    successor.promote();
    this.context.store.dispatch({
      type: 'renewal',
      at,
      phase: 'done',
      ageMs: at - oldSession.openedAt,
      overlapMs: at - successor.openedAt,
    });
    this.scheduleRenewal(successor.openedAt);
    (this.retired ??= []).push(old);
    if (this.context.requests.pendingOn(oldSession.connection) === 0) this.closeRetired(old);
    else old.closeIn(this.context.config.requestTimeout, this.context.scheduler);
  }

  private closeRetired(leg: Leg<In, Out>): void {
    this.retired = this.retired?.filter((each) => each !== leg);
    leg.close();
  }
}

// Scheduled with the relay as its state: no closure per link.
function renew(this: unknown, relay?: { renew(): void }): void {
  relay?.renew();
}

/** One socket of the link and the session on it; it observes the socket's opening (an Observer). */
class Leg<In, Out> {
  session: SocketSession<In, Out> | undefined;
  private socket: Subscription | undefined;
  private closeTimer: Subscription | undefined;
  private closed = false;

  constructor(
    private readonly relay: SessionRelay<In, Out>,
    public role: SessionRole,
  ) {}

  open(connection$: Observable<TransportConnection>): void {
    const socket = connection$.subscribe(this);
    // Closed while subscribing (its link ended at once): the socket goes too.
    if (this.closed) socket.unsubscribe();
    else this.socket = socket;
  }

  next(connection: TransportConnection): void {
    if (this.closed) return;
    this.session = this.relay.legOpened(this, connection);
    this.session.start();
  }

  error(error: unknown): void {
    this.relay.legFailed(this, error);
  }

  complete(): void {
    // A transport's socket errors when it closes; it never completes.
  }

  /** Closes it after `ms` unless it closes before. */
  closeIn(ms: number, scheduler: SchedulerLike): void {
    this.closeTimer = scheduler.schedule(closeLeg, ms, this);
  }

  /** The session torn down (what waited on it settled), then the socket closed cleanly. */
  close(): void {
    this.closed = true;
    this.closeTimer?.unsubscribe();
    this.session?.stop();
    this.socket?.unsubscribe();
  }
}

function closeLeg(this: unknown, leg?: { close(): void }): void {
  leg?.close();
}
