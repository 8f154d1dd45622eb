import { WireData } from '../model/Codec';
import { AckRule, AckVerdict } from '../streams/SessionOptions';
import { ExchangeProfile, ProfileRule } from './ExchangeProfile';
import { JsonObject, isJsonObject } from './JsonObject';
import { correlationId } from './correlationId';
import { defineProfile } from './defineProfile';

/** Hyperliquid's mainnet endpoint. */
export const HYPERLIQUID_URL = 'wss://api.hyperliquid.xyz/ws';
/** Hyperliquid's testnet endpoint. */
export const HYPERLIQUID_TESTNET_URL = 'wss://api.hyperliquid-testnet.xyz/ws';

/** The text the server sends on every new connection, before anything else: not JSON, not a message. */
export const HYPERLIQUID_GREETING = 'Websocket connection established.';

const DOCS = 'https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api';
const HEARTBEATS = `${DOCS}/websocket/timeouts-and-heartbeats`;
const LIMITS = `${DOCS}/rate-limits`;
const POST = `${DOCS}/websocket/post-requests`;
const SUBSCRIPTIONS = `${DOCS}/websocket/subscriptions`;
const EXCHANGE = `${DOCS}/exchange-endpoint`;
const PYTHON_SDK =
  'https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/hyperliquid/websocket_manager.py';

/** Options of the Hyperliquid profile. */
export interface HyperliquidOptions {
  /** Connect to the testnet (`wss://api.hyperliquid-testnet.xyz/ws`). Defaults to `false`. */
  readonly testnet?: boolean;
}

const rules: readonly ProfileRule[] = [
  { rule: 'ping', value: '{"method":"ping"} answered by {"channel":"pong"}', source: HEARTBEATS },
  { rule: 'idle cut', value: '60 s without a message from the client', source: HEARTBEATS },
  { rule: 'greeting', value: `"${HYPERLIQUID_GREETING}" (text, not JSON) on every connect`, source: PYTHON_SDK },
  { rule: 'connections per IP', value: '100 open at once', source: LIMITS },
  {
    rule: 'new connections',
    value: 'no rate published; the profile keeps 30 per minute (an SDK reading, and lifeline’s default)',
    source: 'https://docs.rs/crate/df-hyperliquid-core/latest/source/src/live/session/limits.rs',
  },
  { rule: 'messages per IP', value: '2000 per minute across all connections, pings included', source: LIMITS },
  { rule: 'subscriptions per IP', value: '1000, across all connections', source: LIMITS },
  { rule: 'users per IP', value: '10 distinct users across user-specific subscriptions', source: LIMITS },
  { rule: 'posts in flight per IP', value: '100', source: LIMITS },
  {
    rule: 'request and reply',
    value:
      '{"method":"post","id":n,"request":{"type":"info"|"action","payload":…}} → {"channel":"post","data":{"id":n,"response":{"type":"info"|"action"|"error","payload":…}}}',
    source: POST,
  },
  {
    rule: 'subscription ack',
    value:
      '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":…}}; refused: {"channel":"error","data":"Invalid subscription …"}',
    source: SUBSCRIPTIONS,
  },
  { rule: 'login', value: 'none: every action is signed on its own (EIP-712), with a nonce', source: EXCHANGE },
  {
    rule: 'signature freshness',
    value: 'nonce within 1 day of the block time; optional expiresAfter (ms), part of the signed action',
    source: `${DOCS}/nonces-and-api-wallets`,
  },
  {
    rule: 'cancel on disconnect',
    value: 'scheduleCancel action: time at least 5 s ahead; at most 10 triggers a day',
    source: EXCHANGE,
  },
  { rule: 'server time in replies', value: 'info replies carry data.time (ms), e.g. l2Book', source: POST },
];

/**
 * The Hyperliquid profile: application pings every 20 s (the server cuts a connection silent for
 * 60 s), the greeting ignored, subscriptions confirmed by `subscriptionResponse`, `request()` through
 * `post` with its `id`, and the per-IP message limit as the message budget.
 *
 * Hyperliquid limits per IP, not per socket: give every handle of the process one shared budget
 * (`messageBudget: new WindowBudget({ limit: 1980, window: '60s' })`) when there are several. There is
 * no login: actions are signed one by one, so their `expiresAfter` is set when signing, not by
 * `request()` (a stamp after signing would break the signature).
 *
 * @example
 * const link = connect({
 *   ...hyperliquid(),
 *   subscriptions: [{ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } }],
 * });
 * const book = await link.request({ method: 'post', request: { type: 'info', payload: { type: 'l2Book', coin: 'BTC' } } });
 *
 * @param options `testnet` to use the testnet endpoint.
 * @returns The profile: spread it into `connect()`, options after it override.
 */
export function hyperliquid(options: HyperliquidOptions = {}): ExchangeProfile<unknown, JsonObject> {
  return defineProfile<unknown, JsonObject>(
    {
      url: options.testnet === true ? HYPERLIQUID_TESTNET_URL : HYPERLIQUID_URL,
      ping: 'app',
      pingMessage: { method: 'ping' },
      pongMatch: '"channel":"pong"',
      // source: HEARTBEATS — the server cuts at 60 s of client silence; 20 s leaves two lost pings of room.
      heartbeatInterval: '20s',
      // source: HEARTBEATS — dead well before the server's own 60 s cut would tell us.
      heartbeatTimeout: '45s',
      // source: df-hyperliquid-core limits.rs (MAX_NEW_CONNECTIONS_PER_MINUTE = 30); HL publishes no rate.
      connectLimit: 30,
      connectLimitWindow: '66s',
      // source: LIMITS — 2000 a minute per IP, pings included: at most 13 pings a minute (every 5 s,
      // a quarter of 20 s, under stress, plus one at the open) leaves 1980, rounded down.
      messageLimit: 1980,
      // The window is 10% longer than the exchange's: between our send and its count, network jitter
      // must not fit two windows' worth of sends into one of its windows.
      messageLimitWindow: '66s',
      ignoreFrames: isGreeting,
      acks: subscriptionAck,
      correlation: {
        stamp: (message, id) => ({ ...message, id }),
        idOf: (message) => (postData(message) === undefined ? undefined : correlationId(postData(message)?.id)),
        errorOf: postError,
        serverTimeOf: postServerTime,
      },
    },
    { exchange: 'Hyperliquid', rules },
  );
}

function isGreeting(data: WireData): boolean {
  return (typeof data === 'string' ? data : data.toString('utf8')) === HYPERLIQUID_GREETING;
}

/** `{"channel":"post","data":{…}}` → its data. */
function postData(message: unknown): JsonObject | undefined {
  return isJsonObject(message) && message.channel === 'post' && isJsonObject(message.data) ? message.data : undefined;
}

function postResponse(message: unknown): JsonObject | undefined {
  const response = postData(message)?.response;
  return isJsonObject(response) ? response : undefined;
}

function postError(message: unknown): string | undefined {
  const response = postResponse(message);
  if (response === undefined) return undefined;
  if (response.type === 'error') return String(response.payload);
  // An action the exchange refused whole: {"status":"err","response":"…"}.
  const payload = response.payload;
  if (response.type === 'action' && isJsonObject(payload) && payload.status === 'err') return String(payload.response);
  return undefined;
}

function postServerTime(message: unknown): number | undefined {
  const payload = postResponse(message)?.payload;
  const data = isJsonObject(payload) ? payload.data : undefined;
  return isJsonObject(data) && typeof data.time === 'number' ? data.time : undefined;
}

/**
 * `{"method":"subscribe","subscription":S}` is confirmed by a `subscriptionResponse` echoing S (the
 * server may add defaulted fields, so S need only be contained in the echo), and refused by an
 * `error` naming S. "Already subscribed" means the feed already flows on this socket: confirmed.
 */
function subscriptionAck(message: JsonObject): AckRule | undefined {
  const wanted = message.subscription;
  if (message.method !== 'subscribe' || !isJsonObject(wanted)) return undefined;
  return {
    match: (inbound: unknown): AckVerdict => {
      if (!isJsonObject(inbound)) return undefined;
      const data = inbound.data;
      if (inbound.channel === 'subscriptionResponse') {
        return isJsonObject(data) && data.method === 'subscribe' && contains(data.subscription, wanted)
          ? 'ack'
          : undefined;
      }
      if (inbound.channel !== 'error' || typeof data !== 'string' || !contains(embeddedJson(data), wanted)) {
        return undefined;
      }
      return data.startsWith('Already subscribed') ? 'ack' : 'reject';
    },
  };
}

/** Whether every field of `wanted` is in `value` with the same (primitive) value. */
function contains(value: unknown, wanted: JsonObject): boolean {
  return isJsonObject(value) && Object.entries(wanted).every(([key, field]) => value[key] === field);
}

/** The JSON object quoted in an error text such as `Invalid subscription {"type":"trades","coin":"X"}`. */
function embeddedJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
