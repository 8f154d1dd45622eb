import { MockConnection, MockExchange, MockExchangeOptions, objectOf, parseJson } from './MockExchange';

/** Hyperliquid's greeting, sent as text on every new connection. */
export const GREETING = 'Websocket connection established.';

const SUBSCRIPTION_TYPES = new Set([
  'allMids',
  'notification',
  'webData2',
  'candle',
  'l2Book',
  'trades',
  'orderUpdates',
  'userEvents',
  'userFills',
  'userFundings',
  'userNonFundingLedgerUpdates',
  'activeAssetCtx',
  'bbo',
]);

export interface HyperliquidMockOptions extends MockExchangeOptions {
  /** Messages accepted per IP (all connections) in any `messageWindowMs`. Defaults to Hyperliquid's 2000. */
  readonly messageLimit?: number;
  /** The window of `messageLimit`, ms, unscaled. Defaults to 60 s × scale. */
  readonly messageWindowMs?: number;
  /** Subscriptions per IP, across connections. Defaults to Hyperliquid's 1000. */
  readonly subscriptionLimit?: number;
}

/**
 * Hyperliquid as its documents describe it
 * (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket): the greeting,
 * `{"method":"ping"}` → `{"channel":"pong"}`, the 60 s idle cut (a client that sends nothing),
 * `subscriptionResponse` acks and `error` refusals, 1000 subscriptions and 2000 messages a minute per
 * IP (over the message limit: an error, then the socket is closed, as the documents do not say more),
 * `post` requests answered with their `id` (info: `l2Book` with the server time; actions: `order`,
 * `cancel`, `scheduleCancel`, which arms the cancel-all timer and must be at least 5 s ahead).
 * Signatures are not verified (EIP-712 is out of scope); a nonce more than a day from the exchange's
 * clock is refused.
 */
export class HyperliquidMock extends MockExchange {
  readonly messageLimit: number;
  readonly messageWindowMs: number;
  readonly subscriptionLimit: number;
  /** Every subscription made, per connection id, in order (a subscription's JSON). */
  readonly subscribed: Array<{ connection: number; subscription: string }> = [];

  constructor(options: HyperliquidMockOptions = {}) {
    super(options);
    this.messageLimit = options.messageLimit ?? 2000;
    this.messageWindowMs = options.messageWindowMs ?? this.ms(60_000);
    this.subscriptionLimit = options.subscriptionLimit ?? 1000;
  }

  /** Starts a Hyperliquid mock on a random port. */
  static async start(options: HyperliquidMockOptions = {}): Promise<HyperliquidMock> {
    return new HyperliquidMock(options).start();
  }

  /** Sends a data message on `channel` to every connection subscribed to a subscription of that type. */
  publish(type: string, data: unknown): void {
    this.broadcast({ channel: type, data }, (connection) =>
      subscriptionsOf(connection).some((json) => (JSON.parse(json) as { type: string }).type === type),
    );
  }

  protected onOpen(connection: MockConnection): void {
    connection.state.subscriptions = [];
    this.send(connection, GREETING);
    this.resetIdle(connection);
  }

  protected onText(connection: MockConnection, text: string): void {
    this.resetIdle(connection);
    if (this.exceeds(this.messageLimit, this.messageWindowMs, (record) => record.kind === 'message')) {
      this.send(connection, { channel: 'error', data: 'Too many messages sent to Hyperliquid' });
      this.log.push('rate-limit-close');
      this.closeConnection(connection, 1008, 'rate limited');
      return;
    }
    const message = objectOf(parseJson(text));
    if (message === undefined) {
      this.send(connection, { channel: 'error', data: `Error parsing JSON into valid websocket request: ${text}` });
      return;
    }
    switch (message.method) {
      case 'ping':
        this.send(connection, { channel: 'pong' });
        return;
      case 'subscribe':
        this.subscribe(connection, message.subscription);
        return;
      case 'unsubscribe':
        this.unsubscribe(connection, message.subscription);
        return;
      case 'post':
        this.post(connection, message);
        return;
      default:
        this.send(connection, { channel: 'error', data: `Unknown method: ${text}` });
    }
  }

  private resetIdle(connection: MockConnection): void {
    this.clearTimer(connection.state.idle as NodeJS.Timeout | undefined);
    // The server closes a connection that has sent it nothing for 60 s.
    connection.state.idle = this.timer(
      this.ms(60_000),
      () => this.closeConnection(connection, 1000, 'idle'),
      connection,
    );
  }

  private subscribe(connection: MockConnection, subscription: unknown): void {
    const wanted = objectOf(subscription);
    const json = JSON.stringify(subscription);
    if (wanted === undefined || typeof wanted.type !== 'string' || !SUBSCRIPTION_TYPES.has(wanted.type)) {
      this.send(connection, { channel: 'error', data: `Invalid subscription ${json}` });
      return;
    }
    const mine = subscriptionsOf(connection);
    if (mine.includes(json)) {
      this.send(connection, { channel: 'error', data: `Already subscribed: ${json}` });
      return;
    }
    const total = this.openConnections().reduce((sum, each) => sum + subscriptionsOf(each).length, 0);
    if (total >= this.subscriptionLimit) {
      this.send(connection, {
        channel: 'error',
        data: `Cannot exceed ${this.subscriptionLimit} subscriptions: ${json}`,
      });
      return;
    }
    mine.push(json);
    this.subscribed.push({ connection: connection.id, subscription: json });
    // The echo carries the subscription with its defaulted fields filled in, as the server does for l2Book.
    const echo = wanted.type === 'l2Book' ? { nSigFigs: null, mantissa: null, ...wanted } : wanted;
    this.send(connection, { channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: echo } });
  }

  private unsubscribe(connection: MockConnection, subscription: unknown): void {
    const mine = subscriptionsOf(connection);
    const index = mine.indexOf(JSON.stringify(subscription));
    if (index < 0) {
      this.send(connection, { channel: 'error', data: `Already unsubscribed: ${JSON.stringify(subscription)}` });
      return;
    }
    mine.splice(index, 1);
    this.send(connection, { channel: 'subscriptionResponse', data: { method: 'unsubscribe', subscription } });
  }

  private post(connection: MockConnection, message: Record<string, unknown>): void {
    const { id } = message;
    const request = objectOf(message.request);
    const reply = (response: unknown): void => this.send(connection, { channel: 'post', data: { id, response } });
    if (typeof id !== 'number' || request === undefined) {
      this.send(connection, {
        channel: 'error',
        data: `Post requests need a numeric id and a request: ${JSON.stringify(message)}`,
      });
      return;
    }
    const payload = objectOf(request.payload) ?? {};
    if (request.type === 'info') {
      if (payload.type === 'l2Book') {
        reply({
          type: 'info',
          payload: { type: 'l2Book', data: { coin: payload.coin, time: this.now(), levels: [[], []] } },
        });
      } else {
        reply({ type: 'error', payload: `422 Unprocessable Entity: unknown info type ${String(payload.type)}` });
      }
      return;
    }
    if (request.type !== 'action') {
      reply({ type: 'error', payload: `400 Bad Request: request type ${String(request.type)}` });
      return;
    }
    const nonce = payload.nonce;
    // source: nonces-and-api-wallets — nonces must be within 1 day of the exchange's time.
    if (typeof nonce !== 'number' || Math.abs(nonce - this.now()) > 86_400_000 || payload.signature === undefined) {
      reply({ type: 'action', payload: { status: 'err', response: 'Invalid nonce or missing signature' } });
      return;
    }
    const account = String(payload.vaultAddress ?? 'account');
    const action = objectOf(payload.action) ?? {};
    const ok = (response: unknown): void => reply({ type: 'action', payload: { status: 'ok', response } });
    switch (action.type) {
      case 'order': {
        const orders = Array.isArray(action.orders) ? action.orders : [];
        const statuses = orders.map((order) => ({ resting: { oid: Number(this.placeOrder(account, order).id) } }));
        ok({ type: 'order', data: { statuses } });
        return;
      }
      case 'cancel': {
        const cancels = Array.isArray(action.cancels) ? action.cancels : [];
        const statuses = cancels.map((cancel) => {
          const oid = String(objectOf(cancel)?.o);
          return this.orders.delete(oid)
            ? 'success'
            : { error: 'Order was never placed, already canceled, or filled.' };
        });
        ok({ type: 'cancel', data: { statuses } });
        return;
      }
      case 'scheduleCancel': {
        if (action.time === undefined) {
          this.disarmCancelAll();
          ok({ type: 'scheduleCancel' });
          return;
        }
        // source: exchange-endpoint — the time must be at least 5 s after the current time.
        if (typeof action.time !== 'number' || action.time < this.now() + this.ms(5000)) {
          reply({
            type: 'action',
            payload: {
              status: 'err',
              response: 'Scheduled cancel time too early, must be at least 5 seconds from now.',
            },
          });
          return;
        }
        this.armCancelAll(account, action.time);
        ok({ type: 'scheduleCancel' });
        return;
      }
      default:
        reply({ type: 'error', payload: `422 Unprocessable Entity: unknown action ${String(action.type)}` });
    }
  }
}

function subscriptionsOf(connection: MockConnection): string[] {
  return connection.state.subscriptions as string[];
}
