import { ConfigError } from '../../src/model/ConfigError';
import { binanceFutures, binanceSpot } from '../../src/profiles/binance';
import { JsonObject } from '../../src/profiles/JsonObject';
import { AckRule, Correlation, UrlFactory } from '../../src/streams/SessionOptions';
import { fakeSession } from './fakeSession';

const spot = binanceSpot();
const futures = binanceFutures();
const correlation = spot.correlation as Required<Correlation<unknown, JsonObject>>;
const reason = (text: string | boolean | undefined): string | boolean | undefined => text;

describe('binanceSpot() and binanceFutures()', () => {
  it('should use protocol pings and replace the socket an hour before the 24 h cut', () => {
    for (const profile of [spot, futures]) {
      expect(profile).toMatchObject({
        ping: 'ws',
        heartbeatInterval: '30s',
        heartbeatTimeout: '60s',
        maxConnectionAge: '23h',
      });
    }
  });

  it('should leave room in the per-second message limit for a ping and a pong frame, which Binance counts', () => {
    expect([spot.messageLimit, spot.messageLimitWindow]).toEqual([3, '1100ms']);
    expect([futures.messageLimit, futures.messageLimitWindow]).toEqual([8, '1100ms']);
  });

  it('should budget spot connections at 300 every 5 minutes, and cap streams at 1024 per connection', () => {
    expect([spot.connectLimit, spot.connectLimitWindow]).toEqual([300, '5.5m']);
    expect(futures.connectLimit).toBeUndefined();
    expect([spot.subscriptionsPerConnection, futures.subscriptionsPerConnection]).toEqual([1024, 1024]);
  });

  it('should connect to the raw stream endpoint, the testnet, or a given base', () => {
    expect(spot.url).toBe('wss://stream.binance.com:9443/ws');
    expect(futures.url).toBe('wss://fstream.binance.com/ws');
    expect(binanceSpot({ testnet: true }).url).toBe('wss://stream.testnet.binance.vision/ws');
    expect(binanceFutures({ baseUrl: 'ws://127.0.0.1:9/' }).url).toBe('ws://127.0.0.1:9/ws');
    expect(binanceSpot({ endpoint: 'api' }).url).toBe('wss://ws-api.binance.com:443/ws-api/v3');
  });

  describe('the user data stream', () => {
    it('should fetch a fresh listen key before every attempt and connect to it', async () => {
      const keys = ['first', 'second'];
      const profile = binanceFutures({ endpoint: 'userData', listenKey: async () => keys.shift() as string });
      const url = profile.url as UrlFactory;
      expect(await url({ attempt: 0, reconnect: false })).toBe('wss://fstream.binance.com/ws/first');
      expect(await url({ attempt: 1, reconnect: true })).toBe('wss://fstream.binance.com/ws/second');
    });

    it('should refuse the user data stream without a way to fetch the listen key', () => {
      expect(() => binanceSpot({ endpoint: 'userData' })).toThrow(ConfigError);
    });

    it('should reconnect when the listen key expires', () => {
      expect(reason(spot.reconnectOn?.({ e: 'listenKeyExpired', E: 1, listenKey: 'k' }))).toMatch(/listen key expired/);
    });
  });

  it('should reconnect on serverShutdown, bare (streams) or wrapped in "event" (WebSocket API)', () => {
    expect(spot.reconnectOn?.({ e: 'serverShutdown', E: 1 })).toMatch(/serverShutdown/);
    expect(spot.reconnectOn?.({ event: { e: 'serverShutdown', E: 1 } })).toMatch(/serverShutdown/);
    expect(spot.reconnectOn?.({ e: 'aggTrade', p: '1' })).toBeUndefined();
  });

  it('should end on an invalid API key, and not on a stale timestamp, which a fresh logon cures', () => {
    expect(
      spot.fatalOn?.({
        id: 1,
        status: 401,
        error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
      }),
    ).toMatch(/-2015/);
    expect(
      spot.fatalOn?.({ id: 1, status: 400, error: { code: -1021, msg: 'Timestamp outside of the recvWindow.' } }),
    ).toBeUndefined();
  });

  describe('acks', () => {
    const subscribe = { method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 'sub-trades' };

    it('should confirm SUBSCRIBE by {"result":null} with its id, and take an error with its id as a refusal', () => {
      const rule = spot.acks?.(subscribe) as AckRule;
      expect(rule.match({ result: null, id: 'sub-trades' })).toBe('ack');
      expect(rule.match({ code: 2, msg: 'Invalid request', id: 'sub-trades' })).toBe('reject');
      expect(rule.match({ result: null, id: 'other' })).toBeUndefined();
      expect(rule.match({ e: 'aggTrade' })).toBeUndefined();
    });

    it('should have no rule for a subscription without an id, nor for other methods', () => {
      expect(spot.acks?.({ method: 'SUBSCRIBE', params: [] })).toBeUndefined();
      expect(spot.acks?.({ method: 'LIST_SUBSCRIPTIONS', id: 1 })).toBeUndefined();
    });
  });

  describe('correlation', () => {
    it('should match WebSocket API replies by id, successes and errors, and read serverTime', () => {
      expect(correlation.stamp({ method: 'time' }, 4)).toEqual({ method: 'time', id: 4 });
      const ok = { id: 4, status: 200, result: { serverTime: 1_700_000_000_000 } };
      const failed = {
        id: 5,
        status: 400,
        error: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
      };
      expect([correlation.idOf(ok), correlation.idOf(failed)]).toEqual([4, 5]);
      expect(correlation.errorOf(ok)).toBeUndefined();
      expect(correlation.errorOf(failed)).toBe('-1021 Timestamp for this request is outside of the recvWindow.');
      expect(correlation.serverTimeOf(ok)).toBe(1_700_000_000_000);
    });

    it('should take stream replies and errors by id, and never a stream event', () => {
      expect(correlation.idOf({ result: ['btcusdt@aggTrade'], id: 3 })).toBe(3);
      expect(correlation.errorOf({ code: 0, msg: 'Unknown property', id: 3 })).toBe('0 Unknown property');
      expect(correlation.idOf({ e: 'aggTrade', a: 3 })).toBeUndefined();
    });
  });

  describe('session.logon', () => {
    it('should log on with the exchange time now, signing the parameters sorted by name', async () => {
      const signed: string[] = [];
      const profile = binanceSpot({
        endpoint: 'api',
        logon: { apiKey: 'KEY', recvWindow: 3000, sign: (payload) => (signed.push(payload), 'SIG') },
      });
      const session = fakeSession<unknown, JsonObject>(1_700_000_000_400.6);
      await profile.handshake?.(session);
      expect(signed).toEqual(['apiKey=KEY&recvWindow=3000&timestamp=1700000000401']);
      expect(session.requested).toEqual([
        {
          method: 'session.logon',
          params: { apiKey: 'KEY', recvWindow: 3000, timestamp: 1_700_000_000_401, signature: 'SIG' },
        },
      ]);
    });

    it('should fail the handshake when the logon is refused', async () => {
      const profile = binanceSpot({ endpoint: 'api', logon: { apiKey: 'KEY', sign: () => 'SIG' } });
      const session = fakeSession<unknown, JsonObject>(1, () => {
        throw new Error('-2015 Invalid API-key');
      });
      await expect(profile.handshake?.(session)).rejects.toThrow('-2015');
    });

    it('should refuse a recvWindow over 60000', () => {
      expect(() =>
        binanceSpot({ endpoint: 'api', logon: { apiKey: 'K', sign: () => '', recvWindow: 60_001 } }),
      ).toThrow(ConfigError);
    });

    it('should not log on the streams endpoint, nor without a key', () => {
      expect(binanceSpot({ logon: { apiKey: 'K', sign: () => '' } }).handshake).toBeUndefined();
      expect(binanceSpot({ endpoint: 'api' }).handshake).toBeUndefined();
    });
  });
});
