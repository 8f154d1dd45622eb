import { SchedulerLike, asyncScheduler } from 'rxjs';
import { Budget } from '../model/Budget';
import { ConfigError } from '../model/ConfigError';
import { WindowBudget } from '../model/WindowBudget';
import { integer, oneOf } from '../model/configRules';
import { parseDuration } from '../model/parseDuration';
import { strictestRule } from '../model/strictestRule';
import { ConnectOptions } from './Connection';
import type { ShardedPoolOptions } from './shardedPool';

/** `shardedPool()`'s options, checked and with their defaults: nothing here has opened a shard. */
export interface ResolvedShardedPoolOptions<In, Out> {
  /** Shard 0's `connect()` options: the pool's defaults (cap, budgets, scheduler) come from them. */
  readonly base: ConnectOptions<In, Out>;
  /** Shard `shard`'s `connect()` options, as given. */
  readonly linkAt: (shard: number) => ConnectOptions<In, Out>;
  readonly capacity: number;
  readonly rebalance: 'move' | 'wait';
  readonly moveAfterMs: number;
  readonly budget: Budget;
  /** Undefined for `'separate'`: each shard keeps its own. */
  readonly messageBudget: Budget | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * Checks `shardedPool()`'s options in the order they were always checked, throwing a `ConfigError`
 * that names the first bad one, and fills in the defaults from the first shard's `connect()` options.
 * The shards' own options are checked when each opens (named `link.<field>` then).
 *
 * @example
 * const { capacity, moveAfterMs } = resolveShardedPoolOptions({ link: binanceSpot() });
 * // capacity: the profile's subscriptionsPerConnection; moveAfterMs: 5000
 */
export function resolveShardedPoolOptions<In, Out>(
  options: ShardedPoolOptions<In, Out>,
): ResolvedShardedPoolOptions<In, Out> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', options, 'an object such as { link, subscriptionsPerConnection }');
  }
  const { link, rebalance = 'move', moveAfter = '5s' } = options;
  const linkAt = (shard: number): ConnectOptions<In, Out> => (typeof link === 'function' ? link(shard) : link);
  if (typeof link !== 'function' && (typeof link !== 'object' || link === null)) {
    throw new ConfigError('link', link, 'connect() options with a url, or a function of the shard number giving them');
  }
  const base = linkAt(0);
  if (typeof base !== 'object' || base === null) throw new ConfigError('link', base, 'connect() options with a url');
  if (base.subscriptions !== undefined && base.subscriptions.length > 0) {
    throw new ConfigError('link.subscriptions', base.subscriptions, 'none: pool.subscribe() places each one');
  }
  const capacity = integer(
    'subscriptionsPerConnection',
    options.subscriptionsPerConnection ??
      (base as { readonly subscriptionsPerConnection?: unknown }).subscriptionsPerConnection,
    1,
  );
  oneOf('rebalance', rebalance, ['move', 'wait']);
  const moveAfterMs = parseDuration(moveAfter, 'moveAfter', { allowZero: true });
  const budget = options.budget ?? base.budget ?? new WindowBudget(strictestRule([base], 'connect'));
  if (typeof budget?.take !== 'function') throw new ConfigError('budget', budget, 'a Budget (e.g. a WindowBudget)');
  const messageBudget =
    options.messageBudget === 'separate'
      ? undefined
      : (options.messageBudget ?? base.messageBudget ?? new WindowBudget(strictestRule([base], 'message')));
  if (messageBudget !== undefined && typeof messageBudget.take !== 'function') {
    throw new ConfigError('messageBudget', options.messageBudget, '"separate" or a Budget (e.g. a WindowBudget)');
  }
  const scheduler: SchedulerLike = base.scheduler ?? asyncScheduler;
  return { base, linkAt, capacity, rebalance, moveAfterMs, budget, messageBudget, scheduler };
}
