import {
  EMPTY,
  Observable,
  OperatorFunction,
  SchedulerLike,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  map,
  of,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { ShardHealth } from '../model/shardLayout';

/** What a status says about the socket: up (Connected, Unstable), Failed, or gone for now. */
type Liveness = 'live' | 'failed' | 'gone';

/**
 * Judges a shard from its link's status, as a sharded pool moves subscriptions by it: `'down'` when
 * the link has Failed, or has not been up (Connected or Unstable) for `moveAfterMs` without a break;
 * `'up'` at its first connection, and after being down only once it has been up for `moveAfterMs`
 * without a break. Emits only changes.
 *
 * ```
 * status:  a-K-D-R------------K-----------D-R-K---      (a Connecting, K Connected, D Disconnected, R Reconnecting)
 * result:  --u-----------d--------------u---------      (moveAfterMs 10: down 10 after D; up 10 after K)
 * ```
 *
 * The bound keeps blips from moving anything: a drop that the link's own immediate retry repairs
 * costs no move, and a flapping link must stay up for the same bound before its subscriptions return.
 * Failed is down at once: the link has given up its retry budget. A new shard that never comes up
 * is down after the bound too.
 *
 * @example
 * link.status$.pipe(shardHealth(5000, scheduler)).subscribe((health) => console.log(health));
 * // up
 * // down      (5 s after the link dropped and did not come back)
 *
 * @param moveAfterMs How long a link must be not up before it is down, and up before it is up again, ms.
 * @param scheduler Times the bound. Defaults to `asyncScheduler`.
 * @returns An operator from statuses to health changes; keeps its state per subscription.
 */
export function shardHealth(
  moveAfterMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<ConnectionStatus, Exclude<ShardHealth, 'new'>> {
  return (status$) =>
    defer(() => {
      let judged: ShardHealth = 'new';
      const after = (health: Exclude<ShardHealth, 'new'>): Observable<Exclude<ShardHealth, 'new'>> =>
        timer(moveAfterMs, scheduler).pipe(map(() => health));
      return status$.pipe(
        map(livenessOf),
        distinctUntilChanged(),
        switchMap((liveness) => {
          if (liveness === 'live')
            return judged === 'down' ? after('up') : judged === 'new' ? of('up' as const) : EMPTY;
          if (judged === 'down') return EMPTY;
          return liveness === 'failed' ? of('down' as const) : after('down');
        }),
        tap((health) => (judged = health)),
      );
    });
}

function livenessOf(status: ConnectionStatus): Liveness {
  if (status === ConnectionStatus.Connected || status === ConnectionStatus.Unstable) return 'live';
  return status === ConnectionStatus.Failed ? 'failed' : 'gone';
}
