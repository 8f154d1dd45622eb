import { Subscription } from 'rxjs';
import { ConnectionEvent } from '../../../src/model/ConnectionEvent';
import { ConnectionEventType } from '../../../src/model/ConnectionEventType';
import { hyperliquid } from '../../../src/profiles/hyperliquid';
import { JsonObject } from '../../../src/profiles/JsonObject';
import { GREETING, HyperliquidMock } from '../../support/exchanges/hyperliquidMock';
import {
  FAST_RETRY,
  SessionConnection,
  connectSession,
  ready,
  readyAgain,
} from '../../support/exchanges/sessionConnect';
import { waitFor } from '../../support/testServer';

// The mock's 60 s idle cut becomes 600 ms; the heartbeat (20 s in the profile) is scaled alike.
const SCALE = 0.01;
const trades = { method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } };
const book = { method: 'subscribe', subscription: { type: 'l2Book', coin: 'ETH' } };
const l2Book = (coin: string): JsonObject => ({
  method: 'post',
  request: { type: 'info', payload: { type: 'l2Book', coin } },
});

interface PostReply {
  readonly channel: 'post';
  readonly data: { readonly id: number; readonly response: { readonly type: string; readonly payload: JsonObject } };
}

describe('hyperliquid() through connect(), against the Hyperliquid mock', () => {
  let mock: HyperliquidMock;
  let link: SessionConnection<unknown, JsonObject> | undefined;
  const watching = new Subscription();
  let messages: unknown[];
  let events: ConnectionEvent[];

  const open = (overrides: Record<string, unknown> = {}): SessionConnection<unknown, JsonObject> => {
    link = connectSession<unknown, JsonObject>({
      ...hyperliquid(),
      url: mock.url,
      ...FAST_RETRY,
      heartbeatInterval: 20_000 * SCALE,
      heartbeatTimeout: 45_000 * SCALE,
      subscriptions: [trades, book],
      ...overrides,
    });
    messages = [];
    events = [];
    watching.add(link.messages$.subscribe((message) => messages.push(message)));
    watching.add(link.events$.subscribe((event) => events.push(event)));
    return link;
  };

  /** The subscriptions the exchange acknowledged on a connection. */
  const subscribedOn = (connection: number): string[] =>
    mock.subscribed.filter((each) => each.connection === connection).map((each) => each.subscription);

  afterEach(async () => {
    watching.unsubscribe();
    await link?.close();
    link = undefined;
    await mock.close();
  });

  it('should be ready once both subscriptions are acknowledged, the greeting never a message or an error', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    expect(subscribedOn(1)).toEqual([JSON.stringify(trades.subscription), JSON.stringify(book.subscription)]);
    expect(messages).not.toContain(GREETING);
    expect(events.filter((event) => event.type === ConnectionEventType.ErrorOccurred)).toEqual([]);
  });

  it('should stay connected past the idle cut on its pings alone', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    await new Promise((resolve) => setTimeout(resolve, 3 * 60_000 * SCALE));
    expect(mock.connections).toHaveLength(1);
    expect(mock.inbound.filter((record) => record.text === '{"method":"ping"}').length).toBeGreaterThan(2);
  });

  it('should answer request() through post, matched by id, and measure the exchange clock from its time', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE, skewMs: 5000 });
    const connection = open();
    await ready(connection);
    const replies = await Promise.all(['BTC', 'ETH', 'SOL'].map((coin) => connection.request<PostReply>(l2Book(coin))));
    expect(replies.map((reply) => reply.data.response.payload.data)).toEqual([
      expect.objectContaining({ coin: 'BTC' }),
      expect.objectContaining({ coin: 'ETH' }),
      expect.objectContaining({ coin: 'SOL' }),
    ]);
    // Loopback round trips are a few ms: the estimate is within them of the mock's clock.
    expect(Math.abs(connection.exchangeNow() - mock.now())).toBeLessThan(100);
  });

  it('should reject a request the exchange answers with an error', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    await expect(
      connection.request({ method: 'post', request: { type: 'info', payload: { type: 'nope' } } }),
    ).rejects.toThrow(/unknown info type/);
  });

  it('should report a subscription the exchange refuses, and keep the others', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    const refused = connection.subscribe({ method: 'subscribe', subscription: { type: 'nope' } });
    await expect(refused.active).rejects.toBeDefined();
    expect(subscribedOn(1)).toHaveLength(2);
  });

  it('should replay the acknowledged subscriptions and be ready again after a drop and after a restart', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    const afterDrop = readyAgain(connection);
    mock.drop();
    await afterDrop;
    const afterRestart = readyAgain(connection);
    await mock.restart();
    await afterRestart;
    expect(mock.connections.length).toBeGreaterThanOrEqual(3);
    const last = mock.connections[mock.connections.length - 1]?.id as number;
    expect([subscribedOn(2), subscribedOn(last)]).toEqual([subscribedOn(1), subscribedOn(1)]);
    expect(messages).not.toContain(GREETING);
    // Requests work on the new socket.
    await expect(connection.request<PostReply>(l2Book('BTC'))).resolves.toMatchObject({ channel: 'post' });
  });

  it('should never send the exchange more than its per-IP limit in any window, pings included', async () => {
    // The mock enforces 20 messages a second. The handle budgets 10 in any 1.1 s (the profile's 10%
    // margin on the window), leaving the heartbeat (every 200 ms: at most 6 a second, with the one at
    // the open) and jitter room, as the profile leaves room in 2000 a minute.
    mock = await HyperliquidMock.start({ scale: SCALE, messageLimit: 20, messageWindowMs: 1000 });
    const connection = open({ messageLimit: 10, messageLimitWindow: '1100ms' });
    await ready(connection);
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => connection.request<PostReply>(l2Book(`C${i}`), { timeout: '10s' })),
    );
    expect(replies).toHaveLength(30);
    expect(mock.log).not.toContain('rate-limit-close');
    expect(mock.mostInAnyWindow(1000)).toBeLessThanOrEqual(20);
  }, 20_000);

  it('should leave the exchange-side cancel timer to fire once the bot stops re-arming it', async () => {
    mock = await HyperliquidMock.start({ scale: SCALE });
    const connection = open();
    await ready(connection);
    const action = (action: JsonObject): JsonObject => ({
      method: 'post',
      request: { type: 'action', payload: { action, nonce: Math.round(connection.exchangeNow()), signature: {} } },
    });
    await connection.request(action({ type: 'order', orders: [{ a: 0, b: true, p: '1', s: '1' }] }));
    await connection.request(action({ type: 'scheduleCancel', time: Math.round(connection.exchangeNow()) + 300 }));
    await connection.close();
    await waitFor(() => mock.cancelledByTimer.length === 1, 3000, 'the scheduled cancel');
    expect(mock.orders.size).toBe(0);
  });
});
