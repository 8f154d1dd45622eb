import { BehaviorSubject, Observable, SchedulerLike, Subscription, distinctUntilChanged } from 'rxjs';
import { WireData } from '../model/Codec';
import { errorMessage } from '../model/RetryExhaustedError';
import { AckVerdict, SubscriptionHandle, SubscriptionState } from './SessionOptions';

/** One subscription, ready to be written on any socket. */
export interface SubscriptionEntry<In> {
  readonly name: string;
  /** Builds and encodes its message afresh (a builder runs on every connect). */
  readonly build: () => WireData;
  /** Recognises the server's verdict; undefined: active once written. */
  readonly ack: ((message: In) => AckVerdict) | undefined;
  /** How long to wait for the verdict, ms. */
  readonly ackTimeoutMs: number;
  /** Builds and encodes the message that undoes it, if any. */
  readonly farewell: (() => WireData) | undefined;
}

/** The socket a round of subscribing writes on, and what the round reports. */
export interface SubscribeRound {
  /** Writes a subscription's message on the round's socket, ahead of anything queued. */
  write(data: WireData): void;
  /**
   * Subscription `name`'s message could not be built (its builder threw: `reason`), so it was not
   * written on this socket; `acked` if it has an ack rule (then no verdict will come).
   */
  unsent(name: string, reason: string, acked: boolean): void;
  /** Subscription `name` was confirmed. */
  confirmed(name: string): void;
  /**
   * Subscription `name` was rejected (`reason`), or not confirmed in time: `timedOut` says whether
   * its own ack timeout passed (`'ack'`) or the socket's ready deadline first (`'ready'`).
   */
  failed(name: string, reason: string, timedOut: 'ack' | 'ready' | false): void;
  /**
   * When the socket must be set up by (its opening plus `readyTimeout`): no ack is awaited past it;
   * `Infinity` once set up, when a subscription added later waits its own ack timeout only.
   */
  readyBy(): number;
  /** Every subscription with an ack is settled one way or the other: `allActive` if all confirmed. */
  settled(allActive: boolean): void;
}

class Tracked<In> {
  readonly state = new BehaviorSubject<SubscriptionState>('pending');
  everActive = false;
  removed = false;
  readonly active: Promise<void>;
  private settleFirst!: { resolve: () => void; reject: (error: Error) => void };

  constructor(readonly entry: SubscriptionEntry<In>) {
    this.active = new Promise<void>((resolve, reject) => (this.settleFirst = { resolve, reject }));
    // A caller that never awaits `active` must not see an unhandled rejection.
    this.active.catch(() => undefined);
  }

  set(state: SubscriptionState, reason?: string): void {
    if (this.removed) return;
    this.state.next(state);
    if (this.everActive) return;
    if (state === 'active') {
      this.everActive = true;
      this.settleFirst.resolve();
    } else if (state === 'rejected') {
      this.settleFirst.reject(new Error(`subscription ${this.entry.name} rejected: ${reason ?? 'no reason given'}`));
    }
  }
}

/**
 * One socket's round of subscribing: the subscriptions written on it and the verdicts awaited. The
 * round of the live socket sets each subscription's state; a standby round (a successor socket made
 * ready before the current one is retired, see `maxConnectionAge`) keeps its verdicts to itself until
 * it is adopted, so the subscriptions stay active on the socket that serves them meanwhile.
 */
export class SubscriptionRound<In> {
  /** The subscriptions whose verdict is awaited on this socket, with their timeout timers. */
  pending = NOTHING_PENDING as Map<Tracked<In>, Subscription>;
  /** A standby round's verdicts, applied when it is adopted; undefined on a live round (an adopted one too). */
  verdicts: Map<Tracked<In>, 'active'> | undefined;
  /** What this socket carries: the subscriptions written on it (a standby's, to compare at adoption). */
  members: Set<Tracked<In>>;
  /** Subscriptions removed while this standby round ran: their farewell goes to its socket too. */
  readonly farewells: SubscriptionEntry<In>[] = [];

  constructor(
    private readonly book: SubscriptionBook<In>,
    readonly report: SubscribeRound,
    standby: boolean,
    members: readonly Tracked<In>[],
  ) {
    this.verdicts = standby ? new Map() : undefined;
    // Most handles subscribe nothing (or not yet): they share one empty set and map, never written,
    // as a Set or Map costs 150–200 B however little it holds.
    this.members = members.length === 0 ? (NO_MEMBERS as Set<Tracked<In>>) : new Set(members);
  }

  /** Adds a subscription this socket carries. */
  addMember(tracked: Tracked<In>): void {
    if (this.members === NO_MEMBERS) this.members = new Set();
    this.members.add(tracked);
  }

  /** Whether a verdict is still awaited (the inbound path then looks at each message). */
  get awaiting(): boolean {
    return this.pending.size > 0;
  }

  /** Whether every subscription with an ack is active on this socket. */
  get allActive(): boolean {
    const verdicts = this.verdicts;
    if (verdicts === undefined) return this.book.allActive;
    for (const tracked of this.members) if (tracked.entry.ack !== undefined && !verdicts.has(tracked)) return false;
    return true;
  }

  /** An inbound message on this socket: confirms or rejects what it is about. */
  inspect(message: In): void {
    for (const [tracked, timer] of this.pending) {
      const verdict = (tracked.entry.ack as (message: In) => AckVerdict)(message);
      if (verdict === undefined) continue;
      timer.unsubscribe();
      this.pending.delete(tracked);
      if (verdict === 'ack') {
        this.set(tracked, 'active');
        this.report.confirmed(tracked.entry.name);
      } else {
        const reason = describeVerdict(message);
        this.set(tracked, 'rejected', reason);
        this.report.failed(tracked.entry.name, reason, false);
      }
      if (this.pending.size === 0) this.report.settled(this.allActive);
      return;
    }
  }

  /** Writes every subscription of the round, in order (see `put`). */
  putAll(): void {
    for (const tracked of this.members) this.put(tracked);
  }

  /**
   * Builds `tracked`'s message afresh and writes it on this socket; only then is one without an ack
   * active. A builder that throws leaves it `rejected` on this socket with the builder's error (it is
   * built and written again on the next one), its verdict no longer awaited, and the report told.
   */
  put(tracked: Tracked<In>): void {
    let data: WireData;
    try {
      data = tracked.entry.build();
    } catch (error) {
      this.pending.get(tracked)?.unsubscribe();
      this.pending.delete(tracked);
      this.set(tracked, 'rejected', `its message could not be built: ${errorMessage(error)}`);
      this.report.unsent(tracked.entry.name, errorMessage(error), tracked.entry.ack !== undefined);
      return;
    }
    this.report.write(data);
    if (tracked.entry.ack === undefined) this.set(tracked, 'active');
  }

  /**
   * Waits for `tracked`'s verdict on this socket, for at most its ack timeout, and no later than the
   * socket's ready deadline while it is set up: the set-up has one deadline, whatever each ack allows.
   */
  await(tracked: Tracked<In>, scheduler: SchedulerLike): void {
    const { name, ackTimeoutMs } = tracked.entry;
    const leftMs = this.report.readyBy() - scheduler.now();
    const timedOut = leftMs < ackTimeoutMs ? 'ready' : 'ack';
    const within = timedOut === 'ready' ? 'before readyTimeout' : `within ${ackTimeoutMs} ms`;
    if (this.pending === NOTHING_PENDING) this.pending = new Map();
    this.pending.set(
      tracked,
      scheduler.schedule(
        () => {
          this.pending.delete(tracked);
          this.set(tracked, 'rejected', `no confirmation ${within}`);
          this.report.failed(name, `not confirmed ${within}`, timedOut);
          if (this.pending.size === 0) this.report.settled(this.allActive);
        },
        timedOut === 'ready' ? Math.max(0, leftMs) : ackTimeoutMs,
      ),
    );
  }

  /** A subscription left while this round ran: no verdict awaited for it any more. */
  forget(tracked: Tracked<In>): void {
    this.pending.get(tracked)?.unsubscribe();
    this.pending.delete(tracked);
    if (this.verdicts !== undefined && this.members.delete(tracked)) {
      this.verdicts.delete(tracked);
      if (tracked.entry.farewell !== undefined) this.farewells.push(tracked.entry);
    }
  }

  /** The socket is gone: no verdict is awaited any more. */
  end(): void {
    for (const timer of this.pending.values()) timer.unsubscribe();
    this.pending.clear();
    this.book.ended(this);
  }

  private set(tracked: Tracked<In>, state: 'active' | 'rejected', reason?: string): void {
    if (this.verdicts === undefined) tracked.set(state, reason);
    else if (state === 'active') this.verdicts.set(tracked, state);
  }
}

/**
 * The subscriptions of a handle: replayed on every socket after its handshake, each with its state
 * on the current socket — pending, active, rejected — and its verdict from the server where it has an
 * ack rule. A rejected or unconfirmed subscription, or one whose builder threw (never written, never
 * shown active), is named in an event and sent again on the next socket; removing one stops its
 * replay and sends its farewell while the link is up.
 */
export class SubscriptionBook<In> {
  private readonly tracked: Tracked<In>[] = [];
  /** The round on the live socket, whose verdicts set the subscriptions' states. */
  private round: SubscriptionRound<In> | undefined;
  /** The round on a successor socket being made ready, if any. */
  private standby: SubscriptionRound<In> | undefined;

  /** @param scheduler Times the ack timeouts. */
  constructor(private readonly scheduler: SchedulerLike) {}

  /** Whether every subscription that has an ack is active on the current socket. */
  get allActive(): boolean {
    return this.tracked.every((each) => each.entry.ack === undefined || each.state.value === 'active');
  }

  /**
   * Adds a subscription; `writeNow` (the link is up) writes it at once on the current socket (else it
   * goes with the next round). The handle's `unsubscribe` removes it and calls `farewell` with its
   * undoing message.
   */
  add(entry: SubscriptionEntry<In>, writeNow: boolean, farewell: (data: WireData) => void): SubscriptionHandle {
    const tracked = new Tracked(entry);
    this.tracked.push(tracked);
    // Written now only onto a socket whose round has begun: one added as the socket opens (a handler
    // of Connected) is written by the round itself, after the earlier ones, and only once.
    const round = this.round;
    if (writeNow && round !== undefined) {
      round.addMember(tracked);
      if (entry.ack !== undefined) round.await(tracked, this.scheduler);
      round.put(tracked);
    }
    return {
      name: entry.name,
      state$: tracked.state.pipe(distinctUntilChanged()) as Observable<SubscriptionState>,
      active: tracked.active,
      unsubscribe: () => this.remove(tracked, farewell),
    };
  }

  /**
   * A new socket, handshaken: every subscription is pending on it again. Returns its round, whose
   * `members` are then written in order (`putAll`: one without an ack is active once written); the
   * verdicts go to `report` (`settled` once every ack rule has its verdict: if none waits, `awaiting`
   * says so). A `standby` round (a successor socket) leaves the states alone until it is adopted.
   */
  begin(report: SubscribeRound, standby = false): SubscriptionRound<In> {
    const round = new SubscriptionRound(this, report, standby, this.tracked);
    if (standby) {
      this.standby?.end();
      this.standby = round;
    } else {
      this.round?.end();
      this.round = round;
    }
    for (const tracked of this.tracked) {
      if (!standby) tracked.set('pending');
      if (tracked.entry.ack !== undefined) round.await(tracked, this.scheduler);
    }
    return round;
  }

  /**
   * A standby round's socket takes over: its verdicts become the states, and what its socket still
   * lacks is written on it now: the subscriptions added while it was set up (to confirm now). Returns
   * the farewells of those removed meanwhile.
   */
  adopt(round: SubscriptionRound<In>): WireData[] {
    if (this.standby === round) this.standby = undefined;
    this.round?.end();
    this.round = round;
    const missing: Tracked<In>[] = [];
    for (const tracked of this.tracked) {
      if (round.verdicts?.has(tracked) === true) tracked.set('active');
      if (round.members.has(tracked)) continue;
      round.addMember(tracked);
      missing.push(tracked);
    }
    // Live from now on: its verdicts set the states, as the current socket's must.
    round.verdicts = undefined;
    for (const tracked of missing) {
      if (tracked.entry.ack !== undefined) round.await(tracked, this.scheduler);
      round.put(tracked);
    }
    return round.farewells.splice(0).map((entry) => (entry.farewell as () => WireData)());
  }

  /**
   * A round ended (its socket is gone): it is no longer the current or the standby one. Nothing is
   * active (or rejected) on a socket that is not there: with the current one gone, every subscription
   * is pending until the next socket confirms it.
   */
  ended(round: SubscriptionRound<In>): void {
    if (this.standby === round) this.standby = undefined;
    if (this.round !== round) return;
    this.round = undefined;
    for (const tracked of this.tracked) tracked.set('pending');
  }

  /** The handle closed: every subscription's state completes. */
  close(): void {
    this.round?.end();
    this.standby?.end();
    for (const tracked of this.tracked) tracked.state.complete();
  }

  private remove(tracked: Tracked<In>, farewell: (data: WireData) => void): void {
    if (tracked.removed) return;
    tracked.removed = true;
    this.tracked.splice(this.tracked.indexOf(tracked), 1);
    this.round?.forget(tracked);
    this.standby?.forget(tracked);
    tracked.state.complete();
    // The farewell first: settling a round below may hand the link to a successor.
    if (tracked.entry.farewell !== undefined) farewell(tracked.entry.farewell());
    // One fewer to wait for: a round may be settled now (a rejected one removed, say).
    for (const round of [this.round, this.standby]) {
      if (round !== undefined && round.pending.size === 0) round.report.settled(round.allActive);
    }
  }
}

/** A rejection, in a few words: the message itself, shortened. */
function describeVerdict(message: unknown): string {
  let text: string;
  try {
    text = typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    text = String(message);
  }
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The pending map of every round with nothing pending: shared, so never written (see `SubscriptionRound`). */
const NOTHING_PENDING: ReadonlyMap<unknown, Subscription> = new Map();
/** The member set of every round that carries nothing: shared, so never written. */
const NO_MEMBERS: ReadonlySet<unknown> = new Set();
