import { Observable, filter, firstValueFrom, map, take, toArray } from 'rxjs';
import http from 'node:http';
import WebSocket from 'ws';
import { MockExchange, MockExchangeEvent, MockOrder, startMockExchange } from '../../src/cli/mockExchange';
import { mockLoginSignature } from '../../src/cli/mockLoginSignature';

type Message = Record<string, unknown>;

/** A raw client: every message it got since it opened, then the new ones, as parsed JSON (a text that is not JSON as `{ text }`). */
async function client(url: string): Promise<{ socket: WebSocket; messages$: Observable<Message>; close: () => void }> {
  const socket = new WebSocket(url);
  const texts: string[] = [];
  socket.on('message', (data) => texts.push(String(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const messages$ = new Observable<Message>((subscriber) => {
    const parse = (text: string): Message => {
      try {
        return JSON.parse(text) as Message;
      } catch {
        return { text };
      }
    };
    for (const text of texts) subscriber.next(parse(text));
    const on = (data: WebSocket.RawData): void => subscriber.next(parse(String(data)));
    socket.on('message', on);
    return () => socket.off('message', on);
  });
  return { socket, messages$, close: () => socket.terminate() };
}

/** The first message matching `which`. */
function next(messages$: Observable<Message>, which: (message: Message) => boolean): Promise<Message> {
  return firstValueFrom(messages$.pipe(filter(which)));
}

const replyTo =
  (id: number) =>
  (message: Message): boolean =>
    message.id === id;

function login(exchange: MockExchange, id: number, ts = Date.now(), secret = exchange.secret): string {
  return JSON.stringify({ method: 'login', id, key: exchange.apiKey, ts, sign: mockLoginSignature(secret, ts) });
}

describe('startMockExchange', () => {
  let exchange: MockExchange | undefined;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await exchange?.close();
    exchange = undefined;
  });

  const open = async (): Promise<Awaited<ReturnType<typeof client>>> => {
    const c = await client((exchange as MockExchange).url);
    sockets.push(c.socket);
    return c;
  };

  it('should listen on 127.0.0.1, answer pings, acknowledge orders and tick to subscribers', async () => {
    exchange = await startMockExchange({ tickInterval: 20 });
    expect(exchange.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const c = await open();
    const replies = firstValueFrom(c.messages$.pipe(take(4), toArray()));
    c.socket.send('{"method":"ping"}');
    c.socket.send('{"method":"order","id":"o-1"}');
    c.socket.send('{"method":"subscribe","channel":"ticks"}');
    const [pong, ack, subscribed, tick] = await replies;
    expect(pong).toMatchObject({ channel: 'pong' });
    expect(ack).toEqual({ channel: 'orderAck', id: 'o-1', status: 'accepted' });
    expect(subscribed).toEqual({ channel: 'subscribed', subscription: 'ticks' });
    expect(tick).toMatchObject({
      channel: 'ticks',
      symbol: 'BTC-USD',
      price: expect.any(Number),
      seq: expect.any(Number),
    });
    expect(exchange.orders).toBe(1);
  });

  it('should report what happens on it', async () => {
    exchange = await startMockExchange();
    const events = firstValueFrom(exchange.events$.pipe(take(2), toArray()));
    const c = await open();
    c.socket.send('{"method":"subscribe","channel":"ticks"}');
    expect(await events).toEqual<MockExchangeEvent[]>([
      { type: 'connection', id: 1 },
      { type: 'subscribe', id: 1, channel: 'ticks', accepted: true },
    ]);
  });

  it('should send the greeting, when it has one, before anything else', async () => {
    exchange = await startMockExchange({ greeting: 'Websocket connection established.' });
    const c = await open();
    c.socket.send('{"method":"ping"}');
    const [greeting, pong] = await firstValueFrom(c.messages$.pipe(take(2), toArray()));
    expect(greeting).toEqual({ text: 'Websocket connection established.' });
    expect(pong).toMatchObject({ channel: 'pong' });
  });

  describe('logins', () => {
    it('should accept a login signed with the current time, and answer it with its id and the exchange time', async () => {
      exchange = await startMockExchange();
      const events: MockExchangeEvent[] = [];
      exchange.events$.subscribe((event) => events.push(event));
      const c = await open();
      const ts = Date.now();
      c.socket.send(login(exchange, 7, ts));
      expect(await next(c.messages$, replyTo(7))).toEqual({
        id: 7,
        result: { key: 'demo' },
        serverTime: expect.any(Number),
      });
      expect(events).toContainEqual(expect.objectContaining({ type: 'login', id: 1, key: 'demo', ts, accepted: true }));
    });

    it.each([
      ['a stale timestamp', (x: MockExchange) => login(x, 1, Date.now() - 6000), 'staleLogin'],
      ['a timestamp from the future', (x: MockExchange) => login(x, 1, Date.now() + 6000), 'staleLogin'],
      ['a wrong secret', (x: MockExchange) => login(x, 1, Date.now(), 'guess'), 'badSignature'],
      [
        'an unknown key',
        (x: MockExchange) => {
          const ts = Date.now();
          return JSON.stringify({ method: 'login', id: 1, key: 'nobody', ts, sign: mockLoginSignature(x.secret, ts) });
        },
        'unknownKey',
      ],
    ])('should refuse a login with %s', async (_, message, code) => {
      exchange = await startMockExchange({ loginWindow: 5000 });
      const c = await open();
      c.socket.send(message(exchange));
      const reply = await next(c.messages$, replyTo(1));
      expect(reply).toMatchObject({ id: 1, error: { code } });
      // Refused: the socket may not trade.
      c.socket.send('{"method":"orders","id":2}');
      expect(await next(c.messages$, replyTo(2))).toMatchObject({ error: { code: 'loginRequired' } });
    });

    it('should refuse a login replayed on a new socket: a saved signature does not work twice', async () => {
      exchange = await startMockExchange();
      const saved = login(exchange, 1);
      const first = await open();
      first.socket.send(saved);
      expect(await next(first.messages$, replyTo(1))).toMatchObject({ result: { key: 'demo' } });
      const second = await open();
      second.socket.send(saved);
      expect(await next(second.messages$, replyTo(1))).toMatchObject({ error: { code: 'replayedLogin' } });
    });
  });

  describe('subscriptions', () => {
    it('should refuse an unknown channel, and the private one before a login', async () => {
      exchange = await startMockExchange();
      const c = await open();
      c.socket.send('{"method":"subscribe","channel":"nope"}');
      expect(await next(c.messages$, (m) => m.subscription === 'nope')).toMatchObject({
        channel: 'error',
        code: 'unknownChannel',
      });
      c.socket.send('{"method":"subscribe","channel":"orders"}');
      expect(await next(c.messages$, (m) => m.subscription === 'orders')).toMatchObject({
        channel: 'error',
        code: 'loginRequired',
      });
      c.socket.send(login(exchange, 1));
      await next(c.messages$, replyTo(1));
      c.socket.send('{"method":"subscribe","channel":"orders"}');
      expect(await next(c.messages$, (m) => m.channel === 'subscribed')).toEqual({
        channel: 'subscribed',
        subscription: 'orders',
      });
    });
  });

  describe('requests', () => {
    const loggedIn = async (): Promise<Awaited<ReturnType<typeof client>>> => {
      const c = await open();
      c.socket.send(login(exchange as MockExchange, 100));
      await next(c.messages$, replyTo(100));
      return c;
    };

    it('should answer an order with its id, and a bad order with an error reply', async () => {
      exchange = await startMockExchange({ price: 67_000, random: () => 0.5 });
      const c = await loggedIn();
      c.socket.send('{"method":"placeOrder","id":1,"cid":"c-1","side":"buy","px":66000,"sz":0.01}');
      expect(await next(c.messages$, replyTo(1))).toEqual({
        id: 1,
        result: { orderId: '1', cid: 'c-1', side: 'buy', px: 66000, sz: 0.01, status: 'resting' },
        serverTime: expect.any(Number),
      });
      c.socket.send('{"method":"placeOrder","id":2,"side":"buy","px":66000,"sz":0}');
      expect(await next(c.messages$, replyTo(2))).toMatchObject({ id: 2, error: { code: 'badOrder' } });
      c.socket.send('{"method":"orders","id":3}');
      const orders = (await next(c.messages$, replyTo(3))).result as { orders: MockOrder[] };
      expect(orders.orders.map((order) => order.cid)).toEqual(['c-1']);
      expect(exchange.openOrders).toBe(1);
    });

    it('should refuse a request that arrives past its expiresAfter, and not act on it', async () => {
      exchange = await startMockExchange();
      const events: MockExchangeEvent[] = [];
      exchange.events$.subscribe((event) => events.push(event));
      const c = await loggedIn();
      const late = { method: 'placeOrder', id: 1, side: 'buy', px: 1, sz: 1, expiresAfter: Date.now() - 1 };
      c.socket.send(JSON.stringify(late));
      expect(await next(c.messages$, replyTo(1))).toMatchObject({ error: { code: 'expired' } });
      expect(events).toContainEqual(expect.objectContaining({ type: 'request', requestId: 1, code: 'expired' }));
      expect(exchange.orders).toBe(0);
    });

    it('should need a login for a request', async () => {
      exchange = await startMockExchange();
      const c = await open();
      c.socket.send('{"method":"placeOrder","id":1,"side":"buy","px":1,"sz":1}');
      expect(await next(c.messages$, replyTo(1))).toMatchObject({ error: { code: 'loginRequired' } });
      expect(exchange.orders).toBe(0);
    });

    it('should fill a resting order the price reaches, and tell the private channel', async () => {
      let step = 0.5;
      exchange = await startMockExchange({ tickInterval: 10, price: 67_000, random: () => step });
      const c = await loggedIn();
      c.socket.send('{"method":"subscribe","channel":"orders"}');
      await next(c.messages$, (m) => m.channel === 'subscribed');
      c.socket.send('{"method":"placeOrder","id":1,"cid":"c-1","side":"buy","px":66990,"sz":0.01}');
      await next(c.messages$, replyTo(1));
      step = 0; // the price walks down 10 a tick
      expect(await next(c.messages$, (m) => m.channel === 'orders')).toMatchObject({
        orderId: '1',
        cid: 'c-1',
        status: 'filled',
      });
    });

    it('should cancel every resting order when the cancel-after timer lapses, unless it is renewed', async () => {
      exchange = await startMockExchange({ price: 67_000, random: () => 0.5 });
      const cancelled = firstValueFrom(exchange.events$.pipe(filter((event) => event.type === 'cancelAll')));
      const c = await loggedIn();
      c.socket.send('{"method":"placeOrder","id":1,"side":"buy","px":66000,"sz":0.01}');
      c.socket.send('{"method":"cancelAfter","id":2,"ms":60000}');
      expect(await next(c.messages$, replyTo(2))).toMatchObject({ result: { cancelAt: expect.any(Number) } });
      c.socket.send('{"method":"cancelAfter","id":3,"ms":30}');
      await next(c.messages$, replyTo(3));
      expect(await cancelled).toEqual({ type: 'cancelAll', cancelled: 1 });
      c.socket.send('{"method":"orders","id":4}');
      const orders = (await next(c.messages$, replyTo(4))).result as { orders: MockOrder[] };
      expect(orders.orders).toEqual([expect.objectContaining({ orderId: '1', status: 'cancelled' })]);
      expect(exchange.openOrders).toBe(0);
    });
  });

  it('should close a connection that sends more than its limit in any window (1008), and say so', async () => {
    exchange = await startMockExchange({ messageLimit: 3, messageLimitWindow: 60_000 });
    const limited = firstValueFrom(exchange.events$.pipe(filter((event) => event.type === 'rateLimited')));
    const c = await open();
    const closed = new Promise((resolve) => c.socket.once('close', resolve));
    for (let i = 0; i < 4; i++) c.socket.send('{"method":"ping"}');
    expect(await next(c.messages$, (m) => m.channel === 'error')).toMatchObject({
      error: 'rate limit: 4 messages in 60000 ms (limit 3)',
    });
    expect(await closed).toBe(1008);
    expect(await limited).toEqual({ type: 'rateLimited', id: 1, count: 4, windowMs: 60_000 });
    expect(exchange.busiestWindow).toBe(4);
  });

  it('should tell every socket to reconnect now, then close those still open after the grace time (1012)', async () => {
    exchange = await startMockExchange();
    const c = await open();
    const closed = new Promise((resolve) => c.socket.once('close', resolve));
    exchange.reconnectNotice('server upgrade', 20);
    expect(await next(c.messages$, (m) => m.channel === 'notice')).toEqual({
      channel: 'notice',
      event: 'reconnect',
      reason: 'server upgrade',
    });
    expect(await closed).toBe(1012);
  });

  it('should restart: cut every socket, refuse connections while down, then listen on the same port', async () => {
    exchange = await startMockExchange();
    const c = await open();
    const closed = new Promise((resolve) => c.socket.once('close', resolve));
    const restarted = exchange.restart(100);
    expect(await closed).toBe(1006);
    const refused = new WebSocket(exchange.url);
    expect(
      await new Promise((resolve) => refused.once('error', (error) => resolve((error as { code?: string }).code))),
    ).toBe('ECONNREFUSED');
    await restarted;
    await open();
    expect(exchange.connections).toBe(2);
  });

  it('should rest orders and cancel them all when the cancelAllAfter timer lapses, re-armed or turned off before', async () => {
    exchange = await startMockExchange();
    const c = await client(exchange.url);
    sockets.push(c.socket);
    const replies = firstValueFrom(c.messages$.pipe(take(5), toArray()));
    c.socket.send('{"method":"order","id":"o-1"}');
    c.socket.send('{"method":"order","id":"o-2"}');
    c.socket.send('{"method":"cancelAllAfter","id":1,"timeout":0}');
    c.socket.send('{"method":"cancelAllAfter","id":2,"timeout":-5}');
    const armedAt = Date.now();
    c.socket.send('{"method":"cancelAllAfter","id":3,"timeout":150}');
    const [, , off, refused, armed] = await replies;
    expect(off).toEqual({ channel: 'cancelAllAfter', id: 1, at: null });
    expect(refused).toMatchObject({ channel: 'error', id: 2 });
    expect(armed).toMatchObject({ channel: 'cancelAllAfter', id: 3, at: expect.any(Number) });
    expect((armed as { at: number }).at).toBeGreaterThanOrEqual(armedAt + 150);
    expect(exchange.openOrders).toBe(2);
    const cancelled = await firstValueFrom(exchange.events$.pipe(filter((event) => event.type === 'cancelAll')));
    expect(cancelled).toEqual({ type: 'cancelAll', cancelled: 2 });
    expect(Date.now() - armedAt).toBeGreaterThanOrEqual(140);
    expect(exchange.openOrders).toBe(0);
    expect(exchange.orders).toBe(2);
  });

  it('should drop every socket without a close frame', async () => {
    exchange = await startMockExchange();
    const c = await client(exchange.url);
    const code = new Promise((resolve) => c.socket.once('close', resolve));
    exchange.drop();
    expect(await code).toBe(1006);
  });

  it('should stall open sockets (no pongs, protocol or application) while new ones stay healthy', async () => {
    exchange = await startMockExchange();
    const stalled = await open();
    exchange.stall();
    let answered = false;
    stalled.socket.on('pong', () => (answered = true));
    stalled.messages$.subscribe(() => (answered = true));
    stalled.socket.ping();
    stalled.socket.send('{"method":"ping"}');
    const fresh = await open();
    const pong = firstValueFrom(fresh.messages$);
    fresh.socket.send('{"method":"ping"}');
    expect(await pong).toMatchObject({ channel: 'pong' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect(stalled.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('should delay replies during a latency spike', async () => {
    exchange = await startMockExchange();
    const c = await open();
    exchange.latency(150);
    const sent = Date.now();
    const pong = firstValueFrom(c.messages$.pipe(map(() => Date.now() - sent)));
    c.socket.send('{"method":"ping"}');
    expect(await pong).toBeGreaterThanOrEqual(140);
  });

  it('should refuse upgrades and /info with HTTP 503 during an outage, until restored', async () => {
    exchange = await startMockExchange();
    exchange.outage(true);
    const refused = new WebSocket(exchange.url);
    refused.on('error', () => undefined);
    const status = await new Promise((resolve) =>
      refused.once('unexpected-response', (request, response) => {
        resolve(response.statusCode);
        request.destroy();
      }),
    );
    expect(status).toBe(503);
    expect(await fetchStatus(exchange.infoUrl)).toBe(503);
    exchange.restore();
    expect(await fetchStatus(exchange.infoUrl)).toBe(200);
    await open();
    expect(exchange.connections).toBe(1);
  });
});

function fetchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) =>
    http
      .get(url, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject),
  );
}
