import { config } from 'rxjs';

/**
 * Reports an error nothing can receive the way RxJS reports one thrown by a subscriber: to
 * `config.onUnhandledError` if set, else thrown out of band (a microtask), so the loop that called
 * the thrower (a shared tick, a store's notifications) goes on for everyone else.
 *
 * @example
 * try { listener.next(value); } catch (error) { reportUnhandled(error); }
 */
export function reportUnhandled(error: unknown): void {
  queueMicrotask(() => {
    if (config.onUnhandledError) config.onUnhandledError(error);
    else throw error;
  });
}
