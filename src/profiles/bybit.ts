import { ConfigError } from '../model/ConfigError';
import { AckRule, AckVerdict, Handshake } from '../streams/SessionOptions';
import { ExchangeProfile, ProfileRule } from './ExchangeProfile';
import { JsonObject, isJsonObject } from './JsonObject';
import { correlationId } from './correlationId';
import { defineProfile } from './defineProfile';

/** Which Bybit v5 socket a profile is for. */
export type BybitChannel = 'spot' | 'linear' | 'inverse' | 'option' | 'private' | 'trade';

/** The API key that authenticates a private or trade socket, signed afresh on every connect. */
export interface BybitCredentials {
  /** The API key. */
  readonly apiKey: string;
  /**
   * Signs `payload` (`GET/realtime` followed by the `expires` ms) with the API secret: HMAC-SHA256,
   * hex. The secret never enters lifeline.
   */
  readonly sign: (payload: string) => string | Promise<string>;
}

/** Options of the Bybit profile. */
export interface BybitOptions {
  /** The socket: a public market (`'linear'`, the default; `'spot'`, `'inverse'`, `'option'`), `'private'` or `'trade'`. */
  readonly channel?: BybitChannel;
  /** Connect to the testnet. Defaults to `false`. */
  readonly testnet?: boolean;
  /** `'private'` and `'trade'`: authenticate on every connect with a fresh signature. */
  readonly credentials?: BybitCredentials;
  /** How far ahead of the exchange's now the auth `expires` is set, ms. Defaults to `10000`. */
  readonly expiresIn?: number;
}

const DOCS = 'https://bybit-exchange.github.io/docs/v5';
const CONNECT = `${DOCS}/ws/connect`;
const RATE_LIMIT = `${DOCS}/rate-limit`;
const TRADE = `${DOCS}/websocket/trade/guideline`;
const DCP = `${DOCS}/order/dcp`;
const NODE_SDK = 'https://github.com/tiagosiebler/bybit-api/blob/master/src/util/requestUtils.ts';

const rules: readonly ProfileRule[] = [
  {
    rule: 'ping',
    value: '{"op":"ping"} every 20 s; answered {"op":"ping","ret_msg":"pong",…} (public) or {"op":"pong",…} (private)',
    source: CONNECT,
  },
  {
    rule: 'idle cut',
    value: '10 minutes without ping-pong or data (private: max_active_time, 30 s to 10 min)',
    source: CONNECT,
  },
  {
    rule: 'connections per IP',
    value: '500 in any 5 minutes; at most 1000 open per market for market data',
    source: RATE_LIMIT,
  },
  {
    rule: 'messages per connection',
    value: 'none published for the socket (order rates are per UID)',
    source: RATE_LIMIT,
  },
  {
    rule: 'subscription args',
    value: 'spot: 10 args per subscribe request; linear/inverse: 21,000 characters of args per connection',
    source: CONNECT,
  },
  {
    rule: 'subscription ack',
    value: '{"op":"subscribe","success":true,"ret_msg":"","req_id":…}; refused: "success":false with ret_msg',
    source: CONNECT,
  },
  {
    rule: 'login',
    value: '{"op":"auth","args":[apiKey, expires, HMAC-SHA256("GET/realtime"+expires)]}',
    source: CONNECT,
  },
  { rule: 'signature freshness', value: 'expires (ms) must be later than the server time', source: CONNECT },
  {
    rule: 'request and reply (trade)',
    value:
      '{"reqId":…,"header":{"X-BAPI-TIMESTAMP":…},"op":"order.create","args":[…]} → {"reqId":…,"retCode":0,"retMsg":"OK","header":{"Timenow":…}}',
    source: TRADE,
  },
  {
    rule: 'request freshness (trade)',
    value: 'server time − X-BAPI-RECV-WINDOW (default 5000) ≤ X-BAPI-TIMESTAMP < server time + 1000',
    source: TRADE,
  },
  {
    rule: 'fatal errors',
    value: 'auth retCode 10003 (invalid key) and 10005 (permission denied); ret_msg naming an invalid key',
    source: TRADE,
  },
  { rule: 'reconnect notice', value: 'none published', source: CONNECT },
  { rule: 'pong recognition', value: 'op "pong" or ret_msg "pong" (as the Node SDK does)', source: NODE_SDK },
  {
    rule: 'cancel on disconnect',
    value:
      'DCP: all private sockets subscribed to dcp.* gone for timeWindow (default 10 s, 3–300 s) cancels every order',
    source: DCP,
  },
];

const CHANNELS: readonly BybitChannel[] = ['spot', 'linear', 'inverse', 'option', 'private', 'trade'];

/** The mainnet host; testnet is `stream-testnet.bybit.com`. */
const host = (testnet: boolean): string => (testnet ? 'wss://stream-testnet.bybit.com' : 'wss://stream.bybit.com');

const path = (channel: BybitChannel): string =>
  channel === 'private' ? '/v5/private' : channel === 'trade' ? '/v5/trade' : `/v5/public/${channel}`;

/**
 * The Bybit v5 profile: `{"op":"ping"}` every 20 s (Bybit's advice), both pong shapes recognised, the
 * per-IP connection limit as the connection budget, subscriptions confirmed by `op: "subscribe"`
 * replies (by `req_id` when the subscription has one), on `'private'` and `'trade'` sockets a fresh
 * `auth` signed with `expires` ahead of the exchange's clock, and on `'trade'` `request()` by `reqId`.
 *
 * Give each subscription a `req_id`: a reply without one confirms whichever subscription is pending.
 *
 * @example
 * connect({
 *   ...bybit({ channel: 'private', credentials: { apiKey, sign: (payload) => hmacHex(secret, payload) } }),
 *   subscriptions: [{ op: 'subscribe', req_id: 'orders', args: ['order'] }],
 * });
 *
 * @param options The channel, testnet, the credentials and how far ahead `expires` is set.
 * @returns The profile: spread it into `connect()`, options after it override.
 */
export function bybit(options: BybitOptions = {}): ExchangeProfile<unknown, JsonObject> {
  // source: bybit-rust-api ws/auth.rs signs with expires = now + 10 s; Bybit asks only for a time after its own.
  const { channel = 'linear', testnet = false, credentials, expiresIn = 10_000 } = options;
  if (!CHANNELS.includes(channel)) throw new ConfigError('channel', channel, CHANNELS.map((c) => `'${c}'`).join(', '));
  if (!(Number.isFinite(expiresIn) && expiresIn > 0)) throw new ConfigError('expiresIn', expiresIn, 'milliseconds > 0');
  const trade = channel === 'trade';
  // The trade socket echoes `reqId`; the public and private ones `req_id`.
  const idField = trade ? 'reqId' : 'req_id';
  return defineProfile<unknown, JsonObject>(
    {
      url: `${host(testnet)}${path(channel)}`,
      ping: 'app',
      pingMessage: { op: 'ping' },
      pongMatch: isPong,
      // source: CONNECT — "we recommend sending the ping heartbeat packet every 20 seconds".
      heartbeatInterval: '20s',
      // source: CONNECT — the server's own cut is 10 minutes; ours is the lifeline default.
      heartbeatTimeout: '60s',
      // source: RATE_LIMIT — "do not establish more than 500 connections within a 5-minute window".
      connectLimit: 500,
      // 10% longer than Bybit's window, for the jitter between our attempt and its count.
      connectLimitWindow: '5.5m',
      acks: subscribeAck,
      correlation: {
        stamp: (message, id) => ({ ...message, [idField]: String(id) }),
        idOf: (message) => (isJsonObject(message) ? correlationId(message[idField]) : undefined),
        errorOf: replyError,
        serverTimeOf: (message) => {
          const header = isJsonObject(message) ? message.header : undefined;
          const now = isJsonObject(header) ? Number(header.Timenow) : NaN;
          return Number.isFinite(now) ? now : undefined;
        },
      },
      fatalOn: fatalError,
      ...(credentials !== undefined && (channel === 'private' || trade)
        ? { handshake: auth(credentials, expiresIn) }
        : {}),
    },
    { exchange: 'Bybit v5', rules },
  );
}

function isPong(text: string): boolean {
  return /"op"\s*:\s*"pong"|"ret_msg"\s*:\s*"pong"/.test(text);
}

/** Public and private replies say `success`/`ret_msg`; trade replies `retCode`/`retMsg`. */
function replyError(message: unknown): string | undefined {
  if (!isJsonObject(message)) return undefined;
  if (message.success === false) return String(message.ret_msg ?? 'refused');
  if (typeof message.retCode === 'number' && message.retCode !== 0)
    return `${message.retCode} ${String(message.retMsg)}`;
  return undefined;
}

// source: TRADE — auth retCode 10003 (API key invalid) and 10005 (permission denied) do not heal on retry.
const FATAL_CODES: readonly number[] = [10003, 10005];

function fatalError(message: unknown): string | undefined {
  if (!isJsonObject(message) || message.op !== 'auth') return undefined;
  if (typeof message.retCode === 'number' && FATAL_CODES.includes(message.retCode)) {
    return `Bybit auth: ${message.retCode} ${String(message.retMsg)}`;
  }
  const text = typeof message.ret_msg === 'string' ? message.ret_msg : '';
  return message.success === false && /api ?key/i.test(text) ? `Bybit auth: ${text}` : undefined;
}

/**
 * `{"op":"subscribe","args":[…]}` is confirmed by a subscribe reply with `success: true` (with the same
 * `req_id` when it has one) and refused by one with `success: false` that has its `req_id` or names
 * one of its topics.
 */
function subscribeAck(message: JsonObject): AckRule | undefined {
  if (message.op !== 'subscribe') return undefined;
  const reqId = message.req_id;
  const topics = Array.isArray(message.args)
    ? message.args.filter((arg): arg is string => typeof arg === 'string')
    : [];
  return {
    match: (inbound: unknown): AckVerdict => {
      if (!isJsonObject(inbound) || inbound.op !== 'subscribe') return undefined;
      const ours =
        reqId !== undefined
          ? inbound.req_id === reqId
          : typeof inbound.ret_msg === 'string' && inbound.ret_msg !== '' && inbound.success === false
            ? topics.some((topic) => (inbound.ret_msg as string).includes(topic))
            : inbound.req_id === undefined || inbound.req_id === '';
      if (!ours) return undefined;
      return inbound.success === true ? 'ack' : inbound.success === false ? 'reject' : undefined;
    },
  };
}

function auth(credentials: BybitCredentials, expiresIn: number): Handshake<unknown, JsonObject> {
  return async (session) => {
    const expires = Math.round(session.exchangeNow()) + expiresIn;
    const signature = await credentials.sign(`GET/realtime${expires}`);
    await session.request({ op: 'auth', args: [credentials.apiKey, expires, signature] });
  };
}
