import { Observable, Subscriber, Subscription, TeardownLogic, Unsubscribable } from 'rxjs';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { QualityThresholds } from '../model/ConnectionQuality';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { EventLog } from '../model/EventLog';
import { LinkModel, nextLinkModel } from '../model/LinkModel';
import { linkEvents } from '../model/linkEvents';
import { withoutClosed } from '../model/withoutClosed';
import { Broadcast } from './Broadcast';
import { DirectStream, Listener, shielded } from './DirectStream';
import { DirectObserver, DirectSubscriber } from './DirectSubscriber';
import { LatencySample } from './Connection';

/** One step of the fold, waiting to be shown. */
interface Transition {
  readonly model: LinkModel;
  readonly events: readonly ConnectionEvent[];
}

/** Who hears a selection: a subscriber of `select`, or one of the handle's own parts (`watch`). */
export interface SelectionTarget<T> {
  next(value: T): void;
  complete(): void;
  /** An RxJS subscriber's: once true, the target hears nothing more and leaves at the next step. */
  readonly closed?: boolean;
}

/** One selection as the store keeps it: what it projects, who hears it, the last value shown. */
interface Watching {
  readonly project: (model: LinkModel) => unknown;
  readonly target: SelectionTarget<unknown>;
  last: unknown;
}

/** A selection for one of the handle's parts (`watch`). Unsubscribing removes it. */
class Selection implements Watching, Unsubscribable {
  constructor(
    private readonly store: LinkStore,
    readonly project: (model: LinkModel) => unknown,
    readonly target: SelectionTarget<unknown>,
    public last: unknown,
  ) {}

  unsubscribe(): void {
    this.store.remove(this);
  }
}

/**
 * The one state of a handle: a private input (`dispatch`), one fold (`nextLinkModel`), and every
 * stream a selection of the result, as ngrx's ComponentStore keeps one state and `select`s from it.
 *
 * ```
 * dispatch:  -o----r----d--      (open, a round trip, disconnected)
 * status$:   cC---------D-       (select(m => m.state.status): distinct, current value on subscribe)
 * events$:   -C---------D-       (derived from each transition by linkEvents)
 * ```
 *
 * Selections are hand-rolled rather than `map` + `distinctUntilChanged` + `shareReplay` over a
 * BehaviorSubject: a handle has a selection per stream and a bot subscribes all of them, and at ten
 * thousand handles the RxJS graph per selection (a ReplaySubject, three operator subscribers and
 * their closures) was the larger part of lifeline's heap per connection. Semantics are the same:
 * a subscriber gets the current value at once, then each distinct value (by `===`), and completes
 * when the store does. A subscriber that unsubscribes hears nothing more at once and leaves the list
 * at the next step or subscription, as no teardown is handed to RxJS (each would cost the subscriber
 * a 150-byte finalizer array). Notifications are trampolined: a subscriber that dispatches while being
 * notified (say, it calls `reconnect()` on Disconnected) has its signal folded at once, but every
 * subscriber sees the models in order.
 */
export class LinkStore {
  private current: LinkModel;
  private selections: readonly Watching[] = [];
  /** Transitions folded while notifying, made only then (an array pushed to holds 17 slots). */
  private pending: Transition[] | undefined;
  private notifying = false;
  private done = false;
  private ended = false;
  private readonly eventLog: EventLog<ConnectionEvent>;
  private readonly events = new Broadcast<ConnectionEvent>();
  private readonly latency = new Broadcast<LatencySample>();
  /** Events, as they happen. */
  readonly events$ = this.events.asObservable();
  /** Round trips from the heartbeat and the probe. */
  readonly latency$ = this.latency.asObservable();

  /**
   * @param initial The model before any signal.
   * @param thresholds What makes the quality poor.
   * @param maxEvents How many recent events `recentEvents()` keeps.
   * @param restoredEvents Events carried over from a saved state, oldest first.
   */
  constructor(
    initial: LinkModel,
    private readonly thresholds: QualityThresholds,
    maxEvents: number,
    restoredEvents: readonly ConnectionEvent[] = [],
  ) {
    this.current = initial;
    this.eventLog = new EventLog(maxEvents);
    for (const event of restoredEvents) this.eventLog.append(event);
  }

  /** The model now. */
  get model(): LinkModel {
    return this.current;
  }

  /** Folds one signal; once the store is complete, nothing moves it any more. */
  dispatch(signal: ConnectionSignal): void {
    if (this.done) return;
    const previous = this.current;
    const next = nextLinkModel(previous, signal, this.thresholds);
    this.current = next;
    if (signal.type === 'roundTrip') {
      this.latency.next({ source: signal.source, latencyMs: signal.latencyMs, at: signal.at });
    }
    const events = linkEvents(previous, signal, next, this.thresholds);
    // Indexed, not for-of: an array iterator per dispatch is a per-pong allocation at every link.
    for (let i = 0; i < events.length; i++) this.eventLog.append(events[i] as ConnectionEvent);
    if (next !== previous || events.length > 0) this.show(next, events);
  }

  /**
   * A stream of `project(model)`: the current value at once, then each new one (by `===`).
   * Completes when the store does.
   */
  select<T>(project: (model: LinkModel) => T): Observable<T> {
    return new SelectionStream(this, project);
  }

  /** A subscriber of `select(project)`: after the end, the final value and the end. */
  attach<T>(project: (model: LinkModel) => T, subscriber: SelectionTarget<T>): void {
    if (!this.ended) {
      this.watch(project, subscriber);
      return;
    }
    subscriber.next(project(this.current));
    subscriber.complete();
  }

  /**
   * `select` without the Observable, for the handle's own parts (a session watching its status):
   * `target.next` hears the current value at once, then each new one; `target.complete` when the
   * store ends. Unsubscribe the result to stop.
   */
  watch<T>(project: (model: LinkModel) => T, target: SelectionTarget<T>): Unsubscribable {
    const selection = new Selection(this, project, target as SelectionTarget<unknown>, undefined);
    this.add(selection);
    return selection;
  }

  /**
   * A subscriber of `select` that keeps its own selection (see `SelectionSubscriber`): the current
   * value at once, then each new one; after the end, the final value and the end.
   */
  adopt(subscriber: SelectionSubscriber<unknown>): void {
    if (this.ended) {
      subscriber.next(subscriber.project(this.current));
      subscriber.complete();
    } else this.add(subscriber);
  }

  private add(selection: Watching): void {
    const value = selection.project(this.current);
    selection.last = value;
    selection.target.next(value);
    // A subscriber may have taken all it wanted from the current value (`take(1)`).
    if (selection.target.closed !== true) this.selections = withoutClosed(this.selections, isClosed).concat(selection);
  }

  /** Removes a selection (its unsubscription). */
  remove(selection: Watching): void {
    this.selections = withoutClosed(this.selections, (each) => each === selection);
  }

  /** The last `maxEvents` events, oldest first. */
  recentEvents(): ConnectionEvent[] {
    return this.eventLog.toArray();
  }

  /** Ends every stream once what was folded has been shown; later dispatches are ignored. */
  complete(): void {
    if (this.done) return;
    this.done = true;
    if (!this.notifying) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const selections = this.selections;
    this.selections = [];
    for (const selection of selections) selection.target.complete();
    this.events.complete();
    this.latency.complete();
  }

  /** Shows transitions in the order they were folded: selections first, then the events. */
  private show(model: LinkModel, events: readonly ConnectionEvent[]): void {
    if (this.notifying) {
      (this.pending ??= []).push({ model, events });
      return;
    }
    this.notifying = true;
    let stale = false;
    try {
      // The transition at hand, then those folded while it was shown, in order.
      stale = this.notify(model, events);
      for (let next = this.pending?.shift(); next !== undefined; next = this.pending?.shift()) {
        stale = this.notify(next.model, next.events) || stale;
      }
    } finally {
      this.notifying = false;
      this.pending = undefined;
    }
    if (stale) this.selections = withoutClosed(this.selections, isClosed);
    if (this.done) this.end();
  }

  /** Shows one transition: each selection that changed, then the events. True if a target had left. */
  private notify(model: LinkModel, events: readonly ConnectionEvent[]): boolean {
    let stale = false;
    const selections = this.selections;
    for (let i = 0; i < selections.length; i++) {
      const selection = selections[i] as Watching;
      if (selection.target.closed === true) {
        stale = true;
        continue;
      }
      const value = selection.project(model);
      if (value !== selection.last) {
        selection.last = value;
        selection.target.next(value);
      }
    }
    for (let i = 0; i < events.length; i++) this.events.next(events[i] as ConnectionEvent);
    return stale;
  }
}

/** The stream `select` returns: a class, not a closure, and no teardown (see LinkStore). */
class SelectionStream<T> extends DirectStream<T> {
  constructor(
    private readonly store: LinkStore,
    private readonly project: (model: LinkModel) => T,
  ) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected override _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    this.store.attach(this.project, subscriber);
    return undefined;
  }

  protected adopt(observer: DirectObserver<T>): Subscription {
    const subscriber = new SelectionSubscriber(observer, this.project);
    this.store.adopt(subscriber as SelectionSubscriber<unknown>);
    return subscriber;
  }

  override listen(listener: Listener<T>): Unsubscribable {
    const target = shielded(listener);
    this.store.attach(this.project, target);
    return target;
  }
}

/**
 * A subscriber of `select` that is its own selection in the store: its projection and the last value
 * shown ride on the subscriber, with no separate record (56 B per subscriber, for every stream of
 * every link a bot subscribes).
 */
class SelectionSubscriber<T> extends DirectSubscriber<T> implements Watching {
  last: unknown = undefined;

  constructor(
    observer: DirectObserver<T>,
    readonly project: (model: LinkModel) => T,
  ) {
    super(observer);
  }

  get target(): SelectionTarget<T> {
    return this;
  }
}

const isClosed = (selection: Watching): boolean => selection.target.closed === true;
