// Pins connect<In, Out>: send() takes Out, messages$ gives In, and subscriptions never infer Out (NoInfer).
import { expectTypeOf } from 'expect-type';
import { Observable } from 'rxjs';
import { Codec, Connection, ConnectOptions, FeedLagReading, connect, rawCodec } from '../../src/index';

type Order = { readonly method: 'order'; readonly id: string; readonly px: string };
type Tick = { readonly channel: 'ticks'; readonly price: number };
declare const order: Order;
declare const orderCodec: Codec<Tick, Order>;

export function cases(): void {
  // Explicit type arguments: send() takes orders only, messages$ gives ticks.
  const typed = connect<Tick, Order>({ url: 'wss://x' });
  expectTypeOf(typed).toEqualTypeOf<Connection<Tick, Order>>();
  expectTypeOf(typed.messages$).toEqualTypeOf<Observable<Tick>>();
  expectTypeOf(typed.send).parameter(0).toEqualTypeOf<Order>();
  expectTypeOf(typed.send(order)).toEqualTypeOf<Promise<void>>();
  // @ts-expect-error a message that is not an Order
  void typed.send({ method: 'cancel', id: 'o-1' });

  // From the codec: the codec's types are the link's.
  const coded = connect({ url: 'wss://x', codec: orderCodec });
  expectTypeOf(coded).toEqualTypeOf<Connection<Tick, Order>>();
  // @ts-expect-error the codec encodes Orders only
  void coded.send('raw text');
  const raw = connect({ url: 'wss://x', codec: rawCodec });
  expectTypeOf(raw.send).parameter(0).toEqualTypeOf<string | Buffer>();

  // NoInfer: a subscription of another shape neither infers Out nor makes orders a type error.
  const subscribed = connect({ url: 'wss://x', subscriptions: [{ method: 'subscribe', channel: 'ticks' }] });
  expectTypeOf(subscribed).toEqualTypeOf<Connection<unknown, unknown>>();
  void subscribed.send(order);
  // With Out given, the subscriptions must be Outs too.
  // @ts-expect-error a subscription that is not an Order
  connect<Tick, Order>({ url: 'wss://x', subscriptions: [{ method: 'subscribe', channel: 'ticks' }] });
  connect<Tick, Order>({ url: 'wss://x', subscriptions: [order] });

  // The options are checked: a misspelt field, a wrong type.
  // @ts-expect-error heartbeatIntervall is not an option
  connect({ url: 'wss://x', heartbeatIntervall: '30s' });
  // @ts-expect-error maxAttempts is a number
  connect({ url: 'wss://x', maxAttempts: 'five' });
  // @ts-expect-error url is required
  connect({ heartbeatInterval: '30s' });
  expectTypeOf<ConnectOptions['heartbeatInterval']>().toEqualTypeOf<number | string | undefined>();

  // Watchdogs read the link's own messages: timestampOf gets an In and gives epoch ms.
  type Stamped = { readonly channel: 'trades'; readonly ts: number };
  const lagging = connect<Stamped, Order>({
    url: 'wss://x',
    watchdogs: [{ name: 'trades', match: (m) => m.channel === 'trades', timestampOf: (m) => m.ts, maxLag: '1s' }],
  });
  expectTypeOf(lagging.feedLag$).toEqualTypeOf<Observable<readonly FeedLagReading[]>>();
  expectTypeOf(lagging.snapshot().feedLag).toEqualTypeOf<readonly FeedLagReading[]>();
  connect<Stamped, Order>({
    url: 'wss://x',
    // @ts-expect-error timestampOf gives a number (epoch ms), not the raw string an exchange may send
    watchdogs: [{ name: 'trades', match: () => true, timestampOf: (m) => String(m.ts) }],
  });
}
