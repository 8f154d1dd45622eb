import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import {
  Observable,
  SchedulerLike,
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  firstValueFrom,
  fromEvent,
  map,
  of,
  race,
  take as first,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { Budget } from '../model/Budget';
import { BudgetUnavailableError, BudgetUnavailableReason } from '../model/BudgetUnavailableError';
import { ConfigError, describe } from '../model/ConfigError';
import { boolean, takeLimit } from '../model/configRules';
import { Duration, durationAllowed, parseDuration } from '../model/parseDuration';
import { OwnedRedisClient, RedisBudgetClient, loadIoredis } from './loadIoredis';

/** Where a `redisBudget` keeps its count, and its limit. */
export interface RedisBudgetConfig {
  /**
   * A `redis://` or `rediss://` URL (a client is created for it that never queues commands while Redis
   * is down, and closed by `close()`), or an ioredis client you already have (used as it is, never
   * closed; with its offline queue on, a take given up while Redis was down may still run once it is
   * back and use a slot for nothing — safe, but `enableOfflineQueue: false` avoids it). Required.
   */
  readonly redis: string | RedisBudgetClient;
  /**
   * The Redis key of the budget's sorted set. Every process that shares the budget uses the same key,
   * `limit`, `window` and `margin`. A second key, `<key>:started`, caches the server's start time; on
   * Redis Cluster give the key a hash tag (`'{bot}:connect'`) so both land in one slot. Required.
   */
  readonly key: string;
  /** Most takes in any window, across every process: a whole number >= 1, or `Infinity`. Required. */
  readonly limit: number;
  /** The window's length: milliseconds or a string such as `'1s'`, `'60s'`. Required. */
  readonly window: Duration;
  /**
   * How long a take may wait for Redis's answer; past it the take rejects with a
   * `BudgetUnavailableError` (and an answer that arrives later is not used). Milliseconds or a
   * Duration. Defaults to `'250ms'`.
   */
  readonly timeout?: Duration;
  /**
   * Added to the window in Redis: takes are counted over `window + margin`. A take is recorded at
   * Redis's time but used when its answer arrives (up to `timeout` later) and reaches the exchange
   * after a network trip whose length varies between processes, so the exchange may see two takes
   * closer together than Redis did. Must be >= `timeout`. Milliseconds or a Duration. Defaults to
   * `timeout + 250 ms` (250 ms covers one TCP retransmission, whose minimum timeout is 200 ms on Linux).
   */
  readonly margin?: Duration;
  /**
   * After the Redis server starts, takes wait until `window + margin` has passed since its start:
   * a restart (without persistence) forgets the takes just before it, which still count at the
   * exchange. It also holds the first takes after Redis boots. Turn off only when Redis persists every
   * write (`appendfsync always`) or nothing can have taken shortly before it started. Defaults to `true`.
   */
  readonly holdAfterRestart?: boolean;
  /** Measures how long Redis takes to answer, and times out. Defaults to `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** A `Budget` kept in Redis and shared by every process that uses its key. */
export interface RedisBudget extends Budget {
  /** The Redis key. */
  readonly key: string;
  /** How long a take waits for Redis, ms. */
  readonly timeoutMs: number;
  /** What Redis adds to the window, ms. */
  readonly marginMs: number;
  /**
   * Takes one slot if fewer than `limit` takes were recorded in the last `window + margin` of Redis's
   * clock. `now` is not used: Redis's own clock (`TIME`) decides, so hosts whose clocks disagree
   * still share one timeline.
   *
   * @returns 0 to go now, else the ms to wait before taking again (nothing was taken). Rejects with a
   *   `BudgetUnavailableError` when Redis does not answer within `timeout`: send nothing then.
   */
  take(now?: number): Promise<number>;
  /** Stops taking (later takes reject) and closes the Redis connection if this budget opened it. */
  close(): Promise<void>;
}

/** The name the take script is registered under on the client (versioned: the script may change). */
const COMMAND = 'lifelineBudgetTake1';

/**
 * One take, atomic, on Redis's clock. Times are microseconds of Redis `TIME`.
 * KEYS[1]: the log, a sorted set of take times. KEYS[2]: the server's start time, cached.
 * ARGV: limit, span (window + margin, ms), a member suffix unique to the caller, '1' to hold after a restart.
 * Returns 0 when the take was recorded, else the ms until one may be.
 */
const SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local limit = tonumber(ARGV[1])
local spanMs = tonumber(ARGV[2])
local span = spanMs * 1000
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
if ARGV[4] == '1' then
  local cached = redis.call('GET', KEYS[2])
  local started = cached and tonumber(cached)
  if not started then
    local uptime = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)'))
    -- Uptime counts whole seconds: the start is at most 1 s after now - uptime, and later is the safe side.
    started = now - (uptime - 1) * 1000000
    redis.call('SET', KEYS[2], string.format('%.0f', started), 'PX', 3600000)
  end
  if now < started + span then return math.ceil((started + span - now) / 1000) end
end
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > now then
  -- Redis's clock stepped back: move every take back with it, so the step counts as no time passing.
  local ahead = tonumber(newest[2]) - now
  local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    redis.call('ZADD', KEYS[1], string.format('%.0f', tonumber(all[i + 1]) - ahead), all[i])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - span))
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), clock[1] .. '.' .. clock[2] .. '-' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], spanMs)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return math.ceil((tonumber(oldest[2]) + span - now) / 1000)
`;

type TakeCommand = (...args: Array<string | number>) => Promise<unknown>;

/**
 * A budget shared by every process — on one host or many — that uses the same Redis key: never more
 * than `limit` takes in any window of `window` across all of them. Exchanges limit connections and
 * messages per IP; a fleet of bots behind one egress IP needs one count, not one each.
 *
 * Each take runs one Lua script, atomically: drop the takes older than `window + margin`, and record
 * this one if fewer than `limit` remain (a sliding window log in a sorted set, on Redis's own clock,
 * so skewed host clocks do not matter; the key expires once idle). Fails closed: a take that Redis
 * does not answer within `timeout` — down, unreachable, slow — rejects with a
 * `BudgetUnavailableError`, never queues, and works again once Redis is back. After a Redis restart,
 * takes wait one `window + margin` (see `holdAfterRestart`).
 *
 * ```
 * limit 2, window 1s, margin 500ms — process A and B, Redis time in ms
 * A take @0     → 0      B take @100  → 0
 * A take @200   → 1300   (the take at 0 leaves window + margin at 1500)
 * B take @1500  → 0
 * Redis down:   take → rejects within timeout (BudgetUnavailableError): send nothing
 * ```
 *
 * @example
 * import { redisBudget } from 'lifeline-ws/redis';
 * // Hyperliquid: 2000 messages per minute per IP, shared by every bot process behind it.
 * const messages = redisBudget({ redis: 'redis://10.0.0.5:6379', key: 'hl:messages', limit: 2000, window: '60s' });
 * const wait = await messages.take(); // 0: send now; > 0: ask again in `wait` ms; rejects: Redis is gone, send nothing
 * await messages.close();
 *
 * @param config Where and what to count; a bad value throws a `ConfigError` naming the field.
 * @param load The module loader for ioredis (an optional peer dependency). Defaults to `require`.
 * @returns The budget; `close()` it when done.
 * @throws MissingPeerError when given a URL and ioredis is not installed.
 */
export function redisBudget(config: RedisBudgetConfig, load: (id: string) => unknown = require): RedisBudget {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('redisBudget', config, "an object such as { redis: 'redis://…', key, limit, window }");
  }
  const { redis, key, holdAfterRestart = true, scheduler = asyncScheduler } = config;
  const { limit, windowMs, timeoutMs, marginMs } = budgetLimits(config);
  if (typeof key !== 'string' || key === '') throw new ConfigError('key', key, 'a non-empty string');
  boolean('holdAfterRestart', holdAfterRestart);
  const client = clientFor(redis, timeoutMs, load);
  const owned = typeof redis === 'string' ? (client as OwnedRedisClient) : undefined;
  // Why the owned client is down, for the error a take rejects with; ioredis would log it otherwise.
  let lastError: unknown;
  if (owned) {
    owned.addListener('error', (error) => (lastError = error));
    owned.addListener('ready', () => (lastError = undefined));
  }
  if (typeof (client as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
    client.defineCommand(COMMAND, { numberOfKeys: 2, lua: SCRIPT });
  }
  const command = (client as unknown as Record<string, TakeCommand>)[COMMAND] as TakeCommand;
  const spanMs = Math.ceil(windowMs + marginMs);
  const nonce = randomBytes(6).toString('hex');
  let taken = 0;
  let closed = false;

  const unavailable = (reason: BudgetUnavailableReason, cause?: unknown): BudgetUnavailableError =>
    new BudgetUnavailableError(key, 'Redis', reason, timeoutMs, cause);
  const ready$ = defer(() =>
    client.status === 'ready' ? of(undefined) : fromEvent(client, 'ready').pipe(first(1)),
  ) as Observable<unknown>;

  const take = (): Promise<number> => {
    if (closed) return Promise.reject(unavailable('closed'));
    if (limit === Infinity) return Promise.resolve(0);
    const startedAt = scheduler.now();
    const member = `${nonce}:${(taken++).toString(36)}`;
    const answer$ = ready$.pipe(
      concatMap(() => command.call(client, key, `${key}:started`, limit, spanMs, member, holdAfterRestart ? '1' : '0')),
      timeout({
        first: timeoutMs,
        scheduler,
        with: () => throwError(() => (lastError ? unavailable('error', lastError) : unavailable('timeout'))),
      }),
      map((reply) => {
        // A late answer is refused even if the timer has not fired yet (e.g. after an event-loop stall):
        // the margin only covers takes used within `timeout` of Redis recording them.
        if (scheduler.now() - startedAt > timeoutMs) throw unavailable('timeout');
        if (typeof reply !== 'number' || !(reply >= 0)) {
          throw unavailable('error', new Error(`unexpected reply ${describe(reply)}`));
        }
        return reply;
      }),
      catchError((error: unknown) =>
        throwError(() => (error instanceof BudgetUnavailableError ? error : unavailable('error', error))),
      ),
    );
    return firstValueFrom(answer$);
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (!owned || owned.status === 'end') return;
    // Between reconnects there is no socket left to close, and so no 'end' to wait for.
    const ended =
      owned.status === 'reconnecting'
        ? undefined
        : firstValueFrom(race(fromEvent(owned, 'end'), timer(timeoutMs, scheduler)));
    owned.disconnect();
    await ended;
  };

  return { limit, windowMs, key, timeoutMs, marginMs, take, close };
}

/** The limit and the three spans, checked: `margin` must cover `timeout` (and defaults to 250 ms more). */
function budgetLimits(config: RedisBudgetConfig): Pick<RedisBudget, 'limit' | 'windowMs' | 'timeoutMs' | 'marginMs'> {
  const limit = takeLimit('limit', config.limit);
  const windowMs = parseDuration(config.window, 'window', { allowZero: false });
  const timeoutMs = parseDuration(config.timeout ?? 250, 'timeout', { allowZero: false });
  const marginMs = parseDuration(config.margin ?? timeoutMs + 250, 'margin');
  if (marginMs < timeoutMs) {
    throw new ConfigError(
      'margin',
      config.margin,
      `${durationAllowed()}, and >= timeout (${timeoutMs} ms): a take may be used up to timeout after Redis recorded it`,
    );
  }
  return { limit, windowMs, timeoutMs, marginMs };
}

/** The client to use: the given one, or a new one for a URL, set to fail fast rather than queue. */
function clientFor(redis: unknown, timeoutMs: number, load: (id: string) => unknown): RedisBudgetClient {
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) throw new ConfigError('redis', redis, allowedRedis);
    const Redis = loadIoredis(load);
    const options = {
      // A take must fail at once while Redis is down, never wait in a queue and run later.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(2000, timeoutMs),
      // Keep reconnecting, at most a second apart, so takes work again soon after Redis is back.
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 4), 1000),
    } satisfies RedisOptions;
    return new Redis(redis, options);
  }
  const candidate = redis as Partial<RedisBudgetClient> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.defineCommand !== 'function' ||
    typeof candidate.addListener !== 'function' ||
    typeof candidate.status !== 'string'
  ) {
    throw new ConfigError('redis', redis, allowedRedis);
  }
  return candidate as RedisBudgetClient;
}

const allowedRedis = 'a redis:// or rediss:// URL, or an ioredis client';
