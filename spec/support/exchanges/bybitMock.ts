import { createHmac, randomUUID } from 'node:crypto';
import { MockConnection, MockExchange, MockExchangeOptions, objectOf, parseJson } from './MockExchange';

export interface BybitMockOptions extends MockExchangeOptions {
  /** API keys with their secrets (HMAC-SHA256). */
  readonly keys?: Readonly<Record<string, string>>;
  /** Order requests per connection in any `orderWindowMs` before `10006 Too many visits!`. Defaults to none. */
  readonly orderLimit?: number;
  /** The window of `orderLimit`, ms, unscaled. Defaults to 1000. */
  readonly orderWindowMs?: number;
}

type Kind = 'public' | 'private' | 'trade';

const PUBLIC_TOPIC = /^(orderbook\.\d+|publicTrade|tickers|kline\.\w+|liquidation)\.[A-Z0-9]+$/;
const PRIVATE_TOPIC = /^(order|execution|position|wallet|greeks|dcp)(\.\w+)?$/;

/**
 * Bybit v5 as its documents describe it (bybit-exchange.github.io/docs/v5/ws/connect and
 * websocket/trade/guideline): `/v5/public/<market>`, `/v5/private` and `/v5/trade`; `{"op":"ping"}`
 * answered in the public shape (`ret_msg: "pong"`) or the private one (`op: "pong"`); the 10-minute
 * idle cut; `auth` with `expires` and HMAC-SHA256(`GET/realtime` + expires), refusing an unknown key,
 * an expired `expires` and a bad signature, in the private shape (`success`, `ret_msg`) or the trade
 * shape (`retCode`, `retMsg`); subscriptions acknowledged per request (`req_id` echoed), invalid topics
 * refused naming the topic, spot's 10 args per request; `order.create`/`order.cancel` with
 * `X-BAPI-TIMESTAMP` inside the recv window, answered by `reqId` with `header.Timenow`; and DCP: once
 * every private socket of a key that subscribed `dcp.*` is gone for the time window (10 s), its orders
 * are cancelled.
 */
export class BybitMock extends MockExchange {
  readonly orderLimit: number | undefined;
  readonly orderWindowMs: number;
  /** DCP's time window, ms (scaled 10 s). */
  readonly dcpWindowMs: number;
  /** Every accepted auth: its connection and its `expires`. */
  readonly auths: Array<{ connection: number; expires: number }> = [];
  /** Every accepted subscribe request: its connection and topics. */
  readonly subscribed: Array<{ connection: number; topics: string[] }> = [];
  private readonly keys: Readonly<Record<string, string>>;

  constructor(options: BybitMockOptions = {}) {
    super(options);
    this.keys = options.keys ?? {};
    this.orderLimit = options.orderLimit;
    this.orderWindowMs = options.orderWindowMs ?? 1000;
    // source: docs/v5/order/dcp — "the default time window is 10 seconds".
    this.dcpWindowMs = this.ms(10_000);
  }

  static async start(options: BybitMockOptions = {}): Promise<BybitMock> {
    return new BybitMock(options).start();
  }

  protected override refuseUpgrade(path: string): number | undefined {
    return /^\/v5\/(public\/(spot|linear|inverse|option)|private|trade)$/.test(path) ? undefined : 404;
  }

  protected onOpen(connection: MockConnection): void {
    connection.state.kind =
      connection.path === '/v5/private' ? 'private' : connection.path === '/v5/trade' ? 'trade' : 'public';
    connection.state.connId = randomUUID();
    this.resetIdle(connection);
  }

  protected override onClose(connection: MockConnection): void {
    const key = connection.state.apiKey as string | undefined;
    if (key === undefined || connection.state.dcp !== true) return;
    const others = this.openConnections().some((other) => other.state.apiKey === key && other.state.dcp === true);
    if (!others) this.armCancelAll(key, this.now() + this.dcpWindowMs);
  }

  protected onText(connection: MockConnection, text: string): void {
    this.resetIdle(connection);
    const message = objectOf(parseJson(text));
    if (message === undefined) {
      this.reply(connection, {}, false, 'Invalid JSON');
      return;
    }
    switch (message.op) {
      case 'ping':
        if (kindOf(connection) === 'public') {
          this.send(connection, {
            success: true,
            ret_msg: 'pong',
            conn_id: connection.state.connId,
            req_id: message.req_id ?? '',
            op: 'ping',
          });
        } else {
          this.send(connection, {
            req_id: message.req_id,
            op: 'pong',
            args: [String(this.now())],
            conn_id: connection.state.connId,
          });
        }
        return;
      case 'auth':
        this.auth(connection, message);
        return;
      case 'subscribe':
        this.subscribe(connection, message);
        return;
      case 'order.create':
      case 'order.cancel':
        this.order(connection, message);
        return;
      default:
        this.reply(connection, message, false, `Invalid op: ${String(message.op)}`);
    }
  }

  private resetIdle(connection: MockConnection): void {
    this.clearTimer(connection.state.idle as NodeJS.Timeout | undefined);
    // source: docs/v5/ws/connect — cut after 10 minutes without ping-pong or data.
    connection.state.idle = this.timer(
      this.ms(600_000),
      () => this.closeConnection(connection, 1000, 'idle'),
      connection,
    );
  }

  /** A reply in the socket's shape: `success`/`ret_msg` (public, private) or `retCode`/`retMsg` (trade). */
  private reply(
    connection: MockConnection,
    request: Record<string, unknown>,
    ok: boolean,
    text: string,
    retCode?: number,
  ): void {
    if (kindOf(connection) === 'trade') {
      this.send(connection, {
        ...(request.reqId !== undefined ? { reqId: request.reqId } : {}),
        retCode: ok ? 0 : (retCode ?? 10001),
        retMsg: ok ? 'OK' : text,
        op: request.op,
        connId: connection.state.connId,
      });
    } else {
      this.send(connection, {
        success: ok,
        ret_msg: ok ? '' : text,
        conn_id: connection.state.connId,
        ...(request.req_id !== undefined ? { req_id: request.req_id } : {}),
        op: request.op,
      });
    }
  }

  private auth(connection: MockConnection, message: Record<string, unknown>): void {
    if (kindOf(connection) === 'public')
      return this.reply(connection, message, false, 'Invalid op: auth on a public channel');
    const [apiKey, expires, signature] = Array.isArray(message.args) ? message.args : [];
    const secret = typeof apiKey === 'string' ? this.keys[apiKey] : undefined;
    if (secret === undefined) return this.reply(connection, message, false, 'Invalid apikey', 10003);
    if (typeof expires !== 'number' || expires <= this.now()) {
      return this.reply(connection, message, false, 'Params Error: expires is in the past', 10002);
    }
    const expected = createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex');
    if (signature !== expected) return this.reply(connection, message, false, 'Signature verification failed', 10004);
    connection.state.apiKey = apiKey;
    this.auths.push({ connection: connection.id, expires });
    this.reply(connection, message, true, '');
  }

  private subscribe(connection: MockConnection, message: Record<string, unknown>): void {
    const topics = Array.isArray(message.args) ? message.args : [];
    const kind = kindOf(connection);
    if (kind === 'trade') return this.reply(connection, message, false, 'Invalid op: subscribe on the trade channel');
    if (kind === 'private' && connection.state.apiKey === undefined) {
      return this.reply(connection, message, false, 'Request not authorized');
    }
    // source: docs/v5/ws/connect — spot takes at most 10 args per subscription request.
    if (connection.path === '/v5/public/spot' && topics.length > 10) {
      return this.reply(connection, message, false, 'args size >10');
    }
    const pattern = kind === 'private' ? PRIVATE_TOPIC : PUBLIC_TOPIC;
    const bad = topics.find((topic) => typeof topic !== 'string' || !pattern.test(topic));
    if (bad !== undefined)
      return this.reply(connection, message, false, `error:handler not found,topic:${String(bad)}`);
    this.subscribed.push({ connection: connection.id, topics: topics as string[] });
    if ((topics as string[]).some((topic) => topic.startsWith('dcp'))) {
      connection.state.dcp = true;
      this.disarmCancelAll();
    }
    this.reply(connection, message, true, '');
  }

  private order(connection: MockConnection, message: Record<string, unknown>): void {
    if (kindOf(connection) !== 'trade')
      return this.reply(connection, message, false, 'Invalid op: orders go to /v5/trade');
    const apiKey = connection.state.apiKey as string | undefined;
    if (apiKey === undefined) return this.reply(connection, message, false, 'User authentication failed.', 10007);
    if (
      this.orderLimit !== undefined &&
      this.exceeds(
        this.orderLimit,
        this.orderWindowMs,
        (r) => r.connection === connection.id && r.text.includes('"order.'),
      )
    ) {
      return this.reply(connection, message, false, 'Too many visits!', 10006);
    }
    const header = objectOf(message.header) ?? {};
    const timestamp = Number(header['X-BAPI-TIMESTAMP']);
    const recvWindow = Number(header['X-BAPI-RECV-WINDOW'] ?? 5000);
    const now = this.now();
    // source: websocket/trade/guideline — server time − recv window ≤ timestamp < server time + 1000.
    if (!(now - recvWindow <= timestamp && timestamp < now + 1000)) {
      return this.reply(
        connection,
        message,
        false,
        'invalid request, please check your server timestamp or recv_window param',
        10002,
      );
    }
    const args = objectOf(Array.isArray(message.args) ? message.args[0] : undefined) ?? {};
    let data: Record<string, unknown>;
    if (message.op === 'order.create') {
      const order = this.placeOrder(apiKey, args);
      data = { orderId: order.id, orderLinkId: args.orderLinkId ?? '' };
    } else {
      const orderId = String(args.orderId);
      if (!this.orders.delete(orderId))
        return this.reply(connection, message, false, 'order not exists or too late to cancel', 110001);
      data = { orderId, orderLinkId: args.orderLinkId ?? '' };
    }
    this.send(connection, {
      reqId: message.reqId,
      retCode: 0,
      retMsg: 'OK',
      op: message.op,
      data,
      retExtInfo: {},
      header: { Timenow: String(this.now()) },
      connId: connection.state.connId,
    });
  }
}

function kindOf(connection: MockConnection): Kind {
  return connection.state.kind as Kind;
}
