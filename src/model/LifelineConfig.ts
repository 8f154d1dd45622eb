import { Jitter } from './backoffDelay';
import { ConfigError } from './ConfigError';
import { attempts, boolean, factor, integer, jitter, oneOf, range } from './configRules';
import { Duration, parseDuration } from './parseDuration';

/** How the heartbeat pings: WebSocket protocol ping frames, or an application message. */
export type PingMode = 'ws' | 'app';

/** The connection manager's settings as the user writes them. Every field but `url` is optional. */
export interface LifelineConfigInput {
  /**
   * The endpoint, `ws://` or `wss://`; or a list for failover: the first is preferred, the next is
   * used when the current one exhausts its retry budget. Required.
   */
  readonly url: string | readonly string[];
  /** On a fallback endpoint, how often to check whether the preferred one is back; `Infinity` stays. Defaults to `'5m'`. */
  readonly failbackAfter?: Duration;
  /** New connections allowed per `connectLimitWindow` (every attempt, retry and failover counts); `Infinity` disables. Defaults to `30`. */
  readonly connectLimit?: number;
  /** The window of `connectLimit`. Defaults to `'60s'`. */
  readonly connectLimitWindow?: Duration;
  /** WebSocket subprotocols to offer. Defaults to none. */
  readonly protocols?: string | readonly string[];
  /** Extra HTTP headers for the upgrade request (e.g. `Authorization`). Printed redacted. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Connect timeout: TCP, TLS and the WebSocket upgrade together. Defaults to `'10s'`. */
  readonly handshakeTimeout?: Duration;
  /** Largest inbound message in bytes; a larger one closes the link with 1009. Defaults to 16 MiB. */
  readonly maxPayload?: number;
  /** How long a close handshake may take before the socket is destroyed. Defaults to `'1s'`. */
  readonly closeTimeout?: Duration;

  /** `'ws'`: protocol ping/pong frames (default). `'app'`: send `pingMessage`, match `pongMatch`. */
  readonly ping?: PingMode;
  /** The application ping, encoded by the codec (a string is sent as is). Defaults to `{"method":"ping"}`. */
  readonly pingMessage?: unknown;
  /** An inbound text that answers the application ping: a substring or a predicate. Defaults to `'pong'`. */
  readonly pongMatch?: string | ((text: string) => boolean);
  /** Time between pings (the longest, when adaptive). Defaults to `'30s'`. */
  readonly heartbeatInterval?: Duration;
  /** Silence (no pong, no data) after which the link is dead; more than the interval; the floor of the dynamic timeout. Defaults to `'60s'`. */
  readonly heartbeatTimeout?: Duration;
  /** Shorten the ping interval under stress, relax it when stable. Defaults to `true`. */
  readonly adaptiveHeartbeat?: boolean;
  /** Grow the heartbeat timeout with measured latency. Defaults to `true`. */
  readonly dynamicTimeout?: boolean;

  /** Time between latency probes (connection checks). Defaults to `'60s'`. */
  readonly checkInterval?: Duration;
  /** How long a probe may take before it counts as failed. Defaults to `'10s'`. */
  readonly probeTimeout?: Duration;

  /** Retries after a failure before the link is Failed; `Infinity` never gives up. Defaults to `5`. */
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
  readonly minUptime?: Duration;
  /** After Failed, try one connection this often; `Infinity` waits for `reconnect()`. Defaults to `'5m'`. */
  readonly recoveryInterval?: Duration;

  /** Score under which quality is not good (0–100). Defaults to `70`. */
  readonly qualityThreshold?: number;
  /** Average latency that raises a warning. Defaults to `'1000ms'`. */
  readonly latencyWarning?: Duration;
  /** Error rate (0–1) that raises a warning. Defaults to `0.1`. */
  readonly errorRateWarning?: number;
  /** Unstable this long forces a reconnect; `Infinity` never does. Defaults to `'60s'`. */
  readonly unstableTimeout?: Duration;
  /** How often inbound counters are sampled into throughput and quality. Defaults to `'1s'`. */
  readonly sampleInterval?: Duration;
  /** A gap in inbound data this long makes the next message a DataReceived ("resumed") event. Defaults to `'30s'`. */
  readonly dataSilence?: Duration;

  /** Raise QualityDegraded early (flagged predicted) when the latency trend will cross the warning. Defaults to `true`. */
  readonly prediction?: boolean;
  /** How far ahead the latency trend is projected. Defaults to `'60s'`. */
  readonly predictionHorizon?: Duration;
  /** How many recent latency samples the trend is fitted to (>= 3). Defaults to `10`. */
  readonly predictionWindow?: number;

  /** Recent events kept. Defaults to `100`. */
  readonly maxEvents?: number;
  /** Outbound messages held while disconnected; one more is rejected. Defaults to `1000`. */
  readonly queueSize?: number;
  /** Default time a queued message may wait before it is rejected; `Infinity` waits. Defaults to `Infinity`. */
  readonly queueTtl?: Duration;
}

/** The settings after defaults and validation: durations in milliseconds. */
export interface LifelineConfig {
  /** The preferred endpoint (the first of `urls`). */
  readonly url: string;
  /** Every endpoint, preferred first. */
  readonly urls: readonly string[];
  readonly failbackAfter: number;
  readonly connectLimit: number;
  readonly connectLimitWindow: number;
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly handshakeTimeout: number;
  readonly maxPayload: number;
  readonly closeTimeout: number;
  readonly ping: PingMode;
  readonly pingMessage: unknown;
  /** An inbound text that answers the application ping: a substring or a predicate. */
  readonly pongMatch: string | ((text: string) => boolean);
  readonly heartbeatInterval: number;
  readonly heartbeatTimeout: number;
  readonly adaptiveHeartbeat: boolean;
  readonly dynamicTimeout: boolean;
  readonly checkInterval: number;
  readonly probeTimeout: number;
  readonly maxAttempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly jitter: Jitter;
  readonly minUptime: number;
  readonly recoveryInterval: number;
  readonly qualityThreshold: number;
  readonly latencyWarning: number;
  readonly errorRateWarning: number;
  readonly unstableTimeout: number;
  readonly sampleInterval: number;
  readonly dataSilence: number;
  readonly prediction: boolean;
  readonly predictionHorizon: number;
  readonly predictionWindow: number;
  readonly maxEvents: number;
  readonly queueSize: number;
  readonly queueTtl: number;
}

/** The defaults, from the seed where it has one. */
export const defaultConfig: Omit<LifelineConfig, 'url' | 'urls'> = {
  failbackAfter: 300_000,
  connectLimit: 30,
  connectLimitWindow: 60_000,
  protocols: [],
  headers: {},
  handshakeTimeout: 10_000,
  maxPayload: 16 * 1024 * 1024,
  closeTimeout: 1000,
  ping: 'ws',
  pingMessage: { method: 'ping' },
  pongMatch: 'pong',
  heartbeatInterval: 30_000,
  heartbeatTimeout: 60_000,
  adaptiveHeartbeat: true,
  dynamicTimeout: true,
  checkInterval: 60_000,
  probeTimeout: 10_000,
  maxAttempts: 5,
  initialDelay: 2000,
  maxDelay: 60_000,
  factor: 2,
  jitter: 0.2,
  minUptime: 5000,
  recoveryInterval: 300_000,
  qualityThreshold: 70,
  latencyWarning: 1000,
  errorRateWarning: 0.1,
  unstableTimeout: 60_000,
  sampleInterval: 1000,
  dataSilence: 30_000,
  prediction: true,
  predictionHorizon: 60_000,
  predictionWindow: 10,
  maxEvents: 100,
  queueSize: 1000,
  queueTtl: Infinity,
};

const configFields = new Set<string>(['url', ...Object.keys(defaultConfig)]);

/** A connection limit: a whole number >= 1, or Infinity. */
function attemptsOrInfinity(field: string, value: unknown): number {
  const n = attempts(field, value);
  if (n < 1) throw new ConfigError(field, value, 'a whole number >= 1, or Infinity');
  return n;
}

/** The names every config field accepts, for error messages and the CLI. */
export const configFieldNames: readonly string[] = [...configFields];

/**
 * Applies the defaults and validates every field, throwing a `ConfigError` that names the first bad
 * field, the value given and what is allowed. Unknown fields are errors too: a typo must not
 * silently leave a default in force.
 */
export function resolveConfig(input: LifelineConfigInput): LifelineConfig {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('config', input, 'an object with at least a url');
  }
  for (const key of Object.keys(input)) {
    if (!configFields.has(key))
      throw new ConfigError(
        key,
        (input as unknown as Record<string, unknown>)[key],
        `a known option: ${configFieldNames.join(', ')}`,
        `Unknown option ${key}; known options: ${configFieldNames.join(', ')}`,
      );
  }
  const pick = <K extends keyof LifelineConfigInput>(key: K): unknown =>
    input[key] === undefined ? (defaultConfig as Record<string, unknown>)[key] : input[key];
  const duration = (key: keyof LifelineConfigInput, allowZero = true, allowInfinity = false): number =>
    parseDuration(pick(key), key, { allowZero, allowInfinity });

  const urls = endpoints(input.url);
  const config: LifelineConfig = {
    url: urls[0] as string,
    urls,
    failbackAfter: duration('failbackAfter', false, true),
    connectLimit: attemptsOrInfinity('connectLimit', pick('connectLimit')),
    connectLimitWindow: duration('connectLimitWindow', false),
    protocols: protocols(pick('protocols')),
    headers: headers(pick('headers')),
    handshakeTimeout: duration('handshakeTimeout', false),
    maxPayload: integer('maxPayload', pick('maxPayload'), 1),
    closeTimeout: duration('closeTimeout'),
    ping: oneOf('ping', pick('ping'), ['ws', 'app'] as const),
    pingMessage: pick('pingMessage'),
    pongMatch: pongMatch(pick('pongMatch')),
    heartbeatInterval: duration('heartbeatInterval', false),
    heartbeatTimeout: duration('heartbeatTimeout', false),
    adaptiveHeartbeat: boolean('adaptiveHeartbeat', pick('adaptiveHeartbeat')),
    dynamicTimeout: boolean('dynamicTimeout', pick('dynamicTimeout')),
    checkInterval: duration('checkInterval', false),
    probeTimeout: duration('probeTimeout', false),
    maxAttempts: attempts('maxAttempts', pick('maxAttempts')),
    initialDelay: duration('initialDelay'),
    maxDelay: duration('maxDelay'),
    factor: factor('factor', pick('factor')),
    jitter: jitter('jitter', pick('jitter')),
    minUptime: duration('minUptime'),
    recoveryInterval: duration('recoveryInterval', false, true),
    qualityThreshold: range('qualityThreshold', pick('qualityThreshold'), 0, 100),
    latencyWarning: duration('latencyWarning', false),
    errorRateWarning: range('errorRateWarning', pick('errorRateWarning'), 0, 1),
    unstableTimeout: duration('unstableTimeout', false, true),
    sampleInterval: duration('sampleInterval', false),
    dataSilence: duration('dataSilence', false),
    prediction: boolean('prediction', pick('prediction')),
    predictionHorizon: duration('predictionHorizon', false),
    predictionWindow: integer('predictionWindow', pick('predictionWindow'), 3),
    maxEvents: integer('maxEvents', pick('maxEvents'), 1),
    queueSize: integer('queueSize', pick('queueSize'), 0),
    queueTtl: duration('queueTtl', false, true),
  };
  // Equal would time out a quiet, healthy link at every ping: the pong needs time to come back.
  if (config.heartbeatTimeout <= config.heartbeatInterval) {
    throw new ConfigError(
      'heartbeatTimeout',
      input.heartbeatTimeout ?? config.heartbeatTimeout,
      `a duration > heartbeatInterval (${shown(input.heartbeatInterval, config.heartbeatInterval)})`,
      `heartbeatTimeout (${shown(input.heartbeatTimeout, config.heartbeatTimeout)}) must be > heartbeatInterval (${shown(input.heartbeatInterval, config.heartbeatInterval)}): a pong needs time to come back`,
    );
  }
  if (config.maxDelay < config.initialDelay) {
    throw new ConfigError(
      'maxDelay',
      input.maxDelay ?? config.maxDelay,
      `a duration >= initialDelay (${shown(input.initialDelay, config.initialDelay)})`,
      `maxDelay (${shown(input.maxDelay, config.maxDelay)}) must be >= initialDelay (${shown(input.initialDelay, config.initialDelay)})`,
    );
  }
  return config;
}

const shown = (given: unknown, ms: number): string => {
  if (typeof given === 'string') return given;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
};

function endpoints(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [url(value)];
  if (value.length === 0) throw new ConfigError('url', value, 'a ws:// or wss:// URL, or a non-empty list of them');
  return value.map((each) => url(each, value));
}

function url(value: unknown, given: unknown = value): string {
  const allowed = 'a ws:// or wss:// URL (or a list of them), e.g. "wss://api.example.com/ws"';
  if (typeof value !== 'string') throw new ConfigError('url', given, allowed);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('url', given, allowed);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ConfigError('url', given, allowed);
  return value;
}

function protocols(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new ConfigError('protocols', value, 'a subprotocol name or a list of them');
  }
  return list;
}

function headers(value: unknown): Readonly<Record<string, string>> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new ConfigError('headers', value, 'an object of header names to string values');
  }
  return value as Record<string, string>;
}

function pongMatch(value: unknown): string | ((text: string) => boolean) {
  if ((typeof value === 'string' && value.length > 0) || typeof value === 'function') {
    return value as string | ((text: string) => boolean);
  }
  throw new ConfigError('pongMatch', value, 'a non-empty substring or a predicate (text) => boolean');
}
