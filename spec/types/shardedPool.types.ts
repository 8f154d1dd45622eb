// Pins shardedPool's types: messages keep the link's types, and the pool is a gate and report source as it is.
import { expectTypeOf } from 'expect-type';
import { Codec, ShardSubscription, reportSink, reports, shardedPool, tradeGate } from '../../src/index';
import { JsonObject, binanceSpot } from '../../src/profiles';

type Tick = { readonly channel: 'ticks'; readonly price: number };
type Subscribe = { readonly method: 'subscribe'; readonly channel: string };
declare const codec: Codec<Tick, Subscribe>;

export function cases(): void {
  const pool = shardedPool({ link: { url: 'wss://x/ws', codec }, subscriptionsPerConnection: 50 });
  pool.messages$.subscribe((tick) => expectTypeOf(tick).toEqualTypeOf<Tick>());
  expectTypeOf(pool.subscribe({ method: 'subscribe', channel: 'BTC' })).toEqualTypeOf<ShardSubscription>();
  // @ts-expect-error the link does not take orders
  pool.subscribe({ method: 'order', id: '1' });
  pool.subscribe(() => ({ method: 'subscribe', channel: 'BTC' }), {
    unsubscribeAck: { match: (tick) => (tick.price > 0 ? 'ack' : undefined) },
  });

  // A profile as it is (its subscriptionsPerConnection comes with it), with its message types.
  const binance = shardedPool<unknown, JsonObject>({ link: binanceSpot(), messageBudget: 'separate' });
  binance.subscribe({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-btc' });

  // One gate and one report over every shard.
  tradeGate(pool);
  reports(pool);
  reportSink(binance);
}
