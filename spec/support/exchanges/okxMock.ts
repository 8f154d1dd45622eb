import { IncomingMessage } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { MockConnection, MockExchange, MockExchangeOptions, objectOf, parseJson } from './MockExchange';

export interface OkxMockOptions extends MockExchangeOptions {
  /** API keys with their secret and passphrase. */
  readonly keys?: Readonly<Record<string, { readonly secret: string; readonly passphrase: string }>>;
  /** Subscribe, unsubscribe and login requests per connection in any `requestWindowMs`. Defaults to OKX's 480. */
  readonly requestLimit?: number;
  /** The window of `requestLimit`, ms, unscaled. Defaults to 1 hour × scale. */
  readonly requestWindowMs?: number;
}

const PUBLIC_CHANNELS = new Set(['tickers', 'books', 'books5', 'bbo-tbt', 'trades', 'mark-price', 'funding-rate']);
const PRIVATE_CHANNELS = new Set(['orders', 'account', 'positions', 'balance_and_position']);

/**
 * OKX v5 as its documents describe it (www.okx.com/docs-v5/en, overview-websocket): `/ws/v5/public`,
 * `/ws/v5/private`, `/ws/v5/business`; the text `ping` answered `pong`; the 30 s idle cut (a client
 * that sends nothing); 480 subscribe/unsubscribe/login requests per connection per hour (over it:
 * error 60014 and the socket closed, the mock's reading); `login` with the timestamp in seconds,
 * expiring 30 s after it (60006), refusing an unknown key (60005), a wrong passphrase (60024) and a bad
 * signature (60007); subscriptions acknowledged one `event: "subscribe"` per argument, unknown
 * channels refused (60018) naming the channel, private ones before login (60011); `order` ops
 * answered by `id` with `inTime`/`outTime` (µs), refused after their `expTime`; the 64008 notice on
 * demand; and the REST `cancel-all-after` (0 or 10–120 s) arming the cancel-all timer.
 */
export class OkxMock extends MockExchange {
  readonly requestLimit: number;
  readonly requestWindowMs: number;
  /** Every accepted login: its connection and the timestamp (seconds) it was signed with. */
  readonly logins: Array<{ connection: number; timestamp: number }> = [];
  /** Every channel argument acknowledged: its connection and the argument. */
  readonly subscribed: Array<{ connection: number; arg: Record<string, unknown> }> = [];
  private readonly keys: OkxMockOptions['keys'] & object;

  constructor(options: OkxMockOptions = {}) {
    super(options);
    this.keys = options.keys ?? {};
    // source: docs-v5 overview-websocket-connect — 480 'subscribe'/'unsubscribe'/'login' requests per connection per hour.
    this.requestLimit = options.requestLimit ?? 480;
    this.requestWindowMs = options.requestWindowMs ?? this.ms(3_600_000);
  }

  static async start(options: OkxMockOptions = {}): Promise<OkxMock> {
    return new OkxMock(options).start();
  }

  /** Sends the service-upgrade notice to every connection, as OKX does 30 s before closing them. */
  notice(): void {
    this.broadcast({
      event: 'notice',
      code: '64008',
      msg: 'The connection will soon be closed for a service upgrade. Please reconnect.',
      connId: 'all',
    });
  }

  /** Pushes data on a channel to every connection subscribed to it. */
  publish(channel: string, data: unknown[]): void {
    for (const { connection, arg } of this.subscribed) {
      const socket = this.connections[connection - 1];
      if (socket !== undefined && arg.channel === channel) this.send(socket, { arg, data });
    }
  }

  protected override refuseUpgrade(path: string): number | undefined {
    return /^\/ws\/v5\/(public|private|business)$/.test(path) ? undefined : 404;
  }

  protected onOpen(connection: MockConnection): void {
    connection.state.connId = randomBytes(4).toString('hex');
    this.resetIdle(connection);
  }

  protected onText(connection: MockConnection, text: string): void {
    this.resetIdle(connection);
    if (text === 'ping') {
      this.send(connection, 'pong');
      return;
    }
    const message = objectOf(parseJson(text));
    const error = (code: string, msg: string): void =>
      this.send(connection, { event: 'error', code, msg, connId: connection.state.connId });
    if (message === undefined) return error('60012', `Invalid request: ${text}`);
    const op = message.op;
    if (op === 'subscribe' || op === 'unsubscribe' || op === 'login') {
      const counted = (t: string): boolean => /"op"\s*:\s*"(subscribe|unsubscribe|login)"/.test(t);
      if (
        this.exceeds(this.requestLimit, this.requestWindowMs, (r) => r.connection === connection.id && counted(r.text))
      ) {
        error('60014', 'Requests too frequent.');
        this.log.push('rate-limit-close');
        this.closeConnection(connection, 4004, 'Requests too frequent');
        return;
      }
    }
    switch (op) {
      case 'login':
        return this.login(connection, message, error);
      case 'subscribe':
        return this.subscribe(connection, message, error);
      case 'order':
        return this.order(connection, message);
      default:
        return error('60019', `Invalid op: ${String(op)}`);
    }
  }

  protected override onHttp(
    method: string,
    path: string,
    _query: URLSearchParams,
    body: unknown,
    headers: IncomingMessage['headers'],
  ): { status: number; body: unknown } | undefined {
    if (method !== 'POST' || path !== '/api/v5/trade/cancel-all-after') return undefined;
    const account = String(headers['ok-access-key'] ?? '');
    const timeOut = Number(objectOf(body)?.timeOut);
    if (timeOut === 0) {
      this.disarmCancelAll();
      return {
        status: 200,
        body: { code: '0', msg: '', data: [{ triggerTime: '0', tag: '', ts: String(this.now()) }] },
      };
    }
    // source: cancel-all-after — 0 or 10 to 120 seconds.
    if (!(timeOut >= 10 && timeOut <= 120))
      return { status: 200, body: { code: '51000', msg: 'Parameter timeOut error', data: [] } };
    const at = this.now() + this.ms(timeOut * 1000);
    this.armCancelAll(account, at);
    return {
      status: 200,
      body: { code: '0', msg: '', data: [{ triggerTime: String(at), tag: '', ts: String(this.now()) }] },
    };
  }

  private resetIdle(connection: MockConnection): void {
    this.clearTimer(connection.state.idle as NodeJS.Timeout | undefined);
    // source: docs-v5 overview-websocket-connect — the connection breaks after 30 s without traffic.
    connection.state.idle = this.timer(
      this.ms(30_000),
      () => this.closeConnection(connection, 4004, 'No data received in 30s.'),
      connection,
    );
  }

  private login(
    connection: MockConnection,
    message: Record<string, unknown>,
    error: (code: string, msg: string) => void,
  ): void {
    if (connection.path === '/ws/v5/public')
      return error('60028', 'The current operation is not supported by this URL.');
    const arg = objectOf(Array.isArray(message.args) ? message.args[0] : undefined) ?? {};
    const key = this.keys[String(arg.apiKey)];
    if (key === undefined) return error('60005', `Invalid apiKey: ${String(arg.apiKey)}`);
    if (arg.passphrase !== key.passphrase) return error('60024', 'Wrong passphrase');
    const timestamp = Number(arg.timestamp);
    if (!/^\d+$/.test(String(arg.timestamp))) return error('60004', 'Invalid timestamp');
    // source: overview-websocket-login — the request expires 30 seconds after the timestamp.
    if (this.now() / 1000 - timestamp > 30) return error('60006', 'Timestamp request expired');
    const expected = createHmac('sha256', key.secret).update(`${arg.timestamp}GET/users/self/verify`).digest('base64');
    if (arg.sign !== expected) return error('60007', 'Invalid sign');
    connection.state.apiKey = arg.apiKey;
    this.logins.push({ connection: connection.id, timestamp });
    this.send(connection, { event: 'login', code: '0', msg: '', connId: connection.state.connId });
  }

  private subscribe(
    connection: MockConnection,
    message: Record<string, unknown>,
    error: (code: string, msg: string) => void,
  ): void {
    const args = (Array.isArray(message.args) ? message.args : []).map((arg) => objectOf(arg) ?? {});
    for (const arg of args) {
      const channel = String(arg.channel);
      const isPrivate = PRIVATE_CHANNELS.has(channel);
      if (!isPrivate && !PUBLIC_CHANNELS.has(channel)) {
        return error(
          '60018',
          `Wrong URL or channel:${channel},instId:${String(arg.instId)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
        );
      }
      if (isPrivate && connection.state.apiKey === undefined) return error('60011', 'Please log in');
    }
    for (const arg of args) {
      this.subscribed.push({ connection: connection.id, arg });
      this.send(connection, { event: 'subscribe', arg, connId: connection.state.connId });
    }
  }

  private order(connection: MockConnection, message: Record<string, unknown>): void {
    const { id, op } = message;
    const inTime = String(this.now() * 1000);
    const reply = (code: string, msg: string, data: unknown[]): void =>
      this.send(connection, { id, op, code, msg, data, inTime, outTime: String(this.now() * 1000) });
    if (connection.state.apiKey === undefined) return reply('60011', 'Please log in', []);
    if (typeof id !== 'string' || !/^[a-zA-Z0-9]{1,32}$/.test(id)) return reply('60013', 'Invalid args: id', []);
    if (message.expTime !== undefined && this.now() > Number(message.expTime)) {
      return reply('1', 'Operation failed.', [{ sCode: '50004', sMsg: 'Request expired (expTime)' }]);
    }
    const arg = objectOf(Array.isArray(message.args) ? message.args[0] : undefined) ?? {};
    const order = this.placeOrder(connection.state.apiKey as string, arg);
    reply('0', '', [
      {
        clOrdId: arg.clOrdId ?? '',
        ordId: order.id,
        tag: '',
        ts: String(this.now()),
        sCode: '0',
        sMsg: 'Order placed',
      },
    ]);
  }
}
