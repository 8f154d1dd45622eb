import { Observable, of } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { Budget } from '../model/Budget';
import { WindowBudget } from '../model/WindowBudget';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { strictestRule } from '../model/strictestRule';
import { PoolQuality } from '../model/worstQuality';
import { aggregateLinks, strictestThresholds } from './aggregateLinks';
import type { GroupSnapshot, GroupThresholds, NamedLink, PoolEvent } from './aggregateLinks';
import { connect } from './connect';
import { Connection, ConnectOptions } from './Connection';

export type { PoolQuality } from '../model/worstQuality';
export type { PoolEvent } from './aggregateLinks';

/**
 * The links of a pool, by name: `{ market: { url: … }, user: { url: … } }`.
 *
 * Each link keeps its own message types, which are invariant (a codec both decodes `In` and encodes
 * `Out`), so no single `ConnectOptions<X, Y>` bounds them all.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PoolLinks = Readonly<Record<string, ConnectOptions<any, any>>>;

/** The open connections of a pool, by name, each typed after its own options. */
export type PoolConnections<L extends PoolLinks> = {
  readonly [K in keyof L]: L[K] extends ConnectOptions<infer In, infer Out> ? Connection<In, Out> : never;
};

/** Pool-wide options of `connectPool`: how the links share a connection budget. */
export interface ConnectPoolOptions {
  /**
   * The connection budget the links take their connection tokens from, since exchanges limit new
   * connections per IP or account, not per socket:
   * - `'shared'`: one new budget for the whole pool, as strict as the strictest link asks (the
   *   smallest `connectLimit` with the longest `connectLimitWindow`; 30 per 60 s by default);
   * - a `Budget` (a `WindowBudget`, or a fleet-wide `redisBudget`): that one, e.g. shared with links
   *   outside the pool;
   * - `'separate'`: each link its own, as `connect()` alone does.
   *
   * A link whose own options carry a `budget` keeps it. Defaults to `'shared'`.
   */
  readonly budget?: Budget | 'shared' | 'separate';
}

/** Everything known about a pool at one moment, as plain data. */
export type PoolSnapshot<Name extends string = string> = GroupSnapshot<Name>;

/** The handle `connectPool()` returns: the links, and their aggregate in the shape `tradeGate` takes. */
export interface ConnectionPool<L extends PoolLinks> {
  /** The open connections, by name: send orders on `connections.user`, read `connections.market.messages$`. */
  readonly connections: PoolConnections<L>;
  /** The link names, in the order given. */
  readonly names: readonly (keyof L & string)[];
  /**
   * The strictest quality thresholds of the links (highest `qualityThreshold`, lowest
   * `latencyWarning` and `errorRateWarning`), so `tradeGate(pool)` judges the worst link by them.
   */
  readonly config: GroupThresholds;
  /** The worst status of the links (see `statusesWorstFirst`): distinct, replayed; completes when every link is closed. */
  readonly status$: Observable<ConnectionStatus>;
  /** The worst link's quality, tagged with its name and score: replayed; completes when every link is closed. */
  readonly quality$: Observable<PoolQuality>;
  /** Every link's events as they happen, tagged with the link's name. Hot, not replayed. */
  readonly events$: Observable<PoolEvent<keyof L & string>>;
  /** The aggregate and every link's snapshot, as plain data. */
  snapshot(): PoolSnapshot<keyof L & string>;
  /** Closes every link. Idempotent; resolves when every socket is closed. */
  close(): Promise<void>;
}

/**
 * Opens several named connections at once — market data and user data, say — that share one
 * connection budget, and aggregates them so one trade gate can watch them all.
 *
 * `status$` is the worst status of the links, ranked
 * Failed > Disconnected > Reconnecting > Connecting > Unstable > Connected; `quality$` carries the
 * figures of the link with the lowest score. Both fit `tradeGate` directly, so the gate closes when
 * any link fails and reopens only when every link is Connected with good quality.
 *
 * ```
 * market:   a-K---------F------R--K--      (a Connecting, K Connected, R Reconnecting, F Failed)
 * user:     a---K--R--K-----------------
 * status$:  a---K--R--K-F------R--K--      (the worst of the two, distinct)
 * ```
 *
 * Each link is a full `connect()`: its own retries, heartbeat, failover and events; a bad option
 * throws a `ConfigError` naming the link (`user.heartbeatTimeout`), after closing the links already
 * opened. Closing one link on its own leaves the pool Disconnected; `close()` closes them all and
 * completes `status$` and `quality$`.
 *
 * @example
 * const pool = connectPool({
 *   market: { url: 'wss://api.example.com/ws/market', subscriptions: [{ subscribe: 'trades:BTC' }] },
 *   user: { url: 'wss://api.example.com/ws/user', headers: { Authorization: `Bearer ${token}` } },
 * });
 * const { gate$ } = tradeGate(pool, { closeOn: ['Failed', 'Disconnected'] });
 * pool.events$.subscribe(({ name, event }) => console.log(name, event.type));
 * // market Connected
 * // user Connected
 * await pool.close();
 *
 * @param links The options of each link, by name (see `ConnectOptions`).
 * @param options The budget the links share.
 * @returns The pool: `connections`, the aggregated `status$`, `quality$` and `events$`, `snapshot`, `close`.
 * @throws ConfigError when a link's options or the pool's are invalid.
 */
export function connectPool<L extends PoolLinks>(links: L, options: ConnectPoolOptions = {}): ConnectionPool<L> {
  if (typeof links !== 'object' || links === null || Array.isArray(links) || Object.keys(links).length === 0) {
    throw new ConfigError('links', links, 'an object of named link options, e.g. { market: { url }, user: { url } }');
  }
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', options, 'an object such as { budget }');
  }
  const { budget: budgetOption = 'shared' } = options;
  if (budgetOption !== 'shared' && budgetOption !== 'separate' && typeof budgetOption?.take !== 'function') {
    throw new ConfigError('budget', budgetOption, '"shared", "separate" or a Budget (e.g. a WindowBudget)');
  }
  type Name = keyof L & string;
  const names = Object.keys(links) as Name[];
  for (const name of names) {
    const link = links[name];
    if (typeof link !== 'object' || link === null) throw new ConfigError(name, link, 'connect() options with a url');
  }
  const shared =
    budgetOption === 'shared'
      ? new WindowBudget(
          strictestRule(
            names.map((name) => links[name] as ConnectOptions),
            'connect',
          ),
        )
      : budgetOption === 'separate'
        ? undefined
        : budgetOption;

  const opened: Array<[Name, Connection<unknown, unknown>]> = [];
  for (const name of names) {
    const link = links[name] as ConnectOptions;
    try {
      opened.push([name, connect({ ...link, budget: link.budget ?? shared })]);
    } catch (error) {
      for (const [, connection] of opened) void connection.close();
      if (error instanceof ConfigError) {
        throw new ConfigError(`${name}.${error.field}`, error.value, error.allowed, `${name}: ${error.message}`);
      }
      throw error;
    }
  }
  const connections = Object.fromEntries(opened) as unknown as PoolConnections<L>;
  const all = opened.map(([, connection]) => connection);
  const members: readonly NamedLink<Name>[] = opened.map(([name, connection]) => ({ name, connection }));
  const group = aggregateLinks(of(members), () => members);

  let closing: Promise<void> | undefined;
  return {
    connections,
    names,
    config: strictestThresholds(all),
    status$: group.status$,
    quality$: group.quality$,
    events$: group.events$,
    snapshot: () => group.snapshot(),
    close(): Promise<void> {
      closing ??= Promise.all(all.map((c) => c.close())).then(() => undefined);
      return closing;
    },
  };
}
