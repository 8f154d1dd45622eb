import { ConfigError } from '../model/ConfigError';
import { AckRule, AckVerdict, Handshake, UrlFactory } from '../streams/SessionOptions';
import { ExchangeProfile, ProfileRule } from './ExchangeProfile';
import { JsonObject, isJsonObject } from './JsonObject';
import { correlationId } from './correlationId';
import { defineProfile } from './defineProfile';

/** Which Binance socket a profile is for. */
export type BinanceEndpoint = 'streams' | 'userData' | 'api';

/** How the WebSocket API session logs on (`session.logon`, Ed25519 keys only), signed afresh on every connect. */
export interface BinanceLogon {
  /** The API key. */
  readonly apiKey: string;
  /**
   * Signs `payload` (the parameters sorted by name, as a query string: `apiKey=…&timestamp=…`) with the
   * Ed25519 private key and returns the base64 signature. The key never enters lifeline.
   */
  readonly sign: (payload: string) => string | Promise<string>;
  /** How long after `timestamp` the server still accepts the logon, ms (at most 60000). Defaults to Binance's 5000. */
  readonly recvWindow?: number;
}

/** Options of the Binance profiles. */
export interface BinanceOptions {
  /** Connect to the testnet. Defaults to `false`. */
  readonly testnet?: boolean;
  /**
   * `'streams'` (market data, the default), `'userData'` (the user data stream, at a listen key), or
   * `'api'` (the WebSocket API: requests with an `id`, and `session.logon`).
   */
  readonly endpoint?: BinanceEndpoint;
  /**
   * `'userData'`: fetches a listen key (the REST call `POST /api/v3/userDataStream`, or
   * `POST /fapi/v1/listenKey` for futures), before every connection attempt. Injected: lifeline makes no
   * HTTP call of its own. Required with `endpoint: 'userData'`.
   */
  readonly listenKey?: () => Promise<string>;
  /** `'api'`: log the session on with this key on every connect. Without it the session stays anonymous. */
  readonly logon?: BinanceLogon;
  /** The streams' base URL (`wss://…`, no path), e.g. a mock's; defaults to Binance's. */
  readonly baseUrl?: string;
}

interface Market {
  readonly name: string;
  readonly streams: string;
  readonly testnetStreams: string;
  readonly api: string;
  readonly testnetApi: string;
  readonly messagesPerSecond: number;
  readonly rules: readonly ProfileRule[];
}

const SPOT_STREAMS = 'https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams';
const SPOT_API = 'https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/general-api-information';
const SPOT_RESPONSES = 'https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/response-format';
const SPOT_LOGON = 'https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/authentication-requests';
const SPOT_EVENTS = 'https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/connection-events';
const SPOT_ERRORS = 'https://github.com/binance/binance-spot-api-docs/blob/master/errors.md';
const SPOT_SECURITY = 'https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/request-security';
const FUTURES_DOCS = 'https://developers.binance.com/docs/derivatives/usds-margined-futures';
const FUTURES_STREAMS = `${FUTURES_DOCS}/websocket-market-streams`;
const FUTURES_SUBSCRIBE = `${FUTURES_STREAMS}/Live-Subscribing-Unsubscribing-to-streams`;
const FUTURES_EXPIRED = `${FUTURES_DOCS}/user-data-streams/Event-User-Data-Stream-Expired`;
const FUTURES_API = `${FUTURES_DOCS}/websocket-api-general-info`;
const FUTURES_COUNTDOWN = `${FUTURES_DOCS}/trade/rest-api/Auto-Cancel-All-Open-Orders`;
const LISTEN_KEY = 'https://binance-docs.github.io/apidocs/futures/en/#user-data-streams';

const common = (streams: string, subscribe: string): ProfileRule[] => [
  {
    rule: 'subscription ack',
    value: '{"method":"SUBSCRIBE","params":[…],"id":n} → {"result":null,"id":n}; refused: {"code":…,"msg":…,"id":n}',
    source: subscribe,
  },
  { rule: 'forced disconnect', value: 'a connection is valid for 24 hours', source: streams },
  {
    rule: 'request and reply (WebSocket API)',
    value:
      '{"id":…,"method":…,"params":{…}} → {"id":…,"status":200,"result":…} or {"id":…,"status":4xx,"error":{"code":…,"msg":…}}',
    source: SPOT_RESPONSES,
  },
  {
    rule: 'login (WebSocket API)',
    value: 'session.logon with apiKey, timestamp and an Ed25519 signature; the reply carries serverTime',
    source: SPOT_LOGON,
  },
  {
    rule: 'signature freshness',
    value: 'timestamp within recvWindow (default 5000 ms, at most 60000) and no more than 1000 ms ahead (-1021)',
    source: SPOT_ERRORS,
  },
  {
    rule: 'fatal errors',
    value: '-2014 API-key format invalid; -2015 invalid API-key, IP, or permissions',
    source: SPOT_ERRORS,
  },
  { rule: 'listen key', value: 'valid 60 minutes; a PUT extends it 60 minutes', source: LISTEN_KEY },
  {
    rule: 'listen key expired',
    value: '{"e":"listenKeyExpired",…}: no more user data until a new key',
    source: FUTURES_EXPIRED,
  },
];

const SPOT: Market = {
  name: 'Binance spot',
  streams: 'wss://stream.binance.com:9443',
  testnetStreams: 'wss://stream.testnet.binance.vision',
  api: 'wss://ws-api.binance.com:443/ws-api/v3',
  testnetApi: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
  // source: SPOT_STREAMS — 5 incoming messages a second, ping and pong frames included.
  messagesPerSecond: 5,
  rules: [
    { rule: 'ping', value: 'the server sends a ping frame every 20 s; a pong within 1 minute', source: SPOT_STREAMS },
    {
      rule: 'messages per connection',
      value: '5 per second, counting ping, pong and JSON control messages; over it, disconnected',
      source: SPOT_STREAMS,
    },
    { rule: 'streams per connection', value: '1024', source: SPOT_STREAMS },
    { rule: 'connections per IP', value: '300 connection attempts every 5 minutes', source: SPOT_STREAMS },
    ...common(SPOT_STREAMS, SPOT_STREAMS),
    {
      rule: 'reconnect notice',
      value: '{"e":"serverShutdown"} (the WebSocket API wraps it as {"event":{…}}) before the server shuts down',
      source: SPOT_EVENTS,
    },
    {
      rule: 'request weight (WebSocket API)',
      value: 'REQUEST_WEIGHT per minute, reported in rateLimits',
      source: SPOT_API,
    },
    { rule: 'cancel on disconnect', value: 'none for spot (futures have countdownCancelAll)', source: SPOT_SECURITY },
  ],
};

const FUTURES: Market = {
  name: 'Binance USDⓈ-M futures',
  streams: 'wss://fstream.binance.com',
  testnetStreams: 'wss://fstream.binancefuture.com',
  api: 'wss://ws-fapi.binance.com/ws-fapi/v1',
  testnetApi: 'wss://testnet.binancefuture.com/ws-fapi/v1',
  // source: FUTURES_STREAMS — 10 incoming messages a second.
  messagesPerSecond: 10,
  rules: [
    {
      rule: 'ping',
      value: 'the server sends a ping frame every 3 minutes; a pong within 10 minutes',
      source: FUTURES_STREAMS,
    },
    {
      rule: 'messages per connection',
      value: '10 per second; over it, disconnected (repeatedly: IP banned)',
      source: FUTURES_STREAMS,
    },
    { rule: 'streams per connection', value: '1024', source: FUTURES_STREAMS },
    {
      rule: 'connections per IP',
      value: 'no rate published (lifeline default: 30 per minute)',
      source: FUTURES_STREAMS,
    },
    ...common(FUTURES_STREAMS, FUTURES_SUBSCRIBE),
    { rule: 'WebSocket API', value: 'wss://ws-fapi.binance.com/ws-fapi/v1, same request format', source: FUTURES_API },
    {
      rule: 'cancel on disconnect',
      value: 'POST /fapi/v1/countdownCancelAll (countdownTime ms; 0 stops it), repeated as a heartbeat',
      source: FUTURES_COUNTDOWN,
    },
  ],
};

/**
 * The Binance spot profile for market streams, the user data stream or the WebSocket API: protocol
 * pings (the server pings too; `ws` answers them), the per-connection message limit as the budget
 * with room for ping and pong frames (Binance counts them), the 24 h cut replaced an hour early,
 * `SUBSCRIBE` acknowledged by its `id`, `serverShutdown` and `listenKeyExpired` as reconnect notices,
 * and on the WebSocket API `request()` by `id` and a fresh `session.logon` on every connect.
 *
 * Give subscriptions string ids (`'sub-trades'`): `request()` stamps numbers, and the two share the
 * `id` field on the streams endpoint.
 *
 * @example
 * connect({
 *   ...binanceSpot(),
 *   subscriptions: [{ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-trades' }],
 * });
 * connect({ ...binanceSpot({ endpoint: 'userData', listenKey: () => rest.createListenKey() }) });
 * connect({ ...binanceSpot({ endpoint: 'api', logon: { apiKey, sign: (payload) => ed25519(payload) } }) });
 *
 * @param options The endpoint, testnet, the listen key fetcher or the logon key.
 * @returns The profile: spread it into `connect()`, options after it override.
 */
export function binanceSpot(options: BinanceOptions = {}): ExchangeProfile<unknown, JsonObject> {
  return binanceProfile(SPOT, options, {
    // source: SPOT_STREAMS — 300 connection attempts every 5 minutes per IP.
    connectLimit: 300,
    // 10% longer than Binance's window, for the jitter between our attempt and its count.
    connectLimitWindow: '5.5m',
  });
}

/**
 * The Binance USDⓈ-M futures profile: as `binanceSpot`, with the futures endpoints and their limit of
 * 10 incoming messages a second. The exchange-side dead man's switch is the REST call
 * `countdownCancelAll`, repeated as a heartbeat.
 *
 * @example
 * connect({
 *   ...binanceFutures({ endpoint: 'userData', listenKey: () => rest.post('/fapi/v1/listenKey') }),
 * });
 *
 * @param options The endpoint, testnet, the listen key fetcher or the logon key.
 * @returns The profile: spread it into `connect()`, options after it override.
 */
export function binanceFutures(options: BinanceOptions = {}): ExchangeProfile<unknown, JsonObject> {
  return binanceProfile(FUTURES, options, {});
}

const ENDPOINTS: readonly BinanceEndpoint[] = ['streams', 'userData', 'api'];
// source: SPOT_LOGON — "recvWindow: the value cannot be greater than 60000".
const MAX_RECV_WINDOW = 60_000;

function binanceProfile(
  market: Market,
  options: BinanceOptions,
  connectRate: { readonly connectLimit?: number; readonly connectLimitWindow?: string },
): ExchangeProfile<unknown, JsonObject> {
  const { endpoint = 'streams', testnet = false, listenKey, logon } = options;
  if (!ENDPOINTS.includes(endpoint))
    throw new ConfigError('endpoint', endpoint, ENDPOINTS.map((e) => `'${e}'`).join(', '));
  const recvWindow = logon?.recvWindow;
  if (recvWindow !== undefined && !(Number.isInteger(recvWindow) && recvWindow > 0 && recvWindow <= MAX_RECV_WINDOW)) {
    throw new ConfigError('logon.recvWindow', recvWindow, `whole milliseconds from 1 to ${MAX_RECV_WINDOW}`);
  }
  const base = (options.baseUrl ?? (testnet ? market.testnetStreams : market.streams)).replace(/\/+$/, '');
  if (endpoint === 'userData' && typeof listenKey !== 'function') {
    throw new ConfigError(
      'listenKey',
      listenKey,
      `a function fetching a ${market.name} listen key: () => Promise<string>`,
    );
  }
  const url: string | UrlFactory =
    endpoint === 'api'
      ? (options.baseUrl ?? (testnet ? market.testnetApi : market.api))
      : endpoint === 'userData'
        ? async () => `${base}/ws/${await (listenKey as () => Promise<string>)()}`
        : `${base}/ws`;
  return defineProfile<unknown, JsonObject>(
    {
      url,
      ...connectRate,
      ping: 'ws',
      // source: SPOT_STREAMS / FUTURES_STREAMS — the server pings every 20 s (spot) or 3 min (futures) and
      // `ws` pongs on its own; our own ping is only for our side's liveness: the lifeline defaults.
      heartbeatInterval: '30s',
      heartbeatTimeout: '60s',
      // source: SPOT_STREAMS / FUTURES_STREAMS — "a single connection is only valid for 24 hours": replace it an hour early.
      maxConnectionAge: '23h',
      ...(endpoint === 'api'
        ? {}
        : {
            // source: SPOT_STREAMS / FUTURES_STREAMS — 5 (spot) or 10 (futures) a second, ping and pong
            // frames included: in any second at most one of our pings (every 7.5 s at the fastest) and one
            // pong to the server's, so two fewer for messages.
            messageLimit: market.messagesPerSecond - 2,
            // The window is 10% longer than the exchange's: between our send and its count, network jitter
            // must not fit two windows' worth of sends into one of its windows.
            messageLimitWindow: '1100ms',
          }),
      acks: subscribeAck,
      correlation: {
        stamp: (message, id) => ({ ...message, id }),
        idOf: (message) => (isReply(message) ? correlationId(message.id) : undefined),
        errorOf: replyError,
        serverTimeOf: (message) => {
          const result = isReply(message) ? message.result : undefined;
          return isJsonObject(result) && typeof result.serverTime === 'number' ? result.serverTime : undefined;
        },
      },
      reconnectOn: reconnectNotice,
      fatalOn: fatalError,
      ...(endpoint === 'api' && logon !== undefined ? { handshake: sessionLogon(logon) } : {}),
    },
    {
      exchange: market.name,
      rules: market.rules,
      // source: SPOT_STREAMS / FUTURES_STREAMS — "a single connection can listen to a maximum of 1024 streams".
      subscriptionsPerConnection: 1024,
    },
  );
}

/** A reply to a request: it has an id, and a result, a status or an error code. */
function isReply(message: unknown): message is JsonObject {
  return isJsonObject(message) && 'id' in message && ('result' in message || 'status' in message || 'code' in message);
}

function replyError(message: unknown): string | undefined {
  if (!isReply(message)) return undefined;
  const error = isJsonObject(message.error) ? message.error : message;
  return typeof error.code === 'number' && typeof error.msg === 'string' ? `${error.code} ${error.msg}` : undefined;
}

/** `{"method":"SUBSCRIBE","id":n}` is confirmed by `{"result":null,"id":n}`, refused by `{"code":…,"id":n}`. */
function subscribeAck(message: JsonObject): AckRule | undefined {
  const id = message.id;
  if (message.method !== 'SUBSCRIBE' || id === undefined || id === null) return undefined;
  return {
    match: (inbound: unknown): AckVerdict => {
      if (!isJsonObject(inbound) || inbound.id !== id) return undefined;
      if ('result' in inbound) return 'ack';
      return typeof inbound.code === 'number' ? 'reject' : undefined;
    },
  };
}

function reconnectNotice(message: unknown): string | undefined {
  if (!isJsonObject(message)) return undefined;
  const event = isJsonObject(message.event) ? message.event : message;
  if (event.e === 'serverShutdown') return 'Binance: server shutting down (serverShutdown)';
  if (event.e === 'listenKeyExpired') return 'Binance: listen key expired (listenKeyExpired)';
  return undefined;
}

// source: SPOT_ERRORS — a key that is malformed or refused stays so: retrying cannot help.
const FATAL_CODES: readonly number[] = [-2014, -2015];

function fatalError(message: unknown): string | undefined {
  if (!isJsonObject(message)) return undefined;
  const error = isJsonObject(message.error) ? message.error : message;
  return typeof error.code === 'number' && FATAL_CODES.includes(error.code)
    ? `Binance: ${error.code} ${String(error.msg)}`
    : undefined;
}

function sessionLogon(logon: BinanceLogon): Handshake<unknown, JsonObject> {
  return async (session) => {
    const params: Record<string, string | number> = {
      apiKey: logon.apiKey,
      timestamp: Math.round(session.exchangeNow()),
      ...(logon.recvWindow !== undefined ? { recvWindow: logon.recvWindow } : {}),
    };
    const payload = Object.keys(params)
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&');
    const signature = await logon.sign(payload);
    await session.request({ method: 'session.logon', params: { ...params, signature } });
  };
}
