// Generated from src/model/configFields.ts by spec/model/configFields.spec.ts
// (UPDATE_CONFIG_DOCS=1 npx jest spec/model/configFields.spec.ts rewrites it). Do not edit by hand.
import { Jitter } from './backoffDelay';
import { Duration } from './parseDuration';

/** The connection manager's settings as the user writes them. Every field but `url` is optional. */
export interface LifelineConfigInput {
  /**
   * The endpoint, `ws://` or `wss://`; or a list for failover: the first is preferred, the next is
   * used when the current one exhausts its retry budget. Required.
   */
  readonly url: string | readonly string[];
  /** On a fallback endpoint, how often to check whether the preferred one answers again; `Infinity` stays. Defaults to `'5m'`. */
  readonly failbackAfter?: Duration;
  /** New connections allowed in any window of `connectLimitWindow` (every attempt, retry, failover and failback probe counts); `Infinity` disables. Defaults to `30`. */
  readonly connectLimit?: number;
  /** The window of `connectLimit`. Defaults to `'60s'`. */
  readonly connectLimitWindow?: Duration;
  /** WebSocket subprotocols to offer. Defaults to `[]`. */
  readonly protocols?: string | readonly string[];
  /** Extra HTTP headers for the upgrade request (e.g. `Authorization`); printed redacted. Defaults to `{}`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Connect timeout: TCP, TLS and the WebSocket upgrade together. Defaults to `'10s'`. */
  readonly handshakeTimeout?: Duration;
  /** Largest inbound message in bytes; a larger one closes the link with 1009. Defaults to `16777216`. */
  readonly maxPayload?: number;
  /** How long a close handshake may take before the socket is destroyed. Defaults to `'1s'`. */
  readonly closeTimeout?: Duration;
  /** `ws`: protocol ping/pong frames. `app`: send `pingMessage` and take a frame matching `pongMatch` as the pong. Defaults to `'ws'`. */
  readonly ping?: 'ws' | 'app';
  /** The application ping, encoded by the codec (a string is sent as it is). Defaults to `{"method":"ping"}`. */
  readonly pingMessage?: unknown;
  /** An inbound text that answers the application ping: a substring, or a predicate. Defaults to `'pong'`. */
  readonly pongMatch?: string | ((text: string) => boolean);
  /** Time between pings (the longest, when adaptive). Defaults to `'30s'`. */
  readonly heartbeatInterval?: Duration;
  /** A ping unanswered this long, with no outbound progress either, leaves the outbound path unconfirmed: the link is Unstable, not ready, and sends wait in the queue. Defaults to `'5s'`. */
  readonly pongTimeout?: Duration;
  /** Silence (no pong, no data) after which the link is dead; more than the interval; the floor of the dynamic timeout. Defaults to `'60s'`. */
  readonly heartbeatTimeout?: Duration;
  /** Shorten the ping interval under stress, relax it when stable. Defaults to `true`. */
  readonly adaptiveHeartbeat?: boolean;
  /** Grow the heartbeat timeout with measured latency. Defaults to `true`. */
  readonly dynamicTimeout?: boolean;
  /** Time between connection checks (the `probe`). Defaults to `'60s'`. */
  readonly checkInterval?: Duration;
  /** How long a connection check may take before it counts as failed. Defaults to `'10s'`. */
  readonly probeTimeout?: Duration;
  /** Retries after a failure before the endpoint is given up; `Infinity` never gives up. Defaults to `5`. */
  readonly maxAttempts?: number;
  /** Delay before the first retry. Defaults to `'2s'`. */
  readonly initialDelay?: Duration;
  /** Cap on any retry delay. Defaults to `'60s'`. */
  readonly maxDelay?: Duration;
  /** Growth of the delay per retry. Defaults to `2`. */
  readonly factor?: number;
  /** `'none'`, `'full'`, `'equal'`, or a ratio 0–1 (± that share of the delay). Defaults to `0.2`. */
  readonly jitter?: Jitter;
  /** A link must stay up this long before the retry count resets, so a flapping link keeps backing off. Defaults to `'5s'`. */
  readonly resetOnSuccess?: Duration;
  /** After Failed, try once (per endpoint) this often; `Infinity` waits for `reconnect()`. Defaults to `'5m'`. */
  readonly recoveryInterval?: Duration;
  /** Score under which quality is not good. Defaults to `70`. */
  readonly qualityThreshold?: number;
  /** Average latency that raises a warning. Defaults to `'1000ms'`. */
  readonly latencyWarning?: Duration;
  /** Error rate (0–1) that raises a warning. Defaults to `0.1`. */
  readonly errorRateWarning?: number;
  /** Unstable this long forces a reconnect; `Infinity` never does. Defaults to `'60s'`. */
  readonly unstableTimeout?: Duration;
  /** How often inbound counters are sampled into throughput, uptime and quality. Defaults to `'1s'`. */
  readonly sampleInterval?: Duration;
  /** A gap in inbound data this long makes the next message a DataReceived ("resumed") event. Defaults to `'30s'`. */
  readonly dataSilence?: Duration;
  /** Raise QualityDegraded early (flagged `predicted`) when the latency trend will cross the warning. Defaults to `true`. */
  readonly prediction?: boolean;
  /** How far ahead the latency trend is projected. Defaults to `'60s'`. */
  readonly predictionHorizon?: Duration;
  /** How many recent latency samples the trend is fitted to. Defaults to `10`. */
  readonly predictionWindow?: number;
  /** From the socket opening to ready: one deadline that the handshake, the acknowledged subscriptions and the resync share; the step running when it passes fails the attempt. Defaults to `'15s'`. */
  readonly readyTimeout?: Duration;
  /** How long `request()` waits for a reply once written. Defaults to `'10s'`. */
  readonly requestTimeout?: Duration;
  /** Outbound messages allowed in any window of `messageLimitWindow` (handshakes, subscriptions, requests and sends all count); `Infinity` disables. Defaults to `Infinity`. */
  readonly messageLimit?: number;
  /** The window of `messageLimit`. Defaults to `'1s'`. */
  readonly messageLimitWindow?: Duration;
  /** Replace a socket this old before the exchange cuts it: the new one is made ready first, then the old one closed. Defaults to `Infinity`. */
  readonly maxConnectionAge?: Duration;
  /** The longest `Retry-After` honoured, from any rejected upgrade that is retried (a 429, a 503, …); the next attempt waits at least the server's time, up to this. Defaults to `'5m'`. */
  readonly maxRetryAfter?: Duration;
  /** Bytes buffered on the socket above which messages wait in lifeline's own queue, under their time-to-live, instead of in the socket's. Defaults to `16384`. */
  readonly highWaterMark?: number;
  /** How far the exchange's clock (measured from replies that carry its time) may be from ours before it is raised as an event. Defaults to `'1s'`. */
  readonly maxClockOffset?: Duration;
  /** Event-loop lag at which this process's stall is raised as an event; lag is kept out of latency samples whatever its size. Defaults to `'500ms'`. */
  readonly lagWarning?: Duration;
  /** Recent events kept. Defaults to `100`. */
  readonly maxEvents?: number;
  /** Outbound messages held while the link cannot take them; one more is rejected. Defaults to `1000`. */
  readonly queueSize?: number;
  /** Default time a message (or a request) may wait to be written (link down, not ready, backpressure) before it is rejected: never written late. Subscriptions are replayed, never expired. Defaults to `'5s'`. */
  readonly queueTtl?: Duration;
}
