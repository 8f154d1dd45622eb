import { createHmac } from 'node:crypto';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { ConnectionStatus } from '../../../src/model/ConnectionStatus';
import { BybitChannel, bybit } from '../../../src/profiles/bybit';
import { JsonObject } from '../../../src/profiles/JsonObject';
import { BybitMock } from '../../support/exchanges/bybitMock';
import {
  FAST_RETRY,
  SessionConnection,
  connectSession,
  ready,
  readyAgain,
} from '../../support/exchanges/sessionConnect';
import { waitFor } from '../../support/testServer';

// The 10-minute idle cut becomes 300 ms; the heartbeat (20 s in the profile) is brought under it.
const SCALE = 0.0005;
const SECRET = 'bybit-secret';
const credentials = (apiKey = 'KEY') => ({
  apiKey,
  sign: (payload: string) => createHmac('sha256', SECRET).update(payload).digest('hex'),
});
const orders = { op: 'subscribe', req_id: 'orders', args: ['order'] };
const dcp = { op: 'subscribe', req_id: 'dcp', args: ['dcp.future'] };

describe('bybit() through connect(), against the Bybit mock', () => {
  let mock: BybitMock;
  const links: SessionConnection<unknown, JsonObject>[] = [];

  const open = (
    channel: BybitChannel,
    apiKey = 'KEY',
    subscriptions: JsonObject[] = [],
  ): SessionConnection<unknown, JsonObject> => {
    const profile = bybit({ channel, credentials: credentials(apiKey) });
    const link = connectSession<unknown, JsonObject>({
      ...profile,
      url: `${mock.url}${new URL(profile.url as string).pathname}`,
      ...FAST_RETRY,
      heartbeatInterval: 100,
      heartbeatTimeout: 1000,
      subscriptions,
    });
    links.push(link);
    return link;
  };

  /** What the exchange received first on each connection: the auth, then the subscriptions. */
  const opsOn = (connection: number): string[] =>
    mock.inbound
      .filter((record) => record.connection === connection && !record.text.includes('"ping"'))
      .map((record) => (JSON.parse(record.text) as { op: string; req_id?: string }).req_id ?? '')
      .filter((id) => id !== '');

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await mock.close();
  });

  it('should authenticate afresh, then subscribe, on every connection: first, after a drop, after a restart', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: SCALE });
    const link = open('private', 'KEY', [orders, dcp]);
    await ready(link);
    const afterDrop = readyAgain(link);
    mock.drop();
    await afterDrop;
    const afterRestart = readyAgain(link);
    await mock.restart();
    await afterRestart;
    expect(mock.auths.map((auth) => auth.connection)).toEqual(mock.connections.map((each) => each.id));
    const expires = mock.auths.map((auth) => auth.expires);
    expect(new Set(expires).size).toBe(expires.length);
    expect([...expires].sort((a, b) => a - b)).toEqual(expires);
    for (const { id } of mock.connections) {
      // The auth's req_id is lifeline's own (a number); the subscriptions follow it, in order.
      expect(opsOn(id).slice(1)).toEqual(['orders', 'dcp']);
    }
  });

  it('should keep a socket alive past the idle cut on its pings, both pong shapes taken', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: SCALE });
    const pub = open('linear', 'KEY', [{ op: 'subscribe', req_id: 'book', args: ['orderbook.50.BTCUSDT'] }]);
    const priv = open('private', 'KEY', [orders]);
    await Promise.all([ready(pub), ready(priv)]);
    await new Promise((resolve) => setTimeout(resolve, 3 * 600_000 * SCALE));
    expect(mock.connections).toHaveLength(2);
    const [pubState, privState] = await Promise.all(
      [pub, priv].map((link) => firstValueFrom(link.status$.pipe(timeout(1000)))),
    );
    expect([pubState, privState]).toEqual([ConnectionStatus.Connected, ConnectionStatus.Connected]);
  });

  it('should place orders on the trade socket through request(), by reqId, and read the server time', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: SCALE, skewMs: 2000 });
    const trade = open('trade');
    await ready(trade);
    const header = (): JsonObject => ({
      'X-BAPI-TIMESTAMP': String(Math.round(trade.exchangeNow())),
      'X-BAPI-RECV-WINDOW': '5000',
    });
    const placed = await trade.request<{ retCode: number; data: { orderId: string } }>({
      op: 'order.create',
      header: header(),
      args: [{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '1', category: 'linear' }],
    });
    expect(placed.retCode).toBe(0);
    expect(mock.openOrders('KEY').map((order) => order.id)).toEqual([placed.data.orderId]);
    expect(Math.abs(trade.exchangeNow() - mock.now())).toBeLessThan(100);
    await expect(
      trade.request({ op: 'order.cancel', header: header(), args: [{ orderId: 'nope', category: 'linear' }] }),
    ).rejects.toThrow(/110001/);
  });

  it('should end Failed on an invalid API key, without a retry loop', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: SCALE });
    const link = open('private', 'UNKNOWN', [orders]);
    await firstValueFrom(
      link.status$.pipe(
        filter((status) => status === ConnectionStatus.Failed),
        timeout(5000),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mock.connections).toHaveLength(1);
  });

  it('should let DCP cancel the orders once the bot’s dcp socket is closed for the window', async () => {
    mock = await BybitMock.start({ keys: { KEY: SECRET }, scale: 0.02 });
    mock.placeOrder('KEY', { symbol: 'BTCUSDT' });
    const link = open('private', 'KEY', [orders, dcp]);
    await ready(link);
    expect(mock.cancelAllArmed).toBe(false);
    await link.close();
    await waitFor(() => mock.cancelledByTimer.length === 1, 3000, 'the DCP cancel');
    expect(mock.orders.size).toBe(0);
  });
});
