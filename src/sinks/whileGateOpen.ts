import { MonoTypeOperatorFunction, Observable, Subscription } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { GateClosedError } from './GateClosedError';
import { GateState } from '../model/gateState';

/**
 * Lets orders through only while the trade gate is open. Each order that meets a closed gate is
 * rejected at once: `onRejected` gets it with a `GateClosedError` (a `SendError` with reason
 * `'gate'`) saying why. Never dropped silently, never buffered, never sent late: the decision is
 * made when the order arrives, from the gate's latest state.
 *
 * ```
 * gate$:     c---o--------c-----      (c closed, o open)
 * orders:    -a----b--c----d--e-
 * result:    ------b--c---------
 * rejected:  -a------------d--e-      (onRejected(order, GateClosedError))
 * ```
 *
 * Before the gate's first value every order is rejected (reason `unknown`); after the gate completes
 * every order is rejected (reason `closed`): the gate fails closed. An error from the gate, or
 * from `onRejected`, errors the result, so the strategy hears of it.
 *
 * @example
 * orders$
 *   .pipe(
 *     whileGateOpen(gate$, (order, error) => log.warn({ order, reason: error.gate.reason }, error.message)),
 *     mergeMap((order) => link.send(order, { queue: false })),
 *   )
 *   .subscribe();
 * // while the link has Failed: 'trade gate closed (Failed: the link has Failed); order rejected, not sent'
 *
 * @param gate$ The gate, usually `tradeGate(link).gate$`.
 * @param onRejected Told of each rejected order. Required: a rejection must reach the strategy.
 */
export function whileGateOpen<T>(
  gate$: Observable<GateState>,
  onRejected: (order: T, error: GateClosedError) => void,
): MonoTypeOperatorFunction<T> {
  if (typeof onRejected !== 'function') {
    throw new ConfigError(
      'onRejected',
      onRejected,
      'a function (order, error) => void: a rejected order must reach the strategy',
    );
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      let gate: GateState | undefined;
      let ended = false;
      // A container of its own: the gate's subscription closes when the gate completes, the orders go on.
      const subscription = new Subscription();
      subscription.add(
        gate$.subscribe({
          next: (state) => (gate = state),
          error: (error: unknown) => subscriber.error(error),
          complete: () => (ended = true),
        }),
      );
      subscription.add(
        source.subscribe({
          next: (order) => {
            if (gate?.open === true && !ended) {
              subscriber.next(order);
              return;
            }
            const state: GateState =
              gate === undefined
                ? { open: false, reason: 'unknown', since: Number.NaN }
                : ended && gate.open
                  ? { open: false, reason: 'closed', since: gate.since }
                  : gate;
            try {
              onRejected(order, new GateClosedError(state));
            } catch (error) {
              subscriber.error(error);
            }
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return subscription;
    });
}
