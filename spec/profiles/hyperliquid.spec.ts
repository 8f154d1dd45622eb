import { WireData } from '../../src/model/Codec';
import {
  HYPERLIQUID_GREETING,
  HYPERLIQUID_TESTNET_URL,
  HYPERLIQUID_URL,
  hyperliquid,
} from '../../src/profiles/hyperliquid';
import { JsonObject } from '../../src/profiles/JsonObject';
import { AckRule, Correlation } from '../../src/streams/SessionOptions';

const profile = hyperliquid();
const correlation = profile.correlation as Required<Correlation<unknown, JsonObject>>;
const ackOf = (message: JsonObject): AckRule | undefined => profile.acks?.(message);
const trades = { method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } };
const post = (response: JsonObject): JsonObject => ({ channel: 'post', data: { id: 7, response } });

describe('hyperliquid()', () => {
  it('should ping with {"method":"ping"} every 20 s and take {"channel":"pong"} as the pong', () => {
    expect(profile).toMatchObject({
      url: HYPERLIQUID_URL,
      ping: 'app',
      pingMessage: { method: 'ping' },
      heartbeatInterval: '20s',
      heartbeatTimeout: '45s',
    });
    expect(JSON.stringify({ channel: 'pong' })).toContain(profile.pongMatch as string);
    expect(hyperliquid({ testnet: true }).url).toBe(HYPERLIQUID_TESTNET_URL);
  });

  it('should keep under 2000 messages a minute, leaving room for its own pings', () => {
    expect([profile.messageLimit, profile.messageLimitWindow]).toEqual([1980, '66s']);
    expect(profile.subscriptionsPerConnection).toBeUndefined();
  });

  it('should ignore the greeting as text or bytes, and nothing else', () => {
    const ignore = profile.ignoreFrames as (data: WireData) => boolean;
    expect(ignore(HYPERLIQUID_GREETING)).toBe(true);
    expect(ignore(Buffer.from(HYPERLIQUID_GREETING))).toBe(true);
    expect(ignore('{"channel":"pong"}')).toBe(false);
  });

  describe('acks', () => {
    it('should confirm a subscription by the subscriptionResponse that echoes it, extra fields and all', () => {
      const rule = ackOf(trades) as AckRule;
      const echo = {
        channel: 'subscriptionResponse',
        data: { method: 'subscribe', subscription: { ...trades.subscription, x: 1 } },
      };
      expect(rule.match(echo)).toBe('ack');
    });

    it('should not take another subscription’s confirmation or a data message for its own', () => {
      const rule = ackOf(trades) as AckRule;
      const other = {
        channel: 'subscriptionResponse',
        data: { method: 'subscribe', subscription: { type: 'trades', coin: 'ETH' } },
      };
      expect([rule.match(other), rule.match({ channel: 'trades', data: [] }), rule.match('text')]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('should take an error naming the subscription as a refusal, and "Already subscribed" as a confirmation', () => {
      const rule = ackOf(trades) as AckRule;
      expect(rule.match({ channel: 'error', data: 'Invalid subscription {"type":"trades","coin":"BTC"}' })).toBe(
        'reject',
      );
      expect(rule.match({ channel: 'error', data: 'Already subscribed: {"coin":"BTC","type":"trades"}' })).toBe('ack');
      expect(
        rule.match({ channel: 'error', data: 'Invalid subscription {"type":"trades","coin":"ETH"}' }),
      ).toBeUndefined();
      expect(rule.match({ channel: 'error', data: 'Rate limited' })).toBeUndefined();
    });

    it('should have no rule for a message that is not a subscription', () => {
      expect(ackOf({ method: 'post', id: 1, request: {} })).toBeUndefined();
    });
  });

  describe('correlation', () => {
    it('should stamp the id at the top, beside method, as post requests carry it', () => {
      expect(correlation.stamp({ method: 'post', request: { type: 'info' } }, 12)).toEqual({
        method: 'post',
        request: { type: 'info' },
        id: 12,
      });
    });

    it('should read the id of a post reply, and none from other channels', () => {
      expect(correlation.idOf(post({ type: 'info', payload: {} }))).toBe(7);
      expect(correlation.idOf({ channel: 'trades', data: { id: 7 } })).toBeUndefined();
    });

    it('should read an error reply, and an action refused whole, as errors', () => {
      expect(correlation.errorOf(post({ type: 'error', payload: '429 Too Many Requests' }))).toBe(
        '429 Too Many Requests',
      );
      expect(
        correlation.errorOf(post({ type: 'action', payload: { status: 'err', response: 'Insufficient margin' } })),
      ).toBe('Insufficient margin');
      expect(correlation.errorOf(post({ type: 'action', payload: { status: 'ok', response: {} } }))).toBeUndefined();
    });

    it('should read the server time an info reply carries', () => {
      const reply = post({ type: 'info', payload: { type: 'l2Book', data: { coin: 'BTC', time: 1_700_000_000_123 } } });
      expect(correlation.serverTimeOf(reply)).toBe(1_700_000_000_123);
      expect(correlation.serverTimeOf(post({ type: 'action', payload: { status: 'ok' } }))).toBeUndefined();
    });
  });

  it('should have no handshake: Hyperliquid signs each action, there is no login', () => {
    expect(profile.handshake).toBeUndefined();
  });
});
