import { KeyObject, randomBytes, verify } from 'node:crypto';
import { MockConnection, MockExchange, MockExchangeOptions, objectOf, parseJson } from './MockExchange';

export type BinanceMarket = 'spot' | 'futures';

export interface BinanceMockOptions extends MockExchangeOptions {
  /** Spot or USDⓈ-M futures: their paths, ping periods and message limits. Defaults to `'spot'`. */
  readonly market?: BinanceMarket;
  /** API keys the WebSocket API accepts, each with its Ed25519 public key. */
  readonly keys?: Readonly<Record<string, KeyObject>>;
  /** Incoming messages per connection in any `messageWindowMs` (ping and pong frames count). Defaults to 5 (spot) or 10 (futures). */
  readonly messageLimit?: number;
  /** The window of `messageLimit`, ms, unscaled. Defaults to 1000. */
  readonly messageWindowMs?: number;
  /** Streams per connection. Defaults to 1024. */
  readonly streamLimit?: number;
}

const ERRORS = {
  invalidKey: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
  keyFormat: { code: -2014, msg: 'API-key format invalid.' },
  recvWindow: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
  ahead: { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." },
  signature: { code: -1022, msg: 'Signature for this request is not valid.' },
  unauthorized: { code: -1002, msg: 'You are not authorized to execute this request.' },
  unknownMethod: { code: -1100, msg: 'Illegal characters found in parameter "method".' },
} as const;

/**
 * Binance as its documents describe it (developers.binance.com, spot web-socket-streams and
 * websocket-api, USDⓈ-M futures websocket-market-streams): the server pings every 20 s (spot) or
 * 3 min (futures) and cuts a connection that has not answered within 1 min (10 min); 5 (10) incoming
 * messages a second per connection, ping and pong frames included, else disconnected; `SUBSCRIBE`
 * answered `{"result":null,"id"}`, errors `{"code","msg","id"}`, more than 1024 streams disconnects;
 * the user data stream at `/ws/<listenKey>` with keys from the REST side and `listenKeyExpired` on
 * demand; `serverShutdown` on demand; the WebSocket API (`session.logon` with an Ed25519 signature and
 * the recvWindow rule, `time`, `order.place`, `order.cancel`), replies with `id`, `status` and
 * `result` or `error`; and futures' `countdownCancelAll` REST call arming the cancel-all timer.
 */
export class BinanceMock extends MockExchange {
  readonly market: BinanceMarket;
  readonly messageLimit: number;
  readonly messageWindowMs: number;
  readonly streamLimit: number;
  /** Listen keys handed out and still valid. */
  readonly listenKeys = new Set<string>();
  /** Every `session.logon` accepted: its connection and the timestamp it was signed with. */
  readonly logons: Array<{ connection: number; timestamp: number }> = [];
  private readonly keys: Readonly<Record<string, KeyObject>>;

  constructor(options: BinanceMockOptions = {}) {
    super(options);
    this.market = options.market ?? 'spot';
    this.keys = options.keys ?? {};
    // source: web-socket-streams (spot: 5), websocket-market-streams (futures: 10).
    this.messageLimit = options.messageLimit ?? (this.market === 'spot' ? 5 : 10);
    this.messageWindowMs = options.messageWindowMs ?? 1000;
    this.streamLimit = options.streamLimit ?? 1024;
  }

  static async start(options: BinanceMockOptions = {}): Promise<BinanceMock> {
    return new BinanceMock(options).start();
  }

  /** The WebSocket API's path. */
  get apiPath(): string {
    return this.market === 'spot' ? '/ws-api/v3' : '/ws-fapi/v1';
  }

  /** The REST path that hands out listen keys. */
  get listenKeyPath(): string {
    return this.market === 'spot' ? '/api/v3/userDataStream' : '/fapi/v1/listenKey';
  }

  /** Invalidates a listen key and tells its user data streams, as Binance does when one expires. */
  expireListenKey(key: string): void {
    this.listenKeys.delete(key);
    this.broadcast({ e: 'listenKeyExpired', E: this.now(), listenKey: key }, (c) => c.path === `/ws/${key}`);
  }

  /** Announces a shutdown on every socket: bare on streams, wrapped in `event` on the WebSocket API. */
  serverShutdown(): void {
    const event = { e: 'serverShutdown', E: this.now() };
    for (const connection of this.openConnections()) {
      this.send(connection, connection.path === this.apiPath ? { event } : event);
    }
  }

  /** Pushes a stream event to every connection subscribed to `stream`. */
  publish(stream: string, event: unknown): void {
    this.broadcast(event, (connection) => streamsOf(connection).includes(stream));
  }

  protected override refuseUpgrade(path: string): number | undefined {
    if (path === '/ws' || path === '/stream' || path === this.apiPath) return undefined;
    const key = /^\/ws\/(.+)$/.exec(path)?.[1];
    return key !== undefined && this.listenKeys.has(key) ? undefined : 400;
  }

  protected onOpen(connection: MockConnection): void {
    connection.state.streams = [];
    this.schedulePing(connection);
  }

  protected override onControlFrame(connection: MockConnection, kind: 'ping' | 'pong'): void {
    if (kind === 'pong') {
      this.clearTimer(connection.state.pongDue as NodeJS.Timeout | undefined);
      connection.state.pongDue = undefined;
    }
    this.enforceRate(connection);
  }

  protected onText(connection: MockConnection, text: string): void {
    if (!this.enforceRate(connection)) return;
    const message = objectOf(parseJson(text));
    if (message === undefined) {
      this.send(connection, { code: 3, msg: `Invalid JSON: expected value at line 1 column 1`, id: null });
      return;
    }
    if (connection.path === this.apiPath) this.apiRequest(connection, message);
    else this.streamRequest(connection, message);
  }

  protected override onHttp(
    method: string,
    path: string,
    query: URLSearchParams,
  ): { status: number; body: unknown } | undefined {
    if (path === this.listenKeyPath && method === 'POST') {
      const listenKey = randomBytes(24).toString('hex');
      this.listenKeys.add(listenKey);
      return { status: 200, body: { listenKey } };
    }
    if (path === this.listenKeyPath && method === 'PUT') return { status: 200, body: {} };
    if (this.market === 'futures' && path === '/fapi/v1/countdownCancelAll' && method === 'POST') {
      const symbol = query.get('symbol') ?? '';
      const countdownTime = Number(query.get('countdownTime'));
      if (countdownTime === 0) this.disarmCancelAll();
      else this.armCancelAll(symbol, this.now() + countdownTime);
      return { status: 200, body: { symbol, countdownTime: String(countdownTime) } };
    }
    return undefined;
  }

  /** Counts every incoming message and control frame of the connection; over the limit, disconnects. */
  private enforceRate(connection: MockConnection): boolean {
    if (!this.exceeds(this.messageLimit, this.messageWindowMs, (record) => record.connection === connection.id)) {
      return true;
    }
    this.log.push('rate-limit-close');
    this.closeConnection(connection, 1008, 'Too many messages');
    return false;
  }

  /** The server pings on its period and cuts a connection whose pong does not come in time. */
  private schedulePing(connection: MockConnection): void {
    const every = this.ms(this.market === 'spot' ? 20_000 : 180_000);
    const within = this.ms(this.market === 'spot' ? 60_000 : 600_000);
    this.timer(
      every,
      () => {
        if (!connection.open) return;
        connection.socket.ping();
        if (connection.state.pongDue === undefined) {
          connection.state.pongDue = this.timer(
            within,
            () => this.closeConnection(connection, 1008, 'Pong timeout'),
            connection,
          );
        }
        this.schedulePing(connection);
      },
      connection,
    );
  }

  private streamRequest(connection: MockConnection, message: Record<string, unknown>): void {
    const { id } = message;
    const params = Array.isArray(message.params) ? message.params : [];
    const streams = streamsOf(connection);
    switch (message.method) {
      case 'SUBSCRIBE': {
        const bad = params.find((stream) => typeof stream !== 'string' || !/^[a-z0-9!_]+@[a-zA-Z0-9_@]+$/.test(stream));
        if (bad !== undefined) {
          this.send(connection, { code: 2, msg: `Invalid request: invalid stream name ${JSON.stringify(bad)}`, id });
          return;
        }
        for (const stream of params as string[]) if (!streams.includes(stream)) streams.push(stream);
        if (streams.length > this.streamLimit) {
          this.closeConnection(connection, 1008, 'Too many streams');
          return;
        }
        this.send(connection, { result: null, id });
        return;
      }
      case 'UNSUBSCRIBE':
        for (const stream of params)
          if (streams.includes(stream as string)) streams.splice(streams.indexOf(stream as string), 1);
        this.send(connection, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.send(connection, { result: [...streams], id });
        return;
      default:
        this.send(connection, {
          code: 2,
          msg: `Invalid request: unknown variant \`${String(message.method)}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\``,
          id,
        });
    }
  }

  private apiRequest(connection: MockConnection, message: Record<string, unknown>): void {
    const { id } = message;
    const params = objectOf(message.params) ?? {};
    const ok = (result: unknown): void => this.send(connection, { id, status: 200, result, rateLimits: [] });
    const fail = (status: number, error: { code: number; msg: string }): void =>
      this.send(connection, { id, status, error, rateLimits: [] });
    const apiKey = connection.state.apiKey as string | undefined;
    switch (message.method) {
      case 'session.logon': {
        const refusal = this.logonRefusal(params);
        if (refusal !== undefined) return fail(refusal.code === -1021 || refusal.code === -1022 ? 400 : 401, refusal);
        connection.state.apiKey = params.apiKey;
        this.logons.push({ connection: connection.id, timestamp: params.timestamp as number });
        return ok({
          apiKey: params.apiKey,
          authorizedSince: this.now(),
          connectedSince: this.now(),
          returnRateLimits: false,
          serverTime: this.now(),
          userDataStream: false,
        });
      }
      case 'time':
        return ok({ serverTime: this.now() });
      case 'order.place': {
        if (apiKey === undefined) return fail(401, ERRORS.unauthorized);
        const order = this.placeOrder(apiKey, params);
        return ok({ symbol: params.symbol, orderId: Number(order.id), transactTime: this.now(), status: 'NEW' });
      }
      case 'order.cancel': {
        if (apiKey === undefined) return fail(401, ERRORS.unauthorized);
        const orderId = String(params.orderId);
        if (!this.orders.delete(orderId)) return fail(400, { code: -2011, msg: 'Unknown order sent.' });
        return ok({ orderId: Number(orderId), status: 'CANCELED' });
      }
      default:
        return fail(400, ERRORS.unknownMethod);
    }
  }

  /** Why a `session.logon` is refused, if it is: key, recvWindow (default 5000, at most 60000), signature. */
  private logonRefusal(params: Record<string, unknown>): { code: number; msg: string } | undefined {
    const { apiKey, timestamp, signature } = params;
    const recvWindow = params.recvWindow ?? 5000;
    if (typeof apiKey !== 'string' || apiKey === '') return ERRORS.keyFormat;
    const key = this.keys[apiKey];
    if (key === undefined) return ERRORS.invalidKey;
    if (typeof timestamp !== 'number' || typeof recvWindow !== 'number' || recvWindow > 60_000)
      return ERRORS.recvWindow;
    const now = this.now();
    if (timestamp > now + 1000) return ERRORS.ahead;
    if (now - timestamp > recvWindow) return ERRORS.recvWindow;
    const signed = Object.keys(params)
      .filter((name) => name !== 'signature')
      .sort()
      .map((name) => `${name}=${String(params[name])}`)
      .join('&');
    const valid =
      typeof signature === 'string' && verify(null, Buffer.from(signed), key, Buffer.from(signature, 'base64'));
    return valid ? undefined : ERRORS.signature;
  }
}

function streamsOf(connection: MockConnection): string[] {
  return connection.state.streams as string[];
}
