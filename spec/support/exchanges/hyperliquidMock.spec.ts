import { waitFor } from '../testServer';
import { GREETING, HyperliquidMock } from './hyperliquidMock';
import { closeClients, has, openClient } from './mockClient';

describe('HyperliquidMock (plain ws clients)', () => {
  let mock: HyperliquidMock;

  afterEach(async () => {
    await closeClients();
    await mock.close();
  });

  it('should greet every connection with the text greeting, then answer ping with pong', async () => {
    mock = await HyperliquidMock.start();
    const client = await openClient(mock.url);
    await client.next((message) => message === GREETING);
    client.send({ method: 'ping' });
    await client.next(has({ channel: 'pong' }));
    expect(client.received[0]).toBe(GREETING);
  });

  it('should close a connection that sends nothing for the (scaled) 60 s', async () => {
    mock = await HyperliquidMock.start({ scale: 0.005 });
    const quiet = await openClient(mock.url);
    const pinging = await openClient(mock.url);
    const pings = setInterval(() => pinging.send({ method: 'ping' }), 100);
    try {
      expect(await quiet.closed).toBe(1000);
      expect(pinging.socket.readyState).toBe(pinging.socket.OPEN);
    } finally {
      clearInterval(pings);
    }
  });

  it('should acknowledge a subscription with its echo, refuse an invalid one and a duplicate', async () => {
    mock = await HyperliquidMock.start();
    const client = await openClient(mock.url);
    client.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    const ack = await client.next(has({ channel: 'subscriptionResponse' }));
    expect(ack).toEqual({
      channel: 'subscriptionResponse',
      data: { method: 'subscribe', subscription: { nSigFigs: null, mantissa: null, type: 'l2Book', coin: 'BTC' } },
    });
    client.send({ method: 'subscribe', subscription: { type: 'nope' } });
    await client.next(has({ channel: 'error', data: 'Invalid subscription {"type":"nope"}' }));
    client.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    await client.next(has({ channel: 'error', data: 'Already subscribed: {"type":"l2Book","coin":"BTC"}' }));
  });

  it('should cap subscriptions per IP across connections', async () => {
    mock = await HyperliquidMock.start({ subscriptionLimit: 2 });
    const [a, b] = [await openClient(mock.url), await openClient(mock.url)];
    a.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    b.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'ETH' } });
    await waitFor(() => mock.subscribed.length === 2);
    b.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'SOL' } });
    const refused = (await b.next(has({ channel: 'error' }))) as { data: string };
    expect(refused.data).toMatch(/Cannot exceed 2 subscriptions: .*SOL/);
  });

  it('should count every message with its arrival, and close a client over the per-IP rate', async () => {
    mock = await HyperliquidMock.start({ messageLimit: 5, messageWindowMs: 1000 });
    const [a, b] = [await openClient(mock.url), await openClient(mock.url)];
    for (let i = 0; i < 3; i++) a.send({ method: 'ping' });
    for (let i = 0; i < 3; i++) b.send({ method: 'ping' });
    const code = await Promise.race([a.closed, b.closed]);
    expect(code).toBe(1008);
    expect(mock.inbound.filter((record) => record.kind === 'message')).toHaveLength(6);
    expect(mock.mostInAnyWindow(1000)).toBe(6);
    expect(mock.log).toContain('rate-limit-close');
  });

  it('should answer a post with its id: info with the (skewed) server time, and an error reply', async () => {
    mock = await HyperliquidMock.start({ skewMs: 5000 });
    const client = await openClient(mock.url);
    const before = Date.now();
    client.send({ method: 'post', id: 42, request: { type: 'info', payload: { type: 'l2Book', coin: 'BTC' } } });
    const reply = (await client.next(has({ channel: 'post' }))) as {
      data: { id: number; response: { type: string; payload: { data: { time: number } } } };
    };
    expect(reply.data.id).toBe(42);
    expect(reply.data.response.type).toBe('info');
    expect(reply.data.response.payload.data.time).toBeGreaterThanOrEqual(before + 5000);
    client.send({ method: 'post', id: 43, request: { type: 'info', payload: { type: 'nope' } } });
    const error = (await client.next((m) => (m as { data?: { id?: number } }).data?.id === 43)) as {
      data: { response: { type: string } };
    };
    expect(error.data.response.type).toBe('error');
  });

  it('should rest orders and cancel them all when the scheduleCancel time lapses', async () => {
    mock = await HyperliquidMock.start({ scale: 0.01 });
    const client = await openClient(mock.url);
    const action = (id: number, body: Record<string, unknown>): void =>
      client.send({
        method: 'post',
        id,
        request: { type: 'action', payload: { action: body, nonce: mock.now(), signature: {} } },
      });
    action(1, {
      type: 'order',
      orders: [
        { a: 0, b: true, p: '1', s: '1' },
        { a: 0, b: false, p: '2', s: '1' },
      ],
    });
    await client.next((m) => (m as { data?: { id?: number } }).data?.id === 1);
    expect(mock.orders.size).toBe(2);
    action(2, { type: 'scheduleCancel', time: mock.now() + 10 });
    const early = (await client.next((m) => (m as { data?: { id?: number } }).data?.id === 2)) as {
      data: { response: { payload: { status: string } } };
    };
    expect(early.data.response.payload.status).toBe('err');
    action(3, { type: 'scheduleCancel', time: mock.now() + 300 });
    await client.next((m) => (m as { data?: { id?: number } }).data?.id === 3);
    expect(mock.cancelAllArmed).toBe(true);
    await waitFor(() => mock.cancelledByTimer.length === 2, 3000, 'the scheduled cancel');
    expect(mock.orders.size).toBe(0);
  });

  it('should refuse an action whose nonce is a day off the exchange clock', async () => {
    mock = await HyperliquidMock.start();
    const client = await openClient(mock.url);
    client.send({
      method: 'post',
      id: 9,
      request: {
        type: 'action',
        payload: { action: { type: 'order', orders: [] }, nonce: mock.now() - 90_000_000, signature: {} },
      },
    });
    const reply = (await client.next(has({ channel: 'post' }))) as {
      data: { response: { payload: { status: string } } };
    };
    expect(reply.data.response.payload.status).toBe('err');
  });

  it('should drop every socket, and restart on the same port with nothing on the wire', async () => {
    mock = await HyperliquidMock.start();
    const port = mock.port;
    const first = await openClient(mock.url);
    mock.drop();
    expect(await first.closed).toBe(1006);
    const second = await openClient(mock.url);
    await mock.restart();
    expect(await second.closed).toBe(1006);
    expect(mock.port).toBe(port);
    const third = await openClient(mock.url);
    await third.next((message) => message === GREETING);
    expect(mock.connections.map((connection) => connection.id)).toEqual([1, 2, 3]);
  });
});
