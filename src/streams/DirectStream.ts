import { Observable, Observer, Unsubscribable } from 'rxjs';
import { reportUnhandled } from './reportUnhandled';

/** What a sink hands lifeline's own streams: a plain observer. */
export type Listener<T> = Pick<Observer<T>, 'next' | 'error' | 'complete'>;

/**
 * One of lifeline's own streams (a store's selection, a broadcast), which can hand its values to a
 * plain listener directly: no RxJS subscriber, consumer observer and finalizer array between them.
 * The sinks listen to several streams of every link they watch (`listenTo`); at ten thousand links
 * that was ~250 B and three calls per notification for each.
 */
export abstract class DirectStream<T> extends Observable<T> {
  /**
   * Hands `listener` what a subscriber would get (the current value of a selection at once, then
   * each new one; the end), until unsubscribed. The listener is shielded as a subscriber would be: a
   * throw from it is reported (`reportUnhandled`), not thrown into the stream.
   */
  abstract listen(listener: Listener<T>): Unsubscribable;
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
 * closed by `unsubscribe`, after which it hears nothing and leaves at the stream's next step.
 */
export class ListenerTarget<T> implements Unsubscribable {
  closed = false;

  constructor(private readonly listener: Listener<T>) {}

  next(value: T): void {
    if (this.closed) return;
    try {
      this.listener.next(value);
    } catch (error) {
      reportUnhandled(error);
    }
  }

  complete(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.listener.complete();
    } catch (error) {
      reportUnhandled(error);
    }
  }

  unsubscribe(): void {
    this.closed = true;
  }
}
