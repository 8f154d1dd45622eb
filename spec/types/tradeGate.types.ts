// Pins tradeGate's sources and options, and whileGateOpen's required onRejected.
import { expectTypeOf } from 'expect-type';
import { NEVER, Observable, of } from 'rxjs';
import {
  Connection,
  ConnectionQuality,
  ConnectionStatus,
  GateClosedError,
  GateState,
  NetworkRiskEvent,
  tradeGate,
  whileGateOpen,
} from '../../src/index';

declare const link: Connection<unknown, { readonly id: string }>;
declare const quality: ConnectionQuality;

export function cases(): void {
  // A Connection as it is.
  const gate = tradeGate(link);
  expectTypeOf(gate.gate$).toEqualTypeOf<Observable<GateState>>();
  expectTypeOf(gate.riskEvents$).toEqualTypeOf<Observable<NetworkRiskEvent>>();
  // Cold streams, as in a marble spec; ready$ and config are optional.
  tradeGate({ status$: of<ConnectionStatus>('Connected'), quality$: of(quality) });
  tradeGate({ status$: NEVER, quality$: NEVER, ready$: of(true) });
  // @ts-expect-error quality$ is required
  tradeGate({ status$: of<ConnectionStatus>('Connected') });
  // @ts-expect-error ready$ is a stream of booleans
  tradeGate({ status$: NEVER, quality$: NEVER, ready$: of('yes') });
  // @ts-expect-error status$ carries statuses
  tradeGate({ status$: of('up'), quality$: NEVER });
  // state$ (status and readiness together) is optional too; it carries states.
  tradeGate({
    status$: NEVER,
    quality$: NEVER,
    ready$: NEVER,
    state$: of({ status: 'Connected', ready: true } as const),
  });
  // @ts-expect-error state$ carries a status and readiness
  tradeGate({ status$: NEVER, quality$: NEVER, ready$: NEVER, state$: of('Connected') });

  // closeOn: 'notReady' or statuses a link can be in when not Connected.
  tradeGate(link, { closeOn: 'notReady' });
  tradeGate(link, { closeOn: ['Failed', 'Disconnected', 'Reconnecting', 'Unstable', 'Connecting'] });
  // @ts-expect-error Connected never closes the gate
  tradeGate(link, { closeOn: ['Connected'] });
  // @ts-expect-error not a status
  tradeGate(link, { closeOn: ['Down'] });
  tradeGate(link, {
    settle: '5s',
    onOpen: (_state, risk) => expectTypeOf(risk).toEqualTypeOf<NetworkRiskEvent | undefined>(),
  });
  tradeGate(link, { onClose: (_state, risk) => expectTypeOf(risk).toEqualTypeOf<NetworkRiskEvent>() });
  // @ts-expect-error settle is a duration
  tradeGate(link, { settle: true });

  // whileGateOpen: the rejection must reach the strategy, typed with the order.
  const orders$ = of({ id: 'o-1' });
  orders$.pipe(
    whileGateOpen(gate.gate$, (order, error) => {
      expectTypeOf(order).toEqualTypeOf<{ id: string }>();
      expectTypeOf(error).toEqualTypeOf<GateClosedError>();
    }),
  );
  // @ts-expect-error onRejected is required
  orders$.pipe(whileGateOpen(gate.gate$));
  // @ts-expect-error the gate is a stream of gate states
  orders$.pipe(whileGateOpen(of(true), () => undefined));
}
