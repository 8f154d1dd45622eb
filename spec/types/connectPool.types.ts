// Pins connectPool's PoolConnections<L>: each link keeps its own message types.
import { expectTypeOf } from 'expect-type';
import { Codec, Connection, connectPool, tradeGate } from '../../src/index';

type Order = { readonly method: 'order'; readonly id: string };
type Tick = { readonly channel: 'ticks'; readonly price: number };
type Fill = { readonly channel: 'fills'; readonly id: string };
declare const marketCodec: Codec<Tick, { readonly subscribe: string }>;
declare const userCodec: Codec<Fill, Order>;
declare const order: Order;

export function cases(): void {
  const pool = connectPool({
    market: { url: 'wss://x/market', codec: marketCodec },
    user: { url: 'wss://x/user', codec: userCodec },
  });
  expectTypeOf(pool.connections.market).toEqualTypeOf<Connection<Tick, { readonly subscribe: string }>>();
  expectTypeOf(pool.connections.user).toEqualTypeOf<Connection<Fill, Order>>();
  void pool.connections.user.send(order);
  // @ts-expect-error the market link does not take orders
  void pool.connections.market.send(order);
  // @ts-expect-error no link of that name
  void pool.connections.spot;
  expectTypeOf(pool.names).toEqualTypeOf<readonly ('market' | 'user')[]>();
  pool.events$.subscribe(({ name }) => expectTypeOf(name).toEqualTypeOf<'market' | 'user'>());

  // A pool is a gate source as it is.
  tradeGate(pool);
}
