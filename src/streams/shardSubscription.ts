import { distinctUntilChanged, first, of, shareReplay, switchMap } from 'rxjs';
import { MessageOrBuilder, SubscriptionState } from './SessionOptions';
import { ShardDriver, ShardSubscriptionOptions } from './ShardDriver';
import type { ShardSubscription } from './shardedPool';

/**
 * Places a subscription with the pool's driver and gives its handle: its state on whichever shard
 * carries it now (pending while it has none, as while it moves), settled like `Connection.subscribe`'s.
 *
 * ```
 * registration:  u--0---------u---2------    (u none: being placed, or moving; 0, 2 the shard carrying it)
 * state$:        p-----a------p-------a--    (p pending, a active: the carrying shard's verdict)
 * ```
 *
 * @example
 * const handle = shardSubscription(driver, { method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 1 }, {}, () => false);
 * await handle.active; // confirmed, on handle.shard
 *
 * @param closed Whether the pool is closing: its subscriptions are then on no shard.
 */
export function shardSubscription<In, Out>(
  driver: ShardDriver<In, Out>,
  message: MessageOrBuilder<Out>,
  options: ShardSubscriptionOptions<In, Out>,
  closed: () => boolean,
): ShardSubscription {
  const { key, entry } = driver.add(message, options);
  const state$ = entry.registration.pipe(
    switchMap((registration) =>
      registration === undefined
        ? of<SubscriptionState>('pending')
        : (registration.handle?.state$ ?? of<SubscriptionState>('rejected')),
    ),
    distinctUntilChanged(),
    shareReplay({ refCount: true, bufferSize: 1 }),
  );
  // As `Connection.subscribe`'s: settled by the first verdict, on whichever shard; never, if removed first.
  const active = new Promise<void>((resolve, reject) => {
    state$.pipe(first((state) => state !== 'pending')).subscribe({
      next: (state) => (state === 'active' ? resolve() : reject(new Error(`subscription ${entry.name} rejected`))),
      error: () => undefined,
    });
  });
  active.catch(() => undefined);
  let removed = false;
  return {
    get name() {
      return entry.name ?? '';
    },
    get shard() {
      return removed || closed() ? undefined : entry.registration.value?.shard;
    },
    state$,
    active,
    unsubscribe: () => {
      removed = true;
      driver.remove(key);
    },
  };
}
