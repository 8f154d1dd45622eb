import { Subscription, filter, firstValueFrom, timeout } from 'rxjs';
import { ConnectionStatus } from '../../../src/model/ConnectionStatus';
import { binanceFutures, binanceSpot } from '../../../src/profiles/binance';
import { JsonObject } from '../../../src/profiles/JsonObject';
import { BinanceMock } from '../../support/exchanges/binanceMock';
import { ed25519Key } from '../../support/exchanges/ed25519';
import {
  FAST_RETRY,
  SessionConnectOptions,
  SessionConnection,
  connectSession,
  ready,
  readyAgain,
} from '../../support/exchanges/sessionConnect';

// The server's pings (20 s spot, 3 min futures) and pong deadlines run ten times faster; the message
// window stays 1 s, as Binance's, so the profile's budget (3 a second on spot) is checked as it is.
const SCALE = 0.1;
const key = ed25519Key();
const trades = { method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-trades' };
const depth = { method: 'SUBSCRIBE', params: ['btcusdt@depth'], id: 'sub-depth' };

describe('binanceSpot() and binanceFutures() through connect(), against the Binance mock', () => {
  let mock: BinanceMock;
  let link: SessionConnection<unknown, JsonObject> | undefined;
  const watching = new Subscription();

  const open = (options: SessionConnectOptions<unknown, JsonObject>): SessionConnection<unknown, JsonObject> => {
    link = connectSession<unknown, JsonObject>({
      ...FAST_RETRY,
      // Our own protocol ping, at most one in any second, as the profile's budget assumes.
      heartbeatInterval: '1500ms',
      heartbeatTimeout: '5s',
      ...options,
    });
    return link;
  };

  /** SUBSCRIBE messages the exchange received on a connection, by id. */
  const subscribesOn = (connection: number): unknown[] =>
    mock.inbound
      .filter((record) => record.connection === connection && record.text.includes('"SUBSCRIBE"'))
      .map((record) => (JSON.parse(record.text) as { id: unknown }).id);

  afterEach(async () => {
    watching.unsubscribe();
    await link?.close();
    link = undefined;
    await mock.close();
  });

  describe('market streams', () => {
    it('should subscribe with acknowledged SUBSCRIBEs, replayed after a drop and after a restart', async () => {
      mock = await BinanceMock.start({ scale: SCALE });
      const connection = open({ ...binanceSpot({ baseUrl: mock.url }), subscriptions: [trades, depth] });
      await ready(connection);
      expect(subscribesOn(1)).toEqual(['sub-trades', 'sub-depth']);
      const afterDrop = readyAgain(connection);
      mock.drop();
      await afterDrop;
      const afterRestart = readyAgain(connection);
      await mock.restart();
      await afterRestart;
      const last = mock.connections[mock.connections.length - 1]?.id as number;
      expect([subscribesOn(2), subscribesOn(last)]).toEqual([subscribesOn(1), subscribesOn(1)]);
      expect(mock.connections.every((each) => each.path === '/ws')).toBe(true);
    });

    it('should never exceed 5 incoming messages a second on a connection, ping and pong frames counted', async () => {
      mock = await BinanceMock.start({ scale: SCALE });
      const connection = open({ ...binanceSpot({ baseUrl: mock.url }), subscriptions: [trades] });
      await ready(connection);
      const lists = await Promise.all(
        Array.from({ length: 12 }, () =>
          connection.request<{ result: string[] }>({ method: 'LIST_SUBSCRIPTIONS' }, { timeout: '10s' }),
        ),
      );
      expect(lists.map((reply) => reply.result)).toEqual(Array.from({ length: 12 }, () => ['btcusdt@aggTrade']));
      expect(mock.log).not.toContain('rate-limit-close');
      for (const { id } of mock.connections) {
        expect(mock.mostInAnyWindow(1000, (record) => record.connection === id)).toBeLessThanOrEqual(5);
      }
    }, 20_000);

    it('should reconnect at once on serverShutdown', async () => {
      mock = await BinanceMock.start({ scale: SCALE });
      const connection = open({
        ...binanceSpot({ baseUrl: mock.url }),
        subscriptions: [trades],
        initialDelay: '10s',
        maxDelay: '10s',
      });
      await ready(connection);
      const again = readyAgain(connection, 3000);
      mock.serverShutdown();
      await again;
      expect(mock.connections).toHaveLength(2);
    });
  });

  describe('the user data stream', () => {
    it('should fetch a fresh listen key for every connection, and reconnect with a new one when it expires', async () => {
      mock = await BinanceMock.start({ market: 'futures', scale: SCALE });
      const fetched: string[] = [];
      const listenKey = async (): Promise<string> => {
        const response = await fetch(`${mock.httpUrl}/fapi/v1/listenKey`, { method: 'POST' });
        const { listenKey: fresh } = (await response.json()) as { listenKey: string };
        fetched.push(fresh);
        return fresh;
      };
      const connection = open({ ...binanceFutures({ endpoint: 'userData', baseUrl: mock.url, listenKey }) });
      await ready(connection);
      expect(mock.connections[0]?.path).toBe(`/ws/${fetched[0]}`);
      const again = readyAgain(connection);
      mock.expireListenKey(fetched[0] as string);
      await again;
      expect(fetched).toHaveLength(2);
      expect(mock.connections[1]?.path).toBe(`/ws/${fetched[1]}`);
    });
  });

  describe('the WebSocket API', () => {
    const api = (apiKey = 'KEY') =>
      binanceSpot({ endpoint: 'api', baseUrl: `${mock.url}/ws-api/v3`, logon: { apiKey, sign: key.sign } });

    it('should log on afresh on every connection, before anything else, and place orders through request()', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey }, scale: SCALE });
      const connection = open(api());
      await ready(connection);
      const placed = await connection.request<{ status: number; result: { status: string } }>({
        method: 'order.place',
        params: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', price: '1', quantity: '1' },
      });
      expect(placed.result.status).toBe('NEW');
      const afterDrop = readyAgain(connection);
      mock.drop();
      await afterDrop;
      const afterRestart = readyAgain(connection);
      await mock.restart();
      await afterRestart;
      // One logon per connection, each the first thing on it, each signed later than the one before.
      const firsts = mock.connections.map((each) => JSON.parse(each.texts[0] as string) as { method: string });
      expect(firsts.map((message) => message.method)).toEqual(mock.connections.map(() => 'session.logon'));
      expect(mock.logons.map((logon) => logon.connection)).toEqual(mock.connections.map((each) => each.id));
      const stamps = mock.logons.map((logon) => logon.timestamp);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
      expect(new Set(stamps).size).toBe(stamps.length);
    });

    it('should reject a request the exchange refuses, with its code', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey }, scale: SCALE });
      const connection = open(api());
      await ready(connection);
      await expect(connection.request({ method: 'order.cancel', params: { orderId: 999 } })).rejects.toThrow(/-2011/);
    });

    it('should end Failed on an invalid API key, without a retry loop', async () => {
      mock = await BinanceMock.start({ keys: { KEY: key.publicKey }, scale: SCALE });
      const connection = open(api('UNKNOWN'));
      await firstValueFrom(
        connection.status$.pipe(
          filter((status) => status === ConnectionStatus.Failed),
          timeout(5000),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(mock.connections).toHaveLength(1);
    });
  });
});
