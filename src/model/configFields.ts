import { ConfigError } from './ConfigError';
import {
  booleanField,
  choiceField,
  countField,
  customField,
  durationField,
  factorField,
  jitterField,
  rangeField,
} from './configField';

/**
 * Every setting of a connection, described once: name, type, default, bounds and documentation.
 * `LifelineConfigInput` (generated from this table, checked by a spec), `LifelineConfig`,
 * `defaultConfig`, `resolveConfig`, the CLI's flags and help, and the README's option table all
 * come from here. Names carry no unit; durations resolve to milliseconds. `url` is the one required
 * field and is not listed: it has no default.
 */
export const configFields = {
  failbackAfter: durationField({
    default: '5m',
    infinity: true,
    doc: 'On a fallback endpoint, how often to check whether the preferred one answers again; `Infinity` stays.',
  }),
  connectLimit: countField({
    default: 30,
    min: 1,
    infinity: true,
    doc: 'New connections allowed in any window of `connectLimitWindow` (every attempt, retry, failover and failback probe counts); `Infinity` disables.',
  }),
  connectLimitWindow: durationField({ default: '60s', doc: 'The window of `connectLimit`.' }),
  protocols: customField<readonly string[], string | readonly string[]>({
    kind: 'list',
    inputType: 'string | readonly string[]',
    placeholder: '<name>',
    default: [],
    doc: 'WebSocket subprotocols to offer.',
    resolve: (value, field) => {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p.length > 0)) {
        throw new ConfigError(field, value, 'a subprotocol name or a list of them');
      }
      return list as readonly string[];
    },
  }),
  headers: customField<Readonly<Record<string, string>>, Readonly<Record<string, string>>>({
    kind: 'headers',
    inputType: 'Readonly<Record<string, string>>',
    placeholder: '<name:value>',
    default: {},
    doc: 'Extra HTTP headers for the upgrade request (e.g. `Authorization`); printed redacted.',
    resolve: (value, field) => {
      if (
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        !Object.values(value).every((v) => typeof v === 'string')
      ) {
        throw new ConfigError(field, value, 'an object of header names to string values');
      }
      return value as Readonly<Record<string, string>>;
    },
  }),
  handshakeTimeout: durationField({
    default: '10s',
    doc: 'Connect timeout: TCP, TLS and the WebSocket upgrade together.',
  }),
  maxPayload: countField({
    default: 16 * 1024 * 1024,
    min: 1,
    doc: 'Largest inbound message in bytes; a larger one closes the link with 1009.',
  }),
  closeTimeout: durationField({
    default: '1s',
    zero: true,
    doc: 'How long a close handshake may take before the socket is destroyed.',
  }),
  ping: choiceField({
    default: 'ws',
    options: ['ws', 'app'] as const,
    doc: '`ws`: protocol ping/pong frames. `app`: send `pingMessage` and take a frame matching `pongMatch` as the pong.',
  }),
  pingMessage: customField<unknown, unknown>({
    kind: 'message',
    inputType: 'unknown',
    placeholder: '<json>',
    default: { method: 'ping' },
    doc: 'The application ping, encoded by the codec (a string is sent as it is).',
    resolve: (value) => value,
  }),
  pongMatch: customField<string | ((text: string) => boolean), string | ((text: string) => boolean)>({
    kind: 'text',
    inputType: 'string | ((text: string) => boolean)',
    placeholder: '<substring>',
    default: 'pong',
    doc: 'An inbound text that answers the application ping: a substring, or a predicate.',
    resolve: (value, field) => {
      if ((typeof value === 'string' && value.length > 0) || typeof value === 'function') {
        return value as string | ((text: string) => boolean);
      }
      throw new ConfigError(field, value, 'a non-empty substring or a predicate (text) => boolean');
    },
  }),
  heartbeatInterval: durationField({ default: '30s', doc: 'Time between pings (the longest, when adaptive).' }),
  pongTimeout: durationField({
    default: '5s',
    doc: 'A ping unanswered this long, with no outbound progress either, leaves the outbound path unconfirmed: the link is Unstable, not ready, and sends wait in the queue.',
  }),
  heartbeatTimeout: durationField({
    default: '60s',
    doc: 'Silence (no pong, no data) after which the link is dead; more than the interval; the floor of the dynamic timeout.',
  }),
  adaptiveHeartbeat: booleanField({
    default: true,
    doc: 'Shorten the ping interval under stress, relax it when stable.',
  }),
  dynamicTimeout: booleanField({ default: true, doc: 'Grow the heartbeat timeout with measured latency.' }),
  checkInterval: durationField({ default: '60s', doc: 'Time between connection checks (the `probe`).' }),
  probeTimeout: durationField({
    default: '10s',
    doc: 'How long a connection check may take before it counts as failed.',
  }),
  maxAttempts: countField({
    default: 5,
    min: 0,
    infinity: true,
    doc: 'Retries after a failure before the endpoint is given up; `Infinity` never gives up.',
  }),
  initialDelay: durationField({ default: '2s', zero: true, doc: 'Delay before the first retry.' }),
  maxDelay: durationField({ default: '60s', zero: true, doc: 'Cap on any retry delay.' }),
  factor: factorField({ default: 2, doc: 'Growth of the delay per retry.' }),
  jitter: jitterField({
    default: 0.2,
    doc: "`'none'`, `'full'`, `'equal'`, or a ratio 0–1 (± that share of the delay).",
  }),
  resetOnSuccess: durationField({
    default: '5s',
    zero: true,
    doc: 'A link must stay up this long before the retry count resets, so a flapping link keeps backing off.',
  }),
  recoveryInterval: durationField({
    default: '5m',
    infinity: true,
    doc: 'After Failed, try once (per endpoint) this often; `Infinity` waits for `reconnect()`.',
  }),
  qualityThreshold: rangeField({ default: 70, min: 0, max: 100, doc: 'Score under which quality is not good.' }),
  latencyWarning: durationField({ default: '1000ms', doc: 'Average latency that raises a warning.' }),
  errorRateWarning: rangeField({ default: 0.1, min: 0, max: 1, doc: 'Error rate (0–1) that raises a warning.' }),
  unstableTimeout: durationField({
    default: '60s',
    infinity: true,
    doc: 'Unstable this long forces a reconnect; `Infinity` never does.',
  }),
  sampleInterval: durationField({
    default: '1s',
    doc: 'How often inbound counters are sampled into throughput, uptime and quality.',
  }),
  dataSilence: durationField({
    default: '30s',
    doc: 'A gap in inbound data this long makes the next message a DataReceived ("resumed") event.',
  }),
  prediction: booleanField({
    default: true,
    doc: 'Raise QualityDegraded early (flagged `predicted`) when the latency trend will cross the warning.',
  }),
  predictionHorizon: durationField({ default: '60s', doc: 'How far ahead the latency trend is projected.' }),
  predictionWindow: countField({
    default: 10,
    min: 3,
    doc: 'How many recent latency samples the trend is fitted to.',
  }),
  readyTimeout: durationField({
    default: '15s',
    doc: 'From the socket opening to ready: one deadline that the handshake, the acknowledged subscriptions and the resync share; the step running when it passes fails the attempt.',
  }),
  requestTimeout: durationField({ default: '10s', doc: 'How long `request()` waits for a reply once written.' }),
  messageLimit: countField({
    default: Infinity,
    min: 1,
    infinity: true,
    doc: 'Outbound messages allowed in any window of `messageLimitWindow` (handshakes, subscriptions, requests and sends all count); `Infinity` disables.',
  }),
  messageLimitWindow: durationField({ default: '1s', doc: 'The window of `messageLimit`.' }),
  maxConnectionAge: durationField({
    default: 'Infinity',
    infinity: true,
    doc: 'Replace a socket this old before the exchange cuts it: the new one is made ready first, then the old one closed.',
  }),
  maxRetryAfter: durationField({
    default: '5m',
    zero: true,
    doc: "The longest `Retry-After` honoured, from any rejected upgrade that is retried (a 429, a 503, …); the next attempt waits at least the server's time, up to this.",
  }),
  highWaterMark: countField({
    default: 16 * 1024,
    min: 0,
    doc: "Bytes buffered on the socket above which messages wait in lifeline's own queue, under their time-to-live, instead of in the socket's.",
  }),
  maxClockOffset: durationField({
    default: '1s',
    zero: true,
    doc: "How far the exchange's clock (measured from replies that carry its time) may be from ours before it is raised as an event.",
  }),
  lagWarning: durationField({
    default: '500ms',
    doc: "Event-loop lag at which this process's stall is raised as an event; lag is kept out of latency samples whatever its size.",
  }),
  maxEvents: countField({ default: 100, min: 1, doc: 'Recent events kept.' }),
  queueSize: countField({
    default: 1000,
    min: 0,
    doc: 'Outbound messages held while the link cannot take them; one more is rejected.',
  }),
  queueTtl: durationField({
    default: '5s',
    infinity: true,
    doc: 'Default time a message (or a request) may wait to be written (link down, not ready, backpressure) before it is rejected: never written late. Subscriptions are replayed, never expired.',
  }),
} as const;

/** The name of every setting but `url`. */
export type ConfigFieldName = keyof typeof configFields;
