import { Observable, Subscriber, Subscription, TeardownLogic, Unsubscribable } from 'rxjs';
import { withoutClosed } from '../model/withoutClosed';
import { DirectStream, Listener, shielded } from './DirectStream';
import { DirectObserver, DirectSubscriber } from './DirectSubscriber';

/**
 * A hot, plain multicast for the inbound hot path: `next` loops over the current subscribers, with
 * no allocation of its own. RxJS's `Subject.next` (in its CommonJS build, the one Node loads)
 * allocates a closure and an iterator per call; on a 500 000 msg/s feed that is measurable.
 * The subscriber list is copy-on-write, so subscribing or unsubscribing during a delivery is safe;
 * late subscribers get only what comes after. Errors thrown by a subscriber are RxJS's business
 * (its Subscriber reports them), as with a Subject.
 *
 * A subscriber that unsubscribes gets nothing more at once (RxJS stops it) and leaves the list at the
 * next delivery or subscription: handing RxJS a teardown would cost every subscriber a 150-byte
 * finalizer array, and a bot subscribes every stream of every link.
 *
 * ```
 * next:      -a--b--c--|
 * early:     ^-a--b--c-|
 * late:          ^-c--|       (subscribed after b)
 * ```
 */
export class Broadcast<T> {
  private subscribers: readonly BroadcastTarget<T>[] = [];
  private done = false;
  private readonly stream: Observable<T> = new BroadcastStream(this);

  /** Delivers `value` to every current subscriber. */
  next(value: T): void {
    const subscribers = this.subscribers;
    let stale = false;
    for (let i = 0; i < subscribers.length; i++) {
      const subscriber = subscribers[i] as BroadcastTarget<T>;
      if (subscriber.closed) stale = true;
      else subscriber.next(value);
    }
    if (stale) this.subscribers = withoutClosed(this.subscribers, isClosed);
  }

  /** Completes every subscriber; later subscribers complete at once. */
  complete(): void {
    if (this.done) return;
    this.done = true;
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }

  asObservable(): Observable<T> {
    return this.stream;
  }

  /** Adds a subscriber (the stream's subscription), or a sink's listener (`listen`). */
  attach(subscriber: BroadcastTarget<T>): void {
    if (this.done) subscriber.complete();
    else this.subscribers = withoutClosed(this.subscribers, isClosed).concat(subscriber);
  }
}

/** Who hears a broadcast: an RxJS subscriber, or a sink's listener. */
interface BroadcastTarget<T> {
  next(value: T): void;
  complete(): void;
  readonly closed: boolean;
}

/** The observable side: a class, not a closure, and no teardown (see Broadcast). */
class BroadcastStream<T> extends DirectStream<T> {
  constructor(private readonly broadcast: Broadcast<T>) {
    super();
  }

  /** What RxJS calls for each subscriber, as its Subject overrides it. */
  protected override _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    this.broadcast.attach(subscriber);
    return undefined;
  }

  protected adopt(observer: DirectObserver<T>): Subscription {
    const subscriber = new DirectSubscriber(observer);
    this.broadcast.attach(subscriber);
    return subscriber;
  }

  override listen(listener: Listener<T>): Unsubscribable {
    const target = shielded(listener);
    this.broadcast.attach(target);
    return target;
  }
}

const isClosed = (subscriber: BroadcastTarget<unknown>): boolean => subscriber.closed;
