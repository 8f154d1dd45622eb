import { LifelineConfigInput } from '../model/LifelineConfigInput';
import { SessionOptions, UrlFactory } from '../streams/SessionOptions';

/** One published rule of an exchange, as a profile applies it: what, the value, and where it is written. */
export interface ProfileRule {
  /** What the rule is about, e.g. `'ping'`, `'idle cut'`, `'messages per connection'`. */
  readonly rule: string;
  /** The value as the exchange states it, e.g. `'10 per second, counting ping and pong frames'`. */
  readonly value: string;
  /** The page (or SDK source) that says so. */
  readonly source: string;
}

/** What a profile knows about its exchange that is not an option of `connect()`. */
export interface ProfileMetadata {
  /** The exchange and endpoint, e.g. `'Binance USDⓈ-M futures'`. */
  readonly exchange: string;
  /** Every rule the profile applies or documents, with its source. */
  readonly rules: readonly ProfileRule[];
  /**
   * The most subscriptions (streams, topics) one connection may hold, where the exchange caps them per
   * connection; a sharded pool opens as many sockets as this requires. Undefined: no per-connection cap.
   */
  readonly subscriptionsPerConnection?: number;
}

/**
 * An exchange's published rules as `connect()` options: a plain bundle to spread, and to override by
 * spreading after it.
 *
 * ```ts
 * connect({ ...okx({ channel: 'public' }), subscriptions: [tickers], heartbeatInterval: '10s' });
 * ```
 *
 * The settings (`ping`, `heartbeatInterval`, `connectLimit`, `messageLimit`, `maxConnectionAge`, …) and
 * the session (`handshake`, `acks`, `correlation`, `reconnectOn`, `fatalOn`, `ignoreFrames`) are ordinary
 * enumerable options, and `url` is the exchange's endpoint (a `UrlFactory` where it is decided per
 * attempt, as a Binance listen key is). The metadata (`exchange`, `rules`, `subscriptionsPerConnection`)
 * is non-enumerable: it reads like any property, but a spread leaves it behind, so `connect()`, which
 * refuses unknown options, sees only options.
 *
 * @example
 * const profile = hyperliquid();
 * profile.rules.find((r) => r.rule === 'idle cut')?.value; // '60 s without a message from the client'
 * Object.keys({ ...profile }).includes('rules');            // false
 */
export type ExchangeProfile<In = unknown, Out = unknown> = Partial<Omit<LifelineConfigInput, 'url'>> &
  SessionOptions<In, Out> &
  ProfileMetadata & {
    /** The exchange's endpoint for this profile (override it to connect elsewhere, e.g. a mock). */
    readonly url: string | UrlFactory;
  };
