import { BehaviorSubject, Observable, SchedulerLike, Subscription, distinctUntilChanged } from 'rxjs';
import { WireData } from '../model/Codec';
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

/** What a round of subscribing on one socket reports. */
export interface SubscribeRound {
  /** Subscription `name` was confirmed. */
  confirmed(name: string): void;
  /** Subscription `name` was rejected (`reason`) or not confirmed in time. */
  failed(name: string, reason: string, timedOut: boolean): void;
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
 * The subscriptions of a handle: replayed on every socket after its handshake, each with its state
 * on the current socket — pending, active, rejected — and its verdict from the server where it has an
 * ack rule. A rejected or unconfirmed subscription is named in an event and sent again on the next
 * socket; removing one stops its replay and sends its farewell while the link is up.
 */
export class SubscriptionBook<In> {
  private readonly tracked: Tracked<In>[] = [];
  private round: { readonly pending: Map<Tracked<In>, Subscription>; readonly report: SubscribeRound } | undefined;

  /** @param scheduler Times the ack timeouts. */
  constructor(private readonly scheduler: SchedulerLike) {}

  /** Whether a subscription still waits for its verdict on the current socket (the inbound path then looks). */
  get awaitingAcks(): boolean {
    return this.round !== undefined && this.round.pending.size > 0;
  }

  /** Whether every subscription that has an ack is active on the current socket. */
  get allActive(): boolean {
    return this.tracked.every((each) => each.entry.ack === undefined || each.state.value === 'active');
  }

  /**
   * Adds a subscription; `write` sends it now when the link is up (undefined: it goes with the next
   * round). The handle's `unsubscribe` removes it and calls `farewell` with its undoing message.
   */
  add(
    entry: SubscriptionEntry<In>,
    write: ((tracked: SubscriptionEntry<In>) => void) | undefined,
    farewell: (data: WireData) => void,
  ): SubscriptionHandle {
    const tracked = new Tracked(entry);
    this.tracked.push(tracked);
    if (write !== undefined) {
      if (entry.ack === undefined) tracked.set('active');
      else this.await(tracked);
      write(entry);
    }
    return {
      name: entry.name,
      state$: tracked.state.pipe(distinctUntilChanged()) as Observable<SubscriptionState>,
      active: tracked.active,
      unsubscribe: () => {
        if (tracked.removed) return;
        tracked.removed = true;
        this.tracked.splice(this.tracked.indexOf(tracked), 1);
        this.round?.pending.get(tracked)?.unsubscribe();
        this.round?.pending.delete(tracked);
        tracked.state.complete();
        if (entry.farewell !== undefined) farewell(entry.farewell());
        // One fewer to wait for: the round may be settled now (a rejected one removed, say).
        const round = this.round;
        if (round !== undefined && round.pending.size === 0) round.report.settled(this.allActive);
      },
    };
  }

  /**
   * A new socket, handshaken: every subscription is pending on it again. Returns them in order, to be
   * written; the verdicts go to `report` (`settled` once every ack rule has its verdict: if none
   * waits, the caller knows it from `awaitingAcks`).
   */
  begin(report: SubscribeRound): SubscriptionEntry<In>[] {
    this.end();
    this.round = { pending: new Map(), report };
    for (const tracked of this.tracked) {
      tracked.set('pending');
      if (tracked.entry.ack === undefined) tracked.set('active');
      else this.await(tracked);
    }
    return this.tracked.map((tracked) => tracked.entry);
  }

  /** An inbound message, while verdicts are awaited: confirms or rejects what it is about. */
  inspect(message: In): void {
    const round = this.round;
    if (round === undefined) return;
    for (const [tracked, timer] of round.pending) {
      const verdict = (tracked.entry.ack as (message: In) => AckVerdict)(message);
      if (verdict === undefined) continue;
      timer.unsubscribe();
      round.pending.delete(tracked);
      if (verdict === 'ack') {
        tracked.set('active');
        round.report.confirmed(tracked.entry.name);
      } else {
        const reason = describeVerdict(message);
        tracked.set('rejected', reason);
        round.report.failed(tracked.entry.name, reason, false);
      }
      if (round.pending.size === 0) round.report.settled(this.allActive);
      return;
    }
  }

  /**
   * The socket is gone: no verdict is awaited any more, and nothing is active (or rejected) on a
   * socket that is not there: every subscription is pending until the next one confirms it.
   */
  end(): void {
    if (this.round === undefined) return;
    for (const timer of this.round.pending.values()) timer.unsubscribe();
    this.round = undefined;
    for (const tracked of this.tracked) tracked.set('pending');
  }

  /** The handle closed: every subscription's state completes. */
  close(): void {
    this.end();
    for (const tracked of this.tracked) tracked.state.complete();
  }

  private await(tracked: Tracked<In>): void {
    const round = this.round;
    if (round === undefined) return;
    const { name, ackTimeoutMs } = tracked.entry;
    round.pending.set(
      tracked,
      this.scheduler.schedule(() => {
        round.pending.delete(tracked);
        tracked.set('rejected', `no confirmation within ${ackTimeoutMs} ms`);
        round.report.failed(name, `not confirmed within ${ackTimeoutMs} ms`, true);
        if (round.pending.size === 0) round.report.settled(this.allActive);
      }, ackTimeoutMs),
    );
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
