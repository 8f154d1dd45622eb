import { Observable, Observer, Subscriber, Subscription, TeardownLogic, Unsubscribable } from 'rxjs';
import { DirectObserver, isRxSubscriber } from './DirectSubscriber';
import { reportUnhandled } from './reportUnhandled';

/** What a sink hands lifeline's own streams: a plain observer. */
export type Listener<T> = Pick<Observer<T>, 'next' | 'error' | 'complete'>;

/**
 * One of lifeline's own streams (a store's selection, a broadcast, a gate), which hands its values to
 * its subscribers without RxJS's subscriber machinery between them.
 *
 * - `subscribe` makes one `DirectSubscriber` (the returned subscription and the observer in one
 *   object) where RxJS makes a SafeSubscriber, a ConsumerObserver and an observer object: a bot
 *   subscribes every stream of every link, and at ten thousand links that was ~90 B and two calls
 *   per notification for each. A subscriber RxJS made (an operator's, `firstValueFrom`'s) is used
 *   as it is, as RxJS would.
 * - `listen` is for the sinks, which listen to several streams of every link they watch
 *   (`listenTo`): a plain listener, not a subscription.
 */
export abstract class DirectStream<T> extends Observable<T> {
  /**
   * Hands `listener` what a subscriber would get (the current value of a selection at once, then
   * each new one; the end), until unsubscribed. The listener is shielded as a subscriber would be: a
   * throw from it is reported (`reportUnhandled`), not thrown into the stream. By default it is
   * adopted as an observer; a stream with a lighter way to hold a listener overrides this.
   */
  listen(listener: Listener<T>): Unsubscribable {
    return this.adopt(listener);
  }

  /**
   * Adds a subscriber of its own for `observer` (a `DirectSubscriber`), as `_subscribe` adds one RxJS
   * made; returns it, as `subscribe` returns it.
   */
  protected abstract adopt(observer: DirectObserver<T>): Subscription;

  /**
   * What RxJS calls for a subscriber it made (an operator's, `firstValueFrom`'s): by default that
   * subscriber is adopted as an observer, and what `adopt` returns is its teardown.
   */
  protected _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    return this.adopt(subscriber);
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  /** @deprecated Pass an observer object instead, as RxJS 8 will require. */
  override subscribe(
    next?: ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription;
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (isRxSubscriber(observerOrNext)) return super.subscribe(observerOrNext as Subscriber<T>);
    if (error == null && complete == null) return this.adopt(observerOrNext);
    const next = typeof observerOrNext === 'function' ? observerOrNext : undefined;
    return this.adopt({ next, error: error ?? undefined, complete: complete ?? undefined });
  }
}

/**
 * Listens to `source$`: directly when it is one of lifeline's own streams, through `subscribe`
 * otherwise (a stream a user built). Same values, same end, same isolation of a throwing listener.
 *
 * @example
 * const input = listenTo(link.quality$, { next: (q) => hear(q), error: fail, complete: ended });
 * input.unsubscribe();
 */
export function listenTo<T>(source$: Observable<T>, listener: Listener<T>): Unsubscribable {
  return source$ instanceof DirectStream ? (source$ as DirectStream<T>).listen(listener) : source$.subscribe(listener);
}

/**
 * A listener as a stream holds it: shielded (a throw is reported, not thrown into the stream) and
 * closed by `unsubscribe`, after which it hears nothing and leaves at the stream's next step. A sink
 * extends it with its own `hear`, `ended` and `failed` (one object per input, not a listener and a
 * wrapper); a plain listener is wrapped in a `ListenerTarget`.
 */
export abstract class ShieldedListener<T> implements Unsubscribable {
  closed = false;

  next(value: T): void {
    if (this.closed) return;
    try {
      this.hear(value);
    } catch (error) {
      reportUnhandled(error);
    }
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.failed(error);
    } catch (thrown) {
      reportUnhandled(thrown);
    }
  }

  complete(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ended();
    } catch (error) {
      reportUnhandled(error);
    }
  }

  unsubscribe(): void {
    this.closed = true;
  }

  protected abstract hear(value: T): void;
  protected abstract failed(error: unknown): void;
  protected abstract ended(): void;
}

/** A plain listener, shielded. */
export class ListenerTarget<T> extends ShieldedListener<T> {
  constructor(private readonly listener: Listener<T>) {
    super();
  }

  protected hear(value: T): void {
    this.listener.next(value);
  }

  protected failed(error: unknown): void {
    this.listener.error(error);
  }

  protected ended(): void {
    this.listener.complete();
  }
}

/** `listener` as a stream holds it: itself when it is shielded already. */
export function shielded<T>(listener: Listener<T>): ShieldedListener<T> {
  return listener instanceof ShieldedListener ? (listener as ShieldedListener<T>) : new ListenerTarget(listener);
}
