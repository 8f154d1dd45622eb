import { Observable, filter, firstValueFrom, map, take, toArray } from 'rxjs';
import http from 'node:http';
import WebSocket from 'ws';
import { MockExchange, MockExchangeEvent, startMockExchange } from '../../src/cli/mockExchange';

/** A raw client: the messages it gets, as parsed JSON. */
async function client(
  url: string,
): Promise<{ socket: WebSocket; messages$: Observable<Record<string, unknown>>; close: () => void }> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const messages$ = new Observable<Record<string, unknown>>((subscriber) => {
    const on = (data: WebSocket.RawData): void => subscriber.next(JSON.parse(String(data)) as Record<string, unknown>);
    socket.on('message', on);
    return () => socket.off('message', on);
  });
  return { socket, messages$, close: () => socket.terminate() };
}

describe('startMockExchange', () => {
  let exchange: MockExchange | undefined;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await exchange?.close();
    exchange = undefined;
  });

  it('should listen on 127.0.0.1, answer pings, acknowledge orders and tick to subscribers', async () => {
    exchange = await startMockExchange({ tickInterval: 20 });
    expect(exchange.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const c = await client(exchange.url);
    sockets.push(c.socket);
    const replies = firstValueFrom(c.messages$.pipe(take(4), toArray()));
    c.socket.send('{"method":"ping"}');
    c.socket.send('{"method":"order","id":"o-1"}');
    const subscribedAt = Date.now();
    c.socket.send('{"method":"subscribe","channel":"ticks"}');
    const [pong, ack, subscribed, tick] = await replies;
    const receivedAt = Date.now();
    expect(pong).toMatchObject({ channel: 'pong' });
    expect(ack).toEqual({ channel: 'orderAck', id: 'o-1', status: 'accepted' });
    expect(subscribed).toEqual({ channel: 'subscribed', subscription: 'ticks' });
    expect(tick).toMatchObject({
      channel: 'ticks',
      symbol: 'BTC-USD',
      price: expect.any(Number),
      seq: expect.any(Number),
      ts: expect.any(Number),
    });
    // Stamped when made: after we subscribed, before we had it.
    expect((tick as { ts: number }).ts).toBeGreaterThanOrEqual(subscribedAt);
    expect((tick as { ts: number }).ts).toBeLessThanOrEqual(receivedAt);
    expect(exchange.orders).toBe(1);
  });

  it('should report what happens on it', async () => {
    exchange = await startMockExchange();
    const events = firstValueFrom(exchange.events$.pipe(take(2), toArray()));
    const c = await client(exchange.url);
    sockets.push(c.socket);
    c.socket.send('{"method":"subscribe","channel":"ticks"}');
    expect(await events).toEqual<MockExchangeEvent[]>([
      { type: 'connection', id: 1 },
      { type: 'subscribe', id: 1, channel: 'ticks' },
    ]);
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
    const stalled = await client(exchange.url);
    sockets.push(stalled.socket);
    exchange.stall();
    let answered = false;
    stalled.socket.on('pong', () => (answered = true));
    stalled.messages$.subscribe(() => (answered = true));
    stalled.socket.ping();
    stalled.socket.send('{"method":"ping"}');
    const fresh = await client(exchange.url);
    sockets.push(fresh.socket);
    const pong = firstValueFrom(fresh.messages$);
    fresh.socket.send('{"method":"ping"}');
    expect(await pong).toMatchObject({ channel: 'pong' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect(stalled.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('should delay replies during a latency spike', async () => {
    exchange = await startMockExchange();
    const c = await client(exchange.url);
    sockets.push(c.socket);
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
    const c = await client(exchange.url);
    sockets.push(c.socket);
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
