import { Subscriber, Subscription, TeardownLogic } from 'rxjs';
import { DirectStream } from '../streams/DirectStream';
import { DirectObserver, DirectSubscriber } from '../streams/DirectSubscriber';
import { GateWatcher, SharedGate, WatchedFeed } from './SharedGate';

/**
 * A trade gate's `gate$` or `riskEvents$`: each subscriber watches the one `SharedGate`, which runs
 * while anything watches. A subscriber of ours leaves the gate when it unsubscribes, with no teardown
 * handed to RxJS (that would cost every watcher a 150-byte finalizer array), and no closure per
 * stream.
 *
 * ```
 * status$:  -k-------|
 * gate$:    cs----o--(x|)
 * ```
 *
 * @example
 * const gate$ = new GateStream<GateState>(gate, 'gate');
 */
export class GateStream<T> extends DirectStream<T> {
  constructor(
    private readonly gate: SharedGate,
    private readonly feed: WatchedFeed,
  ) {
    super();
  }

  /** What RxJS calls for a subscriber it made (an operator's): the teardown leaves the gate. */
  protected override _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    this.gate.watch(this.feed, subscriber as GateWatcher);
    return subscriber.closed ? undefined : () => this.gate.leave(subscriber as GateWatcher);
  }

  protected adopt(observer: DirectObserver<T>): Subscription {
    const watcher = new LeavingSubscriber(observer, this.gate);
    this.gate.watch(this.feed, watcher as GateWatcher);
    return watcher;
  }
}

/** A subscriber of ours that leaves the gate when it unsubscribes (or completes, or fails). */
class LeavingSubscriber<T> extends DirectSubscriber<T> {
  constructor(
    observer: DirectObserver<T>,
    private readonly gate: SharedGate,
  ) {
    super(observer);
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    this.gate.leave(this as DirectSubscriber<unknown> as GateWatcher);
  }
}
