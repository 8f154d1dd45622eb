import { filter, firstValueFrom } from 'rxjs';
import { WireData } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { SessionError } from '../model/SessionError';
import { AckRule, AckVerdict, Handshake } from '../streams/SessionOptions';
import { ExchangeProfile, ProfileRule } from './ExchangeProfile';
import { JsonObject, isJsonObject } from './JsonObject';
import { correlationId } from './correlationId';
import { defineProfile } from './defineProfile';

/** Which OKX v5 socket a profile is for. */
export type OkxChannel = 'public' | 'private' | 'business';

/** The API key that logs a socket in, signed afresh on every connect. */
export interface OkxCredentials {
  /** The API key. */
  readonly apiKey: string;
  /** The key's passphrase. */
  readonly passphrase: string;
  /**
   * Signs `payload` (the timestamp in seconds, then `GET/users/self/verify`) with the secret key:
   * HMAC-SHA256, base64. The secret never enters lifeline.
   */
  readonly sign: (payload: string) => string | Promise<string>;
}

/** Options of the OKX profile. */
export interface OkxOptions {
  /** `'public'` (the default), `'private'` (account, orders; login required) or `'business'`. */
  readonly channel?: OkxChannel;
  /** Demo trading (`wspap.okx.com`). Defaults to `false`. */
  readonly demo?: boolean;
  /** Log in on every connect with a fresh signature (private and business sockets; the public one takes no login). */
  readonly credentials?: OkxCredentials;
}

const DOCS = 'https://www.okx.com/docs-v5/en';
const CONNECT = `${DOCS}/#overview-websocket-connect`;
const LOGIN = `${DOCS}/#overview-websocket-login`;
const SUBSCRIBE = `${DOCS}/#overview-websocket-subscribe`;
const NOTICE = `${DOCS}/#overview-websocket-notification`;
const ORDER = `${DOCS}/#order-book-trading-trade-ws-place-order`;
const ERRORS = `${DOCS}/#error-code-websocket-public`;
const CANCEL_ALL_AFTER = `${DOCS}/#order-book-trading-trade-post-cancel-all-after`;
const PORT_8443 = 'https://siebly.hashnode.dev (OKX WebSocket port 8443 retired, 31 October 2026)';

const rules: readonly ProfileRule[] = [
  { rule: 'ping', value: 'the text "ping", answered by the text "pong"', source: CONNECT },
  {
    rule: 'idle cut',
    value: '30 s without a subscription or without data pushed; send "ping" when N < 30 s pass in silence',
    source: CONNECT,
  },
  { rule: 'connections per IP', value: '3 connection requests per second', source: CONNECT },
  {
    rule: 'messages per connection',
    value: '480 subscribe, unsubscribe and login requests per hour',
    source: CONNECT,
  },
  {
    rule: 'connections per channel',
    value: '30 per specific channel per sub-account (orders, account, positions, …)',
    source: CONNECT,
  },
  {
    rule: 'login',
    value:
      '{"op":"login","args":[{apiKey, passphrase, timestamp (s), sign: base64 HMAC-SHA256(timestamp+"GET/users/self/verify")}]}',
    source: LOGIN,
  },
  { rule: 'signature freshness', value: 'the login expires 30 s after its timestamp (60006)', source: LOGIN },
  {
    rule: 'subscription ack',
    value: '{"event":"subscribe","arg":{…},"connId":…}; refused: {"event":"error","code":…,"msg":…}',
    source: SUBSCRIBE,
  },
  {
    rule: 'request and reply',
    value:
      '{"id":"…","op":"order","args":[…],"expTime":ms} → {"id":"…","op":"order","code":"0","msg":"","data":[{sCode,sMsg,…}],"inTime":µs,"outTime":µs}',
    source: ORDER,
  },
  { rule: 'request expiry', value: 'expTime (ms): the request is refused after it', source: ORDER },
  {
    rule: 'reconnect notice',
    value:
      '{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect."}, 30 s ahead',
    source: NOTICE,
  },
  {
    rule: 'fatal errors',
    value: '60005 invalid apiKey, 60024 wrong passphrase, 60031 API key does not exist',
    source: ERRORS,
  },
  {
    rule: 'cancel on disconnect',
    value: 'POST /api/v5/trade/cancel-all-after, timeOut 0 (off) or 10–120 s, repeated as a heartbeat',
    source: CANCEL_ALL_AFTER,
  },
  { rule: 'endpoint', value: 'wss://ws.okx.com/ws/v5/… (port 8443 retired)', source: PORT_8443 },
];

/**
 * The OKX v5 profile: the text `ping` every 20 s (the server cuts a socket silent for 30 s) and the bare
 * `pong` ignored when the heartbeat did not ask for it, 3 connections a second as the connection budget,
 * on public and business sockets 480 requests an hour as the message budget, on private and business
 * sockets a fresh `login` on every connect (the signature expires in 30 s), subscriptions confirmed by `event: "subscribe"`, `request()`
 * by `id` with `expTime` stamped at write time, notice 64008 as a reconnect, and invalid keys as fatal;
 * any other refused login fails the attempt with a `SessionError` marked `rejected` (not retried by
 * `defaultShouldRetry`).
 *
 * The 480-an-hour limit counts only subscribe, unsubscribe and login requests, so it is not set on the
 * private socket, where orders go too: a reconnect storm there is held by the connection budget.
 *
 * @example
 * connect({
 *   ...okx({ channel: 'private', credentials: { apiKey, passphrase, sign: (payload) => hmacBase64(secret, payload) } }),
 *   subscriptions: [{ op: 'subscribe', args: [{ channel: 'orders', instType: 'ANY' }] }],
 * });
 *
 * @param options The channel, demo trading, the credentials.
 * @returns The profile: spread it into `connect()`, options after it override.
 */
export function okx(options: OkxOptions = {}): ExchangeProfile<unknown, JsonObject> {
  const { channel = 'public', demo = false, credentials } = options;
  if (!CHANNELS.includes(channel)) throw new ConfigError('channel', channel, CHANNELS.map((c) => `'${c}'`).join(', '));
  return defineProfile<unknown, JsonObject>(
    {
      url: `wss://${demo ? 'wspap.okx.com' : 'ws.okx.com'}/ws/v5/${channel}`,
      ping: 'app',
      pingMessage: 'ping',
      pongMatch: (text) => text === 'pong',
      // source: CONNECT — "set a timer of N seconds … where N is less than 30": 20 s.
      heartbeatInterval: '20s',
      // source: CONNECT — the server gives up at 30 s of silence; we declare it dead at 40 s without a pong.
      heartbeatTimeout: '40s',
      // source: CONNECT — "connection limit: 3 requests per second (based on IP)".
      connectLimit: 3,
      // 10% longer than OKX's second, for the jitter between our attempt and its count.
      connectLimitWindow: '1100ms',
      ...(channel === 'private'
        ? {}
        : {
            // source: CONNECT — 480 'subscribe'/'unsubscribe'/'login' requests per connection per hour.
            messageLimit: 480,
            messageLimitWindow: '1.1h',
          }),
      ignoreFrames: isBarePong,
      acks: subscribeAck,
      correlation: {
        stamp: (message, id) => ({ ...message, id: String(id) }),
        idOf: (message) => (isJsonObject(message) && 'op' in message ? correlationId(message.id) : undefined),
        errorOf: replyError,
        stampDeadline: (message, deadline) => ({ ...message, expTime: String(Math.floor(deadline)) }),
        // source: ORDER — inTime and outTime are in microseconds.
        serverTimeOf: (message) => {
          const out = isJsonObject(message) && typeof message.outTime === 'string' ? Number(message.outTime) : NaN;
          return Number.isFinite(out) ? out / 1000 : undefined;
        },
      },
      reconnectOn: (message) =>
        isJsonObject(message) && message.event === 'notice' && message.code === '64008'
          ? `OKX: ${String(message.msg)} (64008)`
          : undefined,
      fatalOn: fatalError,
      // The public socket takes no login (60028): only private and business ones log in.
      ...(credentials !== undefined && channel !== 'public' ? { handshake: login(credentials) } : {}),
    },
    { exchange: 'OKX v5', rules },
  );
}

const CHANNELS: readonly OkxChannel[] = ['public', 'private', 'business'];

function isBarePong(data: WireData): boolean {
  return (typeof data === 'string' ? data : data.toString('utf8')) === 'pong';
}

function replyError(message: unknown): string | undefined {
  if (!isJsonObject(message) || message.code === undefined || message.code === '0') return undefined;
  const first = Array.isArray(message.data) && isJsonObject(message.data[0]) ? message.data[0] : undefined;
  const detail = first !== undefined && first.sMsg !== undefined && first.sMsg !== '' ? `: ${String(first.sMsg)}` : '';
  return `${String(message.code)} ${String(message.msg)}${detail}`;
}

// source: ERRORS — 60005 invalid apiKey, 60024 wrong passphrase, 60031 API key doesn't exist.
const FATAL_CODES: readonly string[] = ['60005', '60024', '60031'];

function fatalError(message: unknown): string | undefined {
  return isJsonObject(message) && message.event === 'error' && FATAL_CODES.includes(String(message.code))
    ? `OKX: ${String(message.code)} ${String(message.msg)}`
    : undefined;
}

/** The key of a channel argument, `{"channel":"tickers","instId":"BTC-USDT"}` → `channel=tickers&instId=BTC-USDT`. */
function argKey(arg: unknown): string | undefined {
  if (!isJsonObject(arg)) return undefined;
  return Object.keys(arg)
    .sort()
    .map((key) => `${key}=${String(arg[key])}`)
    .join('&');
}

/**
 * `{"op":"subscribe","args":[a, b]}` is confirmed by the `event: "subscribe"` reply to its last
 * argument (OKX answers the arguments one by one, in order), and refused by an `event: "error"` whose
 * message quotes one of its channels. The rule keeps no state, so it may be asked about a message twice.
 */
function subscribeAck(message: JsonObject): AckRule | undefined {
  if (message.op !== 'subscribe' || !Array.isArray(message.args) || message.args.length === 0) return undefined;
  const last = argKey(message.args[message.args.length - 1]);
  const channels = message.args.map((arg) => (isJsonObject(arg) ? String(arg.channel) : '')).filter(Boolean);
  return {
    match: (inbound: unknown): AckVerdict => {
      if (!isJsonObject(inbound)) return undefined;
      if (inbound.event === 'subscribe') return last !== undefined && argKey(inbound.arg) === last ? 'ack' : undefined;
      if (inbound.event === 'error' && typeof inbound.msg === 'string') {
        const text = inbound.msg;
        return channels.some((channel) => text.includes(channel)) ? 'reject' : undefined;
      }
      return undefined;
    },
  };
}

function login(credentials: OkxCredentials): Handshake<unknown, JsonObject> {
  return async (session) => {
    const timestamp = String(Math.floor(session.exchangeNow() / 1000));
    const sign = await credentials.sign(`${timestamp}GET/users/self/verify`);
    // The login reply has no id: watch for it before sending, so it cannot slip past.
    const reply = firstValueFrom(
      session.messages$.pipe(
        filter(
          (message): message is JsonObject =>
            isJsonObject(message) && (message.event === 'login' || message.event === 'error'),
        ),
      ),
    );
    // If the send fails we throw that; the abandoned wait must not surface as an unhandled rejection.
    reply.catch(() => undefined);
    await session.send({
      op: 'login',
      args: [{ apiKey: credentials.apiKey, passphrase: credentials.passphrase, timestamp, sign }],
    });
    const answer = await reply;
    if (answer.event !== 'login' || answer.code !== '0') {
      // Refused (a bad signature, an expired timestamp, …): a retry meets the same answer, and hammering
      // the login with a key it refuses is how keys get banned; `rejected` is what defaultShouldRetry heeds.
      throw new SessionError('handshake', `OKX login refused: ${String(answer.code)} ${String(answer.msg)}`, true);
    }
  };
}
