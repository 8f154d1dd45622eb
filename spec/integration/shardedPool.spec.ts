import { Observable, filter, firstValueFrom, map, scan, take, timeout, toArray } from 'rxjs';
import { ShardMove, ShardedPool, ShardSubscription, shardedPool } from '../../src/index';
import { binanceSpot } from '../../src/profiles/binance';
import { JsonObject } from '../../src/profiles/JsonObject';
import { BinanceMock, BinanceMockOptions } from '../support/exchanges/binanceMock';
import { MockConnection } from '../support/exchanges/MockExchange';
import { FAST_RETRY } from '../support/exchanges/sessionConnect';

/**
 * Binance as its mock plays it, with a cap of 3 streams per connection (Binance's is 1024: more than
 * that disconnects), a switch that refuses one shard's sockets, and a watch that records, after every
 * message it takes, any stream two open connections carry at once.
 */
class CappedBinance extends BinanceMock {
  /** Shards (by the `shard` query parameter) whose upgrades are refused with 503. */
  readonly refused = new Set<string>();
  /** Every moment a stream was on two open connections, as `stream: connection, connection`. */
  readonly doubled: string[] = [];

  static override async start(options: BinanceMockOptions = {}): Promise<CappedBinance> {
    return new CappedBinance(options).start();
  }

  /** The streams each open connection carries, by shard. */
  carried(): Record<string, string[]> {
    const byShard: Record<string, string[]> = {};
    for (const connection of this.openConnections()) {
      byShard[connection.query.get('shard') ?? '?'] = [...streamsOf(connection)].sort();
    }
    return byShard;
  }

  /** Cuts one shard's socket and refuses its new ones, until `heal`. */
  cut(shard: number): void {
    this.refused.add(String(shard));
    for (const connection of this.openConnections()) {
      if (connection.query.get('shard') === String(shard)) connection.socket.terminate();
    }
  }

  heal(shard: number): void {
    this.refused.delete(String(shard));
  }

  protected override refuseUpgrade(path: string, query?: URLSearchParams): number | undefined {
    return this.refused.has(query?.get('shard') ?? '') ? 503 : super.refuseUpgrade(path);
  }

  protected override onText(connection: MockConnection, text: string): void {
    super.onText(connection, text);
    const holders = new Map<string, number[]>();
    for (const open of this.openConnections()) {
      for (const stream of streamsOf(open)) holders.set(stream, [...(holders.get(stream) ?? []), open.id]);
    }
    for (const [stream, ids] of holders) if (ids.length > 1) this.doubled.push(`${stream}: ${ids.join(', ')}`);
  }
}

function streamsOf(connection: MockConnection): readonly string[] {
  return (connection.state.streams as string[] | undefined) ?? [];
}

const STREAMS = ['btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt', 'dogeusdt', 'adausdt'].map(
  (symbol) => `${symbol}@aggTrade`,
);

/** Collects the next `count` moves of `reason`. */
function nextMoves(pool: ShardedPool, reason: ShardMove['reason'], count: number): Promise<ShardMove[]> {
  return firstValueFrom(
    pool.moves$.pipe(
      filter((move) => move.reason === reason),
      take(count),
      toArray(),
      timeout(10_000),
    ),
  );
}

/** Resolves when every subscription is active (now or later). */
function allActive(subscriptions: readonly ShardSubscription[]): Promise<unknown> {
  return Promise.all(
    subscriptions.map((subscription) =>
      firstValueFrom(
        subscription.state$.pipe(
          filter((state) => state === 'active'),
          timeout(10_000),
        ),
      ),
    ),
  );
}

/** Resolves once `source$` has said `value` after having said something else. */
function again<T>(source$: Observable<T>, value: T): Promise<unknown> {
  return firstValueFrom(
    source$.pipe(
      scan((seen: T[], each) => [...seen, each], []),
      map((seen) => seen.some((each) => each !== value) && seen[seen.length - 1] === value),
      filter(Boolean),
      timeout(10_000),
    ),
  );
}

describe('shardedPool against a Binance mock that caps streams per connection', () => {
  let mock: CappedBinance;
  let pool: ShardedPool<unknown, JsonObject> | undefined;

  beforeEach(async () => {
    mock = await CappedBinance.start({ scale: 0.1, streamLimit: 3 });
  });

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await mock.close();
  });

  function open(): { pool: ShardedPool<unknown, JsonObject>; subscriptions: ShardSubscription[] } {
    pool = shardedPool<unknown, JsonObject>({
      link: (shard) => ({
        ...binanceSpot({ baseUrl: mock.url }),
        url: `${mock.url}/ws?shard=${shard}`,
        ...FAST_RETRY,
        heartbeatInterval: '1500ms',
        heartbeatTimeout: '5s',
      }),
      subscriptionsPerConnection: 3,
      // Binance counts messages per connection: each shard its own budget.
      messageBudget: 'separate',
      moveAfter: '1s',
    });
    const subscriptions = STREAMS.map((stream) =>
      (pool as ShardedPool<unknown, JsonObject>).subscribe(
        { method: 'SUBSCRIBE', params: [stream], id: `sub-${stream}` },
        {
          name: stream,
          unsubscribe: { method: 'UNSUBSCRIBE', params: [stream], id: `unsub-${stream}` },
          unsubscribeAck: {
            match: (message) => ((message as JsonObject).id === `unsub-${stream}` ? 'ack' : undefined),
          },
        },
      ),
    );
    return { pool, subscriptions };
  }

  it('should spread the streams over as many sockets as the cap needs, and merge what they carry', async () => {
    const { pool, subscriptions } = open();
    await allActive(subscriptions);
    expect(mock.carried()).toEqual({
      0: ['btcusdt@aggTrade', 'ethusdt@aggTrade', 'solusdt@aggTrade'],
      1: ['bnbusdt@aggTrade', 'dogeusdt@aggTrade', 'xrpusdt@aggTrade'],
      2: ['adausdt@aggTrade'],
    });
    const trades = firstValueFrom(
      pool.messages$.pipe(
        filter((message) => (message as JsonObject).e === 'aggTrade'),
        map((message) => (message as JsonObject).s),
        take(STREAMS.length),
        toArray(),
        timeout(5000),
      ),
    );
    for (const stream of STREAMS) mock.publish(stream, { e: 'aggTrade', s: stream.split('@')[0] });
    expect((await trades).sort()).toEqual(STREAMS.map((stream) => stream.split('@')[0]).sort());
    expect(mock.log.filter((line) => line.includes('Too many streams'))).toEqual([]);
  });

  it('should move a failed socket’s streams to the others, and back when it recovers, never on two sockets', async () => {
    const { pool, subscriptions } = open();
    await allActive(subscriptions);
    const before = mock.carried();

    const failover = nextMoves(pool, 'failover', 3);
    mock.cut(1);
    expect((await failover).map(({ subscription, from, to }) => `${subscription} ${from}→${to}`)).toEqual([
      'bnbusdt@aggTrade 1→2', // shard 2 had room for two
      'xrpusdt@aggTrade 1→2',
      'dogeusdt@aggTrade 1→3', // and a new shard for the third
    ]);
    await allActive(subscriptions);
    expect(mock.carried()).toEqual({
      0: before[0],
      2: ['adausdt@aggTrade', 'bnbusdt@aggTrade', 'xrpusdt@aggTrade'],
      3: ['dogeusdt@aggTrade'],
    });

    const back = nextMoves(pool, 'return', 3);
    mock.heal(1);
    expect((await back).map(({ subscription, to }) => `${subscription} →${to}`).sort()).toEqual([
      'bnbusdt@aggTrade →1',
      'dogeusdt@aggTrade →1',
      'xrpusdt@aggTrade →1',
    ]);
    await allActive(subscriptions);
    expect(mock.carried()).toEqual(before); // and shard 3, empty, is closed
    expect(pool.snapshot().shards.map(({ id }) => id)).toEqual([0, 1, 2]);
    expect(mock.doubled).toEqual([]);
    expect(mock.log.filter((line) => line.includes('Too many streams'))).toEqual([]);
  }, 30_000);

  it('should come back whole after a server restart: every stream on exactly one socket', async () => {
    const { pool, subscriptions } = open();
    await allActive(subscriptions);
    const before = mock.carried();
    const ready = again(pool.ready$, true);
    await mock.restart();
    await ready;
    await allActive(subscriptions);
    expect(mock.carried()).toEqual(before);
    expect(mock.doubled).toEqual([]);
    expect(mock.log.filter((line) => line.includes('Too many streams'))).toEqual([]);
  }, 20_000);
});
