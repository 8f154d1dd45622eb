import { Observable, combineLatest, distinctUntilChanged, map, merge, shareReplay, switchMap } from 'rxjs';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionStats } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { LifelineConfig } from '../model/LifelineConfig';
import { poolStats } from '../model/poolStats';
import { PoolQuality, sameQuality, worstQuality } from '../model/worstQuality';
import { worstStatus } from '../model/worstStatus';
import { Connection, ConnectionSnapshot, LatencySample } from './Connection';

/** One link of a group, by name. */
export interface NamedLink<Name extends string = string> {
  readonly name: Name;
  // Each link keeps its own message types; the aggregate reads only what every link has.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly connection: Connection<any, any>;
}

/** A connection event, tagged with the name of the link it happened on. */
export interface PoolEvent<Name extends string = string> {
  readonly name: Name;
  readonly event: ConnectionEvent;
}

/** Everything known about a group of links at one moment, as plain data. */
export interface GroupSnapshot<Name extends string = string> {
  /** Scheduler time of the first link, ms. */
  readonly at: number;
  /** The worst status of the links. */
  readonly status: ConnectionStatus;
  /** The worst link's quality. */
  readonly quality: PoolQuality;
  /** The links' statistics added up (see `poolStats`): what `stats$` shows now. */
  readonly stats: ConnectionStats;
  /** Each link's own snapshot. */
  readonly links: Readonly<Record<Name, ConnectionSnapshot>>;
}

/** The quality thresholds a gate over a group judges it by. */
export type GroupThresholds = Pick<LifelineConfig, 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>;

/** A group of links seen as one, in the shape `tradeGate` and `reports` take. */
export interface LinkAggregate<Name extends string = string> {
  /** The worst status of the links (see `statusesWorstFirst`): distinct, replayed. */
  readonly status$: Observable<ConnectionStatus>;
  /** The worst link's quality, tagged with its name and score: replayed, new figures only. */
  readonly quality$: Observable<PoolQuality>;
  /** Whether every link is ready (see `Connection.ready$`): distinct, replayed. */
  readonly ready$: Observable<boolean>;
  /** The links' statistics as one (see `poolStats`): replayed. */
  readonly stats$: Observable<ConnectionStats>;
  /** Every link's round trips as they are measured. Hot. */
  readonly latency$: Observable<LatencySample>;
  /** Every link's events as they happen, tagged with the link's name. Hot. */
  readonly events$: Observable<PoolEvent<Name>>;
  /** The aggregate and every link's snapshot, as plain data. */
  snapshot(): GroupSnapshot<Name>;
}

/**
 * Aggregates a group of links — fixed (`connectPool`) or changing (`shardedPool`'s shards) — into one
 * view: the worst status, the weakest quality, ready only when all are, the statistics added up, and
 * every link's events and round trips merged.
 *
 * ```
 * links$:   L-------------M--------      (L = [a, b]; M = [a, b, c]: a shard opened)
 * a:        K-----------------------     (K Connected, R Reconnecting)
 * b:        --K----R--K-------------
 * c:                      a---K-----     (a Connecting)
 * status$:  a-K----R--K---a---K-----     (worst of the current links, distinct)
 * ```
 *
 * Each stream follows the current links: a change of the group resubscribes to the members' (hot,
 * replayed) streams. The streams complete when `links$` has completed and every link's have too: a
 * fixed group passes `of(links)` and completes when every link is closed.
 *
 * @example
 * const group = aggregateLinks(of([{ name: 'market', connection: market }, { name: 'user', connection: user }]), () => links);
 * tradeGate({ ...group, config: strictestThresholds([market, user]) });
 *
 * @param links$ The links of the group, every time they change (never an empty list).
 * @param current The links now, for `snapshot()`.
 * @returns The aggregate streams and `snapshot()`.
 */
export function aggregateLinks<Name extends string>(
  links$: Observable<readonly NamedLink<Name>[]>,
  current: () => readonly NamedLink<Name>[],
): LinkAggregate<Name> {
  const replayed = <T>(source: Observable<T>): Observable<T> =>
    source.pipe(shareReplay({ refCount: true, bufferSize: 1 }));
  const every = <T>(pick: (connection: Connection) => Observable<T>): Observable<T[]> =>
    links$.pipe(switchMap((links) => combineLatest(links.map(({ connection }) => pick(connection)))));
  const names = (): Name[] => current().map(({ name }) => name);
  return {
    status$: replayed(every((c) => c.status$).pipe(map(worstStatus), distinctUntilChanged())),
    quality$: replayed(
      every((c) => c.quality$).pipe(
        map((qualities) => worstQuality(names(), qualities)),
        distinctUntilChanged(sameQuality),
      ),
    ),
    ready$: replayed(
      every((c) => c.ready$).pipe(
        map((ready) => ready.every(Boolean)),
        distinctUntilChanged(),
      ),
    ),
    stats$: replayed(
      every((c) => c.stats$).pipe(map((stats) => poolStats(stats, current()[0]?.connection.snapshot().at ?? 0))),
    ),
    latency$: links$.pipe(switchMap((links) => merge(...links.map(({ connection }) => connection.latency$)))),
    events$: links$.pipe(
      switchMap((links) =>
        merge(...links.map(({ name, connection }) => connection.events$.pipe(map((event) => ({ name, event }))))),
      ),
    ),
    snapshot(): GroupSnapshot<Name> {
      const links = current();
      const snapshots = links.map(({ connection }) => connection.snapshot());
      return {
        at: (snapshots[0] as ConnectionSnapshot).at,
        status: worstStatus(snapshots.map((s) => s.status)),
        quality: worstQuality(
          links.map(({ name }) => name),
          snapshots.map((s) => s.quality),
        ),
        stats: poolStats(
          snapshots.map((s) => s.stats),
          (snapshots[0] as ConnectionSnapshot).at,
        ),
        links: Object.fromEntries(links.map(({ name }, i) => [name, snapshots[i]])) as Record<Name, ConnectionSnapshot>,
      };
    },
  };
}

/**
 * The strictest quality thresholds of some links (highest `qualityThreshold`, lowest
 * `latencyWarning` and `errorRateWarning`), so a gate over them judges the worst link by them.
 *
 * @example
 * strictestThresholds([market, user]); // { qualityThreshold: 80, latencyWarning: 800, errorRateWarning: 0.05 }
 *
 * @param connections The links (at least one).
 * @returns The thresholds.
 */
export function strictestThresholds(connections: readonly Pick<Connection, 'config'>[]): GroupThresholds {
  return {
    qualityThreshold: Math.max(...connections.map((c) => c.config.qualityThreshold)),
    latencyWarning: Math.min(...connections.map((c) => c.config.latencyWarning)),
    errorRateWarning: Math.min(...connections.map((c) => c.config.errorRateWarning)),
  };
}
