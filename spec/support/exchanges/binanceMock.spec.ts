import { waitFor } from '../testServer';
import { BinanceMock } from './binanceMock';
import { ed25519Key } from './ed25519';
import { closeClients, has, openClient } from './mockClient';

const key = ed25519Key();
const logonParams = (timestamp: number, extra: Record<string, unknown> = {}): Record<string, unknown> => {
  const params: Record<string, unknown> = { apiKey: 'KEY', timestamp, ...extra };
  const payload = Object.keys(params)
    .sort()
    .map((name) => `${name}=${String(params[name])}`)
    .join('&');
  return { ...params, signature: key.sign(payload) };
};
const byId = (id: unknown) => (message: unknown) => (message as { id?: unknown }).id === id;

describe('BinanceMock (plain ws clients)', () => {
  let mock: BinanceMock;

  afterEach(async () => {
    await closeClients();
    await mock.close();
  });

  describe('streams', () => {
    it('should acknowledge SUBSCRIBE by id, refuse a malformed stream with its id, and list subscriptions', async () => {
      mock = await BinanceMock.start();
      const client = await openClient(`${mock.url}/ws`);
      client.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-1' });
      expect(await client.next(byId('sub-1'))).toEqual({ result: null, id: 'sub-1' });
      client.send({ method: 'SUBSCRIBE', params: ['BTC USDT'], id: 2 });
      expect(await client.next(byId(2))).toMatchObject({ code: 2, id: 2 });
      client.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
      expect(await client.next(byId(3))).toEqual({ result: ['btcusdt@aggTrade'], id: 3 });
    });

    it('should disconnect a connection over the per-connection stream cap', async () => {
      mock = await BinanceMock.start({ streamLimit: 2 });
      const client = await openClient(`${mock.url}/ws`);
      client.send({ method: 'SUBSCRIBE', params: ['a@trade', 'b@trade', 'c@trade'], id: 1 });
      expect(await client.closed).toBe(1008);
    });

    it('should count ping and pong frames with messages, and disconnect over 5 a second (spot)', async () => {
      mock = await BinanceMock.start();
      const client = await openClient(`${mock.url}/ws`);
      for (let i = 0; i < 3; i++) client.socket.ping();
      client.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
      await client.next(byId(1));
      expect(mock.openConnections()).toHaveLength(1);
      client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
      client.socket.ping();
      expect(await client.closed).toBe(1008);
      expect(mock.inbound.map((record) => record.kind)).toEqual(['ping', 'ping', 'ping', 'message', 'message', 'ping']);
      expect(mock.log).toContain('rate-limit-close');
    });

    it('should allow 10 a second on futures', async () => {
      mock = await BinanceMock.start({ market: 'futures' });
      const client = await openClient(`${mock.url}/ws`);
      for (let i = 1; i <= 10; i++) client.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
      await client.next(byId(10));
      client.send({ method: 'LIST_SUBSCRIPTIONS', id: 11 });
      expect(await client.closed).toBe(1008);
    });

    it('should ping every (scaled) 20 s and cut a client that does not pong within (scaled) 1 minute', async () => {
      mock = await BinanceMock.start({ scale: 0.005 });
      const answering = await openClient(`${mock.url}/ws`);
      const silent = await openClient(`${mock.url}/ws`);
      // `ws` answers pings by itself; this client is made deaf to them.
      silent.socket.pong = () => undefined;
      (silent.socket as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners(
        'ping',
      );
      expect(await silent.closed).toBe(1008);
      expect(answering.socket.readyState).toBe(answering.socket.OPEN);
      expect(mock.inbound.filter((record) => record.kind === 'pong' && record.connection === 1).length).toBeGreaterThan(
        0,
      );
    });

    it('should announce serverShutdown on demand', async () => {
      mock = await BinanceMock.start();
      const client = await openClient(`${mock.url}/ws`);
      mock.serverShutdown();
      expect(await client.next(has({ e: 'serverShutdown' }))).toMatchObject({ e: 'serverShutdown' });
    });
  });

  describe('user data stream', () => {
    it('should hand out listen keys over REST, refuse an unknown key, and announce an expired one', async () => {
      mock = await BinanceMock.start({ market: 'futures' });
      const response = await fetch(`${mock.httpUrl}/fapi/v1/listenKey`, { method: 'POST' });
      const { listenKey } = (await response.json()) as { listenKey: string };
      await expect(openClient(`${mock.url}/ws/not-a-key`)).rejects.toThrow(/400/);
      const client = await openClient(`${mock.url}/ws/${listenKey}`);
      mock.expireListenKey(listenKey);
      expect(await client.next(has({ e: 'listenKeyExpired' }))).toMatchObject({ listenKey });
      await expect(openClient(`${mock.url}/ws/${listenKey}`)).rejects.toThrow(/400/);
    });
  });

  describe('WebSocket API', () => {
    it('should log on with a fresh Ed25519 signature and answer with the (skewed) server time', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey }, skewMs: -2000 });
      const client = await openClient(`${mock.url}/ws-api/v3`);
      client.send({ id: 'a', method: 'session.logon', params: logonParams(mock.now()) });
      const reply = (await client.next(byId('a'))) as { status: number; result: { serverTime: number } };
      expect(reply.status).toBe(200);
      expect(Math.abs(reply.result.serverTime - (Date.now() - 2000))).toBeLessThan(500);
      expect(mock.logons).toHaveLength(1);
    });

    it('should refuse a stale timestamp (-1021), one too far ahead, a bad signature and an unknown key', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey } });
      const client = await openClient(`${mock.url}/ws-api/v3`);
      client.send({ id: 1, method: 'session.logon', params: logonParams(mock.now() - 6000) });
      client.send({ id: 2, method: 'session.logon', params: logonParams(mock.now() - 6000, { recvWindow: 10_000 }) });
      client.send({ id: 3, method: 'session.logon', params: logonParams(mock.now() + 5000) });
      client.send({
        id: 4,
        method: 'session.logon',
        params: { ...logonParams(mock.now()), signature: key.sign('other') },
      });
      client.send({ id: 5, method: 'session.logon', params: { ...logonParams(mock.now()), apiKey: 'OTHER' } });
      const codes = [];
      for (const id of [1, 2, 3, 4, 5]) {
        const reply = (await client.next(byId(id))) as { status: number; error?: { code: number } };
        codes.push(reply.error?.code ?? reply.status);
      }
      expect(codes).toEqual([-1021, 200, -1021, -1022, -2015]);
    });

    it('should refuse orders before the logon, and rest them after', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey } });
      const client = await openClient(`${mock.url}/ws-api/v3`);
      client.send({ id: 1, method: 'order.place', params: { symbol: 'BTCUSDT' } });
      expect(await client.next(byId(1))).toMatchObject({ status: 401, error: { code: -1002 } });
      client.send({ id: 2, method: 'session.logon', params: logonParams(mock.now()) });
      await client.next(byId(2));
      client.send({ id: 3, method: 'order.place', params: { symbol: 'BTCUSDT' } });
      expect(await client.next(byId(3))).toMatchObject({ status: 200, result: { status: 'NEW' } });
      expect(mock.openOrders('KEY')).toHaveLength(1);
    });

    it('should wrap serverShutdown in "event" on API sockets', async () => {
      mock = await BinanceMock.start();
      const client = await openClient(`${mock.url}/ws-api/v3`);
      mock.serverShutdown();
      expect(await client.next((m) => typeof (m as { event?: unknown }).event === 'object')).toMatchObject({
        event: { e: 'serverShutdown' },
      });
    });
  });

  it('should cancel the open orders of a symbol when the countdownCancelAll countdown lapses (futures)', async () => {
    mock = await BinanceMock.start({ market: 'futures' });
    mock.placeOrder('BTCUSDT', { side: 'BUY' });
    mock.placeOrder('ETHUSDT', { side: 'BUY' });
    const arm = (ms: number): Promise<Response> =>
      fetch(`${mock.httpUrl}/fapi/v1/countdownCancelAll?symbol=BTCUSDT&countdownTime=${ms}`, { method: 'POST' });
    expect(await (await arm(200)).json()).toEqual({ symbol: 'BTCUSDT', countdownTime: '200' });
    await arm(200);
    await waitFor(() => mock.cancelledByTimer.length === 1, 2000, 'the countdown');
    expect(mock.openOrders('ETHUSDT')).toHaveLength(1);
    await arm(0);
    expect(mock.cancelAllArmed).toBe(false);
  });
});
