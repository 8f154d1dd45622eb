import { Observable, Subscriber, Subscription } from 'rxjs';
import { backoffDelay } from '../model/backoffDelay';
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

/** The attempt the link belongs to, and who hears that it succeeded. */
export interface RelayInfo {
  readonly attempt: number;
  readonly reconnect: boolean;
  /** The attempt succeeded (the handshake done): called once, just before the relay emits. */
  readonly live?: () => void;
}

/**
 * One link's sockets, one after another without a gap: the session on the attempt's socket, and,
 * when `maxConnectionAge` is finite, before that socket reaches the age, a successor made ready
 * alongside it (make-before-break: opened, handshaken, subscribed and confirmed while the old one
 * still serves), which then takes over; the old socket only settles the replies to requests written
 * on it (for at most `requestTimeout`) and closes cleanly. A successor that cannot be set up is torn
 * down and tried again after a backoff while the current socket serves on.
 *
 * ```
 * old socket:  o---a-------------S==R-----c    (o open, a live, S successor started, R replaced, c closed cleanly)
 * successor:   ------------------o=r-------    (r set up: takes over at once)
 * messages$:   ----1-2-3-4-5-6-7-8-9-9-10--    (the old socket's, then the successor's: the switch may repeat, never skip)
 * relay:       ----a-----------------------    (emits once when the attempt succeeded; errors when the link ends)
 * ```
 *
 * @param context The handle's parts.
 * @param opener The attempt's socket and where successors come from.
 * @param info The attempt.
 * @returns Emits once when the attempt succeeded; errors when the link must end; never completes.
 */
export function relaySessions<In, Out>(
  context: LinkSessionContext<In, Out>,
  opener: SocketOpener,
  info: RelayInfo,
): Observable<void> {
  return new Observable<void>((subscriber) => new SessionRelay(context, opener, info, subscriber).start());
}

/** One socket of the link and the session on it. */
class Leg<In, Out> {
  session: SocketSession<In, Out> | undefined;
  private socket: Subscription | undefined;
  private run: Subscription | undefined;
  private closeTimer: Subscription | undefined;

  open(
    connection$: Observable<TransportConnection>,
    make: (connection: TransportConnection) => SocketSession<In, Out>,
    failed: (error: unknown) => void,
  ): void {
    this.socket = connection$.subscribe({
      next: (connection) => {
        this.session = make(connection);
        this.run = this.session.start();
      },
      error: failed,
    });
  }

  /** Closes it after `ms` unless it closes before. */
  closeIn(ms: number, schedule: (work: () => void, ms: number) => Subscription): void {
    this.closeTimer = schedule(() => this.close(), ms);
  }

  /** The session torn down (what waited on it settled), then the socket closed cleanly. */
  close(): void {
    this.closeTimer?.unsubscribe();
    this.run?.unsubscribe();
    this.socket?.unsubscribe();
  }
}

/** The relay of one subscription: its legs in named fields, its moves as methods. */
class SessionRelay<In, Out> implements SessionOwner<In, Out> {
  private current = new Leg<In, Out>();
  private standby: Leg<In, Out> | undefined;
  private readonly retired = new Set<Leg<In, Out>>();
  private renewal: Subscription | undefined;
  private failures = 0;

  constructor(
    private readonly context: LinkSessionContext<In, Out>,
    private readonly opener: SocketOpener,
    private readonly info: RelayInfo,
    private readonly subscriber: Subscriber<void>,
  ) {}

  start(): Subscription {
    const subscription = new Subscription(() => this.stop());
    const first = this.current;
    first.open(
      this.opener.first$,
      (connection) => this.session(connection, 'live'),
      (error) => this.legFailed(first, error),
    );
    return subscription;
  }

  // SessionOwner
  reached(session: SocketSession<In, Out>): void {
    if (session === this.current.session) {
      this.info.live?.();
      this.subscriber.next();
      this.scheduleRenewal(session.openedAt);
    } else if (this.standby !== undefined && session === this.standby.session) this.promote(this.standby);
  }

  ended(session: SocketSession<In, Out>, error: unknown): void {
    if (session === this.current.session) this.subscriber.error(error);
    else if (this.standby !== undefined && session === this.standby.session) this.standbyFailed(error);
    else for (const leg of this.retired) if (leg.session === session) this.closeRetired(leg);
  }

  /** A socket failed to open or closed: the link's ends the link; a successor's is retried; a retired one is done. */
  private legFailed(leg: Leg<In, Out>, error: unknown): void {
    if (leg === this.current) this.subscriber.error(error);
    else if (leg === this.standby) this.standbyFailed(error);
    else if (this.retired.has(leg)) this.closeRetired(leg);
  }

  private now(): number {
    return this.context.scheduler.now();
  }

  private session(connection: TransportConnection, role: SessionRole): SocketSession<In, Out> {
    const { attempt, reconnect } = this.info;
    const info = { attempt, reconnect: reconnect || role === 'standby', url: this.opener.url() };
    return new SocketSession(this.context, connection, info, this, role);
  }

  /** The successor's set-up starts when the current socket reaches `maxConnectionAge`. */
  private scheduleRenewal(openedAt: number, inMs = openedAt + this.context.config.maxConnectionAge - this.now()): void {
    if (!Number.isFinite(this.context.config.maxConnectionAge)) return;
    this.renewal?.unsubscribe();
    this.renewal = this.context.scheduler.schedule(() => this.renew(), Math.max(0, inMs));
  }

  private age(): number {
    const openedAt = this.current.session?.openedAt;
    return openedAt === undefined ? 0 : this.now() - openedAt;
  }

  private renew(): void {
    this.renewal = undefined;
    this.context.store.dispatch({ type: 'renewal', at: this.now(), phase: 'started', ageMs: this.age() });
    const standby = new Leg<In, Out>();
    this.standby = standby;
    standby.open(
      this.opener.successor$(),
      (connection) => this.session(connection, 'standby'),
      (error) => this.legFailed(standby, error),
    );
  }

  /** The successor could not be set up: it goes, and is tried again later; the current socket serves on. */
  private standbyFailed(error: unknown): void {
    this.standby?.close();
    this.standby = undefined;
    const { config, store, random } = this.context;
    const retryInMs = backoffDelay(++this.failures, config, random);
    store.dispatch({
      type: 'renewal',
      at: this.now(),
      phase: 'failed',
      ageMs: this.age(),
      reason: errorMessage(error),
      retryInMs,
    });
    this.scheduleRenewal(this.now(), retryInMs);
  }

  /** The successor is set up: it takes over, and the old socket settles its replies, then closes. */
  private promote(standby: Leg<In, Out>): void {
    const old = this.current;
    const oldSession = old.session as SocketSession<In, Out>;
    const successor = standby.session as SocketSession<In, Out>;
    const at = this.now();
    this.standby = undefined;
    this.current = standby;
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
    this.retired.add(old);
    if (this.context.requests.pendingOn(oldSession.connection) === 0) this.closeRetired(old);
    else old.closeIn(this.context.config.requestTimeout, (work, ms) => this.context.scheduler.schedule(work, ms));
  }

  private closeRetired(leg: Leg<In, Out>): void {
    this.retired.delete(leg);
    leg.close();
  }

  private stop(): void {
    this.renewal?.unsubscribe();
    this.standby?.close();
    for (const leg of this.retired) leg.close();
    this.retired.clear();
    this.current.close();
  }
}
