import { ConfigError } from '../../src/model/ConfigError';
import { BybitChannel, bybit } from '../../src/profiles/bybit';
import { JsonObject } from '../../src/profiles/JsonObject';
import { AckRule, Correlation } from '../../src/streams/SessionOptions';
import { fakeSession } from './fakeSession';

const linear = bybit();
const trade = bybit({ channel: 'trade', credentials: { apiKey: 'KEY', sign: () => 'SIG' } });
const pong = linear.pongMatch as (text: string) => boolean;

describe('bybit()', () => {
  it('should ping with {"op":"ping"} every 20 s and know both pong shapes', () => {
    expect(linear).toMatchObject({ ping: 'app', pingMessage: { op: 'ping' }, heartbeatInterval: '20s' });
    expect(pong('{"success":true,"ret_msg":"pong","conn_id":"c","op":"ping"}')).toBe(true);
    expect(pong('{"req_id":"1","op":"pong","args":["1675418560633"],"conn_id":"c"}')).toBe(true);
    expect(pong('{"topic":"tickers.BTCUSDT","data":{}}')).toBe(false);
  });

  it('should budget 500 connections in any 5 minutes', () => {
    expect([linear.connectLimit, linear.connectLimitWindow]).toEqual([500, '5.5m']);
  });

  it.each<[BybitChannel, string]>([
    ['linear', 'wss://stream.bybit.com/v5/public/linear'],
    ['spot', 'wss://stream.bybit.com/v5/public/spot'],
    ['private', 'wss://stream.bybit.com/v5/private'],
    ['trade', 'wss://stream.bybit.com/v5/trade'],
  ])('should connect the %s channel to %s', (channel, url) => {
    expect(bybit({ channel }).url).toBe(url);
  });

  it('should refuse an unknown channel', () => {
    expect(() => bybit({ channel: 'futures' as BybitChannel })).toThrow(ConfigError);
  });

  describe('auth', () => {
    it('should sign GET/realtime with expires ahead of the exchange time, fresh on every connect', async () => {
      const signed: string[] = [];
      const profile = bybit({
        channel: 'private',
        expiresIn: 5000,
        credentials: { apiKey: 'KEY', sign: (payload) => (signed.push(payload), `sig(${payload})`) },
      });
      for (const now of [1_000_000, 1_060_000]) await profile.handshake?.(fakeSession<unknown, JsonObject>(now));
      expect(signed).toEqual(['GET/realtime1005000', 'GET/realtime1065000']);
    });

    it('should send the auth as a request, so its reply (by req_id) settles it', async () => {
      const session = fakeSession<unknown, JsonObject>(2_000);
      await trade.handshake?.(session);
      expect(session.requested).toEqual([{ op: 'auth', args: ['KEY', 12_000, 'SIG'] }]);
    });

    it('should not authenticate public channels', () => {
      expect(bybit({ credentials: { apiKey: 'K', sign: () => '' } }).handshake).toBeUndefined();
    });

    it('should end on an invalid key, and not on other auth failures', () => {
      expect(trade.fatalOn?.({ op: 'auth', retCode: 10003, retMsg: 'API key is invalid.' })).toMatch(/10003/);
      expect(linear.fatalOn?.({ op: 'auth', success: false, ret_msg: 'Invalid apikey' })).toMatch(/Invalid apikey/);
      expect(trade.fatalOn?.({ op: 'auth', retCode: 10001, retMsg: 'param error' })).toBeUndefined();
    });
  });

  describe('correlation', () => {
    it('should stamp req_id on stream sockets and reqId on the trade socket, as strings', () => {
      const stream = linear.correlation as Required<Correlation<unknown, JsonObject>>;
      const orders = trade.correlation as Required<Correlation<unknown, JsonObject>>;
      expect(stream.stamp({ op: 'auth' }, 3)).toEqual({ op: 'auth', req_id: '3' });
      expect(orders.stamp({ op: 'order.create' }, 3)).toEqual({ op: 'order.create', reqId: '3' });
      expect(stream.idOf({ success: true, ret_msg: '', op: 'auth', req_id: '3' })).toBe(3);
      expect(orders.idOf({ reqId: '3', retCode: 0, retMsg: 'OK', op: 'order.create' })).toBe(3);
    });

    it('should read refusals in both reply shapes, and the trade reply’s server time', () => {
      const orders = trade.correlation as Required<Correlation<unknown, JsonObject>>;
      expect(orders.errorOf({ success: false, ret_msg: 'Params Error', op: 'auth' })).toBe('Params Error');
      expect(orders.errorOf({ reqId: '1', retCode: 110007, retMsg: 'ab not enough for new order' })).toBe(
        '110007 ab not enough for new order',
      );
      expect(orders.errorOf({ reqId: '1', retCode: 0, retMsg: 'OK' })).toBeUndefined();
      expect(orders.serverTimeOf({ reqId: '1', retCode: 0, header: { Timenow: '1711010121452' } })).toBe(
        1_711_010_121_452,
      );
    });
  });

  describe('acks', () => {
    it('should match a subscription by its req_id when it has one', () => {
      const rule = linear.acks?.({ op: 'subscribe', req_id: 'book', args: ['orderbook.1.BTCUSDT'] }) as AckRule;
      expect(rule.match({ success: true, ret_msg: '', op: 'subscribe', req_id: 'book' })).toBe('ack');
      expect(rule.match({ success: true, ret_msg: '', op: 'subscribe', req_id: 'other' })).toBeUndefined();
      expect(rule.match({ success: false, ret_msg: 'error:handler not found', op: 'subscribe', req_id: 'book' })).toBe(
        'reject',
      );
    });

    it('should match one without req_id by a refusal naming its topic', () => {
      const rule = linear.acks?.({ op: 'subscribe', args: ['tickers.NOPE'] }) as AckRule;
      expect(rule.match({ success: false, ret_msg: 'Invalid topic: tickers.NOPE', op: 'subscribe' })).toBe('reject');
      expect(rule.match({ success: false, ret_msg: 'Invalid topic: tickers.OTHER', op: 'subscribe' })).toBeUndefined();
      expect(rule.match({ success: true, ret_msg: '', op: 'subscribe' })).toBe('ack');
    });
  });
});
