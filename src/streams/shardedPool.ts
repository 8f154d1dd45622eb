import { Observable, map, merge, switchMap } from 'rxjs';
import { Budget } from '../model/Budget';
import { ConfigError } from '../model/ConfigError';
import { SendError } from '../model/SendError';
import { Duration } from '../model/parseDuration';
import { ShardHealth } from '../model/shardLayout';
import { PoolQuality } from '../model/worstQuality';
import { GroupSnapshot, GroupThresholds, PoolEvent, aggregateLinks, strictestThresholds } from './aggregateLinks';
import { connect } from './connect';
import { Connection, ConnectOptions } from './Connection';
import { MessageOrBuilder, SubscriptionHandle } from './SessionOptions';
import { PoolShard, ShardDriver, ShardMove, ShardSubscriptionOptions } from './ShardDriver';
import { ResolvedShardedPoolOptions, resolveShardedPoolOptions } from './resolveShardedPoolOptions';
import { shardSubscription } from './shardSubscription';

export type { PoolShard, ShardMove, ShardSubscriptionOptions } from './ShardDriver';

/** What `shardedPool` takes. */
export interface ShardedPoolOptions<In = unknown, Out = unknown> {
  /**
   * The `connect()` options of every shard: one object for all, or a function of the shard's number
   * (0, 1, …) where shards differ (a transport each in a marble spec). An exchange profile may be
   * given as it is, `link: binanceSpot()`, and its `subscriptionsPerConnection` is used; spread into a
   * new object (`{ ...binanceSpot(), … }`), it loses that (a spread leaves metadata behind). Without
   * `subscriptions`: the pool places them. Required.
   */
  readonly link: ConnectOptions<In, Out> | ((shard: number) => ConnectOptions<In, Out>);
  /**
   * The most subscriptions one socket carries: the exchange's cap per connection, or less (ccxt keeps
   * Binance's at 50 of 1024, to spread the data). A whole number >= 1. Defaults to the profile's
   * `subscriptionsPerConnection` when `link` is a profile; required otherwise.
   */
  readonly subscriptionsPerConnection?: number;
  /**
   * What happens to the subscriptions of a shard that is down: `'move'` to healthy shards with room (a
   * new shard when none has room and another shard is up, proof the exchange answers), and back when
   * it is up again; `'wait'` for it. Defaults to `'move'`.
   */
  readonly rebalance?: 'move' | 'wait';
  /**
   * How long a shard's link must be not up (Connecting, Disconnected, Reconnecting) before it is down,
   * and up again before its subscriptions come back; Failed is down at once. A duration, e.g. `'5s'`.
   * Defaults to `'5s'`: a drop that the link's immediate retry repairs moves nothing, one that outlasts
   * its second retry (2 s later by default) does.
   */
  readonly moveAfter?: Duration;
  /**
   * The connection budget every shard takes its connection tokens from: exchanges count connections
   * per IP. Defaults to the link's `budget`, else a new `WindowBudget` of its `connectLimit` per
   * `connectLimitWindow` for the whole pool. A `redisBudget` shares it with other processes.
   */
  readonly budget?: Budget;
  /**
   * The message budget every shard's writes (subscribes, unsubscribes, pings, sends) take a slot from:
   * a `Budget`; or `'separate'`, each shard its own `messageLimit` per `messageLimitWindow`, for an
   * exchange that counts per connection (Binance). Defaults to the link's `messageBudget`, else one new
   * `WindowBudget` of its `messageLimit` per `messageLimitWindow` for the whole pool (Hyperliquid counts
   * per IP).
   */
  readonly messageBudget?: Budget | 'separate';
}

/** A subscription of a sharded pool: its state on whichever shard carries it now. */
export interface ShardSubscription extends SubscriptionHandle {
  /** The shard it is registered on now; undefined while it moves, and once unsubscribed. */
  readonly shard: number | undefined;
}

/** One shard at a moment: its health as the pool judges it, and the subscriptions it carries. */
export interface ShardSnapshot {
  readonly id: number;
  readonly name: string;
  readonly health: ShardHealth;
  /** The names of the subscriptions registered on it. */
  readonly subscriptions: readonly string[];
}

/** Everything known about a sharded pool at one moment, as plain data. */
export interface ShardedPoolSnapshot extends GroupSnapshot {
  /** The open shards, in the order they were opened. */
  readonly shards: readonly ShardSnapshot[];
  /** Subscriptions between two shards, waiting for the old one to confirm it is off. */
  readonly moving: number;
}

/**
 * The handle `shardedPool()` returns: one link's shape over many sockets. `messages$` merges every
 * shard's. `status$` is the worst status, `quality$` the weakest quality and `ready$` true when all
 * are ready, of the shards that carry subscriptions: the sockets the data rides on (a shard that is
 * down with every subscription moved off it is a spare until they come back, and does not hold the
 * gate shut). `stats$` counts every shard (see `poolStats`), `latency$` has every shard's round trips,
 * and `events$` every shard's events, each description prefixed with the shard's name
 * (`shard-1: connection lost`).
 */
export interface ShardedPool<In = unknown, Out = unknown> extends Pick<
  Connection<In, Out>,
  'messages$' | 'status$' | 'ready$' | 'stats$' | 'latency$' | 'events$'
> {
  /** The most subscriptions a shard carries. */
  readonly capacity: number;
  /** The strictest quality thresholds of the shards, so `tradeGate(pool)` judges the worst one by them. */
  readonly config: GroupThresholds;
  /** The weakest quality of the shards that carry subscriptions, tagged with its shard's name (`shard-1`) and score: replayed. */
  readonly quality$: Observable<PoolQuality>;
  /** Every shard's events, tagged with the shard's name. Hot. */
  readonly shardEvents$: Observable<PoolEvent>;
  /** Every subscription moved to another shard, and back. Hot. */
  readonly moves$: Observable<ShardMove>;
  /** The open shards, replayed, every time one opens or closes. */
  readonly shards$: Observable<readonly PoolShard<In, Out>[]>;
  /**
   * Places a subscription on a shard with room (opening one when every shard is full), where it is
   * sent now if that link is up and on its every reconnect; it moves with the pool's `rebalance`.
   * A message the codec cannot encode throws here, as `Connection.subscribe` does.
   */
  subscribe(message: MessageOrBuilder<Out>, options?: ShardSubscriptionOptions<In, Out>): ShardSubscription;
  /** The aggregate (as `status$` and `quality$` judge it), every shard's snapshot, and where the subscriptions are. */
  snapshot(): ShardedPoolSnapshot;
  /** Closes every shard. Idempotent; resolves when every socket is closed. */
  close(): Promise<void>;
}

/**
 * Spreads subscriptions over as many sockets as the exchange's per-connection cap requires, each a
 * `connect()` handle, under one connection budget and one message budget, and shows them as one link:
 * the messages merged, the worst status, the weakest quality, ready when all are; so one trade gate
 * and one report cover every shard (`tradeGate(pool)`, `reports(pool)`).
 *
 * ```
 * subscribe:  -a-b-c-d-----------------------      (capacity 2)
 * shard-0:    -a-b---------F-------------K----     (F Failed: down at once; K up for moveAfter)
 * shard-1:    -----c-d------------------------
 * shard-2:    ---------------ab-------------       (opened for a and b: shard-1 is full)
 * back:       ------------------------------ab     (a and b return to shard-0; shard-2 closes)
 * ```
 *
 * A subscription is registered on one shard at a time: a move takes it off the old shard first (no
 * longer replayed there; its `unsubscribe` written if that socket is up, and with `unsubscribeAck`
 * confirmed by the exchange) and makes it on the new one only then; it is never dropped on the way.
 * Moves happen only for a shard that is down (Failed, or not up for `moveAfter`) and back when it is
 * up again for `moveAfter`, never for balance alone: each move costs messages and a gap in that data,
 * so watch `moves$` and resync what the gap touched (an order book). A shard that carries nothing is
 * closed. Every shard shares the pool's connection budget, so opening shards cannot storm the exchange.
 *
 * @example
 * const pool = shardedPool<unknown, JsonObject>({ link: binanceSpot(), subscriptionsPerConnection: 200 });
 * for (const symbol of symbols) {
 *   const stream = `${symbol}@aggTrade`;
 *   pool.subscribe(
 *     { method: 'SUBSCRIBE', params: [stream], id: `sub-${stream}` },
 *     { unsubscribe: { method: 'UNSUBSCRIBE', params: [stream], id: `unsub-${stream}` } },
 *   );
 * }
 * const { gate$ } = tradeGate(pool);
 * pool.moves$.subscribe((move) => console.log(move.subscription, move.from, '→', move.to, move.reason));
 * // {"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],… 0 → 2 failover
 *
 * @param options The shards' `connect()` options, the cap, the rebalance mode, the budgets.
 * @returns The pool: `subscribe`, the merged and aggregated streams, `snapshot`, `close`.
 * @throws ConfigError when an option is invalid (a shard option is named `link.<field>`).
 */
export function shardedPool<In = unknown, Out = unknown>(options: ShardedPoolOptions<In, Out>): ShardedPool<In, Out> {
  const resolved = resolveShardedPoolOptions(options);
  const { capacity, rebalance, moveAfterMs, scheduler } = resolved;
  const driver = new ShardDriver<In, Out>({ open: shardOpener(resolved), capacity, rebalance, moveAfterMs, scheduler });
  const shards$ = driver.shards$.asObservable();
  const group = aggregateLinks(shards$, () => driver.shards$.value);
  // The gate judges the sockets the data rides on; the report counts every socket.
  const carrying = aggregateLinks(driver.carrying$.asObservable(), () => driver.carrying$.value);
  const config = strictestThresholds(driver.shards$.value.map(({ connection }) => connection));
  let closing: Promise<void> | undefined;

  return {
    capacity,
    config,
    messages$: shards$.pipe(switchMap((shards) => merge(...shards.map(({ connection }) => connection.messages$)))),
    status$: carrying.status$,
    quality$: carrying.quality$,
    ready$: carrying.ready$,
    stats$: group.stats$,
    latency$: group.latency$,
    events$: group.events$.pipe(map(({ name, event }) => ({ ...event, description: `${name}: ${event.description}` }))),
    shardEvents$: group.events$,
    moves$: driver.moves$,
    shards$,
    subscribe(message: MessageOrBuilder<Out>, subscription: ShardSubscriptionOptions<In, Out> = {}): ShardSubscription {
      if (closing) throw new SendError('closed', 'the pool is closed; subscription not placed');
      return shardSubscription(driver, message, subscription, () => closing !== undefined);
    },
    snapshot(): ShardedPoolSnapshot {
      const layout = driver.current;
      const { status, quality } = carrying.snapshot();
      return {
        ...group.snapshot(),
        status,
        quality,
        shards: [...layout.shards.keys()].map((id) => ({
          id,
          name: `shard-${id}`,
          health: driver.healthOf(id) ?? 'new',
          subscriptions: driver.namesOn(id),
        })),
        moving: [...layout.placements.values()].filter((placement) => placement.leaving !== undefined).length,
      };
    },
    close(): Promise<void> {
      closing ??= driver.close();
      return closing;
    },
  };
}

/**
 * Opens shard `shard` on the pool's budgets; a shard's bad option is named `link.<field>`, since the
 * pool's caller gave it as `link`.
 */
function shardOpener<In, Out>({
  base,
  linkAt,
  budget,
  messageBudget,
}: ResolvedShardedPoolOptions<In, Out>): (shard: number) => Connection<In, Out> {
  return (shard) => {
    const given = shard === 0 ? base : linkAt(shard);
    try {
      return connect({ ...given, budget, ...(messageBudget === undefined ? {} : { messageBudget }) });
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ConfigError(`link.${error.field}`, error.value, error.allowed, `link: ${error.message}`);
      }
      throw error;
    }
  };
}
