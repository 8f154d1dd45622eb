import { WireData } from '../../src/model/Codec';
import { ConfigError } from '../../src/model/ConfigError';
import { ExitCode } from '../../src/cli/ExitCode';
import { exchangeSettings } from '../../src/cli/exchangeSettings';
import { main } from '../../src/cli/main';
import { monitorSettings } from '../../src/cli/monitor';
import { AckRule } from '../../src/streams/SessionOptions';

const URL = 'ws://127.0.0.1:1/ws';

describe('lifeline monitor --exchange', () => {
  describe('exchangeSettings', () => {
    it('should take the profile’s settings, and no option connect() does not know', () => {
      const { config } = exchangeSettings('okx');
      expect(config).toMatchObject({ ping: 'app', pingMessage: 'ping', heartbeatInterval: '20s', connectLimit: 3 });
      expect(Object.keys(config)).not.toContain('url');
    });

    it('should refuse an unknown exchange, naming the ones there are', () => {
      const error = (() => {
        try {
          exchangeSettings('kraken');
        } catch (thrown) {
          return thrown as ConfigError;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.allowed).toBe('hyperliquid, binance-spot, binance-futures, bybit, okx');
    });

    it('should read the acks, notices and fatal errors of the profile over the monitor’s text frames', () => {
      const { session } = exchangeSettings('okx');
      const rule = session.acks?.(
        '{"op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT"}]}',
      ) as AckRule<WireData>;
      expect(rule.match('{"event":"subscribe","arg":{"channel":"tickers","instId":"BTC-USDT"},"connId":"c"}')).toBe(
        'ack',
      );
      expect(rule.match('pong')).toBeUndefined();
      expect(session.acks?.('not json')).toBeUndefined();
      expect(session.reconnectOn?.('{"event":"notice","code":"64008","msg":"upgrade"}')).toMatch(/64008/);
      expect(session.fatalOn?.(Buffer.from('{"event":"error","code":"60005","msg":"Invalid apiKey"}'))).toMatch(
        /60005/,
      );
      expect((session.ignoreFrames as (data: WireData) => boolean)('pong')).toBe(true);
    });
  });

  describe('monitorSettings', () => {
    it('should apply the profile, serialising its ping for the raw text socket', () => {
      const settings = monitorSettings([URL], { exchange: 'hyperliquid' });
      expect(settings.exchange).toBe('hyperliquid');
      expect(settings.config).toMatchObject({ ping: 'app', heartbeatInterval: 20_000, messageLimit: 1980 });
      expect(settings.input.pingMessage).toBe('{"method":"ping"}');
      expect(settings.session?.ignoreFrames).toBeDefined();
    });

    it('should let the flags the user typed override the profile', () => {
      const settings = monitorSettings([URL], { exchange: 'okx', heartbeatInterval: '5s', pingMessage: 'hello' });
      expect(settings.config.heartbeatInterval).toBe(5000);
      expect(settings.config.heartbeatTimeout).toBe(40_000);
      expect(settings.input.pingMessage).toBe('hello');
    });

    it('should leave everything as it was without --exchange', () => {
      const settings = monitorSettings([URL], {});
      expect([settings.exchange, settings.session, settings.config.ping]).toEqual([undefined, undefined, 'ws']);
    });
  });

  it('should exit 2 for an unknown exchange, listing the names', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['monitor', '--exchange', 'kraken', URL], {
      stdout: { write: (text) => out.push(text) > 0 },
      stderr: { write: (text) => err.push(text) > 0 },
    });
    expect(code).toBe(ExitCode.Usage);
    expect(err.join('')).toContain(
      'invalid --exchange: "kraken" (allowed: hyperliquid, binance-spot, binance-futures, bybit, okx)',
    );
  });

  it('should list the exchanges in the help', async () => {
    const out: string[] = [];
    await main(['monitor', '--help'], {
      stdout: { write: (text) => out.push(text) > 0 },
      stderr: { write: () => true },
    });
    expect(out.join('').replace(/\s+/g, ' ')).toContain(
      '--exchange <name> apply an exchange profile (hyperliquid, binance-spot, binance-futures, bybit, okx)',
    );
  });
});
