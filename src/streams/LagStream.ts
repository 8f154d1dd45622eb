import { Subscriber, Subscription, TeardownLogic, Unsubscribable } from 'rxjs';
import { DirectStream, Listener, shielded } from './DirectStream';
import { DirectObserver, DirectSubscriber } from './DirectSubscriber';
import { LinkStore, SelectionTarget } from './LinkStore';
import { LagListener, PeriodicLag } from './PeriodicLag';

/**
 * A handle's `lag$`: the shared per-period maxima of the event-loop lag, ending when the handle's
 * store does, as its other streams do.
 *
 * ```
 * maxima:  --3--0--2--0--
 * status:  C-----------D|
 * lag$:    --3--0--2--0-|
 * ```
 *
 * It was `maxima.pipe(takeUntil(status$.pipe(takeLast(1))))`: two operator subscribers, a selection
 * and seven closures per subscriber. Now a subscriber is handed to the maxima as it is, and the store
 * holds one small end-watcher for it.
 */
export class LagStream extends DirectStream<number> {
  constructor(
    private readonly store: LinkStore,
    private readonly maxima: PeriodicLag,
  ) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected override _subscribe(subscriber: Subscriber<number>): TeardownLogic {
    this.join(subscriber);
    return undefined;
  }

  protected adopt(observer: DirectObserver<number>): Subscription {
    const subscriber = new DirectSubscriber(observer);
    this.join(subscriber);
    return subscriber;
  }

  override listen(listener: Listener<number>): Unsubscribable {
    const target = shielded(listener);
    this.join(target);
    return target;
  }

  private join(subscriber: LagSubscriber): void {
    this.maxima.join(subscriber);
    // A store already ended ends the subscriber at once (and the maxima stop if it was the only one).
    if (!subscriber.closed) this.store.attach(nothing, new EndOfLag(subscriber, this.maxima));
  }
}

/** A subscriber of `lag$`: RxJS's or ours. */
type LagSubscriber = LagListener & { complete(): void };

/** Ends a `lag$` subscriber with the store, and lets the maxima stop their timer if it was the last. */
class EndOfLag implements SelectionTarget<undefined> {
  constructor(
    private readonly subscriber: LagSubscriber,
    private readonly maxima: PeriodicLag,
  ) {}

  get closed(): boolean {
    return this.subscriber.closed;
  }

  next(): void {}

  complete(): void {
    this.subscriber.complete();
    this.maxima.leave(this.subscriber);
  }
}

const nothing = (): undefined => undefined;
