// Pins deadman's source and options, what it returns, and how tradeGate takes it.
import { expectTypeOf } from 'expect-type';
import { NEVER, Observable, Subscription, Unsubscribable, of } from 'rxjs';
import { Connection, Deadman, DeadmanEvent, DeadmanState, GateState, deadman, tradeGate } from '../../src/index';

declare const link: Connection<unknown, { readonly method: string }>;

export function cases(): void {
  // A Connection as it is; arm returns a Promise or an Observable.
  const dms = deadman(link, { every: '10s', arm: () => link.request({ method: 'cancelAllAfter' }) });
  deadman(link, { every: 10_000, failAfter: '30s', timeout: '5s', arm: () => of(true) });
  // Anything with ready$.
  deadman({ ready$: NEVER }, { every: '10s', arm: () => fetch('http://127.0.0.1/cancel-all-after') });
  expectTypeOf(dms).toMatchTypeOf<Unsubscribable>();
  new Subscription().add(dms);
  expectTypeOf(dms.armed$).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(dms.state$).toEqualTypeOf<Observable<DeadmanState>>();
  expectTypeOf(dms.events$).toEqualTypeOf<Observable<DeadmanEvent>>();
  expectTypeOf(dms.follow).parameter(0).toEqualTypeOf<Observable<GateState>>();
  // @ts-expect-error arm is required
  deadman(link, { every: '10s' });
  // @ts-expect-error every is required
  deadman(link, { arm: () => of(true) });
  // @ts-expect-error arm returns something to wait for
  deadman(link, { every: '10s', arm: () => 42 });
  // @ts-expect-error the source needs ready$
  deadman({ status$: NEVER }, { every: '10s', arm: () => of(true) });

  // The gate takes the switch.
  tradeGate(link, { deadman: dms });
  const switches: Deadman[] = [dms];
  tradeGate(link, { deadman: switches[0] });
  // @ts-expect-error not a switch
  tradeGate(link, { deadman: { armed$: of(true) } });
}
