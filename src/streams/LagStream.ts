import { Observable, Subscriber, TeardownLogic } from 'rxjs';
import { LinkStore, SelectionTarget } from './LinkStore';
import { PeriodicLag } from './PeriodicLag';

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
export class LagStream extends Observable<number> {
  constructor(
    private readonly store: LinkStore,
    private readonly maxima: PeriodicLag,
  ) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected _subscribe(subscriber: Subscriber<number>): TeardownLogic {
    this.maxima.subscribe(subscriber);
    // A store already ended ends the subscriber at once (and the maxima stop if it was the only one).
    if (!subscriber.closed) this.store.attach(nothing, new EndOfLag(subscriber, this.maxima));
    return undefined;
  }
}

/** Ends a `lag$` subscriber with the store, and lets the maxima stop their timer if it was the last. */
class EndOfLag implements SelectionTarget<undefined> {
  constructor(
    private readonly subscriber: Subscriber<number>,
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
