import { Observer, Subscription } from 'rxjs';
import { reportUnhandled } from './reportUnhandled';

/** What `subscribe` is handed: a function for the values, or an observer with any of the three. */
export type DirectObserver<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;

/** What a subscriber holds once it has stopped: nothing to call. */
const STOPPED: Partial<Observer<unknown>> = Object.freeze({});

/**
 * A subscriber of one of lifeline's own streams: the subscription `subscribe` returns and the
 * observer it calls, in one 64-byte object. RxJS makes three for a subscriber (a SafeSubscriber, its
 * ConsumerObserver and an observer object around a function, ~150 B) and a bot subscribes every
 * stream of every link it runs.
 *
 * It keeps the contract of RxJS's subscriber: a value after `unsubscribe`, `complete` or `error` is
 * not delivered; a throw from the observer is reported (`reportUnhandled`), not thrown into the
 * stream; an error without an `error` handler is reported; `complete` and `error` call the observer
 * first, then unsubscribe (running what was `add`ed). It is a `Subscription`, so `add`, `remove` and
 * adding it to another subscription work as they do on what RxJS returns.
 *
 * @example
 * const subscriber = new DirectSubscriber((status: ConnectionStatus) => console.log(status));
 * subscriber.next(ConnectionStatus.Connected); // logs Connected
 * subscriber.unsubscribe();
 * subscriber.next(ConnectionStatus.Closed); // ignored
 */
export class DirectSubscriber<T> extends Subscription {
  constructor(private observer: DirectObserver<T>) {
    super();
  }

  next(value: T): void {
    if (this.closed) return;
    const observer = this.observer;
    try {
      if (typeof observer === 'function') observer(value);
      else observer?.next?.(value);
    } catch (error) {
      reportUnhandled(error);
    }
  }

  error(error: unknown): void {
    const observer = this.stop();
    if (observer === STOPPED) return;
    try {
      if (typeof observer === 'object' && observer?.error) observer.error(error);
      else reportUnhandled(error);
    } catch (thrown) {
      reportUnhandled(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  complete(): void {
    const observer = this.stop();
    if (observer === STOPPED) return;
    try {
      if (typeof observer === 'object') observer?.complete?.();
    } catch (error) {
      reportUnhandled(error);
    } finally {
      this.unsubscribe();
    }
  }

  /** Stops the observer hearing more (a stream's end is heard once); returns it, or STOPPED. */
  private stop(): DirectObserver<T> {
    const observer = this.closed ? STOPPED : this.observer;
    this.observer = STOPPED;
    return observer;
  }
}

/**
 * Whether `subscribe` was handed a subscriber (an operator's, `firstValueFrom`'s, one from another
 * copy of RxJS): that one is used as it is, by the test RxJS's `Observable.subscribe` makes (an
 * observer that is also a subscription).
 */
export function isRxSubscriber(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<Record<'next' | 'error' | 'complete' | 'unsubscribe' | 'add' | 'remove', unknown>>;
  const observer =
    typeof candidate.next === 'function' &&
    typeof candidate.error === 'function' &&
    typeof candidate.complete === 'function';
  const subscription =
    value instanceof Subscription ||
    ('closed' in value &&
      typeof candidate.unsubscribe === 'function' &&
      typeof candidate.add === 'function' &&
      typeof candidate.remove === 'function');
  return observer && subscription;
}
