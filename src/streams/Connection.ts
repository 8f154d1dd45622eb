import type { Agent } from 'node:http';
import { Observable, ObservableInput, SchedulerLike, Subscription } from 'rxjs';
import { ClockOffsetEstimate } from '../model/clockOffset';
import { Codec } from '../model/Codec';
import { ConnectionEvent } from '../model/ConnectionEvent';
import { ConnectionQuality, QualityWarning } from '../model/ConnectionQuality';
import { ConnectionStats } from '../model/ConnectionStats';
import { ConnectionStatus } from '../model/ConnectionStatus';
import { LifelineConfig, LifelineConfigInput } from '../model/LifelineConfig';
import { ConnectionState } from '../model/ConnectionState';
import { FeedLagReading } from '../model/FeedLagReading';
import { Duration } from '../model/parseDuration';
import { Budget } from '../model/Budget';
import { PersistedState } from '../model/PersistedState';
import { Transport } from './Transport';
import {
  MessageOrBuilder,
  RequestOptions,
  SessionOptions,
  SubscriptionHandle,
  SubscriptionOptions,
  UrlFactory,
} from './SessionOptions';
import { TlsOptions } from './webSocketTransport';

/**
 * Everything `connect()` takes: the validated settings, the session that runs on the link, and the
 * parts that are code.
 */
export interface ConnectOptions<In = unknown, Out = unknown>
  extends Omit<LifelineConfigInput, 'url'>, SessionOptions<In, Out> {
  /**
   * The endpoint, `ws://` or `wss://`; a function deciding it before every attempt (a listen key, a
   * signed query string); or a list of these for failover: the first is preferred, the next is used
   * when the current one exhausts its retry budget. Required.
   */
  readonly url: string | UrlFactory | readonly (string | UrlFactory)[];
  /** A connection check run at start and every `checkInterval`, e.g. an account-info request. Optional. */
  readonly probe?: () => ObservableInput<unknown>;
  /** Encodes outbound and decodes inbound messages. Defaults to `jsonCodec`. */
  readonly codec?: Codec<In, Out>;
  /**
   * Subscriptions sent on every (re)connect after the handshake, before any queued message: messages,
   * or builders run afresh on each connect (a timestamp, a signature). The `acks` option says how the
   * server confirms them; `subscribe()` adds more, each with its own options. `NoInfer`: `Out` comes
   * from the type arguments or the codec, never from these, so subscribing with `{ method, channel }`
   * does not make every later `send()` of an order a type error.
   */
  readonly subscriptions?: readonly NoInfer<MessageOrBuilder<Out>>[];
  /**
   * Whether a failure is worth retrying; `attempt` is the 1-based retry about to be made. Defaults to
   * `defaultShouldRetry`: everything but an upgrade rejected with HTTP 400, 401, 403, 404 or 407 (proxy).
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** TLS options for `wss://`, e.g. `{ ca }`. */
  readonly tls?: TlsOptions;
  /**
   * The `http.Agent` sockets are opened through, for a proxy: `new HttpsProxyAgent(url)`
   * (`https-proxy-agent`, HTTP CONNECT) or `new SocksProxyAgent(url)` (`socks-proxy-agent`, SOCKS4/5),
   * or any `http.Agent`; or a function choosing one per endpoint URL (`undefined`: direct), e.g. by
   * `NO_PROXY`: called once per fixed URL when `connect()` starts, and for an endpoint given as a `url`
   * function on every attempt, with the URL it returned. Used by the default transport, on every
   * attempt. Defaults to none: direct connections.
   */
  readonly agent?: Agent | ((url: string) => Agent | undefined);
  /**
   * Opens sockets: a transport, or a function making one per endpoint URL (called once per fixed URL,
   * and on every attempt with the URL a `url` function returned). Defaults to `webSocketTransport`
   * (over `ws`) for each endpoint.
   */
  readonly transport?: Transport | ((url: string) => Transport);
  /**
   * A connection budget shared with other handles (a `WindowBudget`, or `redisBudget` for a fleet):
   * exchanges limit connections per IP. By default each handle has its own (`connectLimit` per
   * `connectLimitWindow`).
   */
  readonly budget?: Budget;
  /** Staleness watchdogs for the feeds on this link; durations as `'30s'` or ms. */
  readonly watchdogs?: readonly WatchdogOptions<In, NoInfer<Out>>[];
  /** State to start from, as `readStateFile(path)` returns it: totals and recent events survive a restart. */
  readonly restore?: RestoredState;
  /** Time for every timer and timestamp. Defaults to `asyncScheduler`; pass a TestScheduler in marble specs. */
  readonly scheduler?: SchedulerLike;
  /** Uniform random source in [0, 1) for backoff jitter. Defaults to `Math.random`. */
  readonly random?: () => number;
}

/**
 * A watched feed (see `FeedWatchdog`): stale when it stays silent for `staleAfter`, or, with
 * `timestampOf`, when its messages keep coming but late: their lag (receive time, corrected by the
 * clock offset to the exchange, minus the exchange's event time) stays past `maxLag` (see `feedLag`).
 * Give `staleAfter`, `timestampOf`, or both.
 */
export interface WatchdogOptions<In = unknown, Out = unknown> {
  /** A name for events, e.g. `'trades:BTC'`. */
  readonly name: string;
  /** Whether an inbound (decoded) message belongs to this feed. Runs on every message: keep it cheap. */
  readonly match: (message: In) => boolean;
  /**
   * Silence after which the feed is stale, e.g. `'30s'`. Required, unless `timestampOf` is given: then
   * it defaults to `Infinity` (silence not watched, the lag only).
   */
  readonly staleAfter?: Duration;
  /** Messages to send when it goes silent (e.g. unsubscribe, then subscribe). Not sent for lag. Optional. */
  readonly resubscribe?: readonly Out[];
  /**
   * The exchange's event time in a message of this feed, epoch milliseconds (e.g. Binance `E`, Bybit
   * `ts`, OKX `data[0].ts` as a number, Hyperliquid `time`); `undefined` for a message that carries
   * none. Called on a sample of the feed's messages (see `lagSampling`). Optional: without it the
   * lag is not watched.
   */
  readonly timestampOf?: (message: In) => number | undefined;
  /** Lag past which the feed is behind, with `timestampOf`. Defaults to `'1s'`. */
  readonly maxLag?: Duration;
  /** Lag at or under which a feed stale for its lag has caught up. Defaults to half of `maxLag`. */
  readonly recoverLag?: Duration;
  /**
   * How long the lag must stay past `maxLag`, message after message, before the feed is stale; a
   * gap between messages longer than this starts the count again. Defaults to `'3s'`.
   */
  readonly lagSustain?: Duration;
  /** Consecutive sampled messages past `maxLag` to go stale (and at or under `recoverLag` to recover). Defaults to `3`. */
  readonly lagSamples?: number;
  /** At most one message's lag is folded per this period (`0`: every message). Defaults to `'10ms'`. */
  readonly lagSampling?: Duration;
}

/** A state to restore, with the reason it could not be read, if so. */
export interface RestoredState {
  readonly state?: PersistedState;
  /** Why there is no state (missing, corrupt, half-written): becomes a warning event at start. */
  readonly warning?: string;
}

/** Per-message options of `send()`: how long it may wait for the link, and whether it may wait at all. */
export interface SendOptions {
  /** How long the message may wait for the link before it is rejected. Defaults to the `queueTtl` option. */
  readonly ttl?: Duration;
  /** `false`: reject at once while the link is down instead of queueing. Defaults to `true`. */
  readonly queue?: boolean;
}

/** One latency measurement. */
export interface LatencySample {
  readonly source: 'heartbeat' | 'probe';
  readonly latencyMs: number;
  /** Scheduler time, ms. */
  readonly at: number;
}

/** Everything known about the link at one moment, as plain data. */
export interface ConnectionSnapshot {
  readonly at: number;
  readonly status: ConnectionStatus;
  readonly state: ConnectionState;
  readonly quality: ConnectionQuality;
  readonly score: number;
  readonly warnings: readonly QualityWarning[];
  readonly stats: ConnectionStats;
  /** Total time without an open link, current outage included, ms. */
  readonly totalDowntime: number;
  readonly uptimePercentage: number;
  readonly reconnectSuccessRate: number;
  /** The last `maxEvents` events, oldest first. */
  readonly recentEvents: readonly ConnectionEvent[];
  /** Outbound messages waiting for the link. */
  readonly queued: number;
  /** The largest event-loop lag of this process over the last `sampleInterval`, ms. */
  readonly maxLagMs: number;
  /** The lag of each feed watched for it (`watchdogs` with `timestampOf`), as of the last sampling tick. */
  readonly feedLag: readonly FeedLagReading[];
  /**
   * The exchange's clock against ours, once a reply has carried its time (`correlation.serverTimeOf`):
   * the offset `exchangeNow()` adds, its uncertainty, the round trip it came from. Absent until then.
   */
  readonly clockOffset?: ClockOffsetEstimate;
}

/** The handle `connect()` returns. Its streams are hot: late subscribers get the current value. */
export interface Connection<In = unknown, Out = unknown> {
  /** The settings in force, after defaults. */
  readonly config: LifelineConfig;
  /** Inbound messages, decoded by the codec. Malformed ones become ErrorOccurred events instead. */
  readonly messages$: Observable<In>;
  /** The six-state status, distinct values only. */
  readonly status$: Observable<ConnectionStatus>;
  /** The status with its details: attempt n of N, next retry time, last error. */
  readonly state$: Observable<ConnectionState>;
  /** Connection events as they happen. `snapshot().recentEvents` has the last `maxEvents`. */
  readonly events$: Observable<ConnectionEvent>;
  readonly quality$: Observable<ConnectionQuality>;
  readonly stats$: Observable<ConnectionStats>;
  /** Round trips from the heartbeat and the probe. */
  readonly latency$: Observable<LatencySample>;
  /**
   * Whether the link is fit to trade on: open, outbound path confirmed, handshake done, every
   * acknowledged subscription confirmed, the `resync` hook resolved. Distinct values, the current one
   * replayed; false again the moment any of these stops holding, true again after every reconnect.
   */
  readonly ready$: Observable<boolean>;
  /**
   * How late this process's own timers run (event-loop lag), ms, sampled every `sampleInterval`: a
   * bot stalled by its own handlers is a risk of its own, kept out of the link's latency.
   */
  readonly lag$: Observable<number>;
  /**
   * The lag of the feeds watched for it (`watchdogs` with `timestampOf`): per feed, the last, smoothed,
   * recent max and p95 lag behind the exchange's own timestamps (corrected by the clock offset), ms,
   * and whether it is stale for it. Taken every `sampleInterval`, emitted only when a feed folded a
   * message since (not per message); the current value replayed (`[]` before any).
   *
   * ```
   * trades:    -t-t-t-t-t------------    (messages whose event times are 40 ms old)
   * feedLag$:  a----b----c-----------    (a [], b and c [{ feed: 'trades', lastMs: 40, … }]; idle: nothing)
   * ```
   */
  readonly feedLag$: Observable<readonly FeedLagReading[]>;
  /**
   * Sends a message: written at once while the link is ready and the socket takes it, else queued
   * (bounded, in order, flushed after the subscriptions on reconnect) for at most its `ttl`. Resolves
   * once the kernel has the bytes; rejects with a `SendError` saying why it never will (`closed`,
   * `overflow`, `expired`, `disconnected`, `encode`, `write`): never written late.
   */
  send(message: Out, options?: SendOptions): Promise<void>;
  /**
   * Sends a request with a fresh correlation id and resolves with its reply. Rejects with a
   * `RequestError` whose `outcome` says what the trader needs: `'notSent'` (no byte was written:
   * expired, closed, over budget) or `'unknown'` (written, then the link dropped or the timeout passed
   * with no reply), or `'rejected'` (the exchange answered with an error).
   */
  request<Reply = In>(message: Out, options?: RequestOptions): Promise<Reply>;
  /**
   * Adds a subscription: sent now if the link is up, and again (built afresh) on every reconnect until
   * unsubscribed; with an `ack`, confirmed or rejected by the server, its state in `state$`.
   */
  subscribe(message: MessageOrBuilder<Out>, options?: SubscriptionOptions<In, Out>): SubscriptionHandle;
  /**
   * Adds a message to re-send on every (re)connect, sending it now if the link is up. Unsubscribing
   * removes it and, if given and the link is up, sends `unsubscribeMessage`. (`subscribe` without an ack.)
   */
  addSubscription(message: Out, unsubscribeMessage?: Out): Subscription;
  /** The exchange's time now, ms: local time corrected by the measured clock offset (0 until measured). */
  exchangeNow(): number;
  /** The current state as plain data. */
  snapshot(): ConnectionSnapshot;
  /** Drops the link (if up) and connects again now with a fresh retry budget; also the way out of Failed. */
  reconnect(): void;
  /** Closes the link and releases every timer, listener and socket. Idempotent; resolves when the socket is closed. */
  close(): Promise<void>;
}
