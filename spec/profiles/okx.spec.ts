import { WireData } from '../../src/model/Codec';
import { SessionError } from '../../src/model/SessionError';
import { JsonObject } from '../../src/profiles/JsonObject';
import { okx } from '../../src/profiles/okx';
import { defaultShouldRetry } from '../../src/streams/defaultShouldRetry';
import { AckRule, Correlation } from '../../src/streams/SessionOptions';
import { fakeSession } from './fakeSession';

const profile = okx();
const correlation = profile.correlation as Required<Correlation<unknown, JsonObject>>;
const credentials = { apiKey: 'KEY', passphrase: 'PASS', sign: (payload: string) => `sig(${payload})` };
const tickers = {
  op: 'subscribe',
  args: [
    { channel: 'tickers', instId: 'BTC-USDT' },
    { channel: 'tickers', instId: 'ETH-USDT' },
  ],
};

describe('okx()', () => {
  it('should ping with the text "ping" every 20 s, take "pong" as the pong and ignore a stray one', () => {
    expect(profile).toMatchObject({
      ping: 'app',
      pingMessage: 'ping',
      heartbeatInterval: '20s',
      heartbeatTimeout: '40s',
    });
    expect((profile.pongMatch as (text: string) => boolean)('pong')).toBe(true);
    const ignore = profile.ignoreFrames as (data: WireData) => boolean;
    expect([ignore('pong'), ignore(Buffer.from('pong')), ignore('{"event":"pong"}')]).toEqual([true, true, false]);
  });

  it('should budget 3 connections a second, and 480 requests an hour except on the private socket', () => {
    expect([profile.connectLimit, profile.connectLimitWindow]).toEqual([3, '1100ms']);
    expect([profile.messageLimit, profile.messageLimitWindow]).toEqual([480, '1.1h']);
    expect(okx({ channel: 'private' }).messageLimit).toBeUndefined();
  });

  it('should connect on port 443 to the channel, or to demo trading', () => {
    expect(profile.url).toBe('wss://ws.okx.com/ws/v5/public');
    expect(okx({ channel: 'private', demo: true }).url).toBe('wss://wspap.okx.com/ws/v5/private');
  });

  it('should reconnect on notice 64008 and end on an invalid key', () => {
    const notice = {
      event: 'notice',
      code: '64008',
      msg: 'The connection will soon be closed for a service upgrade. Please reconnect.',
    };
    expect(profile.reconnectOn?.(notice)).toMatch(/64008/);
    expect(profile.reconnectOn?.({ event: 'subscribe', arg: {} })).toBeUndefined();
    expect(profile.fatalOn?.({ event: 'error', code: '60005', msg: 'Invalid apiKey' })).toMatch(/60005/);
    expect(profile.fatalOn?.({ event: 'error', code: '60006', msg: 'Timestamp request expired' })).toBeUndefined();
  });

  describe('login', () => {
    it('should not log in on the public socket, which refuses it', () => {
      expect(okx({ credentials }).handshake).toBeUndefined();
    });

    it('should sign the exchange time in seconds, then wait for the login reply', async () => {
      const session = fakeSession<unknown, JsonObject>(1_700_000_009_999);
      const done = okx({ channel: 'private', credentials }).handshake?.(session) as Promise<void>;
      await Promise.resolve();
      expect(session.sent).toEqual([
        {
          op: 'login',
          args: [
            {
              apiKey: 'KEY',
              passphrase: 'PASS',
              timestamp: '1700000009',
              sign: 'sig(1700000009GET/users/self/verify)',
            },
          ],
        },
      ]);
      session.inbound.next({ event: 'login', code: '0', msg: '', connId: 'c' });
      await expect(done).resolves.toBeUndefined();
    });

    it('should fail the handshake when the login is refused', async () => {
      const session = fakeSession<unknown, JsonObject>(1_700_000_000_000);
      const done = okx({ channel: 'business', credentials }).handshake?.(session) as Promise<void>;
      await Promise.resolve();
      session.inbound.next({ event: 'error', code: '60006', msg: 'Timestamp request expired', connId: 'c' });
      await expect(done).rejects.toThrow('60006');
    });

    it.each([
      ['60007', 'Invalid sign'],
      ['60006', 'Timestamp request expired'],
    ])(
      'should fail the handshake on login refusal %s so that defaultShouldRetry does not retry it',
      async (code, msg) => {
        const session = fakeSession<unknown, JsonObject>(1_700_000_000_000);
        const done = okx({ channel: 'private', credentials }).handshake?.(session) as Promise<void>;
        await Promise.resolve();
        session.inbound.next({ event: 'error', code, msg, connId: 'c' });
        const error = await (done as Promise<unknown>).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionError);
        expect(error).toMatchObject({
          step: 'handshake',
          rejected: true,
          message: `OKX login refused: ${code} ${msg}`,
        });
        expect(defaultShouldRetry(error)).toBe(false);
      },
    );
  });

  describe('correlation', () => {
    it('should stamp a string id, read it back as the number, and stamp expTime at write time', () => {
      expect(correlation.stamp({ op: 'order', args: [] }, 9)).toEqual({ op: 'order', args: [], id: '9' });
      expect(correlation.idOf({ id: '9', op: 'order', code: '0', msg: '', data: [] })).toBe(9);
      expect(correlation.idOf({ arg: { channel: 'tickers' }, data: [] })).toBeUndefined();
      expect(correlation.stampDeadline({ op: 'order', id: '9' }, 1_700_000_000_500.7)).toEqual({
        op: 'order',
        id: '9',
        expTime: '1700000000500',
      });
    });

    it('should read an order refusal with its detail, and the server time from outTime in µs', () => {
      const refused = {
        id: '9',
        op: 'order',
        code: '1',
        msg: 'Operation failed.',
        data: [{ sCode: '51008', sMsg: 'Insufficient balance' }],
      };
      expect(correlation.errorOf(refused)).toBe('1 Operation failed.: Insufficient balance');
      expect(correlation.errorOf({ id: '9', op: 'order', code: '0', msg: '', data: [] })).toBeUndefined();
      expect(correlation.serverTimeOf({ id: '9', op: 'order', code: '0', outTime: '1700000000123456' })).toBe(
        1_700_000_000_123.456,
      );
    });
  });

  describe('acks', () => {
    it('should confirm a subscription by the reply to its last argument, asked once or twice', () => {
      const rule = profile.acks?.(tickers) as AckRule;
      const first = { event: 'subscribe', arg: { channel: 'tickers', instId: 'BTC-USDT' }, connId: 'c' };
      const last = { event: 'subscribe', arg: { instId: 'ETH-USDT', channel: 'tickers' }, connId: 'c' };
      expect([rule.match(first), rule.match(last), rule.match(last)]).toEqual([undefined, 'ack', 'ack']);
    });

    it('should take an error quoting its channel as a refusal', () => {
      const rule = profile.acks?.({ op: 'subscribe', args: [{ channel: 'nope', instId: 'BTC-USDT' }] }) as AckRule;
      expect(
        rule.match({ event: 'error', code: '60018', msg: "Wrong URL or channel:nope,instId:BTC-USDT doesn't exist." }),
      ).toBe('reject');
      expect(rule.match({ event: 'error', code: '60018', msg: 'channel:other' })).toBeUndefined();
    });
  });
});
